import pytest
from django.utils import translation

from tests.factories.clusterfund import UserFactory
from tests.factories.governance import IndicatorFactory, reviewers_for, simple_grant


@pytest.fixture(autouse=True)
def english(client):
    """Assert on English msgids (the pages' Danish is checked in the browser journey)."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def member():
    return UserFactory(roles=["applicant"])


@pytest.fixture
def grant(member):
    """A grant (20m board, 10m UFM a year) to the member's organisation, with two indicators in the call."""
    grant = simple_grant(member=member)
    IndicatorFactory(call=grant.call, code="virksomheder", name="Deltagende virksomheder")
    IndicatorFactory(call=grant.call, code="medfinansiering", name="Privat medfinansiering", unit="kroner")
    return grant


@pytest.fixture
def reviewers(grant):
    """(secretariat reviewer, UFM reviewer), both working on the grant's call without conflict."""
    return reviewers_for(grant)
