"""The secretariat's allocation proposals: creating a version filled by a helper, refilling it, adjusting its
amounts by hand, copying it into a new version, and exporting it."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from applications.models import Application, BudgetFrame, Call, Funder
from clusterfund.services import audit_record

from ..apportion import ApportionError, Bounds, apportion_years
from ..database_lock import refusal_as_validation_error
from ..exports import proposal_csv, proposal_xlsx
from ..models import Proposal, ProposalAmount, Selection
from ..selectors import frame_years, joint_results, selections_of
from .checks import check_amount, require
from .locks import lock_frames, lock_proposal, refuse_locked


def _bounds_from(raw: Mapping[int, Bounds] | None) -> dict[int, Bounds]:
    return {int(k): v for k, v in (raw or {}).items() if v.minimum is not None or v.maximum is not None}


def _bounds_json(bounds: Mapping[int, Bounds]) -> dict:
    return {str(k): [b.minimum, b.maximum] for k, b in sorted(bounds.items())}


def fill_amounts(*, call: Call, method: str, unit: int, bounds: Mapping[int, Bounds] | None = None) -> dict:
    """Return {(application pk, year): amount} for every selected organisation and every year of the board's
    frame, filled by the helper `method`; raise ValidationError with the reasons when it cannot."""
    if method not in Proposal.Method.values:
        raise ValidationError({"method": _("Choose how to fill the proposal.")})
    if unit not in Proposal.Unit.values:
        raise ValidationError({"unit": _("Choose a rounding unit of 1, 1.000 or 100.000 kr.")})
    selections = list(selections_of(call=call, selected_only=True))
    if not selections:
        raise ValidationError(_("No organisation is selected yet, so there is nothing to allocate."), code="empty")
    years = frame_years(call=call)
    if not years:
        raise ValidationError(_("The board has no budget frame in this call."), code="no_frames")
    frames = {f.year: f.amount for f in BudgetFrame.objects.filter(call=call, funder=Funder.BOARD)}
    ids = [s.application_id for s in selections]
    if method == Proposal.Method.MANUAL:
        return {(pk, year): 0 for pk in ids for year in years}
    labels = {s.application_id: s.application.organisation.name for s in selections}
    weights = _weights(method, call=call, selections=selections, years=years, labels=labels)
    try:
        split = apportion_years(frames, weights, unit=unit, bounds=_bounds_from(bounds), labels=labels)
    except ApportionError as error:
        raise ValidationError(error.messages, code="apportion") from None
    return {(pk, year): split[year][pk] for year in years for pk in ids}


def _weights(method: str, *, call: Call, selections: list[Selection], years: list[int], labels: dict) -> dict:
    """Return year -> application pk -> the helper's weight: equal, the UFM grant, or the joint score."""
    ids = [s.application_id for s in selections]
    if method == Proposal.Method.EQUAL:
        return {year: dict.fromkeys(ids, 1) for year in years}
    if method == Proposal.Method.UFM_GRANT:
        grants = {s.application_id: {g.year: g.amount for g in s.grants.all()} for s in selections}
        return {year: {pk: grants[pk].get(year, 0) for pk in ids} for year in years}
    results = joint_results(call=call)
    unscored = [labels[pk] for pk in ids if results.get(pk) is None or results[pk].mean is None]
    if unscored:
        raise ValidationError(
            _("These organisations have no joint weighted score yet: %(names)s."),
            code="no_score",
            params={"names": ", ".join(unscored)},
        )
    return {year: {pk: results[pk].mean for pk in ids} for year in years}


def _next_number(call: Call) -> int:
    return (Proposal.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
@refusal_as_validation_error()
def proposal_create(
    *, call: Call, title: str, method: str, unit: int, bounds: Mapping[int, Bounds] | None = None, by
) -> Proposal:
    """Create the call's next proposal version, filled by the helper, and return it (nothing is saved when
    the helper cannot fill it)."""
    require(by, "allocation.create_proposal", call)
    lock_frames(call)  # also serialises version numbers: two drafts created at once get 1 and 2
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the proposal a title.")})
    amounts = fill_amounts(call=call, method=method, unit=unit, bounds=bounds)
    number = _next_number(call)
    proposal = Proposal(
        call=call,
        number=number,
        title=title,
        method=method,
        unit=unit,
        bounds=_bounds_json(_bounds_from(bounds)),
        created_by=by,
    )
    proposal.full_clean(exclude=["call", "created_by"])
    proposal.save()
    ProposalAmount.objects.bulk_create(
        ProposalAmount(proposal=proposal, application_id=pk, year=year, amount=amount)
        for (pk, year), amount in amounts.items()
    )
    audit_record(
        actor=by,
        action="proposal.create",
        obj=proposal,
        after={
            "number": number,
            "method": method,
            "unit": unit,
            "bounds": proposal.bounds,
            "total": sum(amounts.values()),
        },
    )
    return proposal


def _next_revision(proposal: Proposal, before: int) -> int:
    """Return the revision after a change of the proposal's amounts: one more than `before`, or what the
    database made it (it bumps a submitted proposal's revision for every changed amount row)."""
    stored = Proposal.objects.filter(pk=proposal.pk).values_list("revision", flat=True).get()
    return max(stored, before + 1)


def _check_revision(proposal: Proposal, expected_revision: int | None) -> None:
    if expected_revision is not None and proposal.revision != expected_revision:
        raise ValidationError(
            _("A colleague changed the proposal while you were working on it. Reload the page to see their amounts."),
            code="stale",
        )


@transaction.atomic
@refusal_as_validation_error()
def proposal_fill(
    *,
    proposal: Proposal,
    method: str,
    unit: int,
    bounds: Mapping[int, Bounds] | None = None,
    expected_revision: int | None = None,
    by,
) -> Proposal:
    """Refill every amount of a proposal with a helper (its organisations become the currently selected ones);
    return it. Withdraws the members' approvals of earlier revisions (they approved other amounts)."""
    require(by, "allocation.edit_proposal", proposal)
    lock_frames(proposal.call)
    locked = lock_proposal(proposal)
    refuse_locked(locked)
    _check_revision(locked, expected_revision)
    amounts = fill_amounts(call=locked.call, method=method, unit=unit, bounds=bounds)
    before = {"revision": locked.revision, "method": locked.method, "unit": locked.unit, "bounds": locked.bounds}
    ProposalAmount.objects.filter(proposal=locked).delete()
    ProposalAmount.objects.bulk_create(
        ProposalAmount(proposal=locked, application_id=pk, year=year, amount=amount)
        for (pk, year), amount in amounts.items()
    )
    locked.method, locked.unit = method, unit
    locked.bounds = _bounds_json(_bounds_from(bounds))
    locked.revision = _next_revision(locked, before["revision"])
    locked.save()
    audit_record(
        actor=by,
        action="proposal.fill",
        obj=locked,
        before=before,
        after={"revision": locked.revision, "method": method, "unit": unit, "bounds": locked.bounds},
    )
    return locked


@transaction.atomic
@refusal_as_validation_error()
def proposal_amounts_save(
    *, proposal: Proposal, amounts: Mapping[tuple[int, int], int], expected_revision: int | None, by
) -> list[tuple[int, int, int, int]]:
    """Save hand-adjusted amounts ({(application pk, year): kroner}); return the changes as
    (application pk, year, before, after). Everything is checked before anything is written.

    A year may go over its frame while the secretariat adjusts (the page shows by how much); approval refuses it.
    """
    require(by, "allocation.edit_proposal", proposal)
    lock_frames(proposal.call)  # see locks.lock_frames: an approval cannot read the sums half-way through this edit
    locked = lock_proposal(proposal)
    refuse_locked(locked)
    _check_revision(locked, expected_revision)
    rows = {(a.application_id, a.year): a for a in ProposalAmount.objects.filter(proposal=locked)}
    names = dict(Application.objects.filter(pk__in={pk for pk, _y in rows}).values_list("pk", "organisation__name"))
    errors, changes = [], []
    for key, value in amounts.items():
        if key not in rows:
            errors.append(ValidationError(_("The proposal has no such organisation and year."), code="bad_cell"))
            continue
        pk, year = key
        try:
            check_amount(
                value, label=_("The amount for %(name)s in %(year)s") % {"name": names.get(pk, pk), "year": year}
            )
        except ValidationError as error:
            errors.append(error)
            continue
        if rows[key].amount != value:
            changes.append((pk, year, rows[key].amount, value))
    if errors:
        raise ValidationError(errors)
    if not changes:
        return []
    for pk, year, _before, after in changes:
        rows[(pk, year)].amount = after
    revision = locked.revision
    ProposalAmount.objects.bulk_update([rows[(pk, year)] for pk, year, _b, _a in changes], ["amount"])
    locked.revision = _next_revision(locked, revision)
    locked.save()
    audit_record(
        actor=by,
        action="proposal.amounts_save",
        obj=locked,
        before={"revision": revision, "amounts": {f"{pk}/{y}": b for pk, y, b, _a in changes}},
        after={"revision": locked.revision, "amounts": {f"{pk}/{y}": a for pk, y, _b, a in changes}},
    )
    return changes


@transaction.atomic
@refusal_as_validation_error()
def proposal_copy(*, proposal: Proposal, by) -> Proposal:
    """Return a new draft version with the proposal's amounts (the way to change an approved allocation)."""
    require(by, "allocation.copy_proposal", proposal.call)
    lock_frames(proposal.call)
    number = _next_number(proposal.call)
    copy = Proposal.objects.create(
        call=proposal.call,
        number=number,
        title=proposal.title,
        method=proposal.method,
        unit=proposal.unit,
        bounds=proposal.bounds,
        based_on=proposal,
        created_by=by,
    )
    ProposalAmount.objects.bulk_create(
        ProposalAmount(proposal=copy, application_id=a.application_id, year=a.year, amount=a.amount)
        for a in ProposalAmount.objects.filter(proposal=proposal)
    )
    audit_record(actor=by, action="proposal.copy", obj=copy, after={"number": number, "based_on": proposal.number})
    return copy


@transaction.atomic
def proposal_export(*, proposal: Proposal, fmt: str, by) -> bytes:
    """Return the proposal as a CSV or XLSX file's bytes and record who exported it."""
    require(by, "allocation.export_proposal", proposal.call)
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"Unknown export format {fmt!r}.")
    body = proposal_csv(proposal) if fmt == "csv" else proposal_xlsx(proposal)
    audit_record(actor=by, action="proposal.export", obj=proposal, after={"format": fmt})
    return body
