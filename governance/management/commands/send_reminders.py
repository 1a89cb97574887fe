"""`manage.py send_reminders [--today YYYY-MM-DD] [--dry-run]`: send the day's reminders (Celery beat runs the
same daily through governance.tasks.send_reminders_task)."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from governance.selectors.watch import local_today
from governance.services.reminders import reminders_due, reminders_send


def _numbers(value: str) -> list[int]:
    try:
        numbers = [int(part) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise CommandError(f"Not a list of whole numbers: {value!r}") from error
    if not numbers or any(n < 1 for n in numbers):
        raise CommandError(f"Give positive whole numbers: {value!r}")
    return numbers


class Command(BaseCommand):
    help = "Send the reminders due today (plans, reports, gold labels, action items) and the escalations."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The day to act as, YYYY-MM-DD (default: today in Copenhagen).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing.")
        parser.add_argument("--days", help="Days before a due date to remind, e.g. 30,7 (default: the call's).")
        parser.add_argument("--months", help="Months before a label expires to remind, e.g. 6,3,1.")
        parser.add_argument("--escalate-after", type=int, help="Days overdue before the secretariat is told.")

    def handle(self, *args, **options):
        # The lines name items in the portal's language (the e-mails go out in each recipient's own).
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options):
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(f"--today must be YYYY-MM-DD, not {options['today']!r}") from error
        else:
            today = local_today()
        escalate = options["escalate_after"]
        if escalate is not None and escalate < 1:
            raise CommandError("--escalate-after must be at least 1")
        overrides = {
            "days": _numbers(options["days"]) if options["days"] else None,
            "months": _numbers(options["months"]) if options["months"] else None,
            "escalate_after": escalate,
        }
        if options["dry_run"]:
            reminders = reminders_due(today=today, **overrides)
            for reminder in reminders:
                self.stdout.write(reminder.line())
            self.stdout.write(f"{len(reminders)} reminder(s) would be sent on {today.isoformat()}.")
            return
        sent = reminders_send(today=today, **overrides)
        self.stdout.write(f"{sent} reminder(s) sent on {today.isoformat()}.")
