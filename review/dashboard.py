"""Start-page panels contributed by the review app."""

from collections import Counter

from clusterfund.dashboard import register_panel

from .models import Assignment
from .selectors.matrix import MATRIX_STATUSES


def _reviewer_context(user) -> dict:
    from applications.models import Call

    counts = Counter(Assignment.objects.filter(reviewer=user).values_list("status", flat=True))
    calls = list(Call.objects.filter(applications__status__in=MATRIX_STATUSES).distinct().order_by("-opens_at"))
    return {
        "queue": [(status, counts.get(status.value, 0)) for status in Assignment.Status],
        "review_calls": calls,
        "can_assign": user.has_perm("review.assign"),
    }


register_panel(
    permission="review.view_queue", template="review/panels/reviewer.html", context=_reviewer_context, order=15
)
