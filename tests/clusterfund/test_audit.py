import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from clusterfund.models import AppendOnlyError, AuditEvent
from clusterfund.services import audit_record
from tests.factories.applications import CallFactory


@pytest.fixture
def event(make_user):
    call = CallFactory()
    return audit_record(
        actor=make_user("secretariat"),
        action="call.publish",
        obj=call,
        before={"is_published": False},
        after={"is_published": True},
    )


def test_audit_record_stores_actor_object_and_states(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "call.publish"
    assert stored.actor_label.endswith("@example.dk")
    assert stored.object_repr.startswith("Opslag")
    assert stored.before == {"is_published": False}
    assert stored.after == {"is_published": True}
    assert list(AuditEvent.objects.for_object(stored.content_type.get_object_for_this_type(pk=stored.object_id))) == [
        stored
    ]


def test_audit_record_without_actor_is_the_system(db):
    assert audit_record(actor=None, action="system.tick").actor_label == "system"


def test_audit_event_cannot_be_changed_through_the_model(event):
    event.action = "call.unpublish"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "call.publish"


def test_audit_event_cannot_be_deleted_through_the_model(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("operation", ["update", "delete", "bulk_update", "update_or_create"])
def test_audit_event_queryset_refuses_changes(event, operation):
    queryset = AuditEvent.objects.filter(pk=event.pk)
    calls = {
        "update": lambda: queryset.update(action="x"),
        "delete": lambda: queryset.delete(),
        "bulk_update": lambda: AuditEvent.objects.bulk_update([event], ["action"]),
        "update_or_create": lambda: AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "x"}),
    }
    with pytest.raises(AppendOnlyError):
        calls[operation]()
    assert AuditEvent.objects.get(pk=event.pk).action == "call.publish"


@pytest.mark.postgres  # the trigger exists on PostgreSQL only
def test_audit_event_database_trigger_refuses_raw_update(event):
    from django.db import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clusterfund_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "call.publish"


def test_audit_admin_is_read_only(event, make_user):
    admin_user = make_user("administrator", is_staff=True, is_superuser=True)
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = site._registry[AuditEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


def test_audit_admin_refuses_edit_and_delete_posts(client, event, make_user):
    client.force_login(make_user("administrator", is_staff=True, is_superuser=True))
    change_url = reverse("admin:clusterfund_auditevent_change", args=[event.pk])
    assert client.get(change_url).status_code == 200  # a superuser may look
    client.post(change_url, {"action": "forged"})
    delete_url = reverse("admin:clusterfund_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:clusterfund_auditevent_add")).status_code == 403
    event.refresh_from_db()
    assert event.action == "call.publish"
    assert AuditEvent.objects.count() == 1
