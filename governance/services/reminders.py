"""Reminders that escalate: to the organisation before a due date (30 and 7 days by default), on the day and
when it is overdue; before a gold label expires (6, 3 and 1 months) and when it has; and to the secretariat
when an item is overdue by M days (14 by default). Thresholds come from the call's `WatchSettings`; a run may
override them.

Exactly once per item and kind: each reminder claims its `ReminderSent` row (unique on item and kind) in its
own transaction together with the e-mail's hand-over, so a second run the same day finds the rows taken, and a
run that dies half-way has committed exactly the reminders it sent; the re-run sends only the rest. Only the
most urgent reminder that applies is sent (an item first seen 5 days before its date gets the 7-day reminder,
not also the 30-day one).
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from clusterfund.outbox import outbox_enqueue
from clusterfund.roles import Role
from clusterfund.services import audit_record
from clusterfund.tasks import send_email_task
from review.models import Assignment

from ..models import Grant, ReminderLanguage, ReminderSent
from ..selectors.watch import WatchItem, add_months, pending_items, watch_settings_by_call

logger = logging.getLogger(__name__)

ESCALATION = "escalation"


@dataclass(frozen=True)
class Thresholds:
    """When to remind: days before a due date, months before a label expires, days overdue to escalate."""

    due_soon_days: tuple[int, ...] = (30, 7)
    gold_expiry_months: tuple[int, ...] = (6, 3, 1)
    escalation_days: int = 14


@dataclass(frozen=True)
class Reminder:
    """One reminder to send: about `item`, of `kind`, to the organisation or the secretariat."""

    item: WatchItem
    kind: str
    recipient: str

    @property
    def organisation(self):
        return self.item.organisation

    def line(self) -> str:
        """Return the dry-run line: kind, organisation, item, due date."""
        return f"{self.kind}\t{self.organisation.name}\t{self.item.label()}\t{self.item.due_on.isoformat()}"


def kinds_for(item: WatchItem, *, today: dt.date, thresholds: Thresholds) -> list[tuple[str, str]]:
    """Return the (kind, recipient) reminders that apply to `item` on `today`: at most one to the organisation
    (the most urgent) and the escalation to the secretariat once the item is overdue by the escalation days."""
    org = ReminderSent.Recipient.ORGANISATION
    left = item.days_left(today)
    found: list[tuple[str, str]] = []
    if item.what == "gold_label":
        if left >= 0:
            months = [m for m in thresholds.gold_expiry_months if today >= add_months(item.due_on, -m)]
            if months:
                found.append((f"expires_in_{min(months)}m", org))
        else:
            found.append(("expired", org))
    elif left > 0:
        days = [n for n in thresholds.due_soon_days if left <= n]
        if days:
            found.append((f"due_in_{min(days)}d", org))
    elif left == 0:
        found.append(("due_today", org))
    else:
        found.append(("overdue", org))
    if left < 0 and -left >= thresholds.escalation_days:
        found.append((ESCALATION, ReminderSent.Recipient.SECRETARIAT))
    return found


def _thresholds(call_settings, override: Thresholds | None, *, days=None, months=None, escalate=None) -> Thresholds:
    base = (
        Thresholds(
            due_soon_days=tuple(call_settings.due_soon_days or ()),
            gold_expiry_months=tuple(call_settings.gold_expiry_months or ()),
            escalation_days=call_settings.escalation_days,
        )
        if call_settings is not None
        else Thresholds()
    )
    return Thresholds(
        due_soon_days=tuple(days) if days is not None else base.due_soon_days,
        gold_expiry_months=tuple(months) if months is not None else base.gold_expiry_months,
        escalation_days=escalate if escalate is not None else base.escalation_days,
    )


def reminders_due(
    *,
    today: dt.date,
    days: Sequence[int] | None = None,
    months: Sequence[int] | None = None,
    escalate_after: int | None = None,
) -> list[Reminder]:
    """Return the reminders that apply on `today` and have not been sent, in a stable order.

    `days`, `months` and `escalate_after` override every call's settings for this run.
    """
    items = pending_items(today=today)
    per_call = watch_settings_by_call({item.call_id for item in items if item.call_id})
    sent = set(ReminderSent.objects.filter(item__in=[item.key for item in items]).values_list("item", "kind"))
    reminders = []
    for item in items:
        thresholds = _thresholds(per_call.get(item.call_id), None, days=days, months=months, escalate=escalate_after)
        for kind, recipient in kinds_for(item, today=today, thresholds=thresholds):
            if (item.key, kind) not in sent:
                reminders.append(Reminder(item=item, kind=kind, recipient=recipient))
    return reminders


def _language_of(users) -> dict[str, list[str]]:
    """Group the users' e-mail addresses by the language they want reminders in (Danish by default)."""
    chosen = dict(ReminderLanguage.objects.filter(user__in=users).values_list("user_id", "language"))
    by_language: dict[str, list[str]] = defaultdict(list)
    for user in users:
        by_language[chosen.get(user.pk, settings.LANGUAGE_CODE)].append(user.email)
    return dict(by_language)


def _secretariat_for(item: WatchItem) -> list:
    """Return the secretariat reviewers on the item's call without a conflict on the organisation's grant
    (every active secretariat reviewer if none works on the call)."""
    User = get_user_model()
    secretariat = User.objects.filter(is_active=True, groups__name=Role.SECRETARIAT.value)
    grant = Grant.objects.filter(call_id=item.call_id, organisation=item.organisation).first()
    conflicted = (
        Assignment.objects.filter(application_id=grant.application_id, conflict=Assignment.Conflict.DECLARED).values(
            "reviewer_id"
        )
        if grant
        else Assignment.objects.none().values("reviewer_id")
    )
    on_call = (
        secretariat.filter(review_assignments__application__call_id=item.call_id).exclude(pk__in=conflicted).distinct()
    )
    users = list(on_call) or list(secretariat.exclude(pk__in=conflicted).distinct())
    return users


def recipients_of(reminder: Reminder) -> dict[str, list[str]]:
    """Return the reminder's e-mail addresses grouped by language."""
    if reminder.recipient == ReminderSent.Recipient.SECRETARIAT:
        users = _secretariat_for(reminder.item)
    else:
        users = list(reminder.organisation.members.filter(is_active=True))
    return _language_of(users)


def _deliver(*, subject: str, body: str, to: list[str]) -> None:
    """Queue the e-mail in the outbox, in the transaction that records the reminder as sent: both or neither."""
    outbox_enqueue(send_email_task, subject=subject, body=body, to=to)


def _render(reminder: Reminder, *, today: dt.date, language: str) -> tuple[str, str]:
    with translation.override(language):
        context = {
            "reminder": reminder,
            "kind": reminder.kind,
            "organisation": reminder.organisation,
            "item_label": reminder.item.label(),
            "banner": reminder.item.banner(today),
            "due_on": reminder.item.due_on,
            "url": reminder.item.url,
            "escalation": reminder.kind == ESCALATION,
        }
        subject = render_to_string("governance/email/reminder_subject.txt", context).strip()
        body = render_to_string("governance/email/reminder.txt", context)
    return subject, body


def reminder_send(*, reminder: Reminder, today: dt.date) -> bool:
    """Send one reminder unless it was sent already; return whether this call sent it.

    The row is claimed first: a concurrent or repeated run hits the unique constraint and sends nothing.
    """
    try:
        with transaction.atomic():
            recipients = recipients_of(reminder)
            row = ReminderSent.objects.create(
                item=reminder.item.key,
                kind=reminder.kind,
                recipient=reminder.recipient,
                organisation=reminder.organisation,
                due_on=reminder.item.due_on,
                sent_on=today,
                sent_to=sorted(email for emails in recipients.values() for email in emails),
            )
            for language, emails in sorted(recipients.items()):
                subject, body = _render(reminder, today=today, language=language)
                _deliver(subject=subject, body=body, to=sorted(emails))
            audit_record(
                actor=None,
                action="reminder.send",
                obj=row,
                after={"item": row.item, "kind": row.kind, "recipient": row.recipient, "to": row.sent_to},
            )
    except IntegrityError:
        logger.info("Reminder %s %s was already sent", reminder.item.key, reminder.kind)
        return False
    return True


def reminders_send(
    *,
    today: dt.date,
    days: Sequence[int] | None = None,
    months: Sequence[int] | None = None,
    escalate_after: int | None = None,
) -> int:
    """Send every reminder that applies on `today` and has not been sent; return how many this run sent."""
    count = 0
    for reminder in reminders_due(today=today, days=days, months=months, escalate_after=escalate_after):
        count += reminder_send(reminder=reminder, today=today)
    return count
