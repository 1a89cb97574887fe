"""What a viewer may see of an application's review: their own assignment, and whether the other
reviewers' scores and the consensus are shown to them."""

from django.db.models import QuerySet

from applications.models import Application, Call

from ..models import Assignment


def assignment_of(*, application: Application, user) -> Assignment | None:
    """Return the user's assignment to the application, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Assignment.objects.filter(application=application, reviewer=user).first()


def others_visible(*, call: Call, own: Assignment | None) -> bool:
    """Return whether a viewer with assignment `own` (None: not assigned) may see the other reviewers'
    scores and the consensus (hidden until one's own review is submitted, if the call says so)."""
    if own is None:
        return True
    if own.is_conflicted:
        return False
    return own.is_submitted or not call.hide_scores_until_submitted


def seen_by(reviews: QuerySet, *, viewer, include_others: bool) -> QuerySet:
    """Narrow `reviews` (scores or requirement checks of one application) to the ones the viewer sees, with
    their reviewer, by side: never a conflicted reviewer's, and only the viewer's own unless `include_others`."""
    reviews = (
        reviews.exclude(assignment__conflict=Assignment.Conflict.DECLARED)
        .select_related("assignment__reviewer")
        .order_by("assignment__side", "assignment__pk")
    )
    if not include_others:
        reviews = reviews.filter(assignment__reviewer=viewer)
    return reviews
