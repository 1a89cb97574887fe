"""The portfolio dashboard for staff and the sub-committee: per organisation and across the programme,
indicators against targets, budget granted and used per year and funder, plan and report states, gold-label
states and late items; filtered by area, region and year. A fixed number of queries whatever the number of
organisations (the query-count test and benchmarks/governance_dashboard.py hold it to that).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from applications.models import Call, Funder, Region

from ..models import (
    ActionPlan,
    Grant,
    GrantYear,
    Indicator,
    IndicatorTarget,
    Participant,
    ReportAccountLine,
    ReportDue,
    ReportIndicatorActual,
)
from ..models.plans import ActorKind
from .watch import GoldStatus, gold_statuses, local_today, pending_items

COUNTED = ("submitted", "changes_requested", "accepted", "locked")  # report states whose figures count


def indicator_actuals(
    *, grant_ids: list[int], indicators: list[Indicator], year: int | None = None
) -> dict[tuple[int, int], int]:
    """Return (grant id, indicator id) -> the actual so far: summed indicators from the reported figures,
    register indicators as distinct CVR numbers in the participant registers (each counted once). With `year`,
    only reports whose period ends in that year count."""
    result: dict[tuple[int, int], int] = {}
    period = {"report__due__period_end__year": year} if year else {}
    summed = [i.pk for i in indicators if not i.is_counted]
    if summed:
        for grant_id, indicator_id, total in (
            ReportIndicatorActual.objects.filter(
                report__due__grant_id__in=grant_ids, report__status__in=COUNTED, indicator_id__in=summed, **period
            )
            .values_list("report__due__grant_id", "indicator_id")
            .annotate(total=Sum("value"))
        ):
            result[(grant_id, indicator_id)] = int(total or 0)
    counted = [i for i in indicators if i.is_counted]
    if counted:
        seen: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        for grant_id, cvr, kind, size in Participant.objects.filter(
            report__due__grant_id__in=grant_ids, report__status__in=COUNTED, **period
        ).values_list("report__due__grant_id", "cvr", "kind", "size_class"):
            seen["all"][grant_id].add(cvr)
            if kind == ActorKind.COMPANY:
                seen["companies"][grant_id].add(cvr)
                if size in Participant.SME:
                    seen["smes"][grant_id].add(cvr)
            elif kind == ActorKind.KNOWLEDGE_INSTITUTION:
                seen["knowledge_institutions"][grant_id].add(cvr)
        for indicator in counted:
            for grant_id, cvrs in seen[indicator.counts].items():
                result[(grant_id, indicator.pk)] = len(cvrs)
    return result


@dataclass
class IndicatorCell:
    indicator: Indicator
    target: int | None
    actual: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.actual / self.target) if self.target else None


@dataclass
class OrganisationRow:
    grant: Grant
    area: str
    region: str
    gold: GoldStatus
    plans: dict[int, str]  # year -> plan status label ("" if not started)
    reports_submitted: int
    reports_open: int
    late: int
    granted: dict[str, int]  # funder -> kroner (the filtered years)
    used: dict[str, int]
    indicators: list[IndicatorCell]

    @property
    def organisation(self):
        return self.grant.organisation


@dataclass
class Dashboard:
    call: Call
    years: list[int]
    year: int | None
    indicators: list[Indicator]
    rows: list[OrganisationRow]
    budget: list[dict]  # per organisation, year and funder: granted, planned, used
    totals: list[dict]  # per year and funder: granted, used (the programme)
    indicator_totals: list[dict]  # per indicator: target, actual (the programme)
    today: dt.date
    not_met: int = 0
    late_total: int = 0
    funders: list = field(default_factory=lambda: list(Funder))


def _region_label(code: str) -> str:
    return str(Region(code).label) if code in Region.values else ""


def _plan_label(plan: ActionPlan | None) -> str:
    return str(plan.get_status_display()) if plan is not None else ""


Key = tuple[int, int, str]  # (grant id, year, funder)


@dataclass
class _Figures:
    """What the dashboard's rows are built from, gathered with one query per data source."""

    targets: dict[tuple[int, int], int]  # (grant, indicator) -> target over the whole period
    year_targets: dict[tuple[int, int, int], int]  # (grant, indicator, year) -> target that year
    actuals: dict[tuple[int, int], int]
    granted: dict[Key, int]
    used: dict[Key, int]
    plans: dict[tuple[int, int], ActionPlan]
    planned: dict[Key, int]
    report_counts: dict[int, dict[str, int]]
    statuses: dict[int, GoldStatus]
    late: dict[int, int]


def _grants(
    *, call: Call, exclude_application_ids: set[int] | frozenset, area_id: int | None, region: str | None
) -> list[Grant]:
    grants_qs = (
        Grant.objects.filter(call=call)
        .exclude(application_id__in=exclude_application_ids)
        .select_related("organisation", "application__business_area")
        .order_by("organisation__name", "pk")
    )
    if area_id:
        grants_qs = grants_qs.filter(application__business_area_id=area_id)
    if region:
        grants_qs = grants_qs.filter(organisation__region=region)
    return list(grants_qs)


def _targets(grant_ids: list[int]) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int, int], int]]:
    """Return the targets over the whole period and the targets per year."""
    targets: dict[tuple[int, int], int] = {}
    year_targets: dict[tuple[int, int, int], int] = {}
    for grant_id, indicator_id, target_year, value in IndicatorTarget.objects.filter(
        grant_id__in=grant_ids
    ).values_list("grant_id", "indicator_id", "year", "value"):
        if target_year is None:
            targets[(grant_id, indicator_id)] = value
        else:
            year_targets[(grant_id, indicator_id, target_year)] = value
    return targets, year_targets


def _granted(grants: list[Grant]) -> dict[Key, int]:
    """Return the kroner granted in each grant's current version."""
    granted: dict[Key, int] = defaultdict(int)
    for grant_id, grant_year, funder, amount in GrantYear.objects.filter(
        version_id__in=[g.current_version_id for g in grants if g.current_version_id]
    ).values_list("version__grant_id", "year", "funder", "amount"):
        granted[(grant_id, grant_year, funder)] += amount
    return granted


def _used(grant_ids: list[int]) -> dict[Key, int]:
    """Return the kroner used in the counted reports, by the year their period ends."""
    used: dict[Key, int] = defaultdict(int)
    for grant_id, end_year, funder, total in (
        ReportAccountLine.objects.filter(report__due__grant_id__in=grant_ids, report__status__in=COUNTED)
        .values_list("report__due__grant_id", "report__due__period_end__year", "funder")
        .annotate(total=Sum("actual"))
    ):
        used[(grant_id, end_year, funder)] += int(total or 0)
    return used


def _plans(grant_ids: list[int]) -> tuple[dict[tuple[int, int], ActionPlan], dict[Key, int]]:
    """Return the action plans per (grant, year) and their activities' budgets per funder."""
    plans: dict[tuple[int, int], ActionPlan] = {}
    planned: dict[Key, int] = defaultdict(int)
    for plan in ActionPlan.objects.filter(grant_id__in=grant_ids).annotate(
        board=Sum("activities__budget_board"), ufm=Sum("activities__budget_ufm")
    ):
        plans[(plan.grant_id, plan.year)] = plan
        planned[(plan.grant_id, plan.year, Funder.BOARD)] = int(plan.board or 0)
        planned[(plan.grant_id, plan.year, Funder.UFM)] = int(plan.ufm or 0)
    return plans, planned


def _report_counts(grant_ids: list[int], year: int | None) -> dict[int, dict[str, int]]:
    """Return per grant the reporting dates whose report is submitted and those still open."""
    report_counts: dict[int, dict[str, int]] = defaultdict(lambda: {"submitted": 0, "open": 0})
    dues = ReportDue.objects.filter(grant_id__in=grant_ids)
    if year is not None:
        dues = dues.filter(period_end__year=year)
    for grant_id, submitted_at in dues.values_list("grant_id", "report__first_submitted_at"):
        report_counts[grant_id]["open" if submitted_at is None else "submitted"] += 1
    return report_counts


def _late(*, call: Call, grants: list[Grant], today: dt.date) -> dict[int, int]:
    """Return per organisation the pending items of the call that are past their date."""
    late: dict[int, int] = defaultdict(int)
    for item in pending_items(today=today, organisation_ids=[g.organisation_id for g in grants]):
        if item.due_on < today and item.call_id == call.pk:
            late[item.organisation.pk] += 1
    return late


def _figures(
    *, call: Call, grants: list[Grant], indicators: list[Indicator], year: int | None, today: dt.date
) -> _Figures:
    grant_ids = [g.pk for g in grants]
    targets, year_targets = _targets(grant_ids)
    actuals = indicator_actuals(grant_ids=grant_ids, indicators=indicators, year=year)
    granted = _granted(grants)
    used = _used(grant_ids)
    plans, planned = _plans(grant_ids)
    report_counts = _report_counts(grant_ids, year)
    statuses = gold_statuses(organisation_ids=[g.organisation_id for g in grants], day=today)
    late = _late(call=call, grants=grants, today=today)
    return _Figures(targets, year_targets, actuals, granted, used, plans, planned, report_counts, statuses, late)


def _indicator_cells(
    grant: Grant, indicators: list[Indicator], figures: _Figures, *, years: list[int], year: int | None
) -> list[IndicatorCell]:
    """Return the grant's target and actual per indicator; with a year, that year's target (or the period's
    target spread evenly over the years)."""
    cells = []
    for indicator in indicators:
        key = (grant.pk, indicator.pk)
        if year is not None:
            target = figures.year_targets.get((grant.pk, indicator.pk, year))
            if target is None and key in figures.targets:
                target = figures.targets[key] // max(len(years), 1)
        else:
            target = figures.targets.get(key)
        cells.append(IndicatorCell(indicator=indicator, target=target, actual=figures.actuals.get(key, 0)))
    return cells


def _budget_lines(grant: Grant, figures: _Figures, chosen_years: list[int]) -> list[dict]:
    """Return the grant's budget lines: granted, planned and used per year and funder."""
    return [
        {
            "organisation": grant.organisation.name,
            "year": y,
            "funder": funder.value,
            "funder_label": str(funder.label),
            "granted": figures.granted[(grant.pk, y, funder.value)],
            "planned": figures.planned[(grant.pk, y, funder.value)],
            "used": figures.used[(grant.pk, y, funder.value)],
        }
        for y in chosen_years
        for funder in Funder
    ]


def _row(grant: Grant, cells: list[IndicatorCell], figures: _Figures, chosen_years: list[int]) -> OrganisationRow:
    area = grant.application.business_area.tr("name") if grant.application.business_area_id else ""
    return OrganisationRow(
        grant=grant,
        area=area,
        region=_region_label(grant.organisation.region),
        gold=figures.statuses[grant.organisation_id],
        plans={y: _plan_label(figures.plans.get((grant.pk, y))) for y in chosen_years},
        reports_submitted=figures.report_counts[grant.pk]["submitted"],
        reports_open=figures.report_counts[grant.pk]["open"],
        late=figures.late[grant.organisation_id],
        granted={f.value: sum(figures.granted[(grant.pk, y, f.value)] for y in chosen_years) for f in Funder},
        used={f.value: sum(figures.used[(grant.pk, y, f.value)] for y in chosen_years) for f in Funder},
        indicators=cells,
    )


def _totals(grant_ids: list[int], figures: _Figures, chosen_years: list[int]) -> list[dict]:
    """Return the programme's granted and used per year and funder."""
    return [
        {
            "year": y,
            "funder": funder.value,
            "funder_label": str(funder.label),
            "granted": sum(figures.granted[(g, y, funder.value)] for g in grant_ids),
            "used": sum(figures.used[(g, y, funder.value)] for g in grant_ids),
        }
        for y in chosen_years
        for funder in Funder
    ]


def _indicator_totals(indicators: list[Indicator], rows: list[OrganisationRow]) -> list[dict]:
    """Return the programme's target (of the organisations with one) and actual per indicator."""
    indicator_totals = []
    for index, indicator in enumerate(indicators):
        known = [row.indicators[index] for row in rows if row.indicators[index].target is not None]
        indicator_totals.append(
            {
                "indicator": indicator,
                "target": sum(cell.target for cell in known),
                "actual": sum(row.indicators[index].actual for row in rows),
            }
        )
    return indicator_totals


def dashboard_build(
    *,
    call: Call,
    exclude_application_ids: set[int] | frozenset = frozenset(),
    area_id: int | None = None,
    region: str | None = None,
    year: int | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    """Return the dashboard of the call's grants, without the applications the viewer is conflicted on."""
    today = today or local_today()
    grants = _grants(call=call, exclude_application_ids=exclude_application_ids, area_id=area_id, region=region)
    years = call.years
    year = year if year in years else None
    chosen_years = [year] if year is not None else years
    indicators = list(Indicator.objects.filter(call=call).order_by("order", "code"))
    figures = _figures(call=call, grants=grants, indicators=indicators, year=year, today=today)
    rows, budget = [], []
    for grant in grants:
        cells = _indicator_cells(grant, indicators, figures, years=years, year=year)
        budget.extend(_budget_lines(grant, figures, chosen_years))
        rows.append(_row(grant, cells, figures, chosen_years))
    return Dashboard(
        call=call,
        years=years,
        year=year,
        indicators=indicators,
        rows=rows,
        budget=budget,
        totals=_totals([g.pk for g in grants], figures, chosen_years),
        indicator_totals=_indicator_totals(indicators, rows),
        today=today,
        not_met=sum(1 for row in rows if not row.gold.condition_met),
        late_total=sum(row.late for row in rows),
    )
