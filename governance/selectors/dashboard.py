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
    grants = list(grants_qs)
    grant_ids = [g.pk for g in grants]
    years = call.years
    chosen_years = [year] if year in years else years
    indicators = list(Indicator.objects.filter(call=call).order_by("order", "code"))

    targets: dict[tuple[int, int], int] = {}
    year_targets: dict[tuple[int, int, int], int] = {}
    for grant_id, indicator_id, target_year, value in IndicatorTarget.objects.filter(
        grant_id__in=grant_ids
    ).values_list("grant_id", "indicator_id", "year", "value"):
        if target_year is None:
            targets[(grant_id, indicator_id)] = value
        else:
            year_targets[(grant_id, indicator_id, target_year)] = value
    actuals = indicator_actuals(grant_ids=grant_ids, indicators=indicators, year=year if year in years else None)

    granted: dict[tuple[int, int, str], int] = defaultdict(int)
    for grant_id, grant_year, funder, amount in GrantYear.objects.filter(
        version_id__in=[g.current_version_id for g in grants if g.current_version_id]
    ).values_list("version__grant_id", "year", "funder", "amount"):
        granted[(grant_id, grant_year, funder)] += amount
    used: dict[tuple[int, int, str], int] = defaultdict(int)
    for grant_id, end_year, funder, total in (
        ReportAccountLine.objects.filter(report__due__grant_id__in=grant_ids, report__status__in=COUNTED)
        .values_list("report__due__grant_id", "report__due__period_end__year", "funder")
        .annotate(total=Sum("actual"))
    ):
        used[(grant_id, end_year, funder)] += int(total or 0)
    plans: dict[tuple[int, int], ActionPlan] = {}
    planned: dict[tuple[int, int, str], int] = defaultdict(int)
    for plan in ActionPlan.objects.filter(grant_id__in=grant_ids).annotate(
        board=Sum("activities__budget_board"), ufm=Sum("activities__budget_ufm")
    ):
        plans[(plan.grant_id, plan.year)] = plan
        planned[(plan.grant_id, plan.year, Funder.BOARD)] = int(plan.board or 0)
        planned[(plan.grant_id, plan.year, Funder.UFM)] = int(plan.ufm or 0)
    report_counts: dict[int, dict[str, int]] = defaultdict(lambda: {"submitted": 0, "open": 0})
    dues = ReportDue.objects.filter(grant_id__in=grant_ids)
    if year in years:
        dues = dues.filter(period_end__year=year)
    for grant_id, submitted_at in dues.values_list("grant_id", "report__first_submitted_at"):
        report_counts[grant_id]["open" if submitted_at is None else "submitted"] += 1
    statuses = gold_statuses(organisation_ids=[g.organisation_id for g in grants], day=today)
    late: dict[int, int] = defaultdict(int)
    for item in pending_items(today=today, organisation_ids=[g.organisation_id for g in grants]):
        if item.due_on < today and item.call_id == call.pk:
            late[item.organisation.pk] += 1

    rows, budget = [], []
    for grant in grants:
        area = grant.application.business_area.tr("name") if grant.application.business_area_id else ""
        cells = []
        for indicator in indicators:
            if year in years:
                target = year_targets.get((grant.pk, indicator.pk, year))
                if target is None and (grant.pk, indicator.pk) in targets:
                    target = targets[(grant.pk, indicator.pk)] // max(len(years), 1)
            else:
                target = targets.get((grant.pk, indicator.pk))
            cells.append(
                IndicatorCell(indicator=indicator, target=target, actual=actuals.get((grant.pk, indicator.pk), 0))
            )
        for y in chosen_years:
            for funder in Funder:
                budget.append(
                    {
                        "organisation": grant.organisation.name,
                        "year": y,
                        "funder": funder.value,
                        "funder_label": str(funder.label),
                        "granted": granted[(grant.pk, y, funder.value)],
                        "planned": planned[(grant.pk, y, funder.value)],
                        "used": used[(grant.pk, y, funder.value)],
                    }
                )
        rows.append(
            OrganisationRow(
                grant=grant,
                area=area,
                region=str(Region(grant.organisation.region).label)
                if grant.organisation.region in Region.values
                else "",
                gold=statuses[grant.organisation_id],
                plans={
                    y: (str(plans[(grant.pk, y)].get_status_display()) if (grant.pk, y) in plans else "")
                    for y in chosen_years
                },
                reports_submitted=report_counts[grant.pk]["submitted"],
                reports_open=report_counts[grant.pk]["open"],
                late=late[grant.organisation_id],
                granted={f.value: sum(granted[(grant.pk, y, f.value)] for y in chosen_years) for f in Funder},
                used={f.value: sum(used[(grant.pk, y, f.value)] for y in chosen_years) for f in Funder},
                indicators=cells,
            )
        )
    totals = [
        {
            "year": y,
            "funder": funder.value,
            "funder_label": str(funder.label),
            "granted": sum(granted[(g, y, funder.value)] for g in grant_ids),
            "used": sum(used[(g, y, funder.value)] for g in grant_ids),
        }
        for y in chosen_years
        for funder in Funder
    ]
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
    return Dashboard(
        call=call,
        years=years,
        year=year if year in years else None,
        indicators=indicators,
        rows=rows,
        budget=budget,
        totals=totals,
        indicator_totals=indicator_totals,
        today=today,
        not_met=sum(1 for row in rows if not row.gold.condition_met),
        late_total=sum(row.late for row in rows),
    )
