"""Self-registration with a confirmation link, the resend form, and the link's failure modes."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from applications.services_account import CONFIRM_SALT, confirmation_token
from clusterfund.models import AuditEvent
from clusterfund.roles import roles_of

User = get_user_model()
PASSWORD = "Klyngeportal-Sommer-2021"
REGISTER_URL = reverse("applications:register")


def confirmation_path(message) -> str:
    """Return the path of the confirmation link in an e-mail."""
    match = re.search(r"http://testserver(/konto/bekraeft/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def signed_days_ago(payload: dict, *, salt: str, days: float) -> str:
    """Return a genuine token signed `days` ago (a signer whose clock stands in the past)."""

    class PastSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - days * 86400))

    return PastSigner(salt=salt).sign_object(payload, compress=True)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def register(client, **overrides):
    data = {
        "full_name": "Karen Klynge",
        "email": "Karen.Klynge@Example.DK",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(REGISTER_URL, data)


def test_registration_confirm_link_activates_and_logs_in(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client)
    assert response.status_code == 302 and response["Location"] == reverse("applications:register_sent")
    user = User.objects.get()
    assert user.email == "karen.klynge@example.dk"  # stored lower-case
    assert user.full_name == "Karen Klynge"
    assert not user.is_active
    assert roles_of(user) == {"applicant"}
    assert user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="account.register", object_id=str(user.pk)).count() == 1
    assert "karen.klynge@example.dk" in client.get(response["Location"]).content.decode()

    assert [m.to for m in mail.outbox] == [["karen.klynge@example.dk"]]
    link = confirmation_path(mail.outbox[0])
    # Opening the link shows a button; a mail scanner following the link changes nothing.
    page = client.get(link)
    assert page.status_code == 200 and 'id="confirm-button"' in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active

    confirmed = client.post(link)
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("applications:organisation_create")
    user.refresh_from_db()
    assert user.is_active and user.last_login is not None
    assert client.get(reverse("start")).status_code == 200  # logged in
    assert AuditEvent.objects.filter(action="account.confirm", object_id=str(user.pk)).count() == 1


def test_confirmation_link_works_once(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    link = confirmation_path(mail.outbox[0])
    client.post(link)
    client.logout()
    again = client.post(link)
    assert again.status_code == 302 and again["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(action="account.confirm").count() == 1


def test_registration_keeps_the_next_page_through_the_link(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, next="/opslag/et-opslag/")
    response = client.post(confirmation_path(mail.outbox[0]))
    assert response["Location"] == "/opslag/et-opslag/"


def test_registration_ignores_a_next_page_on_another_site(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, next="https://evil.example/")
    response = client.post(confirmation_path(mail.outbox[0]))
    assert response["Location"] == reverse("applications:organisation_create")


def test_tampered_link_is_refused_with_a_way_to_get_a_new_one(english, db, django_capture_on_commit_callbacks):
    client = english
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    link = confirmation_path(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = reverse("applications:confirm", args=[token[:-1] + ("A" if token[-1] != "A" else "B")])
    for response in (client.get(tampered), client.post(tampered)):
        html = response.content.decode()
        assert response.status_code == 400
        assert 'data-problem="invalid"' in html
        assert "The confirmation link is not valid" in html
        assert f'action="{reverse("applications:resend_confirmation")}"' in html
    assert not User.objects.get().is_active
    assert not AuditEvent.objects.filter(action="account.confirm").exists()


def test_expired_link_offers_a_new_one_for_the_same_address(english, db):
    user = User.objects.create_user("gammel@example.dk", PASSWORD, is_active=False)
    token = signed_days_ago({"u": user.pk, "e": user.email, "n": ""}, salt=CONFIRM_SALT, days=3.1)
    response = english.post(reverse("applications:confirm", args=[token]))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-problem="expired"' in html and "has expired" in html
    assert 'value="gammel@example.dk"' in html  # the resend form is filled in
    user.refresh_from_db()
    assert not user.is_active


def test_link_two_days_old_still_works(client, db):
    user = User.objects.create_user("nyere@example.dk", PASSWORD, is_active=False)
    token = signed_days_ago({"u": user.pk, "e": user.email, "n": ""}, salt=CONFIRM_SALT, days=2.9)
    assert client.post(reverse("applications:confirm", args=[token])).status_code == 302
    user.refresh_from_db()
    assert user.is_active


def test_link_for_another_purpose_is_refused(client, db):
    user = User.objects.create_user("formaal@example.dk", PASSWORD, is_active=False)
    token = signing.dumps({"u": user.pk, "e": user.email, "n": ""}, salt="another.purpose", compress=True)
    assert client.post(reverse("applications:confirm", args=[token])).status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_link_does_not_reactivate_an_account_an_administrator_deactivated(client, db):
    user = User.objects.create_user("lukket@example.dk", PASSWORD, is_active=False, last_login=timezone.now())
    response = client.post(reverse("applications:confirm", args=[confirmation_token(user=user)]))
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_link_stops_working_when_the_address_changes(client, db):
    user = User.objects.create_user("foer@example.dk", PASSWORD, is_active=False)
    token = confirmation_token(user=user)
    User.objects.filter(pk=user.pk).update(email="efter@example.dk")
    assert client.post(reverse("applications:confirm", args=[token])).status_code == 400


@pytest.mark.parametrize("typed", ["karen@example.dk", "KAREN@EXAMPLE.DK", "Karen@Example.dk"])
def test_duplicate_email_is_refused_case_insensitively(english, make_user, typed):
    make_user(email="karen@example.dk")
    response = register(english, email=typed, full_name="Anden Karen")
    html = response.content.decode()
    assert response.status_code == 422
    assert "An account with this e-mail address already exists" in html
    assert 'value="Anden Karen"' in html  # what was typed is kept
    assert User.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("kort1", "too short"),
        ("1234567890123", "entirely numeric"),
        ("password123", "too common"),
        ("karen.klynge@example", "too similar to the e-mail address"),
        ("KarenKlynge2021", "too similar to the full name"),
    ],
)
def test_weak_password_is_refused_and_the_rest_kept(english, db, password, expected):
    response = register(english, password1=password, password2=password)
    html = response.content.decode()
    assert response.status_code == 422
    assert expected in html
    assert 'value="Karen Klynge"' in html and 'value="Karen.Klynge@Example.DK"' in html
    assert password not in html  # passwords are never sent back
    assert not User.objects.exists()


def test_passwords_must_match(english, db):
    response = register(english, password2=PASSWORD + "x")
    assert response.status_code == 422
    assert "The two passwords are not the same." in response.content.decode()
    assert not User.objects.exists()


def test_unconfirmed_account_cannot_log_in(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    response = client.post(reverse("login"), {"username": "karen.klynge@example.dk", "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a redirect into the portal
    assert "_auth_user_id" not in client.session


def test_resend_sends_a_new_working_link(client, db, django_capture_on_commit_callbacks):
    user = User.objects.create_user("glemt@example.dk", PASSWORD, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:resend_confirmation"), {"email": "Glemt@Example.dk"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["glemt@example.dk"]]
    client.post(confirmation_path(mail.outbox[0]))
    user.refresh_from_db()
    assert user.is_active
    assert AuditEvent.objects.filter(action="account.confirmation_resend").count() == 1


@pytest.mark.parametrize("email", ["ukendt@example.dk", "aktiv@example.dk"])
def test_resend_answers_the_same_for_unknown_and_confirmed_addresses(
    client, make_user, email, django_capture_on_commit_callbacks
):
    make_user(email="aktiv@example.dk")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:resend_confirmation"), {"email": email})
    assert response.status_code == 302 and response["Location"] == reverse("applications:register_sent")
    assert mail.outbox == []


def test_logged_in_user_is_sent_to_the_start_page(client, make_user):
    client.force_login(make_user("applicant"))
    assert client.get(REGISTER_URL)["Location"] == reverse("start")


def test_resend_waits_a_minute_between_links(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
        client.post(reverse("applications:resend_confirmation"), {"email": "karen.klynge@example.dk"})
    assert len(mail.outbox) == 1  # the registration's own link went out seconds ago
    assert not AuditEvent.objects.filter(action="account.confirmation_resend").exists()
