"""The admin shows selections and proposals. Whatever an approved allocation has locked is read-only here
(the models and the database refuse too, and a refusal shows as a message, not an error page); changes
otherwise go through the portal's pages, which audit them. An amount changed here on a submitted proposal
makes a new revision (the database bumps it), which the members must approve again."""

from functools import wraps

from django.contrib import admin, messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from clusterfund.services import audit_record

from .database_lock import LOCKED_MESSAGE, is_lock_refusal
from .models import (
    LockedError,
    Proposal,
    ProposalAmount,
    ProposalApproval,
    Selection,
    SelectionGrant,
    application_is_locked,
)


def _refusal_as_message(view):
    """Wrap an admin view: the lock's refusal (database or model) becomes an error message and the page again."""

    @wraps(view)
    def wrapped(self, request, *args, **kwargs):
        try:
            with transaction.atomic():  # a refused write rolls back all of the view's writes, nothing more
                return view(self, request, *args, **kwargs)
        except (IntegrityError, LockedError) as error:
            if not is_lock_refusal(error):
                raise
            self.message_user(request, LOCKED_MESSAGE, messages.ERROR)
            return redirect(request.get_full_path())

    return wrapped


class ReadOnlyWhenLocked:
    """Admin mixin: no change or delete once `is_locked(obj)` says the allocation fixed the object."""

    def is_locked(self, obj) -> bool:
        raise NotImplementedError

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and self.is_locked(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and self.is_locked(obj):
            return False
        return super().has_delete_permission(request, obj)

    @_refusal_as_message
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    @_refusal_as_message
    def changelist_view(self, request, *args, **kwargs):
        return super().changelist_view(request, *args, **kwargs)

    @_refusal_as_message
    def delete_view(self, request, *args, **kwargs):
        return super().delete_view(request, *args, **kwargs)

    def get_deleted_objects(self, objs, request):
        """List what an approved allocation has locked among the protected objects, so the admin's delete
        confirmation refuses to delete it (the "delete selected" action would otherwise meet the database's
        refusal)."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        locked = [f"{obj} – {LOCKED_MESSAGE}" for obj in objs if self.is_locked(obj)]
        if locked and super().has_delete_permission(request):
            # the user may delete these in general; the lock is the reason, and the page should say so
            perms_needed = {name for name in perms_needed if name != self.model._meta.verbose_name}
        return deleted, model_count, perms_needed, [*protected, *locked]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data:
            audit_record(actor=request.user, action="admin.change", obj=obj, after={"changed": form.changed_data})

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        changed = [f.changed_data for f in formset.forms if f.changed_data]
        if changed or formset.deleted_objects:
            audit_record(
                actor=request.user,
                action="admin.change",
                obj=form.instance,
                after={
                    "inline": formset.model._meta.model_name,
                    "changed": changed,
                    "deleted": len(formset.deleted_objects),
                },
            )


class LockedInline(ReadOnlyWhenLocked):
    def has_add_permission(self, request, obj=None) -> bool:
        if obj is not None and self.is_locked(obj):
            return False
        return super().has_add_permission(request, obj)


class SelectionGrantInline(LockedInline, admin.TabularInline):
    model = SelectionGrant
    extra = 0

    def is_locked(self, obj) -> bool:
        return application_is_locked(obj.application_id)


@admin.register(Selection)
class SelectionAdmin(ReadOnlyWhenLocked, admin.ModelAdmin):
    list_display = ["application", "business_area", "decision", "decision_date", "case_number", "notified_decision"]
    list_filter = ["call", "decision"]
    search_fields = ["application__organisation__name", "case_number"]
    readonly_fields = [
        "application",
        "call",
        "business_area",
        "recorded_by",
        "recorded_at",
        "notified_decision",
        "notified_at",
    ]
    inlines = [SelectionGrantInline]

    def is_locked(self, obj) -> bool:
        return application_is_locked(obj.application_id)

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # the minister's decisions are recorded on UFM's page, which notifies the applicant


class ProposalAmountInline(LockedInline, admin.TabularInline):
    model = ProposalAmount
    extra = 0
    fields = ["application", "year", "amount"]
    raw_id_fields = ["application"]

    def is_locked(self, obj) -> bool:
        return obj.is_locked


class ProposalApprovalInline(admin.TabularInline):
    model = ProposalApproval
    extra = 0
    fields = ["member", "decision", "comment", "revision", "as_chair", "at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyWhenLocked, admin.ModelAdmin):
    list_display = ["__str__", "call", "status", "method", "unit", "revision", "approved_at"]
    list_filter = ["call", "status"]
    search_fields = ["title"]
    readonly_fields = [
        "call",
        "number",
        "status",
        "method",
        "unit",
        "bounds",
        "based_on",
        "revision",
        "created_by",
        "submitted_at",
        "approved_at",
        "approved_by",
    ]
    inlines = [ProposalAmountInline, ProposalApprovalInline]

    def is_locked(self, obj) -> bool:
        return obj.is_locked

    def has_add_permission(self, request) -> bool:
        return False  # proposals are created on the secretariat's page, filled by a helper

    def save_formset(self, request, form, formset, change):
        revision = form.instance.revision
        super().save_formset(request, form, formset, change)
        if formset.model is ProposalAmount:
            form.instance.refresh_from_db(fields=["revision"])
            if form.instance.revision != revision:
                self.message_user(
                    request,
                    _(
                        "The amounts of a proposal with the sub-committee changed, so it is now revision %(revision)s:"
                        " the members must approve it again."
                    )
                    % {"revision": form.instance.revision},
                    messages.WARNING,
                )
