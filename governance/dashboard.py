"""Start-page panels of the grant period: the organisation's grants and what is due; the reviewers' calls
with plans waiting for review."""

from applications.models import Call
from clusterfund.dashboard import register_panel

from .selectors.grants import grants_for_member, queue_counts


def _member_context(user) -> dict:
    return {"grants": list(grants_for_member(user=user))}


def _reviewer_context(user) -> dict:
    from review.models import Assignment

    counts = queue_counts(user=user)
    calls = list(
        Call.objects.filter(
            pk__in=Assignment.objects.filter(reviewer=user).values("application__call_id"), grants__isnull=False
        )
        .distinct()
        .order_by("-opens_at")
    )
    return {"calls": [(call, counts.get(call.pk, 0)) for call in calls]}


register_panel(
    permission="applications.view_applicant_start",
    template="governance/panels/member.html",
    context=_member_context,
    order=12,
)
register_panel(
    permission="governance.view_plan_queue",
    template="governance/panels/reviewer.html",
    context=_reviewer_context,
    order=35,
)
