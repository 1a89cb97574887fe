"""The portal's authentication backend: a signed-in request's user comes with their roles from one query."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterfund.backends import PortalBackend
from clusterfund.roles import Role, roles_of
from clusterfund.services_users import user_access_set

ROLE_SETS = [(), (Role.APPLICANT,), (Role.SECRETARIAT, Role.UFM), tuple(Role)]


@pytest.mark.parametrize("roles", ROLE_SETS, ids=lambda roles: "+".join(roles) or "none")
def test_the_user_comes_with_exactly_their_roles_from_one_query(make_user, roles):
    user = make_user(*roles)
    with CaptureQueriesContext(connection) as queries:
        loaded = PortalBackend().get_user(user.pk)
        held = roles_of(loaded)
    assert loaded == user
    assert held == {role.value for role in roles}
    assert len(queries) == 1


def test_a_group_that_is_no_role_is_not_a_role(make_user):
    from django.contrib.auth.models import Group

    user = make_user(Role.UFM)
    user.groups.add(Group.objects.create(name="book club"))
    assert roles_of(PortalBackend().get_user(user.pk)) == {Role.UFM.value}


def test_an_inactive_or_unknown_user_is_nobody(make_user):
    inactive = make_user(Role.SECRETARIAT, is_active=False)
    assert PortalBackend().get_user(inactive.pk) is None
    assert PortalBackend().get_user(inactive.pk + 1000) is None


@pytest.mark.parametrize("role", list(Role))
def test_a_page_asks_neither_roles_nor_model_permissions_in_queries_of_their_own(client, make_user, role):
    """The start page asks a permission each role is refused (ModelBackend used to look it up: 2 queries)."""
    client.force_login(make_user(role))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("start")).status_code == 200
    sql = [q["sql"] for q in queries]
    assert len([q for q in sql if "group_names" in q]) == 1  # the user, with their groups' names
    assert not [q for q in sql if '"auth_permission"' in q or ('"auth_group"' in q and "group_names" not in q)]


def test_the_model_permissions_names_are_those_migrate_created(db):
    from django.contrib.auth.models import Permission

    from clusterfund.backends import model_permission_names

    stored = {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")}
    assert len(stored) > 50
    assert model_permission_names() == stored


def test_model_permissions_still_count_for_the_admin(make_user):
    from django.contrib.auth.models import Group, Permission

    clerk = make_user(Role.SECRETARIAT, is_staff=True)
    group = Group.objects.get(name=Role.SECRETARIAT.value)
    group.permissions.add(Permission.objects.get(codename="view_call", content_type__app_label="applications"))
    clerk = PortalBackend().get_user(clerk.pk)
    assert clerk.has_perm("applications.view_call")
    assert not clerk.has_perm("applications.change_call")
    assert not clerk.has_perm("allocation.record_selection")


def test_a_name_both_rules_and_model_permission_still_asks_the_model_permissions(make_user):
    """`applications.view_application` is a rules.py permission and the admin's model permission."""
    from django.contrib.auth.models import Group, Permission

    clerk = make_user(Role.UFM, is_staff=True)
    assert not PortalBackend().get_user(clerk.pk).has_perm("applications.view_application")
    group = Group.objects.get(name=Role.UFM.value)
    group.permissions.add(Permission.objects.get(codename="view_application"))
    assert PortalBackend().get_user(clerk.pk).has_perm("applications.view_application")


def test_a_role_taken_away_counts_from_the_next_request(client, make_user):
    administrator = make_user(Role.ADMINISTRATOR)
    person = make_user(Role.SECRETARIAT)
    client.force_login(person)
    assert client.get(reverse("staff_index")).status_code == 200
    user_access_set(user=person, roles=[Role.APPLICANT], is_active=True, by=administrator)
    assert client.get(reverse("staff_index")).status_code == 403
    user_access_set(user=person, roles=[Role.APPLICANT], is_active=False, by=administrator)
    assert client.get(reverse("staff_index")).status_code == 302  # logged out: to the login page


def test_logging_in_keeps_the_backend_that_reads_the_roles(client, make_user):
    user = make_user(Role.APPLICANT, email="login-backend@example.org")
    user.set_password("a long enough pass phrase")
    user.save()
    response = client.post(reverse("login"), {"username": user.email, "password": "a long enough pass phrase"})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "clusterfund.backends.PortalBackend"
    assert get_user_model().objects.get(pk=client.session["_auth_user_id"]) == user


def test_on_another_database_the_user_and_roles_come_as_modelbackend_reads_them(make_user, monkeypatch):
    from clusterfund import backends

    assert backends._user_with_groups_sql("oracle") is None
    user = make_user(Role.SUBCOMMITTEE_CHAIR)
    monkeypatch.setattr(backends, "_user_with_groups_sql", lambda vendor: None)
    loaded = PortalBackend().get_user(user.pk)
    assert loaded == user
    assert roles_of(loaded) == {Role.SUBCOMMITTEE_CHAIR.value}
