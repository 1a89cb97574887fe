"""The admin shows grants, plans and reports read-only (they change through the portal's pages, which
audit every change); the call's governance settings and indicator catalogue are edited here."""

from django.contrib import admin

from clusterfund.services import audit_record

from .models import (
    ActionPlan,
    GovernanceSettings,
    Grant,
    GrantAcceptance,
    GrantVersion,
    GrantYear,
    Indicator,
    IndicatorTarget,
    Participant,
    PlanActivity,
    PlanActor,
    PlanApproval,
    PlanIndicatorFigure,
    PlanReviewNote,
    PlanVersion,
    Report,
    ReportAccountLine,
    ReportActivityStatus,
    ReportAttachment,
    ReportDue,
    ReportIndicatorActual,
)


class ReadOnlyAdminMixin:
    """No add, change or delete through the admin: the portal's services write these rows."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class AuditedAdmin(admin.ModelAdmin):
    """An editable admin whose saves and deletes are audited like the portal's own changes."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data:
            audit_record(
                actor=request.user,
                action="admin.change" if change else "admin.add",
                obj=obj,
                after={"changed": form.changed_data},
            )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="admin.delete", obj=obj, before={"repr": str(obj)})
        super().delete_model(request, obj)


@admin.register(GovernanceSettings)
class GovernanceSettingsAdmin(AuditedAdmin):
    list_display = ["call", "erdf_statement_dates", "national_report_date", "final_report_months", "plan_due_date"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["name", "call", "code", "unit", "aggregation", "counts", "order"]
    list_filter = ["call", "aggregation"]
    search_fields = ["name", "name_en", "code"]


class GrantYearInline(ReadOnlyInline):
    model = GrantYear
    fields = ["year", "funder", "source", "source_year", "amount", "is_conditional", "conditions"]
    readonly_fields = fields


class GrantAcceptanceInline(ReadOnlyInline):
    model = GrantAcceptance
    fields = ["accepted_by", "accepted_at"]
    readonly_fields = fields


@admin.register(GrantVersion)
class GrantVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["grant", "number", "created_at", "created_by", "notified_at"]
    list_filter = ["grant__call"]
    readonly_fields = ["grant", "number", "conditions", "reason", "created_by", "created_at", "notified_at"]
    inlines = [GrantYearInline, GrantAcceptanceInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class GrantVersionInline(ReadOnlyInline):
    model = GrantVersion
    fields = ["number", "reason", "created_at", "created_by", "notified_at"]
    readonly_fields = fields
    show_change_link = True


class IndicatorTargetInline(ReadOnlyInline):
    model = IndicatorTarget
    fields = ["indicator", "year", "value"]
    readonly_fields = fields


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "call", "case_number", "first_year", "last_year", "current_version"]
    list_filter = ["call"]
    search_fields = ["organisation__name", "organisation__cvr", "case_number"]
    readonly_fields = [
        "call",
        "application",
        "organisation",
        "case_number",
        "first_year",
        "last_year",
        "current_version",
        "created_by",
        "created_at",
    ]
    inlines = [GrantVersionInline, IndicatorTargetInline]


class PlanActivityInline(ReadOnlyInline):
    model = PlanActivity
    fields = ["activity_type", "title", "starts_on", "ends_on", "regions", "budget_board", "budget_ufm"]
    readonly_fields = fields


class PlanIndicatorFigureInline(ReadOnlyInline):
    model = PlanIndicatorFigure
    fields = ["indicator", "value"]
    readonly_fields = fields


class PlanVersionInline(ReadOnlyInline):
    model = PlanVersion
    fields = ["number", "revision", "sha256", "submitted_by", "submitted_at"]
    readonly_fields = fields


class PlanApprovalInline(ReadOnlyInline):
    model = PlanApproval
    fields = ["side", "reviewer", "revision", "approved_at", "withdrawn_at"]
    readonly_fields = fields


class PlanReviewNoteInline(ReadOnlyInline):
    model = PlanReviewNote
    fields = ["section", "activity", "text", "side", "author", "version_number", "created_at"]
    readonly_fields = fields


@admin.register(ActionPlan)
class ActionPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["grant", "year", "status", "revision", "submitted_at", "approved_at"]
    list_filter = ["grant__call", "year", "status"]
    search_fields = ["grant__organisation__name"]
    readonly_fields = [
        "grant",
        "year",
        "status",
        "summary",
        "revision",
        "updated_by",
        "submitted_at",
        "submitted_by",
        "approved_at",
    ]
    inlines = [
        PlanActivityInline,
        PlanIndicatorFigureInline,
        PlanVersionInline,
        PlanApprovalInline,
        PlanReviewNoteInline,
    ]


@admin.register(PlanActivity)
class PlanActivityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "plan", "activity_type", "budget_board", "budget_ufm"]
    list_filter = ["plan__grant__call", "plan__year"]
    readonly_fields = [
        "plan",
        "activity_type",
        "title",
        "description",
        "starts_on",
        "ends_on",
        "regions",
        "budget_board",
        "budget_ufm",
        "order",
    ]

    class PlanActorInline(ReadOnlyInline):
        model = PlanActor
        fields = ["cvr", "name", "kind"]
        readonly_fields = fields

    inlines = [PlanActorInline]


class ReportActivityStatusInline(ReadOnlyInline):
    model = ReportActivityStatus
    fields = ["activity", "status", "account"]
    readonly_fields = fields


class ReportIndicatorActualInline(ReadOnlyInline):
    model = ReportIndicatorActual
    fields = ["indicator", "value"]
    readonly_fields = fields


class ReportAccountLineInline(ReadOnlyInline):
    model = ReportAccountLine
    fields = ["funder", "line", "budget", "actual"]
    readonly_fields = fields


class ReportAttachmentInline(ReadOnlyInline):
    model = ReportAttachment
    fields = ["kind", "original_name", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(ReportDue)
class ReportDueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["grant", "kind", "source", "due_on", "period_start", "period_end"]
    list_filter = ["grant__call", "kind"]
    readonly_fields = ["grant", "kind", "source", "due_on", "period_start", "period_end", "note", "created_by"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["due", "status", "first_submitted_at", "reviewed_at", "locked_at"]
    list_filter = ["due__grant__call", "status"]
    readonly_fields = [
        "due",
        "status",
        "summary",
        "revision",
        "first_submitted_at",
        "submitted_at",
        "submitted_by",
        "sha256",
        "reviewed_at",
        "reviewed_by",
        "review_note",
        "locked_at",
    ]
    inlines = [
        ReportActivityStatusInline,
        ReportIndicatorActualInline,
        ReportAccountLineInline,
        ReportAttachmentInline,
    ]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "cvr", "kind", "size_class", "report"]
    list_filter = ["report__due__grant__call", "kind", "size_class"]
    search_fields = ["name", "cvr"]
    readonly_fields = ["report", "cvr", "name", "kind", "size_class", "contact_name", "contact_email", "activities"]


# --- governance part 2: the reminders' thresholds per call (editable, audited); what was sent (read-only) -----
from .models import ReminderSent, WatchSettings  # noqa: E402


@admin.register(WatchSettings)
class WatchSettingsAdmin(AuditedAdmin):
    list_display = ["call", "due_soon_days", "gold_expiry_months", "escalation_days", "meetings_per_year"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sent_on", "kind", "item", "organisation", "recipient", "due_on"]
    list_filter = ["kind", "recipient"]
    search_fields = ["item", "organisation__name"]
