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
