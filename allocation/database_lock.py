"""The database's side of the approved allocation's lock, as the application meets it.

Migration 0002 puts triggers on PostgreSQL and SQLite that refuse any change to an approved proposal, its
amounts, its approvals, and the selections, UFM grants and budget frames behind it, and that bump a submitted
proposal's revision whenever its amounts change (so the members' approvals of other amounts stop counting).
This module recognises their refusal (`is_lock_refusal`), turns it into a message people can read
(`refusal_as_validation_error`), and lifts the lock for one connection while `flush` empties the whole
database (`lock_lifted`; SQLite only, where flush deletes row by row - PostgreSQL's TRUNCATE fires no row
trigger).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from .models import LockedError

# Every refusal of the triggers starts with this (PostgreSQL: SQLSTATE 23000; SQLite: RAISE(ABORT)); both
# reach Django as IntegrityError.
MARKER = "allocation_locked"
LOCKED_MESSAGE = _(
    "This is part of an approved allocation and can no longer be changed or deleted. "
    "Make a new version of the proposal to change an amount."
)


def is_lock_refusal(error: BaseException) -> bool:
    """Return whether `error` is the approved allocation's lock refusing a change (database or model)."""
    return isinstance(error, LockedError) or (isinstance(error, IntegrityError) and MARKER in str(error))


@contextmanager
def refusal_as_validation_error() -> Iterator[None]:
    """Turn the lock's refusal inside the block into ValidationError(LOCKED_MESSAGE, code="locked")."""
    try:
        yield
    except (IntegrityError, LockedError) as error:
        if not is_lock_refusal(error):
            raise
        raise ValidationError(LOCKED_MESSAGE, code="locked") from error


@contextmanager
def lock_lifted(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let the SQLite triggers through while the block runs on this connection (for `flush` only)."""
    connection = connections[using]
    connection.allocation_lock_lifted = True
    try:
        yield
    finally:
        connection.allocation_lock_lifted = False


@receiver(connection_created, dispatch_uid="allocation_lock_function")
def register_lock_function(sender, connection, **kwargs) -> None:
    """Give each SQLite connection the function its DELETE triggers ask: is the lock lifted (by `flush`)?"""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "allocation_lock_lifted", 0, lambda: int(getattr(connection, "allocation_lock_lifted", False))
    )
