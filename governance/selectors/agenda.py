"""The status meeting's agenda, built from the data: per organisation the current action plan and what changed
in it, indicator actuals against targets, the budget used per funder against the plan and the grant, the
gold-label state, late items, and the open action items of earlier meetings. The result is JSON-safe, so the
meeting keeps it as a frozen snapshot (what the meeting was shown), rebuilt only on request.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Sum

from applications.models import Funder

from ..models import (
    ActionItem,
    ActionPlan,
    Grant,
    GrantYear,
    IndicatorTarget,
    ReportAccountLine,
    StatusMeeting,
)
from ..selectors.plans import plan_diff, version_pair
from ..selectors.watch import gold_statuses, pending_items
from .dashboard import COUNTED, indicator_actuals


def _plan_part(grant: Grant, year: int) -> dict | None:
    plans = {plan.year: plan for plan in ActionPlan.objects.filter(grant=grant)}
    plan = plans.get(year) or (plans[max(plans)] if plans else None)
    if plan is None:
        return None
    current, previous = version_pair(plan=plan)
    changes = []
    if current is not None and previous is not None:
        changes = [
            {"item": row.item, "field": str(row.field), "before": row.before, "after": row.after, "kind": row.kind}
            for row in plan_diff(before=previous.snapshot, after=current.snapshot)
        ]
    activities = list(plan.activities.all())
    return {
        "id": plan.pk,
        "year": plan.year,
        "status": plan.status,
        "status_label": str(plan.get_status_display()),
        "versions": current.number if current else 0,
        "activities": len(activities),
        "budget_board": sum(a.budget_board for a in activities),
        "budget_ufm": sum(a.budget_ufm for a in activities),
        "changes": changes,
    }


def _indicators_part(grant: Grant, day: dt.date) -> list[dict]:
    years = grant.last_year - grant.first_year + 1
    done = min(max(day.year - grant.first_year, 0), years)
    targets = list(
        IndicatorTarget.objects.filter(grant=grant, year__isnull=True)
        .select_related("indicator")
        .order_by("indicator__order", "indicator__code")
    )
    actuals = indicator_actuals(grant_ids=[grant.pk], indicators=[t.indicator for t in targets])
    rows = []
    for target in targets:
        actual = actuals.get((grant.pk, target.indicator_id), 0)
        expected = target.value * done // years if years else target.value
        rows.append(
            {
                "code": target.indicator.code,
                "name": target.indicator.tr("name"),
                "unit": target.indicator.unit,
                "target": target.value,
                "expected": expected,
                "actual": actual,
                "percent": round(100 * actual / target.value) if target.value else None,
                "below": actual < expected,
            }
        )
    return rows


def _budget_part(grant: Grant, plan: dict | None) -> list[dict]:
    year = plan["year"] if plan else None
    granted = defaultdict(int)
    if grant.current_version_id and year:
        for funder, amount in GrantYear.objects.filter(version_id=grant.current_version_id, year=year).values_list(
            "funder", "amount"
        ):
            granted[funder] += amount
    used = dict(
        ReportAccountLine.objects.filter(
            report__due__grant=grant, report__status__in=COUNTED, report__due__period_end__year=year
        )
        .values_list("funder")
        .annotate(total=Sum("actual"))
        .values_list("funder", "total")
    )
    planned = {Funder.BOARD: plan["budget_board"] if plan else 0, Funder.UFM: plan["budget_ufm"] if plan else 0}
    return [
        {
            "funder": funder.value,
            "funder_label": str(funder.label),
            "year": year,
            "granted": granted.get(funder.value, 0),
            "planned": planned[funder],
            "used": int(used.get(funder.value) or 0),
        }
        for funder in Funder
    ]


def agenda_build(*, meeting: StatusMeeting, today: dt.date) -> dict:
    """Return the agenda of `meeting` as it stands on `today`, per organisation of the meeting."""
    organisations = list(meeting.organisations.order_by("name"))
    ids = [organisation.pk for organisation in organisations]
    statuses = gold_statuses(organisation_ids=ids, day=today)
    late = defaultdict(list)
    for item in pending_items(today=today, organisation_ids=ids):
        if item.due_on < today and item.what != "action":
            late[item.organisation.pk].append(
                {
                    "key": item.key,
                    "label": item.label(),
                    "due_on": item.due_on.isoformat(),
                    "days_late": (today - item.due_on).days,
                }
            )
    actions = defaultdict(list)
    for action in (
        ActionItem.objects.filter(organisation_id__in=ids, status=ActionItem.Status.OPEN)
        .exclude(meeting=meeting)
        .select_related("meeting")
        .order_by("due_on", "pk")
    ):
        actions[action.organisation_id].append(
            {
                "id": action.pk,
                "title": action.title,
                "owner": action.owner,
                "due_on": action.due_on.isoformat(),
                "late": action.due_on < today,
                "meeting": action.meeting.title,
                "meeting_on": action.meeting.meets_on.isoformat(),
            }
        )
    grants = {g.organisation_id: g for g in Grant.objects.filter(call=meeting.call, organisation_id__in=ids)}
    parts = []
    for organisation in organisations:
        grant = grants.get(organisation.pk)
        plan = _plan_part(grant, meeting.meets_on.year) if grant else None
        status = statuses[organisation.pk]
        parts.append(
            {
                "id": organisation.pk,
                "name": organisation.name,
                "grant": grant.pk if grant else None,
                "plan": plan,
                "indicators": _indicators_part(grant, meeting.meets_on) if grant else [],
                "budget": _budget_part(grant, plan) if grant else [],
                "gold": {
                    "state": status.state,
                    "state_label": str(status.state_label),
                    "condition_met": status.condition_met,
                    "level": status.label.level if status.label else None,
                    "valid_until": status.label.valid_until.isoformat() if status.label else None,
                    "target_date": status.plan.target_date.isoformat() if status.plan else None,
                },
                "late": late[organisation.pk],
                "actions": actions[organisation.pk],
            }
        )
    return {"built_on": today.isoformat(), "organisations": parts}
