"""Fixtures the applications tests share: an applicant, their draft in an open call, their browser."""

import pytest

from tests.factories.applications import ApplicationFactory, open_call_with_parts


@pytest.fixture
def member(make_user):
    """An applicant (a member of the organisation in `draft`, once that fixture is used)."""
    return make_user("applicant")


@pytest.fixture
def draft(db, member):
    """A draft of the member's organisation in an open call configured like the memo's."""
    application = ApplicationFactory(call=open_call_with_parts(), created_by=member)
    application.organisation.members.add(member)
    return application


@pytest.fixture
def browser(client, member):
    """The member's browser, in English (pages' texts are asserted by their English msgids)."""
    client.force_login(member)
    client.cookies["django_language"] = "en"
    return client
