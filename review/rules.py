"""Who may do what in the review (django-rules). Object permissions take the application (or the call).

A reviewer who declared a conflict of interest on an application may do nothing with it: views answer
404, as if it did not exist.
"""

import rules

from applications.rules import has_declared_conflict
from clusterfund.rules import is_portal_staff, is_reviewer, is_secretariat, is_ufm

from .models import Assignment
from .selectors.visibility import others_visible


def _own(user, application) -> Assignment | None:
    if application is None or not getattr(user, "is_authenticated", False):
        return None
    return Assignment.objects.filter(application=application, reviewer=user).first()


@rules.predicate
def is_assigned(user, application) -> bool:
    """Assigned to the application and not conflicted (the declaration may still be due)."""
    own = _own(user, application)
    return own is not None and not own.is_conflicted


@rules.predicate
def has_declared_no_conflict(user, application) -> bool:
    own = _own(user, application)
    return own is not None and own.conflict == Assignment.Conflict.NONE


@rules.predicate
def has_conflict_in_call(user, call) -> bool:
    """The user declared a conflict of interest on some application of the call: the memo shows every row,
    and a conflicted reviewer may see none of that application's (so none of the memo)."""
    if call is None or not getattr(user, "is_authenticated", False):
        return False
    return Assignment.objects.filter(
        application__call=call, reviewer=user, conflict=Assignment.Conflict.DECLARED
    ).exists()


@rules.predicate
def has_submitted_own_review(user, application) -> bool:
    own = _own(user, application)
    return own is not None and own.is_submitted


@rules.predicate
def sees_other_reviewers(user, application) -> bool:
    """Not hidden by the call's hide-until-submitted setting (and not conflicted)."""
    if application is None:
        return False
    return others_visible(call=application.call, own=_own(user, application))


# the call-level pages; "the secretariat lead" is any secretariat reviewer
rules.add_perm("review.assign", is_secretariat)
rules.add_perm("review.view_queue", is_reviewer)
rules.add_perm("review.view_matrix", is_reviewer)
rules.add_perm("review.export_matrix", is_reviewer)

# one application
rules.add_perm("review.declare_conflict", is_reviewer & is_assigned & ~has_submitted_own_review)
rules.add_perm("review.review_application", is_reviewer & has_declared_no_conflict)
rules.add_perm("review.view_history", is_portal_staff & ~has_declared_conflict)
rules.add_perm("review.view_joint", is_reviewer & ~has_declared_conflict & sees_other_reviewers)
rules.add_perm("review.edit_joint", is_reviewer & has_declared_no_conflict & has_submitted_own_review)

# the recommendation memo (review/documents.py), about a call
rules.add_perm("review.generate_recommendation_memo", is_secretariat & ~has_conflict_in_call)
rules.add_perm("review.download_recommendation_memo", (is_secretariat | is_ufm) & ~has_conflict_in_call)
