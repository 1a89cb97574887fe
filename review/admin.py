"""Read-only admin views of the review: every change goes through review.services so it is audited."""

from django.contrib import admin

from .models import Assignment, JointAssessment, JointScore, RequirementCheck, Score


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RequirementCheckInline(ReadOnlyMixin, admin.TabularInline):
    model = RequirementCheck
    extra = 0
    fields = ["requirement", "verdict", "note", "updated_at"]
    readonly_fields = fields


class ScoreInline(ReadOnlyMixin, admin.TabularInline):
    model = Score
    extra = 0
    fields = ["criterion", "value", "justification", "updated_at"]
    readonly_fields = fields


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["application", "reviewer", "side", "status", "conflict"]
    list_filter = ["side", "status", "conflict", "application__call"]
    search_fields = ["application__organisation__name", "reviewer__email", "reviewer__full_name"]
    list_select_related = ["application__organisation", "application__call", "reviewer"]
    inlines = [RequirementCheckInline, ScoreInline]


class JointScoreInline(ReadOnlyMixin, admin.TabularInline):
    model = JointScore
    extra = 0
    fields = ["criterion", "value", "justification"]
    readonly_fields = fields


@admin.register(JointAssessment)
class JointAssessmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["application", "eligible", "recommendation", "secretariat_confirmed_by", "ufm_confirmed_by"]
    list_filter = ["eligible", "recommendation", "application__call"]
    list_select_related = ["application__organisation", "application__call"]
    inlines = [JointScoreInline]
