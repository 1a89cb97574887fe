"""The allocation memo: the sub-committee's paper on how the board's funds are split among the selected
cluster organisations, and once approved, the record of its decision.

Registered as the document kind "allocation-memo" (subject: a proposal) from AllocationConfig.ready().
The snapshot holds everything the memo prints, so an old version keeps its figures.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, BudgetFrame
from clusterfund.documents import register_document
from clusterfund.fields import DateField
from clusterfund.money import format_kroner
from review.scoring import rounded

from .models import Proposal, ProposalApproval
from .selectors import approval_state, proposal_grid, selections_of

KIND = "allocation-memo"

# Applications that count as received in the memo's background: submitted and not withdrawn.
RECEIVED = (
    Application.Status.SUBMITTED,
    Application.Status.UNDER_REVIEW,
    Application.Status.SELECTED,
    Application.Status.NOT_SELECTED,
)


class MeetingForm(forms.Form):
    """What the memo's header says about the meeting it is written for."""

    board = forms.CharField(
        label=gettext_lazy("Board"),
        max_length=200,
        initial=gettext_lazy("Danish Board of Business Development"),
    )
    meeting_date = DateField(
        label=gettext_lazy("Date of the meeting"),
        help_text=gettext_lazy("For example 3.9.2020."),
    )
    agenda_item = forms.CharField(
        label=gettext_lazy("Agenda item"),
        max_length=100,
        help_text=gettext_lazy("As it stands on the agenda, for example “Punkt 5”."),
    )


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(rounded(value))


def _span(years: list[int]) -> str:
    """Return '2021–2024' for consecutive years, '2021, 2023' otherwise."""
    if not years:
        return ""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def allocation_memo_snapshot(proposal: Proposal, options: dict) -> dict:
    """Return everything the allocation memo prints about `proposal`, as JSON-safe data.

    Raise ValidationError if the proposal allocates to nobody (there is nothing to decide on).
    """
    grid = proposal_grid(proposal=proposal)
    if not grid.rows:
        raise ValidationError(gettext_lazy("The proposal has no organisations yet, so there is no memo to write."))
    call = proposal.call
    years = grid.years
    selected = list(selections_of(call=call, selected_only=True))
    designation_dates = sorted({s.decision_date for s in selected})
    received = Application.objects.filter(call=call, status__in=RECEIVED).count()

    organisations, grant_totals = _organisation_entries(grid)
    frames = _frame_entries(grid, grant_totals)
    conditional_years = [f["year"] for f in frames if f["conditional"]]

    return {
        "meeting": {
            "board": str(options.get("board") or _("Danish Board of Business Development")),
            "date": options.get("meeting_date"),
            "agenda_item": options.get("agenda_item", ""),
        },
        "call": {
            "slug": call.slug,
            "title": call.tr("title"),
            "period": _span(call.years),
            "opens_at": call.opens_at,
            "deadline": call.deadline,
        },
        "received": received,
        "areas": call.areas.count(),
        "selected_count": len(selected),
        "designation_dates": designation_dates,
        "proposal": _proposal_entry(proposal),
        "years": years,
        "period": _span(years),
        "organisations": organisations,
        "frames": frames,
        "grant_totals": [grant_totals[y] for y in years],
        "grant_total": sum(grant_totals.values()),
        "total": grid.total,
        "frame_total": grid.frame_total,
        "difference": grid.difference,
        "over": max(0, -grid.difference),
        "conditional_years": conditional_years,
        "conditional_span": _span(conditional_years),
        "problems": list(grid.problems),
        "approvals": _approval_entries(proposal),
        "decisions": _decisions(organisations=organisations, frames=frames, years=years, total=grid.total),
    }


def _organisation_entries(grid) -> tuple[list[dict], dict[int, int]]:
    """Return one entry per organisation of the grid, and the UFM grants' total per year."""
    years = grid.years
    organisations = []
    grant_totals = dict.fromkeys(years, 0)
    for row in grid.rows:
        grants = [row.grants.get(y, 0) for y in years]
        for year, amount in zip(years, grants, strict=True):
            grant_totals[year] += amount
        organisations.append(
            {
                "name": row.application.organisation.name,
                "cvr": row.application.organisation.cvr,
                "area": row.application.business_area.tr("name") if row.application.business_area else "",
                "score": _decimal(row.result.mean if row.result else None),
                "points": _decimal(row.result.points if row.result else None),
                "rank": row.result.rank if row.result else None,
                "case_number": row.selection.case_number if row.selection else "",
                "decision_date": row.selection.decision_date if row.selection else None,
                "grants": grants,
                "grant_total": sum(grants),
                "amounts": [row.amounts.get(y, 0) for y in years],
                "total": row.total,
            }
        )
    return organisations, grant_totals


def _frame_entries(grid, grant_totals: dict[int, int]) -> list[dict]:
    """Return one entry per year: the board's frame, what is allocated, the funding source and UFM's grants."""
    frames = []
    for total in grid.totals:
        frame = total.frame
        frames.append(
            {
                "year": total.year,
                "frame": total.frame_amount,
                "allocated": total.total,
                "difference": total.difference,
                "source": frame.source if frame else "",
                "source_label": frame.source_label if frame else _("No frame"),
                "conditional": bool(frame and frame.is_conditional),
                "ufm_grants": grant_totals[total.year],
            }
        )
    return frames


def _approval_entries(proposal: Proposal) -> list[dict]:
    """Return the approvals of the proposal's current revision (none for a draft)."""
    approvals = []
    if proposal.status != Proposal.Status.DRAFT:
        for approval in approval_state(proposal=proposal).approvals:
            if approval.revision != proposal.revision:
                continue  # approvals of an earlier revision no longer count
            approvals.append(
                {
                    "member": approval.member.get_full_name(),
                    "decision": approval.decision,
                    "decision_label": str(ProposalApproval.Decision(approval.decision).label),
                    "comment": approval.comment,
                    "as_chair": approval.as_chair,
                    "at": approval.at,
                }
            )
    return approvals


def _proposal_entry(proposal: Proposal) -> dict:
    return {
        "number": proposal.number,
        "title": proposal.title,
        "status": proposal.status,
        "status_label": str(Proposal.Status(proposal.status).label),
        "method": proposal.method,
        "method_label": str(Proposal.Method(proposal.method).label),
        "unit": proposal.unit,
        "revision": proposal.revision,
        "submitted_at": proposal.submitted_at,
        "approved_at": proposal.approved_at,
        "approved_by": proposal.approved_by.get_full_name() if proposal.approved_by else "",
    }


def _decisions(*, organisations: list[dict], frames: list[dict], years: list[int], total: int) -> list[str]:
    """Return the Indstilling's bullets, one per decision the sub-committee is asked to make."""
    decisions = [
        _(
            "Approves the allocation of the board's funds among the %(count)s selected cluster organisations "
            "as shown in table 2, in total %(total)s for %(period)s"
        )
        % {"count": len(organisations), "total": format_kroner(total), "period": _span(years)}
    ]
    for frame in frames:
        values = {"year": frame["year"], "amount": format_kroner(frame["allocated"]), "source": frame["source_label"]}
        undecided = frame["source"] in ("", BudgetFrame.Source.UNDECIDED)
        if frame["conditional"] and undecided:
            text = _(
                "Approves the allocation of %(amount)s for %(year)s on condition that the funds are granted; "
                "the funding source is decided later"
            )
        elif frame["conditional"]:
            text = _(
                "Approves the allocation of %(amount)s for %(year)s, financed by %(source)s, on condition that "
                "the funds are granted"
            )
        elif undecided:
            text = _("Approves the allocation of %(amount)s for %(year)s; the funding source is decided later")
        else:
            text = _("Approves that the allocation of %(amount)s for %(year)s is financed by %(source)s")
        decisions.append(text % values)
    decisions.append(
        _("Approves that the secretariat informs the selected cluster organisations of the board's grants")
    )
    return decisions


register_document(
    KIND,
    title=gettext_lazy("Allocation memo"),
    subject_model=Proposal,
    snapshot=allocation_memo_snapshot,
    template="pdf/memo_allocation.html",
    can_generate="allocation.generate_memo",
    can_download="allocation.download_allocation_memo",
    options_form=MeetingForm,
    subject_label=lambda proposal: f"{proposal.call.tr('title')}, {proposal}",
    subject_url=lambda proposal: proposal.get_absolute_url(),
    filename_stem="fordelingsnotat",
)
