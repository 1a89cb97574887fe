from django.contrib import admin

from .models import ActivityType, BudgetFrame, BusinessArea, Call, Criterion, Milestone, Organisation, Requirement


class OrderedInline(admin.TabularInline):
    extra = 0


class MilestoneInline(OrderedInline):
    model = Milestone


class AreaInline(OrderedInline):
    model = BusinessArea


class RequirementInline(admin.StackedInline):
    model = Requirement
    extra = 0


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0


class ActivityTypeInline(OrderedInline):
    model = ActivityType


class BudgetFrameInline(OrderedInline):
    model = BudgetFrame

    def _frames_locked(self, obj) -> bool:
        # An approved allocation (allocation app, queried by relation name: applications does not import it)
        # fixes the frames behind it.
        return obj is not None and obj.proposals.filter(status="approved").exists()

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._frames_locked(obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not self._frames_locked(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._frames_locked(obj)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """Staff configure a call here: every part of it is an inline."""

    list_display = ["title", "slug", "opens_at", "deadline", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MilestoneInline, RequirementInline, CriterionInline, ActivityTypeInline, AreaInline, BudgetFrameInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "cvr", "region", "legal_form"]
    list_filter = ["region", "legal_form"]
    search_fields = ["name", "cvr"]
    filter_horizontal = ["members"]
