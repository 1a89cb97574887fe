"""Writes for grants: creating them from the approved allocation and the UFM grants, recording a later
decision on a year's funding source (a new version; the old one stays readable), the organisation's
acceptance, and the targets per indicator.

Locks: the grant row first, then its versions. Creating the call's grants locks the approved proposal's row
(so two clicks on "create grants" cannot make two grants for one organisation; the unique constraint is the
last word).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allocation.models import Proposal, ProposalAmount, Selection, SelectionGrant
from allocation.selectors import approved_proposal
from allocation.services.checks import check_amount, require
from applications.models import BudgetFrame, Call, Funder
from clusterfund.services import audit_record

from ..models import FundingSource, Grant, GrantAcceptance, GrantVersion, GrantYear, Indicator, IndicatorTarget
from .common import send_to_organisation
from .watch import gold_carry_over

# How the call's budget frames name a source, in the grant's words.
FRAME_SOURCES = {
    BudgetFrame.Source.FINANCE_ACT: FundingSource.FINANCE_ACT,
    BudgetFrame.Source.STRUCTURAL_FUNDS: FundingSource.ERDF,
    BudgetFrame.Source.MINISTRY: FundingSource.MINISTRY,
    BudgetFrame.Source.UNDECIDED: FundingSource.UNDECIDED,
}


@dataclass(frozen=True)
class GrantLine:
    """One line of a grant version: what `funder` grants in `year` from `source`."""

    year: int
    funder: str
    source: str
    amount: int
    source_year: int | None = None
    is_conditional: bool = False
    conditions: str = ""


def _line_of(row: GrantYear) -> GrantLine:
    return GrantLine(
        year=row.year,
        funder=row.funder,
        source=row.source,
        amount=row.amount,
        source_year=row.source_year,
        is_conditional=row.is_conditional,
        conditions=row.conditions,
    )


def _lines_json(lines: Sequence[GrantLine]) -> list[dict]:
    return [
        {
            "year": line.year,
            "funder": line.funder,
            "source": line.source,
            "source_year": line.source_year,
            "amount": line.amount,
            "conditional": line.is_conditional,
        }
        for line in sorted(lines, key=lambda x: (x.year, x.funder, x.source))
    ]


def _write_version(*, grant: Grant, number: int, lines: Sequence[GrantLine], conditions: str, reason: str, by):
    """Write a new version with its lines, make it the grant's current one, and return it."""
    version = GrantVersion(grant=grant, number=number, conditions=conditions, reason=reason, created_by=by)
    version.full_clean(exclude=["grant"])
    version.save()
    rows = []
    for line in lines:
        row = GrantYear(
            version=version,
            year=line.year,
            funder=line.funder,
            source=line.source,
            source_year=line.source_year,
            amount=line.amount,
            is_conditional=line.is_conditional or line.source == FundingSource.UNDECIDED,
            conditions=line.conditions,
        )
        row.full_clean(exclude=["version"])
        rows.append(row)
    GrantYear.objects.bulk_create(rows)
    grant.current_version = version
    grant.save(update_fields=["current_version"])
    return version


def default_conditions(*, call: Call, conditional_years: Sequence[int]) -> str:
    """Return the grant's standard conditions in the portal's default language (the letter's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        parts = [
            _(
                "The grant is given on the conditions of the call “%(title)s”: the organisation keeps the ECEI gold "
                "label (or follows its plan to reach it), files an annual action plan for approval by the "
                "secretariat and UFM, and reports on its activities, accounts and effect figures by the dates in "
                "the reporting calendar."
            )
            % {"title": call.title},
            _(
                "Activities paid by the board involve at least two actors, at least one of them a company; "
                "activities paid by UFM involve at least one company and one knowledge institution."
            ),
        ]
        if conditional_years:
            parts.append(
                _("The grant for %(years)s is conditional: it depends on the funds being granted.")
                % {"years": ", ".join(str(y) for y in conditional_years)}
            )
    return "\n\n".join(parts)


def _lines_from_allocation(
    *, call: Call, proposal: Proposal, application_id: int, frames: dict, ufm: dict[int, int]
) -> list[GrantLine]:
    lines = []
    amounts = dict(
        ProposalAmount.objects.filter(proposal=proposal, application_id=application_id).values_list("year", "amount")
    )
    for funder, per_year in ((Funder.BOARD, amounts), (Funder.UFM, ufm)):
        for year, amount in sorted(per_year.items()):
            frame = frames.get((year, funder))
            if frame is None:
                source = FundingSource.MINISTRY if funder == Funder.UFM else FundingSource.UNDECIDED
                source_year, conditional = None, source == FundingSource.UNDECIDED
            else:
                source = FRAME_SOURCES.get(frame.source, FundingSource.UNDECIDED)
                source_year = frame.source_year if source == FundingSource.FINANCE_ACT else None
                conditional = frame.is_conditional or source == FundingSource.UNDECIDED
            lines.append(
                GrantLine(
                    year=year,
                    funder=funder,
                    source=source,
                    amount=amount,
                    source_year=source_year,
                    is_conditional=conditional,
                )
            )
    return lines


@transaction.atomic
def grants_create_for_call(*, call: Call, by, now: datetime | None = None) -> list[Grant]:
    """Create a grant (version 1) for every selected organisation in the call's approved allocation that has
    none yet, and return the new grants. Each organisation is told that its grant is ready to accept.

    The board's amounts come from the approved allocation, UFM's from the minister's grants; each year's source
    and whether it is conditional come from the call's budget frames. Raise ValidationError if the call has no
    approved allocation.
    """
    require(by, "governance.create_grants", call)
    proposal = approved_proposal(call=call)
    if proposal is None:
        raise ValidationError(_("The call has no approved allocation yet, so there is nothing to grant."))
    Proposal.objects.select_for_update().filter(pk=proposal.pk).first()
    existing = set(Grant.objects.filter(call=call).values_list("application_id", flat=True))
    allocated = set(ProposalAmount.objects.filter(proposal=proposal).values_list("application_id", flat=True))
    selections = (
        Selection.objects.filter(call=call, decision=Selection.Decision.SELECTED, application_id__in=allocated)
        .exclude(application_id__in=existing)
        .select_related("application__organisation")
        .order_by("pk")
    )
    frames = {(f.year, f.funder): f for f in BudgetFrame.objects.filter(call=call)}
    ufm: dict[int, dict[int, int]] = {}
    for selection_id, year, amount in SelectionGrant.objects.filter(selection__call=call).values_list(
        "selection_id", "year", "amount"
    ):
        ufm.setdefault(selection_id, {})[year] = amount
    created = []
    for selection in selections:
        application = selection.application
        lines = _lines_from_allocation(
            call=call,
            proposal=proposal,
            application_id=application.pk,
            frames=frames,
            ufm=ufm.get(selection.pk, {}),
        )
        years = sorted({line.year for line in lines}) or call.years
        conditional_years = sorted({line.year for line in lines if line.is_conditional})
        grant = Grant(
            call=call,
            application=application,
            organisation=application.organisation,
            case_number=selection.case_number,
            first_year=years[0],
            last_year=years[-1],
            created_by=by,
        )
        grant.full_clean(exclude=["current_version"])
        grant.save()
        version = _write_version(
            grant=grant,
            number=1,
            lines=lines,
            conditions=default_conditions(call=call, conditional_years=conditional_years),
            reason="",
            by=by,
        )
        audit_record(
            actor=by,
            action="grant.create",
            obj=grant,
            after={"version": 1, "proposal": proposal.pk, "lines": _lines_json(lines)},
        )
        gold_carry_over(grant=grant, by=by)
        _notify_version(grant=grant, version=version, by=by, now=now)
        created.append(grant)
    return created


def _notify_version(*, grant: Grant, version: GrantVersion, by, now: datetime | None) -> None:
    context = {"grant": grant, "version": version, "call": grant.call, "organisation": grant.organisation}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("governance/email/grant_version_subject.txt", context).strip()
        body = render_to_string("governance/email/grant_version.txt", context)
    send_to_organisation(organisation=grant.organisation, subject=subject, body=body, by=by)
    version.notified_at = now or timezone.now()
    version.save(update_fields=["notified_at"])


def _lock_grant(grant: Grant) -> Grant:
    return Grant.objects.select_for_update().select_related("call", "organisation", "application").get(pk=grant.pk)


def _check_decision(*, grant: Grant, year: int, funder: str, reason: str) -> None:
    """Raise ValidationError unless the year is the grant's, the funder is known and a reason is given."""
    if year not in grant.years:
        raise ValidationError(_("%(year)s is not a year of the grant."), params={"year": year}, code="bad_year")
    if funder not in Funder.values:
        raise ValidationError(_("Unknown funder."), code="bad_funder")
    if not (reason or "").strip():
        raise ValidationError(_("Say why the grant changes (e.g. the board's decision of the date)."), code="reason")


def _decided_line(raw: Mapping, *, seen: set[str], year: int, funder: str) -> GrantLine | None:
    """Return the grant line one posted source line decides (None for a zero amount); raise ValidationError
    for an unknown or repeated source, a bad amount or a finance act line without its year."""
    source = raw.get("source")
    if source not in FundingSource.values:
        raise ValidationError(_("Unknown funding source."), code="bad_source")
    if source in seen:
        raise ValidationError(_("Each funding source may be given only once."), code="repeated")
    seen.add(source)
    label = _("The amount from %(source)s") % {"source": FundingSource(source).label}
    amount = check_amount(raw.get("amount"), label=label)
    source_year = raw.get("source_year") if source == FundingSource.FINANCE_ACT else None
    if source == FundingSource.FINANCE_ACT and not source_year:
        raise ValidationError(_("Give the year of the finance act."), code="source_year")
    if amount == 0:
        return None
    return GrantLine(
        year=year,
        funder=funder,
        source=source,
        amount=amount,
        source_year=source_year,
        is_conditional=bool(raw.get("is_conditional")) or source == FundingSource.UNDECIDED,
    )


def _decided_lines(lines: Sequence[Mapping], *, year: int, funder: str) -> list[GrantLine]:
    """Return the new lines for `funder`'s `year`; raise ValidationError with every line's error, or if no
    line has an amount."""
    new_lines, seen, errors = [], set(), []
    for raw in lines:
        try:
            line = _decided_line(raw, seen=seen, year=year, funder=funder)
        except ValidationError as error:
            errors.append(error)
            continue
        if line is not None:
            new_lines.append(line)
    if errors:
        raise ValidationError(errors)
    if not new_lines:
        raise ValidationError(_("Give at least one amount."), code="empty")
    return new_lines


@transaction.atomic
def grant_source_decide(
    *,
    grant: Grant,
    year: int,
    funder: str = Funder.BOARD,
    lines: Sequence[Mapping],
    reason: str,
    by,
    now: datetime | None = None,
) -> GrantVersion:
    """Record how `funder`'s money for `year` is financed, e.g. ERDF plus national funds, as a new version of
    the grant (the old version stays as it was), and tell the organisation. Return the new version.

    `lines` holds one mapping per source: {"source", "amount", "source_year" (finance act only),
    "is_conditional" (default False)}. Raise ValidationError if the year is not the grant's, a line is wrong,
    a source repeats, or nothing would change.
    """
    require(by, "governance.decide_source", grant)
    locked = _lock_grant(grant)
    current = GrantVersion.objects.select_for_update().get(pk=locked.current_version_id)
    _check_decision(grant=locked, year=year, funder=funder, reason=reason)
    new_lines = _decided_lines(lines, year=year, funder=funder)
    old_lines = [_line_of(row) for row in current.years.all()]
    kept = [line for line in old_lines if not (line.year == year and line.funder == funder)]
    replaced = [line for line in old_lines if line.year == year and line.funder == funder]
    if sorted(replaced, key=lambda x: x.source) == sorted(new_lines, key=lambda x: x.source):
        raise ValidationError(_("Nothing would change: the year is already financed like that."), code="unchanged")
    version = _write_version(
        grant=locked,
        number=current.number + 1,
        lines=[*kept, *new_lines],
        conditions=current.conditions,
        reason=reason.strip(),
        by=by,
    )
    audit_record(
        actor=by,
        action="grant.source_decide",
        obj=locked,
        before={"version": current.number, "year": year, "funder": funder, "lines": _lines_json(replaced)},
        after={"version": version.number, "year": year, "funder": funder, "lines": _lines_json(new_lines)},
    )
    _notify_version(grant=locked, version=version, by=by, now=now)
    return version


@transaction.atomic
def grant_accept(*, grant: Grant, by, now: datetime | None = None) -> GrantAcceptance:
    """Record that `by` accepts the grant's current version for the organisation and return the acceptance;
    accepting a version twice returns the first acceptance (a second click or tab)."""
    require(by, "governance.accept_grant", grant)
    locked = _lock_grant(grant)
    version = locked.current_version
    found = GrantAcceptance.objects.filter(version=version).first()
    if found is not None:
        return found
    acceptance = GrantAcceptance(version=version, accepted_by=by, accepted_at=now or timezone.now())
    acceptance.full_clean()
    acceptance.save()
    audit_record(
        actor=by,
        action="grant.accept",
        obj=locked,
        after={"version": version.number, "accepted_at": acceptance.accepted_at.isoformat()},
    )
    return acceptance


@transaction.atomic
def grant_targets_save(*, grant: Grant, values: Mapping[int, int | None], by) -> dict[int, int]:
    """Set the grant's targets for the whole period, indicator id -> value (None removes a target); return
    the targets now in force. Raise ValidationError for an indicator of another call or a bad value."""
    require(by, "governance.edit_targets", grant)
    locked = _lock_grant(grant)
    indicators = {i.pk: i for i in Indicator.objects.filter(call=locked.call)}
    existing = {t.indicator_id: t for t in IndicatorTarget.objects.filter(grant=locked, year__isnull=True)}
    before = {str(k): t.value for k, t in existing.items()}
    errors = []
    for indicator_id, value in values.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            errors.append(ValidationError(_("The indicator is not one of the call's."), code="bad_indicator"))
            continue
        if value is None:
            if indicator_id in existing:
                existing.pop(indicator_id).delete()
            continue
        try:
            check_amount(value, label=indicator.tr("name"))
        except ValidationError as error:
            errors.append(error)
            continue
        target = existing.get(indicator_id) or IndicatorTarget(grant=locked, indicator=indicator, year=None)
        target.value = value
        target.full_clean(exclude=["grant", "indicator"], validate_constraints=False)
        target.save()
        existing[indicator_id] = target
    if errors:
        raise ValidationError(errors)
    after = {str(k): t.value for k, t in existing.items()}
    if after != before:
        audit_record(actor=by, action="grant.targets", obj=locked, before=before, after=after)
    return {k: t.value for k, t in existing.items()}
