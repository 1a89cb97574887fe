"""The Celery app. Tasks run eagerly in-process when CELERY_BROKER_URL is empty."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterfund.settings.dev")

# Every task is an OutboxTask: a delivery of an outbox row (clusterfund.outbox) runs once.
app = Celery("clusterfund", task_cls="clusterfund.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def load_pdf_engine(**kwargs) -> None:
    """Load WeasyPrint (Pango, fonts) when a worker process starts, not in the first memo's render time."""
    import weasyprint  # noqa: F401
