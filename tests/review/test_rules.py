"""Who may do what in the review: role × action, and the assignment-dependent permissions."""

import pytest

from review.services import conflict_declare
from tests.factories.review import score_all

CALL_PERMISSIONS = ["review.assign", "review.view_queue", "review.view_matrix", "review.export_matrix"]
ROLES = ["applicant", "secretariat", "ufm", "subcommittee_member", "subcommittee_chair", "administrator"]
ALLOWED = {
    "review.assign": {"secretariat"},
    "review.view_queue": {"secretariat", "ufm"},
    "review.view_matrix": {"secretariat", "ufm"},
    "review.export_matrix": {"secretariat", "ufm"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", CALL_PERMISSIONS)
def test_call_level_permissions_by_role(make_user, call, role, permission):
    assert make_user(role).has_perm(permission, call) is (role in ALLOWED[permission])


# state of the user's assignment -> which application permissions they hold
APPLICATION_PERMISSIONS = [
    "review.declare_conflict",
    "review.review_application",
    "review.view_history",
    "review.view_joint",
    "review.edit_joint",
]
STATES = {
    "not assigned": {"review.view_history", "review.view_joint"},
    "undeclared": {"review.declare_conflict", "review.view_history"},
    "no conflict": {"review.declare_conflict", "review.review_application", "review.view_history"},
    "conflict": set(),
    "submitted": {"review.review_application", "review.view_history", "review.view_joint", "review.edit_joint"},
}


@pytest.mark.parametrize("state", STATES)
def test_application_permissions_follow_the_assignment(application, sec, assign, state):
    if state == "undeclared":
        assign(application, sec, declare=False)
    elif state == "no conflict":
        assign(application, sec)
    elif state == "conflict":
        conflict_declare(assignment=assign(application, sec, declare=False), by=sec, conflict="declared", note="Ja")
    elif state == "submitted":
        score_all(assign(application, sec), [3, 3, 3, 3], submit=True)
    held = {p for p in APPLICATION_PERMISSIONS if sec.has_perm(p, application)}
    assert held == STATES[state]


def test_hide_until_submitted_is_a_call_setting(application, sec, assign):
    assign(application, sec)
    assert not sec.has_perm("review.view_joint", application)
    application.call.hide_scores_until_submitted = False
    application.call.save()
    assert sec.has_perm("review.view_joint", application)


@pytest.mark.parametrize("role", ["applicant", "subcommittee_member"])
def test_people_without_a_reviewer_role_hold_no_review_permission_even_if_assigned(make_user, application, role):
    from review.models import Assignment

    user = make_user(role)
    Assignment.objects.create(application=application, reviewer=user, side="secretariat", assigned_by=user)
    assert not user.has_perm("review.review_application", application)
    assert not user.has_perm("review.edit_joint", application)
