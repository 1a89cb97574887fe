"""Reads for the reporting calendar and the reports: what a grant has due (with late marks), a report's
activities and content, the reviewers' queue, and the figures computed from the reports.

Figures are computed, never typed: a summed indicator adds up the actual figures of the reports, a counted
(register) indicator counts distinct CVR numbers in the participant register. Only accepted and locked
reports count. A report's figures belong to the year its period ends (the final report's to the grant's
last year). Cumulative figures and programme totals count a CVR number once, however many activities,
reports, years or organisations it appears in.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from applications.models import Call
from review.models import Assignment

from ..models import (
    ActionPlan,
    ActorKind,
    Grant,
    Indicator,
    Participant,
    PlanActivity,
    Report,
    ReportDue,
    ReportIndicatorActual,
)

COUNTED_STATUSES = (Report.Status.ACCEPTED, Report.Status.LOCKED)


def report_of(due: ReportDue) -> Report | None:
    """Return the due date's report, or None (without raising)."""
    try:
        return due.report
    except ReportDue.report.RelatedObjectDoesNotExist:
        return None


@dataclass
class DueRow:
    due: ReportDue
    report: Report | None
    late: bool


def grant_calendar(*, grant: Grant, now: dt.datetime | None = None) -> list[DueRow]:
    """Return the grant's report dates with their reports and whether each is late, by date."""
    now = now or timezone.now()
    dues = ReportDue.objects.filter(grant=grant).select_related("report").order_by("due_on", "pk")
    rows = []
    for due in dues:
        report = report_of(due)
        rows.append(DueRow(due, report, due.is_late(now, report=report)))
    return rows


def report_for_page(*, pk: int) -> Report:
    """Return the report with what its pages show on every request (raise Report.DoesNotExist)."""
    return Report.objects.select_related(
        "due__grant__call", "due__grant__organisation", "due__grant__application", "submitted_by", "reviewed_by"
    ).get(pk=pk)


def due_activities(*, due: ReportDue) -> list[PlanActivity]:
    """Return the planned activities a report for `due` accounts for: those of the grant's plans for the years
    the period touches, numbered in plan order (year, order)."""
    years = range(due.period_start.year, due.period_end.year + 1)
    return list(
        PlanActivity.objects.filter(plan__grant_id=due.grant_id, plan__year__in=list(years))
        .select_related("plan", "activity_type")
        .order_by("plan__year", "order", "pk")
    )


def activity_numbers(activities: Iterable[PlanActivity]) -> dict[int, int]:
    """Return activity id -> its number on the report pages (1, 2, …), as the upload refers to them."""
    return {activity.pk: number for number, activity in enumerate(activities, start=1)}


def report_participants(*, report: Report) -> list[Participant]:
    return list(
        report.participants.prefetch_related(Prefetch("activities", queryset=PlanActivity.objects.order_by("pk")))
    )


def matches(counts: str, kind: str, size_class: str) -> bool:
    """Return whether a participant of `kind` and `size_class` is counted by a register indicator's `counts`."""
    if counts == Indicator.Counts.ALL:
        return True
    if counts == Indicator.Counts.COMPANIES:
        return kind == ActorKind.COMPANY
    if counts == Indicator.Counts.SMES:
        return kind == ActorKind.COMPANY and size_class in Participant.SME
    if counts == Indicator.Counts.KNOWLEDGE_INSTITUTIONS:
        return kind == ActorKind.KNOWLEDGE_INSTITUTION
    return False


def report_figures(*, report: Report, indicators: list[Indicator]) -> dict[int, int]:
    """Return indicator id -> the report's own figure (typed for summed indicators, counted for register ones)."""
    typed = dict(report.actuals.values_list("indicator_id", "value"))
    people = list(report.participants.values_list("cvr", "kind", "size_class"))
    figures = {}
    for indicator in indicators:
        if indicator.is_counted:
            figures[indicator.pk] = len({cvr for cvr, kind, size in people if matches(indicator.counts, kind, size)})
        elif indicator.pk in typed:
            figures[indicator.pk] = typed[indicator.pk]
    return figures


@dataclass
class Figures:
    """Computed figures of a set of grants: per (grant, year), per grant (cumulative), per year (programme)
    and for the whole programme; each a dict indicator id -> value."""

    by_grant_year: dict[tuple[int, int], dict[int, int]] = field(default_factory=dict)
    by_grant: dict[int, dict[int, int]] = field(default_factory=dict)
    by_year: dict[int, dict[int, int]] = field(default_factory=dict)
    programme: dict[int, int] = field(default_factory=dict)


def compute_figures(
    *,
    indicators: list[Indicator],
    actuals: Iterable[tuple[int, int, int, int]],
    participants: Iterable[tuple[int, int, str, str, str]],
) -> Figures:
    """Return the figures from plain rows: `actuals` (grant id, year, indicator id, value) and `participants`
    (grant id, year, cvr, kind, size class), both from counted reports only."""
    figures = Figures()
    summed = [i for i in indicators if not i.is_counted]
    counted = [i for i in indicators if i.is_counted]
    summed_ids = {i.pk for i in summed}

    def add(target: dict, key, indicator_id: int, value: int) -> None:
        bucket = target.setdefault(key, {})
        bucket[indicator_id] = bucket.get(indicator_id, 0) + value

    programme: dict[int, int] = {}
    for grant_id, year, indicator_id, value in actuals:
        if indicator_id not in summed_ids:
            continue  # a typed figure for a counted indicator is never used
        add(figures.by_grant_year, (grant_id, year), indicator_id, value)
        add(figures.by_grant, grant_id, indicator_id, value)
        add(figures.by_year, year, indicator_id, value)
        programme[indicator_id] = programme.get(indicator_id, 0) + value
    sets: dict[str, dict] = {
        "gy": defaultdict(set),
        "g": defaultdict(set),
        "y": defaultdict(set),
        "p": defaultdict(set),
    }
    for grant_id, year, cvr, kind, size_class in participants:
        for indicator in counted:
            if matches(indicator.counts, kind, size_class):
                sets["gy"][(grant_id, year, indicator.pk)].add(cvr)
                sets["g"][(grant_id, indicator.pk)].add(cvr)
                sets["y"][(year, indicator.pk)].add(cvr)
                sets["p"][indicator.pk].add(cvr)
    for (grant_id, year, indicator_id), cvrs in sets["gy"].items():
        figures.by_grant_year.setdefault((grant_id, year), {})[indicator_id] = len(cvrs)
    for (grant_id, indicator_id), cvrs in sets["g"].items():
        figures.by_grant.setdefault(grant_id, {})[indicator_id] = len(cvrs)
    for (year, indicator_id), cvrs in sets["y"].items():
        figures.by_year.setdefault(year, {})[indicator_id] = len(cvrs)
    for indicator_id, cvrs in sets["p"].items():
        programme[indicator_id] = len(cvrs)
    figures.programme = programme
    return figures


def grants_figures(*, grant_ids: list[int], indicators: list[Indicator]) -> Figures:
    """Return the computed figures of the grants, from their accepted and locked reports (two queries)."""
    actuals = ReportIndicatorActual.objects.filter(
        report__due__grant_id__in=grant_ids, report__status__in=COUNTED_STATUSES
    ).values_list("report__due__grant_id", "report__due__period_end", "indicator_id", "value")
    participants = Participant.objects.filter(
        report__due__grant_id__in=grant_ids, report__status__in=COUNTED_STATUSES
    ).values_list("report__due__grant_id", "report__due__period_end", "cvr", "kind", "size_class")
    return compute_figures(
        indicators=indicators,
        actuals=[(g, end.year, i, v) for g, end, i, v in actuals],
        participants=[(g, end.year, cvr, kind, size) for g, end, cvr, kind, size in participants],
    )


def reviewable_grants(*, user, call: Call | None = None) -> QuerySet[Grant]:
    """Return the grants of the calls the user works on as a reviewer, never one whose application they
    declared a conflict on."""
    assignments = Assignment.objects.filter(reviewer=user)
    conflicted = assignments.filter(conflict=Assignment.Conflict.DECLARED).values("application_id")
    grants = Grant.objects.filter(call_id__in=assignments.values("application__call_id")).exclude(
        application_id__in=conflicted
    )
    if call is not None:
        grants = grants.filter(call=call)
    return grants


@dataclass
class QueueRow:
    report: Report
    late: bool


def report_queue(*, user, call: Call, now: dt.datetime | None = None) -> list[QueueRow]:
    """Return the call's submitted, sent-back, accepted and locked reports the user may review, waiting ones
    first; never one whose application the user declared a conflict on. A fixed number of queries."""
    now = now or timezone.now()
    reports = (
        Report.objects.filter(due__grant__in=reviewable_grants(user=user, call=call))
        .exclude(status=Report.Status.DRAFT)
        .select_related("due__grant__organisation")
        .order_by("due__due_on", "due__grant__organisation__name")
    )
    rows = [QueueRow(report, report.due.is_late(now, report=report)) for report in reports]
    rows.sort(key=lambda row: row.report.status != Report.Status.SUBMITTED)
    return rows


def plans_of(grant_ids: list[int]) -> dict[tuple[int, int], ActionPlan]:
    return {(p.grant_id, p.year): p for p in ActionPlan.objects.filter(grant_id__in=grant_ids)}
