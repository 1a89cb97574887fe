"""Reads for the staff pages of the project as a whole: users with their roles, and the audit log."""

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import AuditEvent, User


def users_for_administration(*, search: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    """Return users matching the search (e-mail or name), role and active filter, with their groups
    prefetched (a page of them costs the same number of queries however many there are)."""
    from django.contrib.auth.models import Group

    users = User.objects.order_by("email").prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
    if search:
        users = users.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    if role:
        users = users.filter(groups__name=role)
    if active in ("yes", "no"):
        users = users.filter(is_active=active == "yes")
    return users


def audit_actions() -> list[str]:
    """Return every action the log holds, for the filter's choices."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def audit_events(
    *,
    action: str = "",
    actor: str = "",
    obj: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Return the audit events matching the filters, newest first. Dates are Danish calendar days."""
    events = AuditEvent.objects.select_related("content_type").order_by("-at", "-pk")
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if obj:
        events = events.filter(Q(object_repr__icontains=obj) | Q(object_id=obj))
    if date_from:
        events = events.filter(at__gte=_local_midnight(date_from))
    if date_to:
        events = events.filter(at__lt=_local_midnight(date_to + timedelta(days=1)))
    return events


def audit_changes(event: AuditEvent) -> list[tuple[str, object, object]]:
    """Return (field, before, after) for each key the event records, in a stable order."""
    before = event.before if isinstance(event.before, dict) else {"value": event.before}
    after = event.after if isinstance(event.after, dict) else {"value": event.after}
    keys = list(dict.fromkeys([*before, *after]))
    return [(key, before.get(key, ""), after.get(key, "")) for key in keys]
