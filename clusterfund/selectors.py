"""Reads for the staff pages of the project as a whole: users with their roles, and the audit log."""

from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
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


def audit_object_links(events, *, viewer) -> dict[int, str]:
    """Return {event pk: URL of the page of the event's object} for the events whose object still exists
    and has a page: a user's page on the staff pages (for a viewer who manages users), otherwise the
    object's own `get_absolute_url()` (that page checks its own permission).

    One query per kind of object on the page, not per event, so a page of the log costs the same however
    many events of a kind it shows.
    """
    wanted: dict[int, dict[str, list[int]]] = {}
    for event in events:
        if event.content_type_id and event.object_id:
            wanted.setdefault(event.content_type_id, {}).setdefault(event.object_id, []).append(event.pk)
    links: dict[int, str] = {}
    for content_type_id, by_object in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue  # a model that is gone since
        if model is User:
            if not viewer.has_perm("clusterfund.manage_users"):
                continue
            url_of = lambda obj: reverse("staff_user", args=[obj.pk])  # noqa: E731
        elif hasattr(model, "get_absolute_url"):
            url_of = lambda obj: obj.get_absolute_url()  # noqa: E731
        else:
            continue
        ids = []
        for object_id in by_object:
            try:
                ids.append(model._meta.pk.to_python(object_id))
            except ValidationError:
                continue  # an id recorded in another form than the key's: no link
        for obj in model._default_manager.filter(pk__in=ids):
            url = url_of(obj)
            for event_pk in by_object.get(str(obj.pk), []):
                links[event_pk] = url
    return links
