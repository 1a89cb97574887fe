"""The public page cache: visitors without a login get the front and call pages from it; any edit of a
call shows at once; each visitor keeps a CSRF token of their own; a cache that is down costs only speed."""

import datetime as dt
import re

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from applications.public_cache import seconds_until_next_phase
from tests.factories.applications import CallFactory, CriterionFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_second_visit_is_served_without_a_query(client, db, django_assert_num_queries):
    call = CallFactory(title="Opslag om klynger")
    assert "Opslag om klynger" in client.get(call.get_absolute_url()).content.decode()
    with django_assert_num_queries(0):
        response = client.get(call.get_absolute_url())
    assert response.status_code == 200
    assert "Opslag om klynger" in response.content.decode()


def test_an_edit_of_the_call_or_its_parts_shows_at_once(client, db):
    call = CallFactory(title="Før ændringen")
    client.get("/")
    client.get(call.get_absolute_url())
    call.title = "Efter ændringen"
    call.save()
    assert "Efter ændringen" in client.get("/").content.decode()
    CriterionFactory(call=call, name="Et nyt kriterium")
    html = client.get(call.get_absolute_url()).content.decode()
    assert "Efter ændringen" in html and "Et nyt kriterium" in html


def test_each_visitor_gets_a_csrf_token_that_works(db):
    call = CallFactory()
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.get(call.get_absolute_url()).content.decode()
        token = TOKEN.search(html).group(1)
        assert "csrf-placeholder" not in html
        response = visitor.post(reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
        assert response.status_code == 302
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_languages_are_cached_apart(client, db):
    call = CallFactory(title="Dansk titel", title_en="English title")
    assert "Dansk titel" in client.get(call.get_absolute_url()).content.decode()
    client.cookies["django_language"] = "en"
    assert "English title" in client.get(call.get_absolute_url()).content.decode()


def test_a_logged_in_user_is_never_served_the_anonymous_page(client, db, make_user):
    call = CallFactory()
    client.get(call.get_absolute_url())
    client.force_login(make_user(full_name="Karen Blixen"))
    assert "Karen Blixen" in client.get(call.get_absolute_url()).content.decode()


def test_a_page_does_not_outlive_the_next_deadline(db):
    now = timezone.now()
    CallFactory(opens_at=now - dt.timedelta(days=1), deadline=now + dt.timedelta(seconds=42))
    assert seconds_until_next_phase(now=now) == 42
    CallFactory(opens_at=now + dt.timedelta(seconds=7), deadline=now + dt.timedelta(days=3))
    assert seconds_until_next_phase(now=now) == 7


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}}
)
def test_a_cache_that_is_down_costs_only_speed(client, db):
    call = CallFactory(title="Uden cache")
    for _ in range(2):
        response = client.get(call.get_absolute_url())
        assert response.status_code == 200
        assert "Uden cache" in response.content.decode()
