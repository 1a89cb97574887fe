"""Background tasks of the grant period (Celery beat runs `send_reminders_task` daily; see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task(acks_late=True)
def send_reminders_task() -> int:
    """Send today's reminders (Europe/Copenhagen) and return how many were sent. Safe to run twice: each
    reminder is sent once per item and kind."""
    from .selectors.watch import local_today
    from .services.reminders import reminders_send

    return reminders_send(today=local_today())
