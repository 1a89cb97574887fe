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

from ..models import ActionPlan, Grant, GrantYear, Indicator, IndicatorTarget, ReportAccountLine, ReportDue
from .reports import COUNTED_STATUSES, grants_figures, report_of, reviewable_grants

FUNDERS = [Funder.BOARD, Funder.UFM]


@dataclass
class ReportCell:
    due: ReportDue
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
    cells: list = field(default_factory=list)  # (indicator, actual, target) in the indicators' order

    def indicator_cells(self, indicators: list[Indicator]) -> list[tuple[Indicator, int | None, int | None]]:
        return [(i, self.actuals.get(i.pk), self.targets.get(i.pk)) for i in indicators]


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


def overview_for(*, call: Call, user, grants=None, now: dt.datetime | None = None) -> Overview:
    """Return the call's overview over the grants the user may see (never one they declared a conflict on).
    Pass `grants` (a queryset) to skip the permission filter, e.g. for the command line export."""
    now = now or timezone.now()
    grant_qs = grants if grants is not None else reviewable_grants(user=user, call=call)
    grant_list = list(grant_qs.select_related("organisation").order_by("organisation__name", "pk"))
    ids = [g.pk for g in grant_list]
    indicators = list(Indicator.objects.filter(call=call).order_by("order", "pk"))
    years = sorted({y for g in grant_list for y in g.years}) or list(call.years)
    version_of = {g.current_version_id: g.pk for g in grant_list}
    granted: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for version_id, year, funder, amount in GrantYear.objects.filter(version_id__in=list(version_of)).values_list(
        "version_id", "year", "funder", "amount"
    ):
        granted[(version_of[version_id], year)][funder] += amount
    plans = {(p.grant_id, p.year): p for p in ActionPlan.objects.filter(grant_id__in=ids)}
    reports: dict[tuple[int, int], list[ReportCell]] = defaultdict(list)
    for due in ReportDue.objects.filter(grant_id__in=ids).select_related("report").order_by("due_on", "pk"):
        report = report_of(due)
        reports[(due.grant_id, due.period_end.year)].append(
            ReportCell(
                due=due,
                status=report.status if report else "",
                status_label=str(report.get_status_display()) if report else _no_report_label(),
                late=due.is_late(now, report=report),
            )
        )
    used: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for grant_id, period_end, funder, total in (
        ReportAccountLine.objects.filter(report__due__grant_id__in=ids, report__status__in=COUNTED_STATUSES)
        .values_list("report__due__grant_id", "report__due__period_end", "funder")
        .annotate(total=Sum("actual"))
        .values_list("report__due__grant_id", "report__due__period_end", "funder", "total")
    ):
        bucket = used[(grant_id, period_end.year)]
        bucket[funder] = bucket.get(funder, 0) + total
    targets: dict[tuple[int, int | None], dict[int, int]] = defaultdict(dict)
    for grant_id, indicator_id, year, value in IndicatorTarget.objects.filter(grant_id__in=ids).values_list(
        "grant_id", "indicator_id", "year", "value"
    ):
        targets[(grant_id, year)][indicator_id] = value
    figures = grants_figures(grant_ids=ids, indicators=indicators)
    overview = Overview(call=call, years=years, indicators=indicators)
    for grant in grant_list:
        for year in grant.years:
            overview.rows.append(
                OverviewRow(
                    grant=grant,
                    year=year,
                    plan=plans.get((grant.pk, year)),
                    reports=reports.get((grant.pk, year), []),
                    granted=dict(granted.get((grant.pk, year), {})),
                    used=dict(used.get((grant.pk, year), {})),
                    actuals=figures.by_grant_year.get((grant.pk, year), {}),
                    targets=targets.get((grant.pk, year), {}),
                )
            )
        overview.rows.append(
            OverviewRow(
                grant=grant,
                year=None,
                plan=None,
                reports=[],
                granted=_sum_funders(granted.get((grant.pk, y), {}) for y in grant.years),
                used=_sum_funders(used.get((grant.pk, y), {}) for y in grant.years),
                actuals=figures.by_grant.get(grant.pk, {}),
                targets=targets.get((grant.pk, None), {}),
            )
        )
    for year in [*years, None]:
        chosen = years if year is None else [year]
        period_targets: dict[int, int] = defaultdict(int)
        for grant in grant_list:
            for indicator_id, value in targets.get((grant.pk, year), {}).items():
                period_targets[indicator_id] += value
        overview.totals.append(
            OverviewRow(
                grant=None,
                year=year,
                plan=None,
                reports=[],
                granted=_sum_funders(granted.get((g.pk, y), {}) for g in grant_list for y in chosen),
                used=_sum_funders(used.get((g.pk, y), {}) for g in grant_list for y in chosen),
                actuals=figures.programme if year is None else figures.by_year.get(year, {}),
                targets=dict(period_targets),
            )
        )
    for row in [*overview.rows, *overview.totals]:
        row.cells = row.indicator_cells(indicators)
    return overview


def _sum_funders(parts) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in parts:
        for funder, amount in part.items():
            total[funder] = total.get(funder, 0) + amount
    return total
