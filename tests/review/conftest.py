import pytest
from django.utils import translation

from review.services import assignment_create, conflict_declare
from tests.factories.applications import open_call_with_parts
from tests.factories.review import SubmittedApplicationFactory


@pytest.fixture(autouse=True)
def english(client):
    """Assert on English msgids: the Danish catalogue may not (yet) translate the review's texts."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def call(db):
    return open_call_with_parts()


@pytest.fixture
def lead(make_user):
    return make_user("secretariat")


@pytest.fixture
def sec(make_user):
    return make_user("secretariat")


@pytest.fixture
def ufm(make_user):
    return make_user("ufm")


@pytest.fixture
def application(call):
    return SubmittedApplicationFactory(call=call)


@pytest.fixture
def assign(lead):
    """Return a function that assigns a reviewer and (unless told otherwise) declares no conflict."""

    def make(application, reviewer, *, declare=True):
        assignment = assignment_create(application=application, reviewer=reviewer, by=lead)
        if declare:
            assignment = conflict_declare(assignment=assignment, by=reviewer, conflict="none")
        return assignment

    return make
