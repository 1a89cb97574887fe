"""Session-wide fixtures. Optional services (PostgreSQL, Redis, Chromium) follow tests/services.py: skip
locally, fail under CI."""

import pytest

from tests.services import in_ci, redis_ping_error, redis_url_from_env, require_or_skip

__all__ = ["require_or_skip"]


def pytest_report_header(config) -> list[str]:
    """Return header lines naming the database and the Celery broker the suite runs against."""
    from django.conf import settings
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        name = name.rsplit("/", 1)[-1]
    broker = redis_url_from_env() or "none (tasks run eagerly)"
    return [
        f"database: {connection.vendor} ({name})",
        f"celery broker for tests marked redis: {broker}; CI={'true' if in_ci() else 'false'}",
        f"celery eager for the rest of the suite: {settings.CELERY_TASK_ALWAYS_EAGER}",
    ]


def pytest_runtest_setup(item) -> None:
    """Skip a test marked postgres when the suite does not run on PostgreSQL; under CI, fail it."""
    if item.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    require_or_skip(
        connection.vendor == "postgresql",
        f"needs PostgreSQL: set DATABASE_URL to a postgres:// URL (the suite runs on {connection.vendor})",
    )


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Return the URL of a Redis server that answered PING (skip, or fail under CI, if none)."""
    url = redis_url_from_env()
    require_or_skip(bool(url), "needs Redis: set CELERY_BROKER_URL or REDIS_URL to a redis:// URL")
    error = redis_ping_error(url)
    require_or_skip(not error, f"needs Redis: no answer to PING at {url} ({error})")
    return url
