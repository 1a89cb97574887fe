"""The way to an approved allocation: the secretariat submits a proposal to the sub-committee, each member
approves (or comments on) its current revision, and the chair's approval locks it for good and tells each
organisation its amounts."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application
from clusterfund.money import format_kroner
from clusterfund.services import audit_record

from ..database_lock import refusal_as_validation_error
from ..models import Proposal, ProposalAmount, ProposalApproval, Selection
from ..selectors import approval_state, frame_years, proposal_grid
from .checks import require
from .locks import lock_frames, lock_proposal, refuse_locked
from .notify import send_to_organisation


def _transition(proposal: Proposal, to: str, by) -> None:
    """Move the (locked) proposal to status `to` if the transition map allows it, with an audit event."""
    if to not in Proposal.TRANSITIONS[proposal.status]:
        raise ValidationError(
            _("A proposal cannot go from %(from)s to %(to)s."),
            code="transition",
            params={"from": proposal.get_status_display(), "to": Proposal.Status(to).label},
        )
    before = proposal.status
    proposal.status = to
    audit_record(actor=by, action="proposal.transition", obj=proposal, before={"status": before}, after={"status": to})


def _problems(proposal: Proposal) -> list[str]:
    """Return what stands in the way of approving the (locked) proposal: over-frame years and selections."""
    grid = proposal_grid(proposal=proposal, with_results=False)
    return grid.problems


@transaction.atomic
@refusal_as_validation_error()
def proposal_submit(*, proposal: Proposal, by, now: datetime | None = None) -> Proposal:
    """Submit a draft to the sub-committee and return it; refused while a year is over its frame."""
    require(by, "allocation.submit_proposal", proposal)
    lock_frames(proposal.call)
    locked = lock_proposal(proposal)
    refuse_locked(locked)
    problems = _problems(locked)
    if problems:
        raise ValidationError(problems, code="problems")
    _transition(locked, Proposal.Status.SUBMITTED, by)
    locked.submitted_at = now or timezone.now()
    locked.save()
    return locked


@transaction.atomic
@refusal_as_validation_error()
def proposal_review(*, proposal: Proposal, decision: str, comment: str = "", by) -> ProposalApproval:
    """Record a sub-committee member's approval of (or comment on) the proposal's current revision."""
    require(by, "allocation.review_proposal", proposal)
    lock_frames(proposal.call)
    locked = lock_proposal(proposal)
    refuse_locked(locked)
    if locked.status != Proposal.Status.SUBMITTED:
        raise ValidationError(_("Only a proposal submitted to the sub-committee can be approved."), code="status")
    comment = (comment or "").strip()
    if decision not in ProposalApproval.Decision.values:
        raise ValidationError({"decision": _("Choose approve or comment.")})
    if decision == ProposalApproval.Decision.COMMENT and not comment:
        raise ValidationError({"comment": _("Write your comment.")})
    if decision == ProposalApproval.Decision.APPROVE:
        problems = _problems(locked)
        if problems:
            raise ValidationError(problems, code="problems")
    approval = ProposalApproval.objects.create(
        proposal=locked, member=by, decision=decision, comment=comment, revision=locked.revision
    )
    audit_record(
        actor=by,
        action="proposal.review",
        obj=locked,
        after={"decision": decision, "comment": comment, "revision": locked.revision},
    )
    return approval


@transaction.atomic
@refusal_as_validation_error()
def proposal_approve(*, proposal: Proposal, by, now: datetime | None = None) -> Proposal:
    """The chair's approval: lock the proposal for good and return it; tell each organisation its amounts.

    Refused unless every sub-committee member has approved the current revision, every organisation in it is
    still selected (and every selected one is in it), and no year is over its frame - checked after the frame
    rows, the proposal and the selections are locked, so no concurrent edit can slip in between.
    """
    now = now or timezone.now()
    require(by, "allocation.lock_proposal", proposal)
    lock_frames(proposal.call)
    locked = lock_proposal(proposal)
    refuse_locked(locked)
    if locked.status != Proposal.Status.SUBMITTED:
        raise ValidationError(_("Only a proposal submitted to the sub-committee can be approved."), code="status")
    application_ids = list(ProposalAmount.objects.filter(proposal=locked).values_list("application_id", flat=True))
    list(Selection.objects.select_for_update().filter(call=locked.call).order_by("pk"))
    problems = _problems(locked)
    state = approval_state(proposal=locked)
    if not state.members:
        problems.append(_("The sub-committee has no members to approve the proposal."))
    elif state.missing:
        problems.append(
            _("Not every member has approved this version yet: %(names)s.")
            % {"names": ", ".join(m.get_full_name() for m in state.missing)}
        )
    if problems:
        raise ValidationError(problems, code="problems")
    _transition(locked, Proposal.Status.APPROVED, by)
    locked.approved_at = now
    locked.approved_by = by
    locked.save()
    ProposalApproval.objects.create(
        proposal=locked, member=by, decision=ProposalApproval.Decision.APPROVE, revision=locked.revision, as_chair=True
    )
    totals = dict.fromkeys(frame_years(call=locked.call), 0)
    for year, amount in ProposalAmount.objects.filter(proposal=locked).values_list("year", "amount"):
        totals[year] = totals.get(year, 0) + amount
    audit_record(
        actor=by,
        action="proposal.lock",
        obj=locked,
        before={"status": Proposal.Status.SUBMITTED},
        after={
            "status": locked.status,
            "revision": locked.revision,
            "totals": {str(y): t for y, t in totals.items()},
            "members": [m.email for m in state.approved],
            "applications": sorted(set(application_ids)),
        },
    )
    _notify_approved(proposal=locked, by=by)
    return locked


def _notify_approved(*, proposal: Proposal, by) -> None:
    amounts: dict[int, dict[int, int]] = {}
    for application_id, year, amount in ProposalAmount.objects.filter(proposal=proposal).values_list(
        "application_id", "year", "amount"
    ):
        amounts.setdefault(application_id, {})[year] = amount
    applications = Application.objects.filter(pk__in=list(amounts)).select_related("organisation", "call")
    for application in applications:
        years = sorted(amounts[application.pk].items())
        context = {
            "application": application,
            "call": application.call,
            "amounts": [(y, format_kroner(a, language=settings.LANGUAGE_CODE)) for y, a in years],
            "total": format_kroner(sum(a for _y, a in years), language=settings.LANGUAGE_CODE),
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("allocation/email/approved_subject.txt", context).strip()
            body = render_to_string("allocation/email/approved.txt", context)
        send_to_organisation(
            organisation=application.organisation, application=application, subject=subject, body=body, by=by
        )
