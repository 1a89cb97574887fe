"""The annual action plan (handlingsplan) per grant and year: activities with their actors and budget per
funder, planned indicator figures, the review notes, the frozen submitted versions and the two-sided
approval (one secretariat and one UFM reviewer, like the joint assessment).

`ActionPlan.revision` grows with every change of the plan's content; a page saved from a stale revision
is refused, and an approval counts only for the revision the reviewer saw. Every submission freezes the
content in a `PlanVersion` (a JSON snapshot), which is what reviewers compare field by field.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import ActivityType
from applications.validators import validate_cvr
from review.models import Side

from .grants import Grant
from .indicators import Indicator


class ActorKind(models.TextChoices):
    COMPANY = "company", _("Company")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
    OTHER = "other", _("Other")


class ActionPlan(models.Model):
    """One grant's action plan for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        APPROVED = "approved", _("Approved")

    # The one map of allowed status changes; `plan_transition` in the services checks against it.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.CHANGES_REQUESTED, Status.APPROVED},
        Status.CHANGES_REQUESTED: {Status.RESUBMITTED},
        Status.RESUBMITTED: {Status.CHANGES_REQUESTED, Status.APPROVED},
        Status.APPROVED: set(),
    }
    EDITABLE = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})
    UNDER_REVIEW = frozenset({Status.SUBMITTED, Status.RESUBMITTED})

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("the year's aims"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["grant", "year"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "year"], name="one_plan_per_grant_and_year"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="submitted_plan_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False), name="approved_plan_has_time"
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="plan_revision_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.grant.organisation} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("governance:plan", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_under_review(self) -> bool:
        return self.status in self.UNDER_REVIEW


class PlanActivity(models.Model):
    """One structured activity of a plan, with its budget per funder in whole kroner."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="activities")
    activity_type = models.ForeignKey(
        ActivityType, verbose_name=_("activity type"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    regions = models.JSONField(_("regions"), default=list, blank=True, help_text=_("Region codes (Region)."))
    budget_board = models.PositiveBigIntegerField(_("budget from the board (kr.)"), default=0)
    budget_ufm = models.PositiveBigIntegerField(_("budget from UFM (kr.)"), default=0)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("plan activity")
        verbose_name_plural = _("plan activities")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="plan_activity_period_ordered"),
            models.CheckConstraint(
                condition=Q(budget_board__gte=0) & Q(budget_ufm__gte=0), name="plan_activity_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def budget_total(self) -> int:
        return self.budget_board + self.budget_ufm


class PlanActor(models.Model):
    """An actor taking part in a planned activity (company, knowledge institution or other)."""

    activity = models.ForeignKey(
        PlanActivity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="actors"
    )
    cvr = models.CharField(_("CVR number"), max_length=8, blank=True, validators=[validate_cvr])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=25, choices=ActorKind.choices)

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["activity", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "cvr"], condition=~Q(cvr=""), name="plan_actor_cvr_once_per_activity"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanIndicatorFigure(models.Model):
    """The plan's planned figure for one of the call's indicators."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="figures")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    value = models.PositiveBigIntegerField(_("planned"))

    class Meta:
        verbose_name = _("planned figure")
        verbose_name_plural = _("planned figures")
        ordering = ["plan", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="one_planned_figure_per_indicator"),
            models.CheckConstraint(condition=Q(value__gte=0), name="planned_figure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class PlanVersion(models.Model):
    """A submitted plan, frozen: the snapshot is what the reviewers saw and what the next version is
    compared with."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    revision = models.PositiveIntegerField(_("revision"))
    snapshot = models.JSONField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class PlanApproval(models.Model):
    """One side's approval of one revision of a plan. Withdrawn (not deleted) when the plan changes."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="approvals")
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(_("revision"))
    approved_at = models.DateTimeField(_("approved"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan approval")
        verbose_name_plural = _("plan approvals")
        ordering = ["plan", "approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "side"], condition=Q(withdrawn_at__isnull=True), name="one_live_plan_approval_per_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} – {self.get_side_display()}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class PlanReviewNote(models.Model):
    """A reviewer's request for changes on one named section of a plan (optionally one activity)."""

    class Section(models.TextChoices):
        GENERAL = "general", _("The plan as a whole")
        AIMS = "aims", _("The year's aims")
        ACTIVITIES = "activities", _("Activities")
        ACTORS = "actors", _("Actors")
        BUDGET = "budget", _("Budget")
        INDICATORS = "indicators", _("Planned figures")

    plan = models.ForeignKey(ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="notes")
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    activity = models.ForeignKey(
        PlanActivity,
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
    )
    text = models.TextField(_("note"))
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    version_number = models.PositiveSmallIntegerField(_("on version"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")
        ordering = ["plan", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="plan_note_has_text")]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.text[:40]}"
