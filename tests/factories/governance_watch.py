"""Builders for the tests of governance part 2 (watch, dialogue, dashboard): a grant's own report dates instead
of the generated calendar, an accepted report with an actual (and accounts), an open report date."""

import datetime as dt

from django.utils import timezone

from governance.models import Report, ReportAccountLine, ReportDue, ReportIndicatorActual


def own_calendar(grant) -> None:
    """Clear the reporting calendar generated for the grant, so a test sets its own dates."""
    ReportDue.objects.filter(grant=grant).delete()


def accepted_report(grant, *, indicator, actual: int, used: int | None = None, by=None) -> Report:
    """Return an accepted report for 2021 (due 31 March 2022) with `actual` for `indicator` and, if `used` is
    given, the board's accounts."""
    due = ReportDue.objects.create(
        grant=grant,
        kind="periodic",
        source="finance_act",
        due_on=dt.date(2022, 3, 31),
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2021, 12, 31),
    )
    now = timezone.now()
    report = Report.objects.create(
        due=due, status="accepted", first_submitted_at=now, submitted_at=now, submitted_by=by
    )
    ReportIndicatorActual.objects.create(report=report, indicator=indicator, value=actual)
    if used is not None:
        ReportAccountLine.objects.create(report=report, funder="board", line="Løn", budget=5_000_000, actual=used)
    return report


def open_due(grant, *, due_on: dt.date) -> ReportDue:
    """Return a report date for the first half of 2022 (ERDF) due on `due_on`, with nothing submitted."""
    return ReportDue.objects.create(
        grant=grant,
        kind="periodic",
        source="erdf",
        due_on=due_on,
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 6, 30),
    )
