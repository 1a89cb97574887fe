"""The budget frames belong to `applications` (and its admin edits them as part of a call). Once an
allocation of the call is approved they are fixed; these receivers refuse a change through any path that
bypasses `allocation.services.frames.frames_save` (which refuses first, with a readable message)."""

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from applications.models import BudgetFrame

from .models import LockedError, Proposal

FIELDS = ("call_id", "year", "funder", "amount", "source", "source_year", "is_conditional")


def _locked(call_id) -> bool:
    return Proposal.objects.filter(call_id=call_id, status=Proposal.Status.APPROVED).exists()


@receiver(pre_save, sender=BudgetFrame, dispatch_uid="allocation_frame_locked_save")
def refuse_frame_change(sender, instance: BudgetFrame, raw=False, **kwargs) -> None:
    if raw or not _locked(instance.call_id):
        return
    if instance.pk is None:
        raise LockedError("An allocation of this call is approved; no budget frame can be added.")
    stored = BudgetFrame.objects.filter(pk=instance.pk).values(*FIELDS).first()
    # re-saving the same values (seed_demo's update_or_create) changes nothing and is let through
    if stored is not None and any(stored[name] != getattr(instance, name) for name in FIELDS):
        raise LockedError("An allocation of this call is approved; its budget frames cannot change.")


@receiver(pre_delete, sender=BudgetFrame, dispatch_uid="allocation_frame_locked_delete")
def refuse_frame_delete(sender, instance: BudgetFrame, **kwargs) -> None:
    if _locked(instance.call_id):
        raise LockedError("An allocation of this call is approved; its budget frames cannot be deleted.")
