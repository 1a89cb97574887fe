"""Helpers the governance services share: permission checks, whole-kroner checks, telling an organisation."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.forms_fields import MAX_AMOUNT
from applications.models import Message
from clusterfund.money import format_kroner
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


class VersionConflict(Exception):
    """Raised when a page was saved from an older revision than the one in the database."""

    def __init__(self, current_revision: int, updated_by=None, updated_at=None):
        super().__init__(current_revision)
        self.current_revision = current_revision
        self.updated_by = updated_by
        self.updated_at = updated_at


def require(by, permission: str, obj=None) -> None:
    """Raise PermissionDenied unless `by` holds `permission` (on `obj`)."""
    if not by.has_perm(permission, obj):
        raise PermissionDenied


def check_amount(value, *, label: str) -> int:
    """Return `value` as whole kroner, or raise ValidationError saying what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("%(label)s must be a whole number of kroner."), code="invalid", params={"label": label})
    if value < 0:
        raise ValidationError(_("%(label)s cannot be negative."), code="negative", params={"label": label})
    if value > MAX_AMOUNT:
        raise ValidationError(
            _("%(label)s is unrealistically large (more than %(max)s)."),
            code="too_large",
            params={"label": label, "max": format_kroner(MAX_AMOUNT)},
        )
    return value


def send_to_organisation(*, organisation, application=None, subject: str, body: str, by) -> Message:
    """Leave a message on the organisation's start page and e-mail its members once the transaction commits.

    The grant period's messages concern the organisation's grant, not its application: `application` stays
    empty unless a caller has a reason to tie the message to one.
    """
    message = Message.objects.create(
        organisation=organisation, application=application, subject=subject, body=body, sent_by=by
    )
    recipients = list(organisation.members.filter(is_active=True).values_list("email", flat=True))
    if recipients and not _NO_EMAIL.get():
        transaction.on_commit(lambda: send_email_task.delay(subject=subject, body=body, to=recipients))
    return message
