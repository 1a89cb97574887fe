"""Writes for the reporting calendar: the dates generated from each year's funding source, and ad hoc dates
added by staff.

The rules (ERST's practice, the call's `GovernanceSettings`):
- a year financed (by any funder) from the EU Regional Fund (ERDF) is reported on the call's ERDF statement
  dates: the year is split into as many equal periods as there are dates, and each period is due on the
  first statement date after it ends (with 02-28 and 08-31: January–June on 31 August, July–December on 28
  February the year after). Those reports cover all of the year's funds;
- any other year (finance act, the ministry's appropriation, not yet decided) is reported once, on the
  national report date of the following year;
- a final report for the whole grant period falls `final_report_months` after the grant's last year ends.

`calendar_sync` makes the generated dates match the grant's current version. It runs whenever a grant gets
a (new) current version (see `governance.reports_ready`), so when 2023–24 becomes ERDF the two years get
two dates each. A generated date the organisation has started reporting on (it has a report) stays as it
is (and no new date is made for a period it covers); generated dates without a report are moved, added or
removed. Ad hoc dates are never touched.
"""

import calendar as calendar_module
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from allocation.services.checks import require
from clusterfund.services import audit_record

from ..models import FundingSource, GovernanceSettings, Grant, GrantYear, ReportDue

NATIONAL_ORDER = [FundingSource.FINANCE_ACT, FundingSource.MINISTRY, FundingSource.UNDECIDED]


@dataclass(frozen=True)
class DueDate:
    """One generated date of a grant's calendar."""

    kind: str
    source: str
    due_on: dt.date
    period_start: dt.date
    period_end: dt.date


def _month_day(year: int, month_day: str) -> dt.date:
    """Return 'MM-DD' in `year`, 29 February falling back to the 28th in a common year."""
    month, day = (int(part) for part in month_day.split("-"))
    return dt.date(year, month, min(day, calendar_module.monthrange(year, month)[1]))


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar_module.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar_module.monthrange(year, month)[1])


def erdf_dates(*, year: int, statement_dates: list[str]) -> list[DueDate]:
    """Return the ERDF report dates of `year`: one equal period per statement date, each due on the first
    statement date after the period ends."""
    count = len(statement_dates)
    if count == 0:
        return []
    candidates = sorted(_month_day(y, md) for y in (year, year + 1, year + 2) for md in statement_dates)
    dates = []
    for index in range(count):
        first_month = 1 + (12 * index) // count
        last_month = (12 * (index + 1)) // count
        start, end = dt.date(year, first_month, 1), _month_end(year, last_month)
        due_on = next(day for day in candidates if day > end)
        dates.append(DueDate(ReportDue.Kind.PERIODIC, FundingSource.ERDF, due_on, start, end))
    return dates


def expected_dates(*, grant: Grant, settings: GovernanceSettings | None = None) -> list[DueDate]:
    """Return the dates the grant's calendar should hold under its current version (periodic and final)."""
    settings = settings or GovernanceSettings.for_call(grant.call)
    sources: dict[int, set[str]] = {}
    for year, source in GrantYear.objects.filter(version_id=grant.current_version_id).values_list("year", "source"):
        sources.setdefault(year, set()).add(source)
    dates: list[DueDate] = []
    for year in grant.years:
        year_sources = sources.get(year, set())
        if FundingSource.ERDF in year_sources and settings.erdf_statement_dates:
            dates.extend(erdf_dates(year=year, statement_dates=list(settings.erdf_statement_dates)))
            continue
        source = next((s for s in NATIONAL_ORDER if s in year_sources), FundingSource.UNDECIDED)
        due_on = _month_day(year + 1, settings.national_report_date)
        dates.append(DueDate(ReportDue.Kind.PERIODIC, source, due_on, dt.date(year, 1, 1), dt.date(year, 12, 31)))
    end = dt.date(grant.last_year, 12, 31)
    final_on = _add_months(end, settings.final_report_months)
    dates.append(DueDate(ReportDue.Kind.FINAL, "", final_on, dt.date(grant.first_year, 1, 1), end))
    return dates


def _describe(due: ReportDue | DueDate) -> dict:
    return {
        "kind": due.kind,
        "source": due.source,
        "due_on": due.due_on.isoformat(),
        "period": [due.period_start.isoformat(), due.period_end.isoformat()],
    }


@dataclass
class _Reported:
    """What the organisation has already reported on among the generated dates: those stay as they are."""

    pks: set[int]
    keys: set[tuple[str, dt.date]]
    final: bool
    periods: list[tuple[dt.date, dt.date]]

    @classmethod
    def of(cls, generated: list[ReportDue]) -> "_Reported":
        reported = [due for due in generated if _has_report(due)]
        return cls(
            pks={due.pk for due in reported},
            keys={(due.kind, due.due_on) for due in reported},
            final=any(due.kind == ReportDue.Kind.FINAL for due in reported),
            # periods already reported on: a new date for an overlapping period would ask for the same report twice
            periods=[(due.period_start, due.period_end) for due in reported if due.kind == ReportDue.Kind.PERIODIC],
        )

    def covers(self, want: DueDate) -> bool:
        """Whether a report already made stands in for the wanted date."""
        if want.kind == ReportDue.Kind.FINAL and self.final:
            return True
        return want.kind == ReportDue.Kind.PERIODIC and any(
            start <= want.period_end and want.period_start <= end for start, end in self.periods
        )


def _sync_unreported(
    *, generated: list[ReportDue], reported: _Reported, wanted: dict, kept_keys: set, removed: list, added: list
) -> None:
    """Delete the generated dates without a report that are no longer wanted and move the rest onto what is
    wanted for their kind and day; the dates kept are added to `kept_keys`."""
    for due in generated:
        if due.pk in reported.pks:
            continue
        want = wanted.get((due.kind, due.due_on))
        if want is None:
            removed.append(_describe(due))
            due.delete()
            continue
        if (want.source, want.period_start, want.period_end) != (due.source, due.period_start, due.period_end):
            removed.append(_describe(due))
            due.source, due.period_start, due.period_end = want.source, want.period_start, want.period_end
            due.full_clean(exclude=["grant"], validate_constraints=False)
            due.save()
            added.append(_describe(due))
        kept_keys.add((due.kind, due.due_on))


def _add_missing(
    *, grant: Grant, wanted: dict, reported: _Reported, kept_keys: set, ad_hoc_keys: set, added: list
) -> None:
    """Create the wanted dates the calendar does not hold yet (in date order), skipping those a kept, ad hoc
    or reported date already stands for."""
    for key, want in sorted(wanted.items(), key=lambda item: item[1].due_on):
        if key in kept_keys or key in ad_hoc_keys or reported.covers(want):
            continue
        due = ReportDue(
            grant=grant,
            kind=want.kind,
            source=want.source,
            due_on=want.due_on,
            period_start=want.period_start,
            period_end=want.period_end,
        )
        due.full_clean(exclude=["grant"], validate_constraints=False)
        due.save()
        kept_keys.add(key)
        added.append(_describe(due))


@transaction.atomic
def calendar_sync(*, grant: Grant, by=None) -> list[ReportDue]:
    """Make the grant's generated report dates match its current version and return the calendar (all
    dates, ordered). Dates with a report stay; ad hoc dates are kept. Audited when anything changes."""
    locked = Grant.objects.select_for_update().select_related("call").get(pk=grant.pk)
    wanted = {(d.kind, d.due_on): d for d in expected_dates(grant=locked)}
    generated = list(
        ReportDue.objects.filter(grant=locked, created_by__isnull=True).select_related("report").order_by("due_on")
    )
    reported = _Reported.of(generated)
    kept_keys = set(reported.keys)
    removed, added = [], []
    _sync_unreported(
        generated=generated, reported=reported, wanted=wanted, kept_keys=kept_keys, removed=removed, added=added
    )
    ad_hoc_keys = set(ReportDue.objects.filter(grant=locked, created_by__isnull=False).values_list("kind", "due_on"))
    _add_missing(
        grant=locked, wanted=wanted, reported=reported, kept_keys=kept_keys, ad_hoc_keys=ad_hoc_keys, added=added
    )
    if removed or added:
        audit_record(
            actor=by,
            action="calendar.sync",
            obj=locked,
            before={"removed": removed},
            after={"added": added, "version": locked.current_version.number if locked.current_version else None},
        )
    return list(ReportDue.objects.filter(grant=locked).order_by("due_on", "pk"))


def _has_report(due: ReportDue) -> bool:
    try:
        return due.report is not None
    except ReportDue.report.RelatedObjectDoesNotExist:
        return False


@transaction.atomic
def report_due_add(
    *, grant: Grant, due_on: dt.date, period_start: dt.date, period_end: dt.date, note: str, by
) -> ReportDue:
    """Add an ad hoc report date to the grant's calendar and return it; raise ValidationError if the period
    is not ordered, the date falls before the period ends, or the grant already has an ad hoc date that day."""
    require(by, "governance.add_report_due", grant)
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    if period_end < period_start:
        raise ValidationError(_("The period must end after it starts."), code="period")
    if due_on < period_end:
        raise ValidationError(_("The report cannot be due before its period ends."), code="due_before_end")
    if ReportDue.objects.filter(grant=locked, kind=ReportDue.Kind.AD_HOC, due_on=due_on).exists():
        raise ValidationError(_("The grant already has an ad hoc report due that day."), code="duplicate")
    due = ReportDue(
        grant=locked,
        kind=ReportDue.Kind.AD_HOC,
        source="",
        due_on=due_on,
        period_start=period_start,
        period_end=period_end,
        note=(note or "").strip(),
        created_by=by,
    )
    due.full_clean()
    due.save()
    audit_record(actor=by, action="calendar.add", obj=locked, after={**_describe(due), "note": due.note})
    return due
