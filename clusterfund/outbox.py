"""The portal's outbox: background tasks stored in the database with the change that calls for them.

A service never hands a task to Celery directly. It calls `outbox_enqueue(task, **kwargs)` inside its
transaction, which stores an `OutboxMessage` row (so the row exists exactly when the submission, the
message or the document request does) and, once the transaction commits, tries to hand that row to the
broker at once (`outbox_drain(ids=[...])`). If the broker is down the attempt fails fast (see
CELERY_TASK_PUBLISH_RETRY_POLICY and the connect timeout in the settings), is logged and recorded on the
row, and the request carries on: the row waits for the next drain, which the periodic task
`clusterfund.tasks.drain_outbox` (Celery beat) and `manage.py outbox_drain` run.

Guarantee: at least once. A row is marked sent only after the broker accepted it, and done only after
its task ran to the end; a row sent but not done after OUTBOX_REDELIVER_AFTER seconds (a message lost with
a worker, a task that crashed) is sent again, up to OUTBOX_MAX_ATTEMPTS times. Every delivery of a row
carries the task id ``outbox-<pk>``; `OutboxTask` (the project's Celery task class) skips a delivery
whose row is already done, so a row drained twice, redelivered by the broker or re-sent by the reaper
runs its task (and sends its e-mail) once. The one window left is a worker that dies after the task's
side effect but before the row is marked done: then the task runs again (an e-mail may arrive twice;
renders are idempotent themselves). Losing a mail is worse than a duplicate, so that is the trade.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import Task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"
ERROR_MAX_CHARS = 2000


def celery_app():
    """Return the Celery app the outbox sends through (the project's; a test may give its own)."""
    from .celery import app

    return app


def outbox_enqueue(task, /, **kwargs) -> int:
    """Store a run of `task` (a Celery task or its name) with keyword arguments `kwargs` in the current
    transaction, hand it to the broker after the commit, and return the row's id.

    The kwargs must be JSON-safe (ids, strings, lists): they are stored as they will be sent.
    """
    from .models import OutboxMessage

    message = OutboxMessage.objects.create(task=getattr(task, "name", task), kwargs=kwargs)
    message_id = message.pk
    transaction.on_commit(lambda: outbox_drain(ids=[message_id]))
    return message_id


def _due(now: dt.datetime) -> Q:
    """Rows to send: never sent, or sent long ago, never done and not yet given up on."""
    stale = now - dt.timedelta(seconds=settings.OUTBOX_REDELIVER_AFTER)
    return Q(sent_at__isnull=True) | Q(
        done_at__isnull=True, sent_at__lt=stale, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS
    )


def outbox_drain(*, ids: list[int] | None = None, limit: int = 100) -> int:
    """Hand due outbox rows (only `ids`, if given) to the broker, oldest first; return how many were sent.

    Rows are locked with SKIP LOCKED, so two drains at once never send the same row. The first broker
    error stops the drain (the broker is down: the rest would fail the same way); the error is logged and
    kept on the row, which stays due.
    """
    from .models import OutboxMessage

    app = celery_app()
    sent = 0
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(_due(timezone.now()))
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        for message in rows.order_by("pk")[:limit]:
            message.attempts += 1
            try:
                # No result is stored or awaited: with a result backend, asking for one makes Celery
                # subscribe to it first, which blocks for many seconds when Redis is down.
                app.tasks[message.task].apply_async(kwargs=message.kwargs, task_id=message.task_id, ignore_result=True)
            except BrokerUnavailable as error:
                message.last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("Outbox: the broker refused %s (%s); it stays queued", message, error)
                break
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "sent_at", "last_error"])
            sent += 1
    return sent


def outbox_message_id(task_id: str | None) -> int | None:
    """Return the outbox row id in a Celery task id ``outbox-<pk>``, or None for any other id."""
    if task_id and task_id.startswith(TASK_ID_PREFIX) and task_id[len(TASK_ID_PREFIX) :].isdigit():
        return int(task_id[len(TASK_ID_PREFIX) :])
    return None


class OutboxTask(Task):
    """The project's Celery task class: a delivery of an outbox row runs once, however often it arrives.

    A task called with an ``outbox-<pk>`` id is skipped if its row is already done and marks the row done
    when it returns. Tasks sent any other way (beat, a test) run as usual.
    """

    def __call__(self, *args, **kwargs):
        message_id = outbox_message_id(getattr(self.request, "id", None))
        if message_id is None:
            return super().__call__(*args, **kwargs)
        from .models import OutboxMessage

        if OutboxMessage.objects.filter(pk=message_id, done_at__isnull=False).exists():
            logger.info("Outbox: %s%s already ran; this delivery is skipped", TASK_ID_PREFIX, message_id)
            return None
        result = super().__call__(*args, **kwargs)
        OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True).update(done_at=timezone.now())
        return result
