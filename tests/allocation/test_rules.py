"""Who may do what: role × action for the call, the proposal in each state, and the applicant's own amounts."""

import pytest

from allocation.services.approval import proposal_submit
from tests.factories.allocation import approved_proposal, make_proposal, selected_call
from tests.factories.clusterfund import UserFactory

ROLES = ["applicant", "secretariat", "ufm", "subcommittee_member", "subcommittee_chair", "administrator"]
STAFF = {"secretariat", "ufm", "subcommittee_member", "subcommittee_chair", "administrator"}
CALL_ALLOWED = {
    "allocation.view_selections": STAFF,
    "allocation.record_selection": {"ufm"},
    "allocation.view_frames": STAFF,
    "allocation.edit_frames": {"secretariat"},
    "allocation.view_proposals": {"secretariat", "ufm", "subcommittee_member", "subcommittee_chair"},
    "allocation.create_proposal": {"secretariat"},
    "allocation.copy_proposal": {"secretariat"},
    "allocation.export_proposal": {"secretariat", "ufm", "subcommittee_member", "subcommittee_chair"},
}
# proposal state -> permission -> roles that hold it
PROPOSAL_ALLOWED = {
    "draft": {
        "allocation.edit_proposal": {"secretariat"},
        "allocation.submit_proposal": {"secretariat"},
        "allocation.review_proposal": set(),
        "allocation.lock_proposal": set(),
    },
    "submitted": {
        "allocation.edit_proposal": {"secretariat"},
        "allocation.submit_proposal": set(),
        "allocation.review_proposal": {"subcommittee_member", "subcommittee_chair"},
        "allocation.lock_proposal": {"subcommittee_chair"},
    },
    "approved": {
        "allocation.edit_proposal": set(),
        "allocation.submit_proposal": set(),
        "allocation.review_proposal": set(),
        "allocation.lock_proposal": set(),
    },
}


@pytest.fixture
def call(db):
    return selected_call(organisations=2)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", CALL_ALLOWED)
def test_call_permissions_by_role(make_user, call, role, permission):
    assert make_user(role).has_perm(permission, call) is (role in CALL_ALLOWED[permission])


@pytest.mark.parametrize("state", PROPOSAL_ALLOWED)
@pytest.mark.parametrize("role", ROLES)
def test_proposal_permissions_by_role_and_state(make_user, call, state, role):
    if state == "approved":
        proposal = approved_proposal(call)
    else:
        proposal = make_proposal(call)
        if state == "submitted":
            proposal = proposal_submit(proposal=proposal, by=UserFactory(roles=["secretariat"]))
    user = make_user(role)
    held = {p for p in PROPOSAL_ALLOWED[state] if user.has_perm(p, proposal)}
    assert held == {p for p, roles in PROPOSAL_ALLOWED[state].items() if role in roles}


def test_applicants_see_only_their_own_approved_amounts(call):
    from applications.models import Application

    approved_proposal(call)
    own, other = Application.objects.filter(call=call).order_by("pk")
    member = UserFactory(roles=["applicant"])
    own.organisation.members.add(member)
    assert member.has_perm("allocation.view_approved_amounts", own)
    assert not member.has_perm("allocation.view_approved_amounts", other)
    assert not UserFactory(roles=["secretariat"]).has_perm("allocation.view_approved_amounts", own)
