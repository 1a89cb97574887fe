"""The reporting calendar: generated from each year's funding source, following a later source decision
(unreported dates regenerated, reported ones kept), plus the final report and ad hoc dates."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusterfund.models import AuditEvent
from governance.models import FundingSource, GovernanceSettings, ReportDue
from governance.services.calendar import calendar_sync, erdf_dates, report_due_add
from governance.services.grants import grant_source_decide
from tests.factories.governance_reports import report_for

pytestmark = pytest.mark.django_db

D = dt.date


def dates(grant) -> list[tuple[str, dt.date, dt.date, dt.date]]:
    return list(
        ReportDue.objects.filter(grant=grant)
        .order_by("due_on")
        .values_list("kind", "due_on", "period_start", "period_end")
    )


def test_national_years_are_reported_once_and_the_final_report_follows_the_end(grant):
    # 2021–22 on the finance act, 2023–24 undecided: one report a year on 31 March the year after
    assert dates(grant) == [
        ("periodic", D(2022, 3, 31), D(2021, 1, 1), D(2021, 12, 31)),
        ("periodic", D(2023, 3, 31), D(2022, 1, 1), D(2022, 12, 31)),
        ("periodic", D(2024, 3, 31), D(2023, 1, 1), D(2023, 12, 31)),
        ("periodic", D(2025, 3, 31), D(2024, 1, 1), D(2024, 12, 31)),
        ("final", D(2025, 3, 31), D(2021, 1, 1), D(2024, 12, 31)),
    ]


def test_final_report_months_are_configurable(grant):
    GovernanceSettings.objects.create(call=grant.call, erdf_statement_dates=["02-28", "08-31"], final_report_months=6)
    calendar_sync(grant=grant)
    assert ReportDue.objects.get(grant=grant, kind="final").due_on == D(2025, 6, 30)


def test_erdf_statement_dates_split_the_year():
    assert [
        (d.period_start, d.period_end, d.due_on) for d in erdf_dates(year=2023, statement_dates=["02-28", "08-31"])
    ] == [
        (D(2023, 1, 1), D(2023, 6, 30), D(2023, 8, 31)),
        (D(2023, 7, 1), D(2023, 12, 31), D(2024, 2, 28)),
    ]


def test_source_decision_regenerates_unreported_dates_and_keeps_reported_ones(grant, reviewers):
    secretariat = reviewers[0]
    reported = ReportDue.objects.get(grant=grant, period_start=D(2021, 1, 1), kind="periodic")
    report_for(reported, status="submitted")
    for year in (2021, 2023):
        grant.refresh_from_db()
        grant_source_decide(
            grant=grant,
            year=year,
            lines=[
                {"source": FundingSource.ERDF, "amount": 12_000_000},
                {"source": FundingSource.FINANCE_ACT, "amount": 8_000_000, "source_year": 2022},
            ],
            reason="Bestyrelsens beslutning af 2. juni 2022.",
            by=secretariat,
        )
    got = dates(grant)
    # 2021 had a report: its date stays as it was; 2023 now follows ERDF's two statement dates
    assert ("periodic", D(2022, 3, 31), D(2021, 1, 1), D(2021, 12, 31)) in got
    assert ("periodic", D(2023, 8, 31), D(2023, 1, 1), D(2023, 6, 30)) in got
    assert ("periodic", D(2024, 2, 28), D(2023, 7, 1), D(2023, 12, 31)) in got
    assert ("periodic", D(2024, 3, 31), D(2023, 1, 1), D(2023, 12, 31)) not in got
    assert not ReportDue.objects.filter(grant=grant, due_on=D(2021, 8, 31)).exists()
    assert ReportDue.objects.get(pk=reported.pk).report.status == "submitted"
    assert AuditEvent.objects.filter(action="calendar.sync").count() >= 2


def test_sync_is_idempotent(grant):
    before = dates(grant)
    events = AuditEvent.objects.filter(action="calendar.sync").count()
    calendar_sync(grant=grant)
    assert dates(grant) == before
    assert AuditEvent.objects.filter(action="calendar.sync").count() == events


def test_staff_add_an_ad_hoc_date_and_sync_keeps_it(grant, reviewers):
    due = report_due_add(
        grant=grant,
        due_on=D(2022, 9, 30),
        period_start=D(2022, 1, 1),
        period_end=D(2022, 6, 30),
        note="Midtvejs.",
        by=reviewers[0],
    )
    assert due.kind == "ad_hoc" and due.created_by == reviewers[0]
    calendar_sync(grant=grant)
    assert ReportDue.objects.filter(pk=due.pk).exists()
    assert AuditEvent.objects.filter(action="calendar.add").exists()


def test_ad_hoc_date_refused_before_the_period_ends_twice_or_by_ufm(grant, reviewers):
    with pytest.raises(ValidationError, match="before its period ends"):
        report_due_add(
            grant=grant,
            due_on=D(2022, 5, 1),
            period_start=D(2022, 1, 1),
            period_end=D(2022, 6, 30),
            note="",
            by=reviewers[0],
        )
    report_due_add(
        grant=grant,
        due_on=D(2022, 9, 30),
        period_start=D(2022, 1, 1),
        period_end=D(2022, 6, 30),
        note="",
        by=reviewers[0],
    )
    with pytest.raises(ValidationError, match="already"):
        report_due_add(
            grant=grant,
            due_on=D(2022, 9, 30),
            period_start=D(2022, 1, 1),
            period_end=D(2022, 6, 30),
            note="",
            by=reviewers[0],
        )
    with pytest.raises(PermissionDenied):
        report_due_add(
            grant=grant,
            due_on=D(2022, 10, 30),
            period_start=D(2022, 1, 1),
            period_end=D(2022, 6, 30),
            note="",
            by=reviewers[1],
        )


def test_late_is_judged_at_the_end_of_the_due_date_in_copenhagen(grant):
    due = ReportDue.objects.get(grant=grant, period_start=D(2021, 1, 1), kind="periodic")
    just_before = dt.datetime(2022, 3, 31, 21, 59, tzinfo=dt.UTC)  # 23:59 in Copenhagen (summer time)
    assert not due.is_late(just_before)
    assert due.is_late(dt.datetime(2022, 3, 31, 22, 0, tzinfo=dt.UTC))
