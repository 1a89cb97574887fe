"""Helpers the governance services share: telling an organisation, and the refusal of a stale page.

The permission and whole-kroner checks are the allocation services' own (allocation/services/checks.py).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from applications.models import Message
from clusterfund.outbox import outbox_enqueue
from clusterfund.tasks import send_email_task

# Set by `without_email()`: messages are still left on the start page, but nobody is e-mailed.
_NO_EMAIL: ContextVar[bool] = ContextVar("governance_no_email", default=False)


@contextmanager
def without_email():
    """Within the block, tell organisations only on their start page (the demo's fictional contacts)."""
    token = _NO_EMAIL.set(True)
    try:
        yield
    finally:
        _NO_EMAIL.reset(token)


def emails_wanted() -> bool:
    """Whether the grant period's services e-mail people now (not inside `without_email()`)."""
    return not _NO_EMAIL.get()


class VersionConflict(Exception):
    """Raised when a page was saved from an older revision than the one in the database."""

    def __init__(self, current_revision: int, updated_by=None, updated_at=None):
        super().__init__(current_revision)
        self.current_revision = current_revision
        self.updated_by = updated_by
        self.updated_at = updated_at


def send_to_organisation(*, organisation, application=None, subject: str, body: str, by) -> Message:
    """Leave a message on the organisation's start page and e-mail its members once the transaction commits.

    The grant period's messages concern the organisation's grant, not its application: `application` stays
    empty unless a caller has a reason to tie the message to one.
    """
    message = Message.objects.create(
        organisation=organisation, application=application, subject=subject, body=body, sent_by=by
    )
    recipients = list(organisation.members.filter(is_active=True).values_list("email", flat=True))
    if recipients and emails_wanted():
        outbox_enqueue(send_email_task, subject=subject, body=body, to=recipients)
    return message
