"""Background tasks shared by the apps. With no broker configured they run eagerly in-process."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_task(*, subject: str, body: str, to: list[str]) -> int:
    """Send a plain-text e-mail from DEFAULT_FROM_EMAIL through Django's mail backend.

    Returns the number of messages sent (1). A refused or unreachable mail server (smtplib's
    errors are OSErrors) is retried with exponential back-off, five times at most.
    """
    return send_mail(subject, body, None, list(to), fail_silently=False)


@shared_task
def ping() -> str:
    """Return "pong"; proves a worker consumes from the broker (used by the broker test)."""
    return "pong"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_document(document_id: int) -> str:
    """Render one generated document version from its snapshot and store it; return its final status.

    Acks late and idempotent (see clusterfund.documents.document_render): a message redelivered after a
    worker died re-renders a version left "rendering" and leaves a finished one alone.
    """
    from .documents import document_render

    return document_render(document_id=document_id)


@shared_task(ignore_result=True)
def drain_outbox() -> int:
    """Hand the outbox's waiting rows to the broker (Celery beat runs it every OUTBOX_DRAIN_INTERVAL seconds)."""
    from .outbox import outbox_drain

    return outbox_drain()
