"""send_reminders around each threshold: the right reminders, each once; an interrupted run re-run sends only
the rest; escalation after M days (the call's setting or the run's); the recipient's language; the beat
schedule names the task."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from clusterfund.models import AuditEvent
from governance.models import ActionPlan, GoldLabel, ReminderLanguage, ReminderSent, ReportDue, WatchSettings
from governance.services import reminders as reminders_module
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import simple_grant

pytestmark = pytest.mark.django_db

REPORT_DUE = dt.date(2022, 3, 31)


def quiet(grant):
    """Mark every action plan of the grant filed and clear its generated reporting calendar, so only the items
    a test adds are pending."""
    ReportDue.objects.filter(grant=grant).delete()
    for year in range(grant.first_year, grant.last_year + 1):
        ActionPlan.objects.create(
            grant=grant, year=year, status=ActionPlan.Status.SUBMITTED, submitted_at=timezone.now()
        )
    return grant


def report_due(grant, due_on=REPORT_DUE):
    return ReportDue.objects.create(
        grant=grant,
        kind=ReportDue.Kind.PERIODIC,
        source="finance_act",
        due_on=due_on,
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2021, 12, 31),
    )


def run(*args, capture) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def kinds(item: str) -> list[str]:
    return sorted(ReminderSent.objects.filter(item=item).values_list("kind", flat=True))


@pytest.fixture
def due(grant):
    quiet(grant)
    return report_due(grant)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2022-02-28", []),  # 31 days before
        ("2022-03-01", ["due_in_30d"]),  # 30 days before
        ("2022-03-23", ["due_in_30d"]),  # 8 days before: still the 30-day window
        ("2022-03-24", ["due_in_7d"]),  # 7 days before: only the most urgent
        ("2022-03-31", ["due_today"]),
        ("2022-04-01", ["overdue"]),
        ("2022-04-13", ["overdue"]),  # 13 days late: no escalation yet
        ("2022-04-14", ["escalation", "overdue"]),  # 14 days late
    ],
)
def test_report_reminder_around_each_threshold(due, member, today, expected, django_capture_on_commit_callbacks):
    run("--today", today, capture=django_capture_on_commit_callbacks)
    assert kinds(f"report:{due.pk}") == expected


def test_daily_runs_send_each_reminder_once(due, member, reviewers, django_capture_on_commit_callbacks):
    day = dt.date(2022, 2, 20)
    while day <= dt.date(2022, 4, 25):
        run("--today", day.isoformat(), capture=django_capture_on_commit_callbacks)
        day += dt.timedelta(days=1)
    rows = list(ReminderSent.objects.filter(item=f"report:{due.pk}").order_by("sent_on"))
    assert [(row.kind, row.sent_on) for row in rows] == [
        ("due_in_30d", dt.date(2022, 3, 1)),
        ("due_in_7d", dt.date(2022, 3, 24)),
        ("due_today", dt.date(2022, 3, 31)),
        ("overdue", dt.date(2022, 4, 1)),
        ("escalation", dt.date(2022, 4, 14)),
    ]
    assert len(mail.outbox) == 5
    assert [m.to for m in mail.outbox[:4]] == [[member.email]] * 4
    assert mail.outbox[4].to == [reviewers[0].email]  # the secretariat reviewer on the call, not UFM


def test_second_run_the_same_day_sends_nothing(due, member, django_capture_on_commit_callbacks):
    first = run("--today", "2022-04-01", capture=django_capture_on_commit_callbacks)
    second = run("--today", "2022-04-01", capture=django_capture_on_commit_callbacks)
    assert first.strip() == "1 reminder(s) sent on 2022-04-01."
    assert second.strip() == "0 reminder(s) sent on 2022-04-01."
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="reminder.send").count() == 1


def test_interrupted_run_is_rerun_and_sends_only_the_other_half(
    grant, member, monkeypatch, django_capture_on_commit_callbacks
):
    dues = [report_due(quiet(grant))]
    for _ in range(3):
        other = quiet(simple_grant(call=grant.call, member=UserFactory(roles=["applicant"])))
        dues.append(report_due(other))
    deliver = reminders_module._deliver
    calls = []

    def crash_on_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("the worker died")
        deliver(**kwargs)

    monkeypatch.setattr(reminders_module, "_deliver", crash_on_third)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        call_command("send_reminders", "--today", "2022-04-01", stdout=StringIO())
    assert ReminderSent.objects.count() == 2
    assert len(mail.outbox) == 2
    first_half = set(ReminderSent.objects.values_list("item", flat=True))

    monkeypatch.setattr(reminders_module, "_deliver", deliver)
    out = run("--today", "2022-04-01", capture=django_capture_on_commit_callbacks)
    assert out.strip() == "2 reminder(s) sent on 2022-04-01."
    assert len(mail.outbox) == 4
    items = list(ReminderSent.objects.values_list("item", flat=True))
    assert sorted(items) == sorted(f"report:{d.pk}" for d in dues)  # each once
    assert not first_half & (set(items) - first_half)


def test_escalation_after_the_calls_setting(due, member, reviewers, django_capture_on_commit_callbacks):
    WatchSettings.objects.create(call=due.grant.call, due_soon_days=[10], gold_expiry_months=[2], escalation_days=5)
    run("--today", "2022-04-04", capture=django_capture_on_commit_callbacks)  # 4 days late
    assert kinds(f"report:{due.pk}") == ["overdue"]
    run("--today", "2022-04-05", capture=django_capture_on_commit_callbacks)  # 5 days late
    assert kinds(f"report:{due.pk}") == ["escalation", "overdue"]


def test_call_settings_change_the_days_before(due, member, django_capture_on_commit_callbacks):
    WatchSettings.objects.create(call=due.grant.call, due_soon_days=[10], gold_expiry_months=[2], escalation_days=5)
    run("--today", "2022-03-01", capture=django_capture_on_commit_callbacks)
    assert kinds(f"report:{due.pk}") == []
    run("--today", "2022-03-21", capture=django_capture_on_commit_callbacks)
    assert kinds(f"report:{due.pk}") == ["due_in_10d"]


def test_run_overrides_the_thresholds(due, member, django_capture_on_commit_callbacks):
    run("--today", "2022-04-03", "--escalate-after", "3", capture=django_capture_on_commit_callbacks)
    assert kinds(f"report:{due.pk}") == ["escalation", "overdue"]
    run("--today", "2020-01-01", "--days", "900", capture=django_capture_on_commit_callbacks)
    assert "due_in_900d" in kinds(f"report:{due.pk}")


def test_a_submitted_report_is_not_reminded(due, member, django_capture_on_commit_callbacks):
    from governance.models import Report

    Report.objects.create(
        due=due, status="submitted", first_submitted_at=timezone.now(), submitted_at=timezone.now(), submitted_by=member
    )
    run("--today", "2022-04-01", capture=django_capture_on_commit_callbacks)
    assert not ReminderSent.objects.exists()


def test_plan_due_the_year_before(grant, member, django_capture_on_commit_callbacks):
    ReportDue.objects.filter(grant=grant).delete()  # only the plans
    for year in (2021, 2023, 2024):
        ActionPlan.objects.create(grant=grant, year=year, status="submitted", submitted_at=timezone.now())
    run("--today", "2021-11-24", capture=django_capture_on_commit_callbacks)  # the 2022 plan is due 1.12.2021
    assert list(ReminderSent.objects.values_list("item", "kind", "due_on")) == [
        (f"plan:{grant.pk}:2022", "due_in_7d", dt.date(2021, 12, 1))
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2023-04-29", []),
        ("2023-04-30", ["expires_in_6m"]),
        ("2023-07-31", ["expires_in_3m"]),
        ("2023-09-30", ["expires_in_1m"]),
        ("2023-10-31", ["expires_in_1m"]),  # still valid on its last day
        ("2023-11-01", ["expired"]),
        ("2023-11-14", ["escalation", "expired"]),
    ],
)
def test_gold_label_reminders(grant, member, today, expected, django_capture_on_commit_callbacks):
    quiet(grant)
    label = GoldLabel.objects.create(
        organisation=grant.organisation,
        level="gold",
        audited_on=dt.date(2021, 11, 1),
        valid_until=dt.date(2023, 10, 31),
        registered_by=member,
    )
    run("--today", today, capture=django_capture_on_commit_callbacks)
    assert kinds(f"gold:{label.pk}") == expected


def test_a_newer_label_ends_the_old_ones_reminders(grant, member, django_capture_on_commit_callbacks):
    quiet(grant)
    old = GoldLabel.objects.create(
        organisation=grant.organisation,
        level="gold",
        audited_on=dt.date(2021, 11, 1),
        valid_until=dt.date(2023, 10, 31),
        registered_by=member,
    )
    GoldLabel.objects.create(
        organisation=grant.organisation,
        level="gold",
        audited_on=dt.date(2023, 10, 1),
        valid_until=dt.date(2025, 9, 30),
        registered_by=member,
    )
    run("--today", "2023-11-01", capture=django_capture_on_commit_callbacks)
    assert kinds(f"gold:{old.pk}") == []


def test_reminders_in_the_recipients_language(due, member, django_capture_on_commit_callbacks):
    english = UserFactory(roles=["applicant"])
    due.grant.organisation.members.add(english)
    ReminderLanguage.objects.create(user=english, language="en")
    run("--today", "2022-03-31", capture=django_capture_on_commit_callbacks)
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert by_recipient[(english.email,)].subject.startswith("Reminder: Periodic report due 31.03.2022 – Due today")
    assert by_recipient[(member.email,)].subject.startswith("Påmindelse: Periodisk rapport")
    assert "Frist i dag" in by_recipient[(member.email,)].subject
    assert sorted(ReminderSent.objects.get().sent_to) == sorted([member.email, english.email])


def test_dry_run_prints_one_line_per_reminder_and_sends_nothing(due, member, django_capture_on_commit_callbacks):
    out = run("--today", "2022-04-14", "--dry-run", capture=django_capture_on_commit_callbacks)
    lines = out.strip().splitlines()
    org = due.grant.organisation.name
    assert lines[0].split("\t") == ["overdue", org, "Periodisk rapport, frist 31.03.2022", "2022-03-31"]
    assert lines[1].split("\t")[0] == "escalation"
    assert lines[-1] == "2 reminder(s) would be sent on 2022-04-14."
    assert not ReminderSent.objects.exists() and not mail.outbox


def test_bad_input_is_refused():
    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", "31-12-2022", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("send_reminders", "--days", "30,x", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("send_reminders", "--escalate-after", "0", stdout=StringIO())


def test_beat_schedule_names_the_task():
    from clusterfund.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["governance-send-reminders"]
    assert entry["task"] == "governance.tasks.send_reminders_task"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_the_task_sends_todays_reminders(due, member, django_capture_on_commit_callbacks):
    from governance.tasks import send_reminders_task

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders_task.delay().get()
    # today (2026 or later) is long after the 2022 report date: overdue and escalated, once
    assert sent == 2
    assert kinds(f"report:{due.pk}") == ["escalation", "overdue"]
