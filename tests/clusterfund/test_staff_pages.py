"""The administration's own pages: its start, users and roles (administrator), the audit log (read-only)."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from clusterfund.models import EMAIL_TAKEN, AuditEvent, OutboxMessage, User
from clusterfund.roles import Role, roles_of
from clusterfund.services import audit_record
from clusterfund.services_users import user_access_set, user_create, user_invitation_resend

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
ROLES = [role.value for role in Role]
EXPECTED = {
    "staff_index": {"administrator", "secretariat"},
    "staff_users": {"administrator"},
    "staff_audit_log": {"administrator", "secretariat"},
}


@pytest.fixture(autouse=True)
def english():
    """Assert on the English msgids (the services' messages follow the active language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def administrator(make_user):
    return make_user("administrator")


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    client.cookies["django_language"] = "en"
    return client


# --- services -------------------------------------------------------------------------------------


def test_grant_and_revoke_roles_audited(administrator, make_user):
    person = make_user("applicant")
    changes = user_access_set(user=person, roles=["secretariat", "ufm"], is_active=True, by=administrator)
    assert changes == {"added": ["secretariat", "ufm"], "removed": ["applicant"], "active": []}
    person._role_cache = None
    assert roles_of(person) == {"secretariat", "ufm"}
    event = AuditEvent.objects.for_object(person).get()
    assert event.action == "user.access" and event.actor == administrator
    assert event.before == {"roles": ["applicant"], "is_active": True}
    assert event.after == {"roles": ["secretariat", "ufm"], "is_active": True}


def test_deactivate_is_audited_and_nothing_changed_writes_nothing(administrator, make_user):
    person = make_user("ufm")
    user_access_set(user=person, roles=["ufm"], is_active=True, by=administrator)
    assert not AuditEvent.objects.exists()
    user_access_set(user=person, roles=["ufm"], is_active=False, by=administrator)
    person.refresh_from_db()
    assert not person.is_active
    assert AuditEvent.objects.get().after["is_active"] is False


@pytest.mark.parametrize("role", ["applicant", "secretariat", "ufm", "subcommittee_member", "subcommittee_chair"])
def test_only_the_administrator_changes_access(make_user, role):
    person = make_user("applicant")
    with pytest.raises(PermissionDenied):
        user_access_set(user=person, roles=["administrator"], is_active=True, by=make_user(role))
    person._role_cache = None
    assert roles_of(person) == {"applicant"}


@pytest.mark.parametrize(
    ("roles", "active", "message"),
    [(["secretariat"], True, "own administrator role"), (["administrator"], False, "deactivate yourself")],
)
def test_an_administrator_cannot_lock_themselves_out(administrator, roles, active, message):
    with pytest.raises(ValidationError, match=message):
        user_access_set(user=administrator, roles=roles, is_active=active, by=administrator)
    administrator.refresh_from_db()
    administrator._role_cache = None
    assert administrator.is_active and roles_of(administrator) == {"administrator"}


def test_a_superuser_is_changed_only_by_a_superuser(administrator, make_user):
    boss = make_user(is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError, match="superuser"):
        user_access_set(user=boss, roles=[], is_active=False, by=administrator)


def test_unknown_roles_are_refused(administrator, make_user):
    with pytest.raises(ValidationError, match="Unknown role"):
        user_access_set(user=make_user(), roles=["superhero"], is_active=True, by=administrator)


# --- pages: role x action -------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, make_user):
    person = make_user()
    for url in [*(reverse(name) for name in EXPECTED), reverse("staff_user", args=[person.pk])]:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_by_role(client, make_user, role):
    person = make_user("applicant")
    client.force_login(make_user(role))
    for name, allowed in EXPECTED.items():
        assert client.get(reverse(name)).status_code == (200 if role in allowed else 403), name
    detail = reverse("staff_user", args=[person.pk])
    assert client.get(detail).status_code == (200 if role == "administrator" else 403)
    if role != "administrator":
        assert client.post(detail, {"roles": ["administrator"], "is_active": "on"}).status_code == 403
        person._role_cache = None
        assert roles_of(person) == {"applicant"}


def test_read_only_pages_refuse_post(admin_client):
    for name in ("staff_index", "staff_users", "staff_audit_log"):
        assert admin_client.post(reverse(name)).status_code == 405


def test_unknown_user_is_404(admin_client):
    assert admin_client.get(reverse("staff_user", args=[999999])).status_code == 404


def test_grant_a_role_through_the_page(admin_client, make_user):
    person = make_user("applicant")
    url = reverse("staff_user", args=[person.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="roles" value="applicant"' in page and "checked" in page
    response = admin_client.post(url, {"roles": ["applicant", "ufm"], "is_active": "on"})
    assert response.status_code == 302
    person._role_cache = None
    assert roles_of(person) == {"applicant", "ufm"}
    assert "user.access" in admin_client.get(url).content.decode()


def test_own_lockout_is_refused_on_the_page(admin_client, administrator):
    response = admin_client.post(reverse("staff_user", args=[administrator.pk]), {"roles": [], "is_active": "on"})
    assert response.status_code == 422
    assert "own administrator role" in response.content.decode()


def test_bad_role_on_the_page_is_refused(admin_client, make_user):
    person = make_user()
    response = admin_client.post(reverse("staff_user", args=[person.pk]), {"roles": ["x\x00"], "is_active": "on"})
    assert response.status_code == 422


def test_user_search_and_role_filter(admin_client, make_user):
    make_user("ufm", email="ulla@ufm.example", full_name="Ulla Hansen")
    make_user("secretariat", email="soeren@erst.example", full_name="Søren Jensen")
    page = admin_client.get(reverse("staff_users"), {"q": "hansen"}).content.decode()
    assert "ulla@ufm.example" in page and "soeren@erst.example" not in page
    page = admin_client.get(reverse("staff_users"), {"role": "secretariat"}).content.decode()
    assert "soeren@erst.example" in page and "ulla@ufm.example" not in page
    assert admin_client.get(reverse("staff_users"), {"role": "nonsense", "side": "x"}).status_code == 200


def test_user_list_costs_the_same_for_few_and_many(admin_client, make_user, django_assert_num_queries):
    make_user("ufm")
    admin_client.get(reverse("staff_users"))
    with django_assert_num_queries(5) as few:
        admin_client.get(reverse("staff_users"))
    for _n in range(30):
        make_user("applicant", "ufm")
    with django_assert_num_queries(len(few.captured_queries)):
        response = admin_client.get(reverse("staff_users"))
    assert response.content.decode().count('<tr id="user-') == 32


# --- the audit log --------------------------------------------------------------------------------


def test_audit_log_filters_by_action_actor_object_and_date(admin_client, administrator, make_user):
    other = make_user("secretariat", email="anden@erst.example", full_name="Anden Person")
    audit_record(actor=administrator, action="call.create", obj=other, after={"title": "A"})
    audit_record(actor=other, action="frame.update", before={"amount": 1}, after={"amount": 2})
    AuditEvent.objects.create(at=dt.datetime(2020, 5, 15, 23, 30, tzinfo=CPH), actor_label="gammel", action="old")
    url = reverse("staff_audit_log")
    page = admin_client.get(url, {"action": "frame.update"}).content.decode()
    assert "frame.update" in page and "<code>call.create</code>" not in page
    page = admin_client.get(url, {"actor": "anden@"}).content.decode()
    assert "<code>frame.update</code>" in page and "<code>call.create</code>" not in page
    page = admin_client.get(url, {"obj": "anden"}).content.decode()
    assert "<code>call.create</code>" in page and "<code>frame.update</code>" not in page
    # 23:30 Danish time on 15 May 2020 is 21:30 UTC: still the 15th in Denmark
    page = admin_client.get(url, {"date_from": "2020-05-15", "date_to": "2020-05-15"}).content.decode()
    assert "<code>old</code>" in page and "<code>frame.update</code>" not in page
    page = admin_client.get(url, {"date_from": "2020-05-16", "date_to": "2020-05-16"}).content.decode()
    assert "<code>old</code>" not in page


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "0001-01-01"},
        {"date_to": "9999-12-31"},
        {"date_from": "i går"},
        {"action": "no.such.action"},
        {"side": "999"},
    ],
)
def test_audit_log_garbage_filters_are_no_server_error(admin_client, administrator, query):
    audit_record(actor=administrator, action="call.create")
    assert admin_client.get(reverse("staff_audit_log"), query).status_code == 200


def test_audit_log_refuses_a_nul_in_its_filter_with_the_bad_request_page(admin_client, administrator):
    # RefuseNulInQueryMiddleware: PostgreSQL cannot compare text with a NUL, so no page is asked to.
    assert admin_client.get(reverse("staff_audit_log"), {"obj": "x\x00"}).status_code == 400


def test_audit_log_is_paginated_and_costs_the_same_per_page(admin_client, administrator, django_assert_num_queries):
    for n in range(3):
        audit_record(actor=administrator, action="call.update", obj=administrator, after={"n": n})
    url = reverse("staff_audit_log")
    admin_client.get(url)
    with django_assert_num_queries(6) as few:  # 5, and 1 for the events' objects (their links)
        admin_client.get(url)
    for n in range(120):
        audit_record(actor=administrator, action="call.update", obj=administrator, after={"n": n})
    with django_assert_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)
    page = response.content.decode()
    assert page.count('<tr id="event-') == 50
    assert "Page 1 of 3" in page
    last = admin_client.get(url, {"action": "call.update", "side": "3"}).content.decode()
    assert last.count('<tr id="event-') == 23


# --- a new user, invited by e-mail ----------------------------------------------------------------

BASE = "https://portal.example"


def invitation_link(body: str) -> str:
    """Return the password-setting link of an invitation e-mail."""
    match = re.search(r"https://portal\.example(/konto/adgangskode/nulstil/[^/\s]+/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def test_create_a_user_without_password_with_roles_audited_and_invited_in_danish(
    administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = user_create(
            full_name=" Ulla Hansen ",
            email="Ulla.Hansen@UFM.example",
            roles=["ufm", "secretariat"],
            by=administrator,
            base_url=BASE,
        )
    person.refresh_from_db()
    person._role_cache = None
    assert person.email == "ulla.hansen@ufm.example" and person.full_name == "Ulla Hansen"
    assert person.is_active and not person.has_usable_password()
    assert roles_of(person) == {"ufm", "secretariat"}
    event = AuditEvent.objects.for_object(person).get()
    assert event.action == "user.create" and event.actor == administrator
    assert event.after["roles"] == ["secretariat", "ufm"] and event.after["email"] == "ulla.hansen@ufm.example"
    message = OutboxMessage.objects.get()
    assert message.task == "clusterfund.tasks.send_email_task" and message.done_at is not None
    assert [m.to for m in mail.outbox] == [["ulla.hansen@ufm.example"]]
    assert mail.outbox[0].subject == "Din konto på Klyngeportalen: vælg en adgangskode"
    assert "Kære Ulla Hansen" in mail.outbox[0].body and "vælge din adgangskode" in mail.outbox[0].body


def test_the_invitation_link_sets_the_password_once(administrator, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        person = user_create(full_name="Ny", email="ny@erst.example", roles=[], by=administrator, base_url=BASE)
    link = invitation_link(mail.outbox[0].body)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    password = "en-lang-og-god-adgangskode-42"
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(password)
    # used once: the same link no longer works
    response = client.get(link, follow=True)
    assert response.context["validlink"] is False
    response = client.post(reverse("login"), {"username": "NY@erst.example", "password": password})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == person.pk


def test_an_english_invitation(administrator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_create(full_name="Jo", email="jo@x.example", roles=[], by=administrator, base_url=BASE, language="en")
    assert mail.outbox[0].subject == "Your account on Klyngeportalen: choose a password"
    assert "Dear Jo," in mail.outbox[0].body


@pytest.mark.parametrize("email", ["Karen@Erst.example", "karen@erst.example", " KAREN@ERST.EXAMPLE "])
def test_create_refuses_an_address_taken_in_any_case(administrator, make_user, email):
    make_user("applicant", email="karen@erst.example")
    with pytest.raises(ValidationError) as refused:
        user_create(full_name="Karen", email=email, roles=["ufm"], by=administrator, base_url=BASE)
    assert refused.value.message_dict == {"email": [str(EMAIL_TAKEN)]}
    assert User.objects.filter(email__iexact="karen@erst.example").count() == 1
    assert not AuditEvent.objects.filter(action="user.create").exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("role", ["applicant", "secretariat", "ufm", "subcommittee_member", "subcommittee_chair"])
def test_only_the_administrator_creates_users(make_user, role):
    with pytest.raises(PermissionDenied):
        user_create(full_name="X", email="x@x.example", roles=["administrator"], by=make_user(role), base_url=BASE)
    assert not User.objects.filter(email="x@x.example").exists()


def test_create_refuses_unknown_roles(administrator):
    with pytest.raises(ValidationError, match="Unknown role"):
        user_create(full_name="X", email="x@x.example", roles=["superhero"], by=administrator, base_url=BASE)
    assert not User.objects.filter(email="x@x.example").exists()


def test_resend_an_invitation_only_before_a_password_is_chosen(
    administrator, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = user_create(full_name="Ny", email="ny@erst.example", roles=[], by=administrator, base_url=BASE)
        user_invitation_resend(user=person, by=administrator, base_url=BASE, language="en")
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("Your account")
    assert AuditEvent.objects.filter(action="user.invitation_resend", object_id=str(person.pk)).count() == 1
    with pytest.raises(ValidationError, match="already chosen a password"):
        user_invitation_resend(user=make_user("ufm"), by=administrator, base_url=BASE)
    with pytest.raises(PermissionDenied):
        user_invitation_resend(user=person, by=make_user("secretariat"), base_url=BASE)
    user_access_set(user=person, roles=[], is_active=False, by=administrator)
    with pytest.raises(ValidationError, match="inactive"):
        user_invitation_resend(user=person, by=administrator, base_url=BASE)


# --- the new-user page ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_new_user_page_answers_by_role(client, make_user, role):
    client.force_login(make_user(role))
    url = reverse("staff_user_create")
    assert client.get(url).status_code == (200 if role == "administrator" else 403)
    response = client.post(url, {"full_name": "X", "email": "x@x.example", "roles": ["ufm"], "language": "da"})
    assert response.status_code == (302 if role == "administrator" else 403)
    assert User.objects.filter(email="x@x.example").exists() == (role == "administrator")
    person = make_user()
    resend = client.post(reverse("staff_user_invitation", args=[person.pk]))
    assert resend.status_code == (302 if role == "administrator" else 403)


def test_the_users_list_links_to_the_new_user_page(admin_client):
    page = admin_client.get(reverse("staff_users")).content.decode()
    assert f'href="{reverse("staff_user_create")}"' in page


def test_create_a_user_through_the_page(admin_client, django_capture_on_commit_callbacks):
    data = {"full_name": "Søren Jensen", "email": "Soeren@Erst.example", "roles": ["secretariat"], "language": "da"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("staff_user_create"), data)
    person = User.objects.get(email="soeren@erst.example")
    assert response.status_code == 302 and response["Location"] == reverse("staff_user", args=[person.pk])
    assert roles_of(person) == {"secretariat"}
    page = admin_client.get(response["Location"]).content.decode()
    assert "is created and has been sent an invitation" in page
    assert 'id="invitation-form"' in page and "user.create" in page
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("staff_user_invitation", args=[person.pk]), {"invitation-language": "en"})
    assert response.status_code == 302 and len(mail.outbox) == 2 and "Dear" in mail.outbox[1].body


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("da", "Der findes allerede en konto med denne e-mailadresse"),
        ("en", "An account with this e-mail address already exists"),
    ],
)
def test_a_variant_case_address_is_refused_on_the_page_in_danish_and_english(
    client, administrator, make_user, language, message
):
    make_user("applicant", email="karen@erst.example")
    client.force_login(administrator)
    client.cookies["django_language"] = language
    data = {"full_name": "Karen", "email": "KAREN@erst.Example", "roles": ["ufm"], "language": "da"}
    with translation.override(language):
        response = client.post(reverse("staff_user_create"), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page and 'value="KAREN@erst.Example"' in page and 'value="Karen"' in page
    assert User.objects.filter(email__iexact="karen@erst.example").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"full_name": "X", "email": "not an address", "language": "da"},
        {"full_name": "X\x00", "email": "x@x.example", "language": "da"},
        {"full_name": "X", "email": "x@x.example", "language": "klingon"},
        {"full_name": "X", "email": "x@x.example", "language": "da", "roles": ["superhero"]},
        {"full_name": "X" * 500, "email": "x@x.example", "language": "da"},
        {"full_name": "X", "email": "x" * 300 + "@x.example", "language": "da"},
    ],
)
def test_bad_new_user_input_is_refused_not_a_server_error(admin_client, data):
    response = admin_client.post(reverse("staff_user_create"), data)
    assert response.status_code == 422
    assert not User.objects.filter(email="x@x.example").exists()


def test_resend_for_unknown_user_is_404_and_get_is_405(admin_client):
    assert admin_client.post(reverse("staff_user_invitation", args=[999999])).status_code == 404
    assert admin_client.get(reverse("staff_user_invitation", args=[999999])).status_code == 405


def test_audit_log_links_each_event_to_its_object(admin_client, administrator, make_user, client):
    from tests.factories.applications import CallFactory

    person = make_user("ufm", full_name="Ulla Hansen")
    call = CallFactory()
    audit_record(actor=administrator, action="user.access", obj=person, after={"roles": ["ufm"]})
    audit_record(actor=administrator, action="call.update", obj=call, after={"title": "x"})
    gone = make_user()
    audit_record(actor=administrator, action="user.access", obj=gone)
    gone_pk = gone.pk
    gone.delete()
    audit_record(actor=administrator, action="frame.update", after={"amount": 1})  # no object
    page = admin_client.get(reverse("staff_audit_log")).content.decode()
    assert f'<a href="{reverse("staff_user", args=[person.pk])}">Ulla Hansen</a>' in page
    assert f'<a href="{call.get_absolute_url()}">' in page
    assert reverse("staff_user", args=[gone_pk]) not in page
    # the secretariat reads the log but does not manage users: no link to a page it may not open
    client.force_login(make_user("secretariat"))
    page = client.get(reverse("staff_audit_log")).content.decode()
    assert reverse("staff_user", args=[person.pk]) not in page and f'<a href="{call.get_absolute_url()}">' in page
