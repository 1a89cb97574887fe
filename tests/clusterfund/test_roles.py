import pytest
from django.urls import reverse

from clusterfund.roles import Role

ALL_ROLES = list(Role)


@pytest.mark.parametrize(
    ("role", "perm", "allowed"),
    [(role, "clusterfund.view_audit_log", role != Role.APPLICANT) for role in ALL_ROLES]
    + [(role, "clusterfund.view_admin_site", role in {Role.ADMINISTRATOR, Role.SECRETARIAT}) for role in ALL_ROLES],
)
def test_role_permissions(make_user, role, perm, allowed):
    assert make_user(role).has_perm(perm) is allowed


def test_user_without_role_has_no_staff_permission(make_user):
    assert not make_user().has_perm("clusterfund.view_audit_log")


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
