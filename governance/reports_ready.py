"""What the reports half registers at start-up (listed in `apps.READY_MODULES`): the calendar follows the
grant's current version, and the start-page panels for reports.

The grant services set `Grant.current_version` when a grant is created and when a source decision makes a
new version; the receiver below regenerates the reporting calendar in the same transaction, so the grants
half needs no call into the reports half.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Grant


@receiver(post_save, sender=Grant, dispatch_uid="governance.calendar_follows_version")
def calendar_follows_version(sender, instance: Grant, update_fields=None, raw=False, **kwargs) -> None:
    """Regenerate the grant's reporting calendar when its current version is set or changes."""
    if raw or instance.current_version_id is None:
        return
    if update_fields is not None and "current_version" not in update_fields:
        return
    from .services.calendar import calendar_sync

    with transaction.atomic():
        calendar_sync(grant=instance)
