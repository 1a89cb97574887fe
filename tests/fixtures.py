"""Fixtures shared across the apps' tests (loaded as a pytest plugin from pyproject.toml).

Django is not set up when a plugin is imported, so models and factories are imported inside fixtures.
"""

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    """Seed the demo call, users and organisations; return the call."""
    from applications.demo import CALL_SLUG
    from applications.models import Call

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Call.objects.get(slug=CALL_SLUG)


@pytest.fixture
def make_user(db):
    """Return a function that creates a user holding the given roles."""

    from tests.factories.clusterfund import UserFactory

    def make(*roles, **kwargs):
        return UserFactory(roles=[getattr(r, "value", r) for r in roles], **kwargs)

    return make


@pytest.fixture
def client_as(client, make_user):
    """Return a function that logs the test client in as a new user with the given roles."""

    def login(*roles):
        user = make_user(*roles)
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def default_language():
    """Start every test in Danish: LocaleMiddleware leaves the last request's language active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
