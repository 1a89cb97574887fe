"""Writes for selections, budget frames and allocation proposals. Each one is atomic, validated and audited.

Locks, always taken in this order so no two services wait for each other in a circle:

1. the call's budget frame rows (``_lock_frames``), ordered by pk;
2. the proposal row;
3. the selection rows (ordered by pk).

Recording a selection locks the application and then its selection; it never takes a frame or proposal lock.
A sum across rows (a year's amounts within its frame) is checked only after the frame rows are locked: every
write that can change either side of that comparison (amounts, frames, approval) takes the same locks, so
the check and the write it guards cannot interleave with another transaction's.
"""

from collections.abc import Mapping
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application, BudgetFrame, Call, Funder, Message
from applications.services import application_transition
from clusterfund.money import MAX_AMOUNT, format_kroner
from clusterfund.services import audit_record
from clusterfund.tasks import send_email_task

from .apportion import ApportionError, Bounds, apportion_years
from .models import Proposal, ProposalAmount, ProposalApproval, Selection, SelectionGrant, application_is_locked
from .selectors import (
    approval_state,
    call_is_locked,
    frame_years,
    joint_result,
    joint_results,
    proposal_grid,
    selections_of,
)

IN_REVIEW = (
    Application.Status.SUBMITTED,
    Application.Status.UNDER_REVIEW,
    Application.Status.SELECTED,
    Application.Status.NOT_SELECTED,
)


def _require(by, permission: str, obj=None) -> None:
    if not by.has_perm(permission, obj):
        raise PermissionDenied


def _check_amount(value, *, label: str) -> int:
    """Return `value` as whole kroner, or raise ValidationError saying what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("%(label)s must be a whole number of kroner."), code="invalid", params={"label": label})
    if value < 0:
        raise ValidationError(_("%(label)s cannot be negative."), code="negative", params={"label": label})
    if value > MAX_AMOUNT:
        raise ValidationError(
            _("%(label)s is unrealistically large (more than %(max)s)."),
            code="too_large",
            params={"label": label, "max": format_kroner(MAX_AMOUNT)},
        )
    return value


def _send_to_organisation(*, organisation, application, subject: str, body: str, by) -> Message:
    """Leave a message on the organisation's dashboard and e-mail its members once the transaction commits."""
    message = Message.objects.create(
        organisation=organisation, application=application, subject=subject, body=body, sent_by=by
    )
    recipients = list(organisation.members.filter(is_active=True).values_list("email", flat=True))
    if recipients:
        transaction.on_commit(lambda: send_email_task.delay(subject=subject, body=body, to=recipients))
    return message


# --- the minister's selections --------------------------------------------------------------------


def _selection_snapshot(selection: Selection | None) -> dict:
    if selection is None or selection.pk is None:
        return {}
    return {
        "decision": selection.decision,
        "decision_date": selection.decision_date.isoformat() if selection.decision_date else None,
        "case_number": selection.case_number,
        "note": selection.note,
        "grants": {str(g.year): g.amount for g in selection.grants.order_by("year")},
    }


def _check_grants(grants: Mapping[int, int], years: list[int]) -> dict[int, int]:
    clean, errors = {}, []
    for year, amount in grants.items():
        if year not in years:
            errors.append(
                ValidationError(
                    _("%(year)s is not a year of the call's period."), code="bad_year", params={"year": year}
                )
            )
            continue
        try:
            clean[year] = _check_amount(amount, label=_("The UFM grant for %(year)s") % {"year": year})
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def selection_record(
    *,
    application: Application,
    decision: str,
    decision_date: date,
    case_number: str,
    note: str = "",
    grants: Mapping[int, int] | None = None,
    by,
    now: datetime | None = None,
) -> Selection:
    """Record (or change) the minister's decision on an application and return the selection.

    Moves the application to selected / not selected (via under review if it was only submitted), keeps the
    UFM grants per year of a selected organisation, and tells the applicant once per decision: a message on
    their dashboard and an e-mail after commit. Refuses a second selected organisation in a business area
    (naming the first), an application the joint assessment did not find eligible, and any change to a
    selection behind an approved allocation.
    """
    now = now or timezone.now()
    _require(by, "allocation.record_selection", application.call)
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organisation", "business_area")
        .get(pk=application.pk)
    )
    # Lock the selection before asking whether an approval has fixed it: an approval in flight holds this
    # row, so we wait for it and then see its outcome.
    existing = Selection.objects.select_for_update().filter(application=locked).first()
    if existing is not None and application_is_locked(locked.pk):
        raise ValidationError(
            _("The selection of %(name)s is part of an approved allocation and can no longer be changed."),
            code="locked",
            params={"name": locked.organisation.name},
        )
    if decision not in Selection.Decision.values:
        raise ValidationError({"decision": _("Choose selected or not selected.")})
    if locked.status not in IN_REVIEW:
        raise ValidationError(
            _("Only an application in the review can be selected or not selected."), code="not_in_review"
        )
    errors = {}
    case_number = (case_number or "").strip()
    if not case_number:
        errors["case_number"] = _("Give the case number of the decision.")
    if decision_date is None:
        errors["decision_date"] = _("Give the date of the decision.")
    if errors:
        raise ValidationError(errors)
    grants = _check_grants(grants or {}, locked.call.years) if decision == Selection.Decision.SELECTED else {}

    if decision == Selection.Decision.SELECTED:
        if locked.business_area_id is None:
            raise ValidationError(_("The application has no business area, so it cannot be selected."))
        result = joint_result(application=locked)
        if result is None or result.eligible is not True:
            raise ValidationError(
                _("The joint assessment has not found that %(name)s meets the requirements, so it cannot be selected."),
                code="not_eligible",
                params={"name": locked.organisation.name},
            )
        first = (
            Selection.objects.filter(
                call=locked.call, business_area=locked.business_area, decision=Selection.Decision.SELECTED
            )
            .exclude(application=locked)
            .select_related("application__organisation")
            .first()
        )
        if first is not None:
            raise ValidationError(
                _(
                    "%(name)s is already selected in %(area)s. Only one organisation can be selected per area; "
                    "record %(name)s as not selected first."
                ),
                code="area_taken",
                params={"name": first.application.organisation.name, "area": locked.business_area.tr("name")},
            )

    before = _selection_snapshot(existing)
    selection = existing or Selection(application=locked)
    selection.call = locked.call
    selection.business_area = locked.business_area
    selection.decision = decision
    selection.decision_date = decision_date
    selection.case_number = case_number
    selection.note = (note or "").strip()
    selection.recorded_by = by
    selection.full_clean(exclude=["application", "call", "business_area", "recorded_by"], validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: two UFM users selecting in one area at the same moment
            selection.save()
    except IntegrityError:
        raise ValidationError(
            _("Another organisation was just selected in %(area)s. Reload the page to see it."),
            code="area_taken",
            params={"area": locked.business_area.tr("name") if locked.business_area else ""},
        ) from None
    selection.grants.exclude(year__in=list(grants)).delete()
    for year, amount in grants.items():
        SelectionGrant.objects.update_or_create(selection=selection, year=year, defaults={"amount": amount})

    if locked.status == Application.Status.SUBMITTED:
        locked = application_transition(application=locked, to=Application.Status.UNDER_REVIEW, by=by)
    if locked.status != decision:
        application_transition(application=locked, to=decision, by=by)

    after = _selection_snapshot(selection)
    if after != before:
        audit_record(actor=by, action="selection.record", obj=selection, before=before, after=after)
    if selection.notified_decision != decision:
        _notify_decision(selection=selection, application=locked, grants=grants, by=by, now=now)
    return selection


def _notify_decision(*, selection: Selection, application: Application, grants: dict[int, int], by, now) -> None:
    context = {
        "selection": selection,
        "application": application,
        "call": application.call,
        "grants": [
            (year, format_kroner(amount, language=settings.LANGUAGE_CODE)) for year, amount in sorted(grants.items())
        ],
    }
    # Stored once and e-mailed: in the portal's default language, whatever language the UFM user reads.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("allocation/email/decision_subject.txt", context).strip()
        body = render_to_string("allocation/email/decision.txt", context)
    _send_to_organisation(
        organisation=application.organisation, application=application, subject=subject, body=body, by=by
    )
    selection.notified_decision = selection.decision
    selection.notified_at = now
    selection.save(update_fields=["notified_decision", "notified_at"])


# --- budget frames --------------------------------------------------------------------------------


def _lock_frames(call: Call) -> dict[int, BudgetFrame]:
    """Lock every budget frame row of the call (in pk order) and return the board's frames by year.

    This is the lock that serialises everything that compares a year's sum with its frame: editing amounts,
    editing frames, member approval and the chair's approval. Without it, the chair's approval could read
    the sums while a colleague's uncommitted edit (or a lowered frame) is about to land, and lock a proposal
    that is over its frame once both commit.
    """
    frames = list(BudgetFrame.objects.select_for_update().filter(call=call).order_by("pk"))
    return {f.year: f for f in frames if f.funder == Funder.BOARD}


def _frame_snapshot(frame: BudgetFrame) -> dict:
    return {
        "year": frame.year,
        "funder": frame.funder,
        "amount": frame.amount,
        "source": frame.source,
        "source_year": frame.source_year,
        "is_conditional": frame.is_conditional,
    }


@transaction.atomic
def frames_save(*, call: Call, values: list[Mapping], by) -> list[BudgetFrame]:
    """Create or change the call's frames (each mapping: year, funder, amount, source, source_year,
    is_conditional) and return the changed ones. All or nothing; refused once an allocation is approved."""
    _require(by, "allocation.edit_frames", call)
    _lock_frames(call)
    if call_is_locked(call=call):
        raise ValidationError(
            _("An allocation of this call is approved, so its budget frames can no longer change."), code="locked"
        )
    existing = {(f.year, f.funder): f for f in BudgetFrame.objects.filter(call=call)}
    changed, errors = [], []
    for value in values:
        year, funder = value["year"], value["funder"]
        if funder not in Funder.values:
            raise ValidationError(_("Unknown funder."), code="bad_funder")
        try:
            amount = _check_amount(value["amount"], label=_("The frame for %(year)s") % {"year": year})
        except ValidationError as error:
            errors.append(error)
            continue
        frame = existing.get((year, funder)) or BudgetFrame(call=call, year=year, funder=funder)
        before = _frame_snapshot(frame) if frame.pk else {}
        frame.amount = amount
        frame.source = value.get("source") or BudgetFrame.Source.UNDECIDED
        frame.source_year = value.get("source_year")
        if frame.source != BudgetFrame.Source.FINANCE_ACT:
            frame.source_year = None
        frame.is_conditional = bool(value.get("is_conditional"))
        try:
            frame.full_clean(exclude=["call"], validate_unique=False, validate_constraints=False)
            if frame.source == BudgetFrame.Source.FINANCE_ACT and not frame.source_year:
                raise ValidationError(
                    _("Give the year of the finance act for %(year)s."), code="source_year", params={"year": year}
                )
        except ValidationError as error:
            errors.append(error)
            continue
        after = _frame_snapshot(frame)
        if after != before:
            frame.save()
            changed.append(frame)
            audit_record(
                actor=by, action="frame.create" if not before else "frame.update", obj=frame, before=before, after=after
            )
    if errors:
        raise ValidationError(errors)  # the atomic block rolls back every frame saved above
    return changed


# --- proposals ------------------------------------------------------------------------------------


def _lock_proposal(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("call").get(pk=proposal.pk)


def _refuse_locked(proposal: Proposal) -> None:
    if proposal.is_locked:
        raise ValidationError(
            _("Proposal %(number)s is approved and locked. Make a new version to change anything."),
            code="locked",
            params={"number": proposal.number},
        )


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
    if method == Proposal.Method.EQUAL:
        weights = {year: dict.fromkeys(ids, 1) for year in years}
    elif method == Proposal.Method.UFM_GRANT:
        grants = {s.application_id: {g.year: g.amount for g in s.grants.all()} for s in selections}
        weights = {year: {pk: grants[pk].get(year, 0) for pk in ids} for year in years}
    else:
        results = joint_results(call=call)
        unscored = [labels[pk] for pk in ids if results.get(pk) is None or results[pk].mean is None]
        if unscored:
            raise ValidationError(
                _("These organisations have no joint weighted score yet: %(names)s."),
                code="no_score",
                params={"names": ", ".join(unscored)},
            )
        weights = {year: {pk: results[pk].mean for pk in ids} for year in years}
    try:
        split = apportion_years(frames, weights, unit=unit, bounds=_bounds_from(bounds), labels=labels)
    except ApportionError as error:
        raise ValidationError(error.messages, code="apportion") from None
    return {(pk, year): split[year][pk] for year in years for pk in ids}


@transaction.atomic
def proposal_create(
    *, call: Call, title: str, method: str, unit: int, bounds: Mapping[int, Bounds] | None = None, by
) -> Proposal:
    """Create the call's next proposal version, filled by the helper, and return it (nothing is saved when
    the helper cannot fill it)."""
    _require(by, "allocation.create_proposal", call)
    _lock_frames(call)  # also serialises version numbers: two drafts created at once get 1 and 2
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the proposal a title.")})
    amounts = fill_amounts(call=call, method=method, unit=unit, bounds=bounds)
    number = (Proposal.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0) + 1
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


def _check_revision(proposal: Proposal, expected_revision: int | None) -> None:
    if expected_revision is not None and proposal.revision != expected_revision:
        raise ValidationError(
            _("A colleague changed the proposal while you were working on it. Reload the page to see their amounts."),
            code="stale",
        )


@transaction.atomic
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
    _require(by, "allocation.edit_proposal", proposal)
    _lock_frames(proposal.call)
    locked = _lock_proposal(proposal)
    _refuse_locked(locked)
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
    locked.revision += 1
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
def proposal_amounts_save(
    *, proposal: Proposal, amounts: Mapping[tuple[int, int], int], expected_revision: int | None, by
) -> list[tuple[int, int, int, int]]:
    """Save hand-adjusted amounts ({(application pk, year): kroner}); return the changes as
    (application pk, year, before, after). Everything is checked before anything is written.

    A year may go over its frame while the secretariat adjusts (the page shows by how much); approval refuses it.
    """
    _require(by, "allocation.edit_proposal", proposal)
    _lock_frames(proposal.call)  # see _lock_frames: an approval cannot read the sums half-way through this edit
    locked = _lock_proposal(proposal)
    _refuse_locked(locked)
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
            _check_amount(
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
    ProposalAmount.objects.bulk_update([rows[(pk, year)] for pk, year, _b, _a in changes], ["amount"])
    locked.revision += 1
    locked.save()
    audit_record(
        actor=by,
        action="proposal.amounts_save",
        obj=locked,
        before={"revision": locked.revision - 1, "amounts": {f"{pk}/{y}": b for pk, y, b, _a in changes}},
        after={"revision": locked.revision, "amounts": {f"{pk}/{y}": a for pk, y, _b, a in changes}},
    )
    return changes


def _problems(proposal: Proposal) -> list[str]:
    """Return what stands in the way of approving the (locked) proposal: over-frame years and selections."""
    grid = proposal_grid(proposal=proposal, with_results=False)
    return grid.problems


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by, now: datetime | None = None) -> Proposal:
    """Submit a draft to the sub-committee and return it; refused while a year is over its frame."""
    _require(by, "allocation.submit_proposal", proposal)
    _lock_frames(proposal.call)
    locked = _lock_proposal(proposal)
    _refuse_locked(locked)
    problems = _problems(locked)
    if problems:
        raise ValidationError(problems, code="problems")
    _transition(locked, Proposal.Status.SUBMITTED, by)
    locked.submitted_at = now or timezone.now()
    locked.save()
    return locked


@transaction.atomic
def proposal_review(*, proposal: Proposal, decision: str, comment: str = "", by) -> ProposalApproval:
    """Record a sub-committee member's approval of (or comment on) the proposal's current revision."""
    _require(by, "allocation.review_proposal", proposal)
    _lock_frames(proposal.call)
    locked = _lock_proposal(proposal)
    _refuse_locked(locked)
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
def proposal_approve(*, proposal: Proposal, by, now: datetime | None = None) -> Proposal:
    """The chair's approval: lock the proposal for good and return it; tell each organisation its amounts.

    Refused unless every sub-committee member has approved the current revision, every organisation in it is
    still selected (and every selected one is in it), and no year is over its frame - checked after the frame
    rows, the proposal and the selections are locked, so no concurrent edit can slip in between.
    """
    now = now or timezone.now()
    _require(by, "allocation.lock_proposal", proposal)
    _lock_frames(proposal.call)
    locked = _lock_proposal(proposal)
    _refuse_locked(locked)
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
        _send_to_organisation(
            organisation=application.organisation, application=application, subject=subject, body=body, by=by
        )


@transaction.atomic
def proposal_copy(*, proposal: Proposal, by) -> Proposal:
    """Return a new draft version with the proposal's amounts (the way to change an approved allocation)."""
    _require(by, "allocation.copy_proposal", proposal.call)
    _lock_frames(proposal.call)
    number = (Proposal.objects.filter(call=proposal.call).aggregate(n=Max("number"))["n"] or 0) + 1
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
