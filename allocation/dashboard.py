"""Start-page panels contributed by the allocation app: UFM's selections, the secretariat's proposals, the
sub-committee's approvals and the applicant's approved amounts."""

from django.db.models import Count, Q

from applications.models import Call
from clusterfund.dashboard import register_panel

from .models import Proposal, Selection
from .selectors import approved_allocations_for


def _calls_in_review():
    from review.selectors.matrix import MATRIX_STATUSES

    return (
        Call.objects.filter(applications__status__in=MATRIX_STATUSES)
        .distinct()
        .annotate(
            n_selected=Count("selections", filter=Q(selections__decision=Selection.Decision.SELECTED), distinct=True),
            n_proposals=Count("proposals", distinct=True),
        )
        .order_by("-opens_at")
    )


def _staff_context(user) -> dict:
    submitted = list(
        Proposal.objects.filter(status=Proposal.Status.SUBMITTED).select_related("call").order_by("call", "number")
    )
    return {
        "calls": list(_calls_in_review()),
        "submitted": submitted,
        "can_record": user.has_perm("allocation.record_selection"),
        "can_prepare": user.has_perm("allocation.create_proposal"),
        "can_view_proposals": user.has_perm("allocation.view_proposals"),
    }


def _applicant_context(user) -> dict:
    return {"allocations": approved_allocations_for(user=user)}


register_panel(
    permission="allocation.view_proposals",
    template="allocation/panels/staff.html",
    context=_staff_context,
    order=30,
)
register_panel(
    permission="applications.view_applicant_start",
    template="allocation/panels/applicant.html",
    context=_applicant_context,
    order=11,
)
