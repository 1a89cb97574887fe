"""`python manage.py outbox_drain`: hand every waiting outbox row to the broker now.

Celery beat does the same every OUTBOX_DRAIN_INTERVAL seconds (clusterfund.tasks.drain_outbox); the
command is for after a broker outage, or a deployment without beat. It drains in batches until nothing is
due or the broker refuses a row, prints what it sent and what still waits, and exits with status 1 if
rows are still waiting because the broker refused them.
"""

from django.core.management.base import BaseCommand, CommandError

from clusterfund.models import OutboxMessage
from clusterfund.outbox import outbox_drain


class Command(BaseCommand):
    help = "Hand the outbox's waiting tasks (receipts, e-mails, document renders) to the Celery broker."

    def handle(self, *args, **options):
        sent = 0
        while batch := outbox_drain():
            sent += batch
        waiting = OutboxMessage.objects.filter(sent_at__isnull=True).count()
        self.stdout.write(f"Sent {sent} queued task(s); {waiting} still waiting.")
        if waiting:
            raise CommandError("The broker did not take every queued task; see the log and run this again.")
