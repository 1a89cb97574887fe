"""The admin shows selections and proposals. Whatever an approved allocation has locked is read-only here
(the models refuse too); changes otherwise go through the portal's pages, which audit them."""

from django.contrib import admin

from clusterfund.services import audit_record

from .models import Proposal, ProposalAmount, ProposalApproval, Selection, SelectionGrant, application_is_locked


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
