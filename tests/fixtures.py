"""Fixtures shared across the apps' tests (loaded as a pytest plugin from pyproject.toml).

Django is not set up when a plugin is imported, so models and factories are imported inside fixtures.
"""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker):
    """Seed the demo once for a test module, in a transaction rolled back after the module's last test.

    Seeding takes seconds; the demo's tests share one seeding per module instead of one each. Each test
    still runs in a savepoint of its own (pytest-django's db fixture inside this transaction), so what a
    test changes is gone before the next one. Not for tests that need committed data (transaction=True,
    live_server): they cannot see inside this transaction.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        except BaseException:
            module_transaction.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)


@pytest.fixture
def demo(seeded_demo, db):
    """The seeded demo (call, users, organisations, reviews, allocation, grant period); return the call."""
    from django.core.cache import cache

    from applications.demo import CALL_SLUG
    from applications.models import Call

    cache.clear()  # pages an earlier test of the module cached from its own (rolled back) changes
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


# The applicant's section pages, by URL name (each takes the application's pk).
SECTION_PAGES = [
    "section_requirements",
    "section_area",
    "section_criteria",
    "section_activities",
    "section_partners",
    "section_budget",
    "section_attachments",
]


@pytest.fixture
def demo_draft(demo):
    """The demo applicant and a new draft of theirs in the practice call: every section page opens on it."""
    from django.contrib.auth import get_user_model

    from applications.demo import PRACTICE_SLUG
    from applications.models import Call, Organisation
    from applications.services import application_create

    applicant = get_user_model().objects.get(email="ansoeger@klyngeportalen.example")
    organisation = Organisation.objects.filter(members=applicant).first()
    call = Call.objects.get(slug=PRACTICE_SLUG)
    return applicant, application_create(call=call, organisation=organisation, by=applicant)
