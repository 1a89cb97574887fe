import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(client):
    """Assert on English msgids: the Danish catalogue may not (yet) translate the allocation's texts."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def ufm(make_user):
    return make_user("ufm")


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat")


@pytest.fixture
def members(make_user):
    return [make_user("subcommittee_member"), make_user("subcommittee_member")]


@pytest.fixture
def chair(make_user):
    return make_user("subcommittee_chair")
