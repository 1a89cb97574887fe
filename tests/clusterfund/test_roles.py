import pytest
from django.urls import reverse

from clusterfund.roles import Role

ALL_ROLES = list(Role)


@pytest.mark.parametrize(
    ("role", "perm", "allowed"),
    [(role, "clusterfund.browse_audit_log", role in {Role.ADMINISTRATOR, Role.SECRETARIAT}) for role in ALL_ROLES]
    + [(role, "clusterfund.use_administration", role in {Role.ADMINISTRATOR, Role.SECRETARIAT}) for role in ALL_ROLES],
)
def test_role_permissions(make_user, role, perm, allowed):
    assert make_user(role).has_perm(perm) is allowed


def test_user_without_role_has_no_staff_permission(make_user):
    assert not make_user().has_perm("clusterfund.browse_audit_log")


def test_start_page_requires_login(client, db):
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.APPLICANT, "Mine organisationer"),
        (Role.SECRETARIAT, "Opslag"),
        (Role.UFM, "Opslag"),
        (Role.SUBCOMMITTEE_MEMBER, "Opslag"),
        (Role.SUBCOMMITTEE_CHAIR, "Opslag"),
        (Role.ADMINISTRATOR, "Opslag"),
    ],
)
def test_start_page_per_role(client_as, demo, role, expected):
    html = client_as(role).get(reverse("start")).content.decode()
    assert expected in html
    assert str(role.label) in html or role.value in html or "Ansøger" in html


def test_login_with_email_and_lockout_after_repeated_failures(client, demo):
    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": "ansoeger@klyngeportalen.example", "password": "wrong"})
    response = client.post(url, {"username": "ansoeger@klyngeportalen.example", "password": "demo-Klynge-2020"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_with_email_is_case_insensitive(client, demo):
    response = client.post(
        reverse("login"), {"username": "Ansoeger@Klyngeportalen.example", "password": "demo-Klynge-2020"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("start")


@pytest.mark.parametrize(("role", "sees_organisations"), [(role, role == Role.SECRETARIAT) for role in ALL_ROLES])
def test_the_menu_asks_the_permissions_not_the_roles(client, make_user, role, sees_organisations):
    user = make_user(role)
    client.force_login(user)
    html = client.get(reverse("start")).content.decode()
    assert (reverse("applications:organisation_list") in html) is sees_organisations
    assert reverse("admin:index") not in html  # only Django's staff flag admits to the technical administration
    user.is_staff = True
    user.save()
    assert make_user(role).has_perm("clusterfund.use_admin_site") is False
    assert user.has_perm("clusterfund.use_admin_site") is True
    assert reverse("admin:index") in client.get(reverse("start")).content.decode()
