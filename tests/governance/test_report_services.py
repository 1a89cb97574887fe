"""Report services: start, fill in, submit (frozen with SHA-256, late marked), review transitions, rules."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusterfund.models import AuditEvent
from governance.models import Indicator, Report, ReportDue
from governance.services.reports import (
    report_accept,
    report_accounts_save,
    report_activities_save,
    report_actuals_save,
    report_lock,
    report_request_changes,
    report_start,
    report_submit,
    report_summary_save,
)
from tests.factories.governance import IndicatorFactory, plan_with_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(grant):
    return ReportDue.objects.get(grant=grant, kind="periodic", period_start=dt.date(2021, 1, 1))


@pytest.fixture
def report(grant, due, member):
    plan_with_activity(grant, year=2021)
    return report_start(due=due, by=member)


def fill(report, member):
    activity_id = report.activity_statuses.get().activity_id
    report_summary_save(report=report, summary="Vi nåede det meste.", by=member)
    report_activities_save(report=report, statuses={activity_id: ("done", "Gennemført med 40 deltagere.")}, by=member)
    return Report.objects.get(pk=report.pk)


def test_start_makes_one_status_per_planned_activity_and_is_idempotent(report, due, member):
    assert report.status == "draft"
    assert list(report.activity_statuses.values_list("status", flat=True)) == ["under_way"]
    assert report_start(due=due, by=member).pk == report.pk


def test_other_people_cannot_start_or_change(report, due, reviewers):
    with pytest.raises(PermissionDenied):
        report_start(due=due, by=reviewers[0])
    with pytest.raises(PermissionDenied):
        report_summary_save(report=report, summary="x", by=reviewers[0])


def test_submit_needs_an_account_per_activity(report, member):
    report_summary_save(report=report, summary="Vi nåede det meste.", by=member)
    with pytest.raises(ValidationError, match="every activity"):
        report_submit(report=report, by=member)
    assert Report.objects.get(pk=report.pk).status == "draft"


def test_submit_freezes_the_content_and_marks_late(report, member, due):
    report = fill(report, member)
    late_moment = due.deadline() + dt.timedelta(minutes=1)
    submitted = report_submit(report=report, by=member, now=late_moment)
    assert submitted.status == "submitted" and len(submitted.sha256) == 64
    assert submitted.submitted_content["activities"][0]["status"] == "done"
    event = AuditEvent.objects.get(action="report.submit")
    assert event.after["late"] is True
    with pytest.raises(ValidationError, match="cannot be changed"):
        report_summary_save(report=submitted, summary="Ændret.", by=member)


def test_review_cycle_changes_then_accept_then_lock(report, member, reviewers):
    secretariat, ufm = reviewers
    report = report_submit(report=fill(report, member), by=member)
    with pytest.raises(ValidationError, match="should change"):
        report_request_changes(report=report, note="  ", by=secretariat)
    report = report_request_changes(report=report, note="Tilføj revisorerklæringen.", by=ufm)
    assert report.status == "changes_requested"
    report_summary_save(report=report, summary="Opdateret.", by=member)
    report = report_submit(report=report, by=member)
    first = report.first_submitted_at
    with pytest.raises(ValidationError, match="cannot go"):
        report_lock(report=report, by=secretariat)
    report = report_accept(report=report, by=secretariat)
    assert report.status == "accepted" and report.first_submitted_at == first
    report = report_lock(report=report, by=secretariat)
    assert report.status == "locked" and report.locked_at
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"report.start", "report.submit", "report.request_changes", "report.accept", "report.lock"} <= actions


def test_member_and_conflicted_or_uninvolved_staff_cannot_review(report, member):
    from tests.factories.clusterfund import UserFactory

    report = report_submit(report=fill(report, member), by=member)
    for user in (member, UserFactory(roles=["secretariat"]), UserFactory(roles=["subcommittee_chair"])):
        with pytest.raises(PermissionDenied):
            report_accept(report=report, by=user)


def test_counted_indicators_cannot_be_typed(report, member, grant):
    counted = IndicatorFactory(call=grant.call, aggregation=Indicator.Aggregation.REGISTER, counts="companies")
    summed = Indicator.objects.get(call=grant.call, code="medfinansiering")
    with pytest.raises(ValidationError, match="counted from the participant register"):
        report_actuals_save(report=report, values={counted.pk: 5}, by=member)
    report_actuals_save(report=report, values={summed.pk: 250_000}, by=member)
    assert dict(report.actuals.values_list("indicator_id", "value")) == {summed.pk: 250_000}
    with pytest.raises(ValidationError, match="whole number"):
        report_actuals_save(report=report, values={summed.pk: -1.5}, by=member)


def test_accounts_refuse_a_repeated_line_and_replace_the_lines(report, member):
    lines = [
        {"funder": "board", "line": "Løn", "budget": 1_000_000, "actual": 900_000},
        {"funder": "board", "line": "løn", "budget": 1, "actual": 1},
    ]
    with pytest.raises(ValidationError, match="appears twice"):
        report_accounts_save(report=report, lines=lines, by=member)
    report_accounts_save(
        report=report, lines=[*lines[:1], {"funder": "ufm", "line": "Løn", "budget": 5, "actual": 4}], by=member
    )
    assert sorted(report.account_lines.values_list("funder", "actual")) == [("board", 900_000), ("ufm", 4)]
    with pytest.raises(ValidationError, match="Unknown funder"):
        report_accounts_save(report=report, lines=[{"funder": "eu", "line": "x", "budget": 1, "actual": 1}], by=member)
