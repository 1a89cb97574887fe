"""The portal's session store (clusterfund/sessions.py): Django's database sessions, read with one SELECT."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterfund.roles import Role
from clusterfund.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_portal_uses_it():
    assert settings.SESSION_ENGINE == "clusterfund.sessions"


def test_a_saved_session_is_read_back_with_one_query():
    stored = SessionStore()
    stored.update({"_auth_user_id": "7", "text": "æøå \N{EM DASH} ✓"})
    stored.save()
    with CaptureQueriesContext(connection) as queries:
        loaded = SessionStore(stored.session_key)
        assert dict(loaded.items()) == {"_auth_user_id": "7", "text": "æøå \N{EM DASH} ✓"}
    assert len(queries) == 1
    assert loaded.session_key == stored.session_key


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key_when_saved():
    stored = SessionStore()
    stored["x"] = 1
    stored.save()
    Session.objects.filter(session_key=stored.session_key).update(
        expire_date=Session.objects.get().expire_date - timedelta(days=2)
    )
    for key in (stored.session_key, "nosuchsessionkey0123456789abcdef"):
        loaded = SessionStore(key)
        assert dict(loaded.items()) == {}
        loaded["y"] = 2
        loaded.save()
        assert loaded.session_key not in (key, None)
        assert dict(SessionStore(loaded.session_key).items()) == {"y": 2}


def test_a_session_that_expires_in_a_second_is_still_live():
    stored = SessionStore()
    stored["x"] = 1
    stored.set_expiry(1)
    stored.save()
    assert SessionStore(stored.session_key)["x"] == 1


def test_signing_in_and_out_through_the_pages(client, make_user):
    user = make_user(Role.APPLICANT, email="session-store@example.org")
    user.set_password("a long enough pass phrase")
    user.save()
    client.post(reverse("login"), {"username": user.email, "password": "a long enough pass phrase"})
    assert client.get(reverse("start")).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("start")).status_code == 302
