"""The outbox (clusterfund/outbox.py) on SQLite with eager tasks: rows are stored with the change, sent after
the commit, kept when the broker refuses them, sent by the next drain, and run once however often they
are delivered. The same faults with a real Redis, worker and PostgreSQL are in test_faults.py.
"""

import datetime as dt
import socket
import time

import pytest
from celery import Celery
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import OperationalError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.services import application_submit
from applications.tasks import send_receipt_email
from clusterfund import outbox
from clusterfund.celery import app as project_app
from clusterfund.models import OutboxMessage
from clusterfund.outbox import outbox_drain, outbox_enqueue, outbox_message_id
from clusterfund.tasks import send_email_task
from tests.factories.applications import complete_application


def closed_port() -> int:
    """Return a loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch):
    """Send the outbox through a real Celery app whose Redis broker is down (nothing listens on its port)."""
    port = closed_port()
    url = f"redis://127.0.0.1:{port}/0"
    # Celery reads these variables before its configuration (CI sets them to the suite's Redis)
    for name in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL", "CELERY_RESULT_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    app = Celery("outbox-broker-down", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")  # the project's fail-fast policy
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    app.finalize()
    assert app.connection_for_write().as_uri().endswith(f":{port}/0")
    monkeypatch.setattr(outbox, "celery_app", lambda: app)
    yield app
    app.close()


@pytest.fixture
def applicant(make_user):
    return make_user("applicant")


@pytest.fixture
def draft(applicant):
    return complete_application(member=applicant)


def test_the_project_tasks_are_outbox_tasks():
    assert isinstance(project_app.tasks[send_email_task.name], outbox.OutboxTask)
    assert isinstance(project_app.tasks[send_receipt_email.name], outbox.OutboxTask)


def test_the_beat_schedule_drains_the_outbox_with_a_registered_task():
    entry = settings.CELERY_BEAT_SCHEDULE["drain-outbox"]
    assert entry["task"] in project_app.tasks
    assert entry["schedule"] <= 300  # a broker outage delays a receipt by minutes, not hours


def test_a_submission_stores_its_receipt_and_mail_in_the_same_transaction(draft, applicant):
    with pytest.raises(RuntimeError), transaction.atomic():
        application_submit(application=draft, by=applicant)
        assert OutboxMessage.objects.count() == 2
        raise RuntimeError("rolled back")
    assert not OutboxMessage.objects.exists()  # no receipt is owed for a submission that did not happen
    assert mail.outbox == []


def test_after_the_commit_the_rows_are_sent_and_run_once(draft, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application_submit(application=draft, by=applicant)
    assert len(callbacks) == 2
    rows = list(OutboxMessage.objects.order_by("pk"))
    assert [row.task for row in rows] == ["applications.tasks.render_receipt", "applications.tasks.send_receipt_email"]
    assert all(row.sent_at and row.done_at and row.attempts == 1 and not row.last_error for row in rows)
    assert rows[1].kwargs == {"application_id": draft.pk}
    assert len(mail.outbox) == 1
    assert Application.objects.get(pk=draft.pk).receipt_pdf


def test_with_the_broker_down_the_submission_succeeds_fast_and_the_drain_sends_it_later(
    client, draft, applicant, broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:submit", args=[draft.pk]))
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 5, f"the applicant waited {elapsed:.1f}s for a broker that is down"
    assert Application.objects.get(pk=draft.pk).status == Application.Status.SUBMITTED
    rows = list(OutboxMessage.objects.order_by("pk"))
    assert len(rows) == 2
    assert all(row.sent_at is None and row.done_at is None for row in rows)
    assert "Connection refused" in rows[0].last_error or "Error 111" in rows[0].last_error
    assert mail.outbox == []

    # the broker is back (the project's app, eager here): the command sends both, the mail goes once
    monkeypatch.setattr(outbox, "celery_app", lambda: project_app)
    call_command("outbox_drain", stdout=open("/dev/null", "w"))  # noqa: SIM115
    rows = list(OutboxMessage.objects.order_by("pk"))
    assert all(row.sent_at and row.done_at and not row.last_error for row in rows)
    assert len(mail.outbox) == 1
    assert Application.objects.get(pk=draft.pk).receipt_pdf

    assert outbox_drain() == 0  # a second drain finds nothing due
    assert len(mail.outbox) == 1


def test_the_command_fails_while_the_broker_refuses(broker_down, db):
    outbox_enqueue(send_email_task, subject="Prøve", body="Tekst", to=["a@example.org"])
    with pytest.raises(CommandError, match="did not take every queued task"):
        call_command("outbox_drain", stdout=open("/dev/null", "w"))  # noqa: SIM115
    row = OutboxMessage.objects.get()
    assert (row.attempts, row.sent_at) == (1, None)  # tried by the command, still waiting
    assert "Connection refused" in row.last_error


def test_a_delivery_of_a_done_row_is_skipped(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message_id = outbox_enqueue(send_email_task, subject="Kvittering", body="Modtaget", to=["a@example.org"])
    row = OutboxMessage.objects.get(pk=message_id)
    assert row.done_at is not None and len(mail.outbox) == 1
    # the broker delivers the same message again (a redelivery, or a second drain): no second e-mail
    project_app.tasks[row.task].apply(kwargs=row.kwargs, task_id=row.task_id)
    assert len(mail.outbox) == 1
    # a task sent outside the outbox is not affected
    send_email_task.apply(kwargs=row.kwargs)
    assert len(mail.outbox) == 2


def test_a_row_sent_but_never_done_is_sent_again_until_the_limit(db, monkeypatch):
    row = OutboxMessage.objects.create(
        task=send_email_task.name,
        kwargs={"subject": "Kvittering", "body": "Modtaget", "to": ["a@example.org"]},
        sent_at=timezone.now() - dt.timedelta(seconds=settings.OUTBOX_REDELIVER_AFTER + 1),
        attempts=1,
    )
    recent = OutboxMessage.objects.create(task=send_email_task.name, kwargs=row.kwargs, sent_at=timezone.now())
    given_up = OutboxMessage.objects.create(
        task=send_email_task.name,
        kwargs=row.kwargs,
        sent_at=row.sent_at,
        attempts=settings.OUTBOX_MAX_ATTEMPTS,
    )
    assert outbox_drain() == 1
    row.refresh_from_db()
    assert row.done_at and row.attempts == 2 and len(mail.outbox) == 1
    assert OutboxMessage.objects.get(pk=recent.pk).done_at is None  # may still be in the queue
    assert OutboxMessage.objects.get(pk=given_up.pk).done_at is None  # left for a person (the admin lists it)


@pytest.mark.parametrize(("task_id", "expected"), [("outbox-12", 12), ("outbox-", None), ("x-12", None), (None, None)])
def test_outbox_ids_in_task_ids(task_id, expected):
    assert outbox_message_id(task_id) == expected


@pytest.mark.parametrize(
    ("error", "status", "text"),
    [
        (OperationalError("connection failed: the database system is shutting down"), 503, "midlertidigt utilgængelig"),
        (ValueError("a bug"), 500, "Der opstod en fejl"),
    ],
)
def test_a_database_that_cannot_be_reached_gives_a_503_page_and_any_other_error_the_500_page(
    db, monkeypatch, error, status, text
):
    def fail():
        raise error

    monkeypatch.setattr("applications.views.public.calls_for_front_page", fail)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == status
    assert response.get("Retry-After") == ("30" if status == 503 else None)
    html = response.content.decode()
    assert 'lang="da"' in html and text in html


def test_the_admin_lists_queued_tasks_with_their_error_and_changes_none(client, make_user):
    row = OutboxMessage.objects.create(task=send_email_task.name, kwargs={}, last_error="OperationalError: refused")
    client.force_login(make_user("administrator", is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:clusterfund_outboxmessage_changelist"))
    assert listing.status_code == 200 and send_email_task.name in listing.content.decode()
    detail = client.get(reverse("admin:clusterfund_outboxmessage_change", args=[row.pk])).content.decode()
    assert "OperationalError: refused" in detail
    assert client.get(reverse("admin:clusterfund_outboxmessage_add")).status_code == 403
    assert (
        client.post(reverse("admin:clusterfund_outboxmessage_delete", args=[row.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert OutboxMessage.objects.filter(pk=row.pk).exists()
