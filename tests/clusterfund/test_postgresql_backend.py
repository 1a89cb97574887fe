"""The PostgreSQL backend's health check (clusterfund/postgresql): no round trip for a healthy idle connection,
and a connection the server has closed is found unusable, as Django's `SELECT 1` finds it."""

import select
import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def other():
    """A second connection to the test database, as a gunicorn worker keeps one between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    wrapper.close_at = None  # kept between requests (CONN_MAX_AGE), as in production
    assert wrapper.health_check_enabled  # CONN_HEALTH_CHECKS, as in production
    yield wrapper
    wrapper.close()


@pytest.fixture
def round_trips(monkeypatch):
    """Count the checks that went to the server (Django's own `SELECT 1`)."""
    calls = []
    original = DjangoWrapper.is_usable

    def counted(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(DjangoWrapper, "is_usable", counted)
    return calls


def test_the_backend_is_the_portals():
    assert type(connections["default"]).__module__ == "clusterfund.postgresql.base"
    assert connection.vendor == "postgresql"


def test_a_healthy_idle_connection_is_usable_without_a_round_trip(other, round_trips):
    for _ in range(3):
        assert other.is_usable()
    assert round_trips == []


def test_inside_a_transaction_the_server_is_asked(other, round_trips):
    other.connection.execute("BEGIN")
    assert other.is_usable()
    assert round_trips == [other]
    other.connection.execute("ROLLBACK")


def _wait_readable(wrapper, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if select.select([wrapper.connection.fileno()], [], [], 0.1)[0]:
            return
    pytest.fail("the server did not close the terminated connection")


def test_a_connection_the_server_closed_is_unusable_and_the_next_one_works(other, round_trips):
    pid = other.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone() == (True,)
    _wait_readable(other)
    assert not other.is_usable()
    assert round_trips == [other]  # something to read: the server decides, and it is gone
    # what Django does: at a request's start, then (inside the first query) the health check
    other.close_if_unusable_or_obsolete()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_closed_or_missing_connection_is_unusable(other):
    other.connection.close()
    assert not other.is_usable()
    other.connection = None
    assert not other.is_usable()
