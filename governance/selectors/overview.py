"""The programme overview for staff: per organisation and year the plan status, the reports' status (late
ones marked), the grant and the budget used per funder, and each indicator's actual against its target;
a cumulative row per organisation and the programme's totals. A fixed number of queries however many
organisations (see tests/governance/test_overview.py).

Budget used is the actual spent in the accounts of accepted and locked reports; figures are computed as
`selectors.reports` describes (participants counted once per CVR).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from applications.models import Call, Funder

from ..models import ActionPlan, Grant, GrantYear, Indicator, IndicatorTarget, Report, ReportAccountLine, ReportDue
from .reports import COUNTED_STATUSES, Figures, grants_figures, reviewable_grants

FUNDERS = [Funder.BOARD, Funder.UFM]


@dataclass
class ReportCell:
    due_on: dt.date
    status: str  # a Report.Status value, or "" when no report has been started
    status_label: str
    late: bool


@dataclass
class OverviewRow:
    grant: Grant
    year: int | None  # None for the organisation's cumulative row
    plan: ActionPlan | None
    reports: list[ReportCell]
    granted: dict[str, int]
    used: dict[str, int]
    actuals: dict[int, int]
    targets: dict[int, int]
    cells: list = field(default_factory=list)  # (actual, target) per indicator, in the indicators' order


@dataclass
class Overview:
    call: Call
    years: list[int]
    indicators: list[Indicator]
    rows: list[OverviewRow] = field(default_factory=list)
    totals: list[OverviewRow] = field(default_factory=list)  # per year, then the whole programme (year None)


def _no_report_label() -> str:
    from django.utils.translation import gettext

    return gettext("Not started")


@dataclass
class _Sums:
    """The overview's raw figures, keyed by (grant id, year); targets also by (grant id, None) for the period."""

    granted: dict[tuple[int, int], dict[str, int]]
    plans: dict[tuple[int, int], ActionPlan]
    reports: dict[tuple[int, int], list[ReportCell]]
    used: dict[tuple[int, int], dict[str, int]]
    targets: dict[tuple[int, int | None], dict[int, int]]
    figures: Figures


def _granted(grant_list: list[Grant]) -> dict[tuple[int, int], dict[str, int]]:
    """The amounts of each grant's current version per year and funder."""
    version_of = {g.current_version_id: g.pk for g in grant_list}
    granted: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for version_id, year, funder, amount in GrantYear.objects.filter(version_id__in=list(version_of)).values_list(
        "version_id", "year", "funder", "amount"
    ):
        granted[(version_of[version_id], year)][funder] += amount
    return granted


def _report_cells(
    ids: list[int], now: dt.datetime
) -> tuple[dict[tuple[int, int], list[ReportCell]], dict[int, tuple[int, int]]]:
    """Return the report cells per (grant, year of the period's end), late ones marked, and each due date's
    (grant, year)."""
    reports: dict[tuple[int, int], list[ReportCell]] = defaultdict(list)
    due_of: dict[int, tuple[int, int]] = {}
    deadlines: dict[dt.date, dt.datetime] = {}  # few distinct dates: each computed once
    labels = {value: str(label) for value, label in Report.Status.choices}
    not_started = _no_report_label()
    for pk, grant_id, due_on, period_end, status, submitted_at in (
        ReportDue.objects.filter(grant_id__in=ids)
        .order_by("due_on", "pk")
        .values_list("pk", "grant_id", "due_on", "period_end", "report__status", "report__first_submitted_at")
    ):
        due_of[pk] = (grant_id, period_end.year)
        deadline = deadlines.get(due_on)
        if deadline is None:
            deadline = deadlines[due_on] = ReportDue(due_on=due_on).deadline()
        late = (submitted_at or now) >= deadline
        reports[(grant_id, period_end.year)].append(
            ReportCell(due_on, status or "", labels[status] if status else not_started, late)
        )
    return reports, due_of


def _used(ids: list[int]) -> dict[tuple[int, int], dict[str, int]]:
    """The actual spent per funder in the counted reports, by (grant, year of the period's end)."""
    used: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for grant_id, period_end, funder, total in (
        ReportAccountLine.objects.filter(report__due__grant_id__in=ids, report__status__in=COUNTED_STATUSES)
        .values_list("report__due__grant_id", "report__due__period_end", "funder")
        .annotate(total=Sum("actual"))
        .values_list("report__due__grant_id", "report__due__period_end", "funder", "total")
    ):
        bucket = used[(grant_id, period_end.year)]
        bucket[funder] = bucket.get(funder, 0) + total
    return used


def _targets(ids: list[int]) -> dict[tuple[int, int | None], dict[int, int]]:
    targets: dict[tuple[int, int | None], dict[int, int]] = defaultdict(dict)
    for grant_id, indicator_id, year, value in IndicatorTarget.objects.filter(grant_id__in=ids).values_list(
        "grant_id", "indicator_id", "year", "value"
    ):
        targets[(grant_id, year)][indicator_id] = value
    return targets


def _grant_rows(grant: Grant, sums: _Sums) -> list[OverviewRow]:
    """One row per year of the grant, then its cumulative row."""
    rows = [
        OverviewRow(
            grant=grant,
            year=year,
            plan=sums.plans.get((grant.pk, year)),
            reports=sums.reports.get((grant.pk, year), []),
            granted=dict(sums.granted.get((grant.pk, year), {})),
            used=dict(sums.used.get((grant.pk, year), {})),
            actuals=sums.figures.by_grant_year.get((grant.pk, year), {}),
            targets=sums.targets.get((grant.pk, year), {}),
        )
        for year in grant.years
    ]
    rows.append(
        OverviewRow(
            grant=grant,
            year=None,
            plan=None,
            reports=[],
            granted=_sum_funders(sums.granted.get((grant.pk, y), {}) for y in grant.years),
            used=_sum_funders(sums.used.get((grant.pk, y), {}) for y in grant.years),
            actuals=sums.figures.by_grant.get(grant.pk, {}),
            targets=sums.targets.get((grant.pk, None), {}),
        )
    )
    return rows


def _total_row(year: int | None, *, years: list[int], grant_list: list[Grant], sums: _Sums) -> OverviewRow:
    """The programme's row for `year`, or for the whole period when `year` is None."""
    chosen = years if year is None else [year]
    period_targets: dict[int, int] = defaultdict(int)
    for grant in grant_list:
        for indicator_id, value in sums.targets.get((grant.pk, year), {}).items():
            period_targets[indicator_id] += value
    return OverviewRow(
        grant=None,
        year=year,
        plan=None,
        reports=[],
        granted=_sum_funders(sums.granted.get((g.pk, y), {}) for g in grant_list for y in chosen),
        used=_sum_funders(sums.used.get((g.pk, y), {}) for g in grant_list for y in chosen),
        actuals=sums.figures.programme if year is None else sums.figures.by_year.get(year, {}),
        targets=dict(period_targets),
    )


def overview_for(*, call: Call, user, grants=None, now: dt.datetime | None = None) -> Overview:
    """Return the call's overview over the grants the user may see (never one they declared a conflict on).
    Pass `grants` (a queryset) to skip the permission filter, e.g. for the command line export."""
    now = now or timezone.now()
    grant_qs = grants if grants is not None else reviewable_grants(user=user, call=call)
    grant_list = list(grant_qs.select_related("organisation").order_by("organisation__name", "pk"))
    ids = [g.pk for g in grant_list]
    indicators = list(Indicator.objects.filter(call=call).order_by("order", "pk"))
    years = sorted({y for g in grant_list for y in g.years}) or list(call.years)
    granted = _granted(grant_list)
    plans = {(p.grant_id, p.year): p for p in ActionPlan.objects.filter(grant_id__in=ids)}
    reports, due_of = _report_cells(ids, now)
    used = _used(ids)
    targets = _targets(ids)
    figures = grants_figures(grant_ids=ids, indicators=indicators, due_of=due_of)
    sums = _Sums(granted=granted, plans=plans, reports=reports, used=used, targets=targets, figures=figures)
    overview = Overview(call=call, years=years, indicators=indicators)
    for grant in grant_list:
        overview.rows.extend(_grant_rows(grant, sums))
    overview.totals = [_total_row(year, years=years, grant_list=grant_list, sums=sums) for year in [*years, None]]
    indicator_ids = [i.pk for i in indicators]
    for row in [*overview.rows, *overview.totals]:
        row.cells = [(row.actuals.get(pk), row.targets.get(pk)) for pk in indicator_ids]
    return overview


def _sum_funders(parts) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in parts:
        for funder, amount in part.items():
            total[funder] = total.get(funder, 0) + amount
    return total
