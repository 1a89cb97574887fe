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


def identities(grant, member, reviewers) -> dict:
    """One user per role for the grant's pages: its member, a member of another organisation with a grant in
    the call, both reviewers, the sub-committee, the administrator and a reviewer with a declared conflict."""
    from review.models import Assignment

    other = UserFactory(roles=["applicant"])
    simple_grant(call=grant.call, member=other)
    conflicted = UserFactory(roles=["secretariat"])
    Assignment.objects.create(
        application=grant.application,
        reviewer=conflicted,
        side="secretariat",
        assigned_by=reviewers[0],
        conflict=Assignment.Conflict.DECLARED,
        conflict_note="Sidder i bestyrelsen.",
        conflict_declared_at=grant.created_at,
    )
    return {
        "anonymous": None,
        "member": member,
        "other_member": other,
        "secretariat": reviewers[0],
        "ufm": reviewers[1],
        "subcommittee_member": UserFactory(roles=["subcommittee_member"]),
        "subcommittee_chair": UserFactory(roles=["subcommittee_chair"]),
        "administrator": UserFactory(roles=["administrator"]),
        "conflicted": conflicted,
    }
