"""Reads for action plans: the plan with everything its pages show, what stops it from being submitted
(the memo's actor rules and the budget ceiling per funder), the frozen snapshot, the field-by-field
difference between two versions, and the reviewers' queue."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Call, Funder, Region
from clusterfund.money import format_kroner
from review.models import Assignment

from ..models import (
    ActionPlan,
    ActorKind,
    GovernanceSettings,
    GrantYear,
    Indicator,
    PlanActivity,
    PlanActor,
    PlanApproval,
    PlanIndicatorFigure,
    PlanVersion,
)

REGION_CODES = frozenset(Region.values)


def plan_for_page(*, pk: int) -> ActionPlan:
    """Return the plan with its grant, call and organisation loaded (raise ActionPlan.DoesNotExist)."""
    return ActionPlan.objects.select_related(
        "grant__call", "grant__organisation", "grant__application", "grant__current_version", "updated_by"
    ).get(pk=pk)


def plan_activities(*, plan: ActionPlan) -> list[PlanActivity]:
    """Return the plan's activities with their type and actors (two queries)."""
    return list(
        plan.activities.select_related("activity_type").prefetch_related(
            Prefetch("actors", queryset=PlanActor.objects.order_by("pk"))
        )
    )


def grant_ceiling(*, plan: ActionPlan) -> dict[str, int]:
    """Return funder -> what the grant's current version gives in the plan's year (all sources together)."""
    ceiling = dict.fromkeys(Funder.values, 0)
    for funder, amount in GrantYear.objects.filter(
        version_id=plan.grant.current_version_id, year=plan.year
    ).values_list("funder", "amount"):
        ceiling[funder] += amount
    return ceiling


def plan_budget(activities: list[PlanActivity]) -> dict[str, int]:
    """Return funder -> the plan's budget summed over its activities."""
    return {
        Funder.BOARD: sum(a.budget_board for a in activities),
        Funder.UFM: sum(a.budget_ufm for a in activities),
    }


def activity_problems(*, call: Call, activity: PlanActivity, actor_kinds: list[str], year: int) -> list[str]:
    """Return what is wrong with one activity under the call's rules (empty when it is fine).

    The board's rule (the memo): at least `call.activity_min_actors` actors, one of them a company. UFM's
    rule: at least one company and one knowledge institution.
    """
    problems = []
    companies = actor_kinds.count(ActorKind.COMPANY)
    institutions = actor_kinds.count(ActorKind.KNOWLEDGE_INSTITUTION)
    if activity.budget_board > 0:
        if len(actor_kinds) < call.activity_min_actors:
            problems.append(
                _("An activity paid by the board must involve at least %(n)s actors; it has %(count)s.")
                % {"n": call.activity_min_actors, "count": len(actor_kinds)}
            )
        if call.activity_requires_company and companies == 0:
            problems.append(_("An activity paid by the board must involve at least one company."))
    if activity.budget_ufm > 0:
        if companies == 0:
            problems.append(_("An activity paid by UFM must involve at least one company."))
        if institutions == 0:
            problems.append(_("An activity paid by UFM must involve at least one knowledge institution."))
    if activity.budget_board == 0 and activity.budget_ufm == 0:
        problems.append(_("The activity has no budget from the board or UFM."))
    if activity.starts_on.year != year or activity.ends_on.year != year:
        problems.append(_("The activity's period must lie within %(year)s.") % {"year": year})
    if any(region not in REGION_CODES for region in activity.regions or []):
        problems.append(_("The activity names a region that does not exist."))
    if not activity.regions:
        problems.append(_("Name at least one region where the activity takes place."))
    return problems


@dataclass
class PlanState:
    """Everything the plan's pages show about its content and whether it can be submitted."""

    plan: ActionPlan
    activities: list[PlanActivity]
    problems_by_activity: dict[int, list[str]]
    indicators: list[Indicator]
    figures: dict[int, int]
    budget: dict[str, int]
    ceiling: dict[str, int]
    problems: list[str] = field(default_factory=list)

    @property
    def budget_rows(self) -> list[tuple[str, int, int, int]]:
        """Return (funder label, planned, granted, left) per funder."""
        return [
            (
                str(Funder(funder).label),
                self.budget[funder],
                self.ceiling[funder],
                self.ceiling[funder] - self.budget[funder],
            )
            for funder in Funder.values
        ]

    @property
    def activity_rows(self) -> list[tuple[PlanActivity, list[str]]]:
        """Return (activity, what is wrong with it) per activity."""
        return [(a, self.problems_by_activity.get(a.pk, [])) for a in self.activities]

    @property
    def can_submit(self) -> bool:
        return not self.problems


def plan_state(*, plan: ActionPlan) -> PlanState:
    """Return the plan's content and every problem that stops it from being submitted (fixed queries)."""
    call = plan.grant.call
    activities = plan_activities(plan=plan)
    indicators = list(Indicator.objects.filter(call=call).order_by("order", "pk"))
    figures = dict(PlanIndicatorFigure.objects.filter(plan=plan).values_list("indicator_id", "value"))
    budget = plan_budget(activities)
    ceiling = grant_ceiling(plan=plan)
    by_activity = {
        a.pk: activity_problems(call=call, activity=a, actor_kinds=[x.kind for x in a.actors.all()], year=plan.year)
        for a in activities
    }
    problems = []
    if not activities:
        problems.append(_("The plan has no activities yet."))
    for activity in activities:
        for problem in by_activity[activity.pk]:
            problems.append(f"{activity.title}: {problem}")
    for funder in Funder.values:
        if budget[funder] > ceiling[funder]:
            problems.append(
                _("The budget from %(funder)s is %(planned)s, more than the grant for %(year)s (%(granted)s).")
                % {
                    "funder": Funder(funder).label,
                    "planned": format_kroner(budget[funder]),
                    "year": plan.year,
                    "granted": format_kroner(ceiling[funder]),
                }
            )
    missing = [i.tr("name") for i in indicators if i.pk not in figures]
    if missing:
        problems.append(_("Give a planned figure for: %(names)s.") % {"names": ", ".join(missing)})
    return PlanState(plan, activities, by_activity, indicators, figures, budget, ceiling, problems)


# --- the frozen snapshot and the difference between versions ---------------------------------------


def plan_snapshot(*, plan: ActionPlan) -> dict:
    """Return the plan's content as JSON-safe data: what a submission freezes and reviewers compare."""
    state = plan_state(plan=plan)
    return {
        "year": plan.year,
        "summary": plan.summary,
        "activities": [
            {
                "id": a.pk,
                "type": a.activity_type.code,
                "type_name": a.activity_type.name,
                "title": a.title,
                "description": a.description,
                "starts_on": a.starts_on.isoformat(),
                "ends_on": a.ends_on.isoformat(),
                "regions": sorted(a.regions or []),
                "budget_board": a.budget_board,
                "budget_ufm": a.budget_ufm,
                "actors": [{"cvr": x.cvr, "name": x.name, "kind": x.kind} for x in a.actors.all()],
            }
            for a in state.activities
        ],
        "figures": {i.code: state.figures.get(i.pk) for i in state.indicators},
        "figure_names": {i.code: i.name for i in state.indicators},
        "budget": dict(state.budget),
        "ceiling": dict(state.ceiling),
    }


@dataclass(frozen=True)
class DiffRow:
    """One changed field between two versions of a plan."""

    section: str  # a PlanReviewNote.Section value
    item: str  # which activity or indicator ("" for the plan itself)
    field: str  # the field's label
    before: str
    after: str
    kind: str = "changed"  # "changed", "added" or "removed"


def _actor_text(actor: dict) -> str:
    kind = str(ActorKind(actor["kind"]).label) if actor["kind"] in ActorKind.values else actor["kind"]
    cvr = f", CVR {actor['cvr']}" if actor.get("cvr") else ""
    return f"{actor['name']} ({kind}{cvr})"


def _region_text(codes: list[str]) -> str:
    return ", ".join(str(Region(c).label) if c in REGION_CODES else c for c in codes)


def _activity_fields(activity: dict) -> list[tuple[str, str, str]]:
    """Return (section, label, value as text) per compared field of an activity snapshot."""
    return [
        ("activities", _("Activity type"), activity.get("type_name", activity.get("type", ""))),
        ("activities", _("Title"), activity["title"]),
        ("activities", _("Description"), activity["description"]),
        ("activities", _("Period"), f"{activity['starts_on']} – {activity['ends_on']}"),
        ("activities", _("Regions"), _region_text(activity.get("regions", []))),
        ("budget", _("Budget from the board"), format_kroner(activity["budget_board"])),
        ("budget", _("Budget from UFM"), format_kroner(activity["budget_ufm"])),
        ("actors", _("Actors"), "; ".join(_actor_text(a) for a in activity.get("actors", []))),
    ]


def plan_diff(*, before: dict | None, after: dict) -> list[DiffRow]:
    """Return the field-by-field difference from snapshot `before` (None: nothing before) to `after`."""
    before = before or {"summary": "", "activities": [], "figures": {}, "figure_names": {}}
    rows: list[DiffRow] = []
    if before.get("summary", "") != after.get("summary", ""):
        rows.append(DiffRow("aims", "", _("The year's aims"), before.get("summary", ""), after.get("summary", "")))
    old = {a["id"]: a for a in before.get("activities", [])}
    new = {a["id"]: a for a in after.get("activities", [])}
    for activity_id, activity in new.items():
        if activity_id not in old:
            for section, label, value in _activity_fields(activity):
                rows.append(DiffRow(section, activity["title"], label, "", value, "added"))
            continue
        for (section, label, was), (_s, _l, now) in zip(
            _activity_fields(old[activity_id]), _activity_fields(activity), strict=True
        ):
            if was != now:
                rows.append(DiffRow(section, activity["title"], label, was, now))
    for activity_id, activity in old.items():
        if activity_id not in new:
            rows.append(DiffRow("activities", activity["title"], _("Activity"), activity["title"], "", "removed"))
    names = {**before.get("figure_names", {}), **after.get("figure_names", {})}
    old_figures, new_figures = before.get("figures", {}), after.get("figures", {})
    for code in sorted(set(old_figures) | set(new_figures), key=lambda c: names.get(c, c)):
        was, now = old_figures.get(code), new_figures.get(code)
        if was != now:
            rows.append(
                DiffRow(
                    "indicators",
                    names.get(code, code),
                    _("Planned figure"),
                    "" if was is None else str(was),
                    "" if now is None else str(now),
                )
            )
    return rows


def version_pair(*, plan: ActionPlan, number: int | None = None) -> tuple[PlanVersion | None, PlanVersion | None]:
    """Return (the version `number` (default: the latest), the one before it); either may be None."""
    versions = list(plan.versions.order_by("number").select_related("submitted_by"))
    if not versions:
        return None, None
    if number is None:
        current = versions[-1]
    else:
        current = next((v for v in versions if v.number == number), None)
        if current is None:
            return None, None
    previous = next((v for v in reversed(versions) if v.number < current.number), None)
    return current, previous


def live_approvals(*, plan: ActionPlan) -> dict[str, PlanApproval]:
    """Return side -> the live approval of the plan's current revision."""
    return {
        a.side: a
        for a in PlanApproval.objects.filter(
            plan=plan, withdrawn_at__isnull=True, revision=plan.revision
        ).select_related("reviewer")
    }


# --- when a plan is due ----------------------------------------------------------------------------------


def plan_due_on(*, settings: GovernanceSettings, year: int) -> date:
    """Return the date the plan for `year` is due: the call's month-day in the year before."""
    month, day = (int(part) for part in settings.plan_due_date.split("-"))
    try:
        return date(year - 1, month, day)
    except ValueError:  # e.g. 02-29 in a year without it
        return date(year - 1, month, 28)


@dataclass
class PlanYear:
    year: int
    plan: ActionPlan | None
    due_on: date
    is_late: bool


def plan_years(*, grant, today: date | None = None) -> list[PlanYear]:
    """Return one row per year of the grant: its plan (or None), the due date and whether it is late
    (not submitted by the end of the due date, Europe/Copenhagen)."""
    today = today or timezone.localdate()
    settings = GovernanceSettings.for_call(grant.call)
    plans = {plan.year: plan for plan in ActionPlan.objects.filter(grant=grant)}
    rows = []
    for year in grant.years:
        plan = plans.get(year)
        due_on = plan_due_on(settings=settings, year=year)
        if plan is not None and plan.submitted_at is not None:
            late = timezone.localdate(plan.submitted_at) > due_on
        else:
            late = today > due_on
        rows.append(PlanYear(year, plan, due_on, late))
    return rows


# --- the reviewers' queue ------------------------------------------------------------------------------


@dataclass
class QueueRow:
    plan: ActionPlan
    approved_sides: set[str]
    versions: int


def plan_queue(*, user, call: Call | None = None) -> list[QueueRow]:
    """Return the plans the user may review or has reviewed, in the calls they work on, never one whose
    application they declared a conflict on; plans under review first. A fixed number of queries."""
    assignments = Assignment.objects.filter(reviewer=user)
    calls = assignments.values("application__call_id")
    conflicted = assignments.filter(conflict=Assignment.Conflict.DECLARED).values("application_id")
    plans = (
        ActionPlan.objects.filter(grant__call_id__in=calls)
        .exclude(grant__application_id__in=conflicted)
        .exclude(status=ActionPlan.Status.DRAFT)
        .select_related("grant__organisation", "grant__call")
        .order_by("grant__call__title", "year", "grant__organisation__name")
    )
    if call is not None:
        plans = plans.filter(grant__call=call)
    plans = list(plans)
    approvals: dict[int, set[str]] = defaultdict(set)
    revisions = {p.pk: p.revision for p in plans}
    for plan_id, side, revision in PlanApproval.objects.filter(
        plan_id__in=list(revisions), withdrawn_at__isnull=True
    ).values_list("plan_id", "side", "revision"):
        if revisions[plan_id] == revision:
            approvals[plan_id].add(side)
    counts: dict[int, int] = defaultdict(int)
    for plan_id in PlanVersion.objects.filter(plan_id__in=list(revisions)).values_list("plan_id", flat=True):
        counts[plan_id] += 1
    rows = [QueueRow(p, approvals[p.pk], counts[p.pk]) for p in plans]
    rows.sort(key=lambda r: (not r.plan.is_under_review, r.plan.grant.call.title, r.plan.year))
    return rows
