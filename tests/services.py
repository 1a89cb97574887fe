"""Optional services in the test suite (PostgreSQL, Redis, Chromium) and the rule for when one is absent.

On a developer's machine a test that needs an absent service is skipped with the reason; under
CI (``CI=true``) the same test fails, so a green CI run means every test really ran.
"""

import os

import pytest

REDIS_ENV_VARS = ("CELERY_BROKER_URL", "REDIS_URL")


def in_ci() -> bool:
    """Return True when the suite runs under CI (the environment variable CI is "true")."""
    return os.environ.get("CI", "").strip().lower() == "true"


def require_or_skip(available: bool, reason: str) -> None:
    """Return if the service is available; otherwise skip the test, or fail it under CI."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a service the suite needs is missing)", pytrace=False)
    pytest.skip(reason)


def redis_url_from_env() -> str:
    """Return the first Redis URL in CELERY_BROKER_URL or REDIS_URL, or "" when neither is one."""
    for name in REDIS_ENV_VARS:
        url = os.environ.get(name, "").strip()
        if url.startswith(("redis://", "rediss://")):
            return url
    return ""


def redis_ping_error(url: str) -> str:
    """Return "" when a Redis server answers PING at url, else a description of what went wrong."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        client.close()
    return ""
