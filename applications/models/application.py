"""The application (ansøgning) and what it is drafted from.

Its section states, requirement and criterion answers, board, locations, activities with their actors,
partners, budget lines and attachments.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterfund.validators import validate_cvr

from .call import ActivityType, BusinessArea, Call, Criterion, Requirement
from .organisation import Organisation, Region


class ActorType(models.TextChoices):
    COMPANY = "company", _("Company")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
    PUBLIC = "public", _("Public actor")
    OTHER = "other", _("Other")


class Application(models.Model):
    """An organisation's application to a call, drafted in sections and then submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        UNDER_REVIEW = "under_review", _("Under review")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    # The one map of allowed status changes; `application_transition` checks against it.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.WITHDRAWN, Status.UNDER_REVIEW},
        Status.WITHDRAWN: set(),
        Status.UNDER_REVIEW: {Status.SELECTED, Status.NOT_SELECTED},
        Status.SELECTED: {Status.NOT_SELECTED},
        Status.NOT_SELECTED: {Status.SELECTED},
    }

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    business_area = models.ForeignKey(
        BusinessArea,
        verbose_name=_("business area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content_sha256 = models.CharField(_("SHA-256 of the submitted content"), max_length=64, blank=True)
    submitted_content = models.JSONField(_("submitted content"), null=True, blank=True)
    receipt_pdf = models.FileField(_("receipt (PDF)"), upload_to="receipts/", blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    # requirement evidence (the call's requirement codes decide which of these are asked for)
    equity = models.BigIntegerField(_("equity (kr.)"), null=True, blank=True)
    turnover = models.BigIntegerField(_("turnover (kr.)"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("staff (full-time equivalents)"), null=True, blank=True)

    class GoldStatus(models.TextChoices):
        GOLD = "gold", _("We hold the ECEI gold label")
        PLAN = "plan", _("We have a plan to reach the gold label")

    gold_status = models.CharField(_("gold label"), max_length=4, choices=GoldStatus.choices, blank=True)
    gold_awarded_on = models.DateField(_("gold label awarded"), null=True, blank=True)
    gold_expires_on = models.DateField(_("gold label expires"), null=True, blank=True)
    gold_target_date = models.DateField(_("gold label expected by"), null=True, blank=True)
    vg_listing_url = models.URLField(_("our services on Virksomhedsguiden (link)"), blank=True, max_length=500)
    vg_commitment = models.BooleanField(
        _("we commit to making our services available on Virksomhedsguiden"), default=False
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=~Q(status="withdrawn"),
                name="one_live_application_per_organisation_and_call",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="submitted_application_has_time"
            ),
            models.CheckConstraint(
                condition=Q(gold_expires_on__isnull=True)
                | Q(gold_awarded_on__isnull=True)
                | Q(gold_expires_on__gt=F("gold_awarded_on")),
                name="gold_label_expires_after_award",
            ),
            models.CheckConstraint(condition=Q(equity__gte=-(10**13)) | Q(equity__isnull=True), name="equity_sane"),
            models.CheckConstraint(
                condition=Q(turnover__gte=0) | Q(turnover__isnull=True), name="turnover_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.call}"

    def get_absolute_url(self) -> str:
        return reverse("applications:overview", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class SectionState(models.Model):
    """The saved version of one section of an application, for optimistic locking and the step guide."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="section_states")
    section = models.CharField(_("section"), max_length=30)
    version = models.PositiveIntegerField(_("version"), default=0)
    saved_at = models.DateTimeField(_("saved"), null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("section state")
        constraints = [models.UniqueConstraint(fields=["application", "section"], name="one_state_per_section")]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.section} v{self.version}"


class RequirementAnswer(models.Model):
    """How the applicant meets one of the call's requirements (their own words)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="requirement_answers")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("how you meet the requirement"), blank=True)

    class Meta:
        verbose_name = _("requirement answer")
        constraints = [
            models.UniqueConstraint(fields=["application", "requirement"], name="one_answer_per_requirement")
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.text[:40]}"


class BoardMember(models.Model):
    """A member of the applicant's board, with the kind of organisation they come from."""

    class Affiliation(models.TextChoices):
        COMPANY = "company", _("Company")
        KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="board_members")
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=30, choices=Affiliation.choices)
    employer = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class CriterionAnswer(models.Model):
    """The applicant's text for one criterion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="criterion_answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("criterion text")
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="one_text_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion.short_name}: {self.text[:40]}"


class Location(models.Model):
    """Where the organisation is present: headquarters, branches and co-locations (national reach)."""

    class Kind(models.TextChoices):
        HEADQUARTERS = "headquarters", _("Headquarters")
        BRANCH = "branch", _("Regional branch")
        CO_LOCATION = "co_location", _("Co-location with another actor")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="locations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    host = models.CharField(_("co-located with"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.city}"


class Activity(models.Model):
    """An activity funded by the board's means; it involves at least the call's minimum of actors."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="activities")
    activity_type = models.ForeignKey(ActivityType, verbose_name=_("activity type"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    budget = models.PositiveBigIntegerField(_("budget (kr.)"))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=F("first_year")), name="activity_years_ordered")
        ]

    def __str__(self) -> str:
        return self.title


class ActivityActor(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(_("name"), max_length=200)
    actor_type = models.CharField(_("type"), max_length=30, choices=ActorType.choices)

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A member of the partner circle (partnerkreds)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    partner_type = models.CharField(_("type"), max_length=30, choices=ActorType.choices)
    role = models.CharField(_("role in the partner circle"), max_length=300)
    cvr = models.CharField(_("CVR number (optional)"), max_length=8, blank=True, validators=[validate_cvr])
    letter_of_intent = models.ForeignKey(
        "Attachment",
        verbose_name=_("letter of intent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """What the applicant asks for in one year, in whole kroner."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    board_amount = models.PositiveBigIntegerField(_("from the board (kr.)"), default=0)
    ufm_amount = models.PositiveBigIntegerField(_("from UFM (kr.)"), default=0)
    cofinancing = models.PositiveBigIntegerField(_("co-financing (kr.)"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["application", "year"], name="one_budget_line_per_year")]

    def __str__(self) -> str:
        return f"{self.year}"

    @property
    def total(self) -> int:
        return self.board_amount + self.ufm_amount + self.cofinancing


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Store uploads under a random name per application; the sanitised original name is kept in the row."""
    import uuid

    return f"applications/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class Attachment(models.Model):
    """An uploaded PDF. Checked by content, size-limited, stored outside static/, served through a view."""

    class Kind(models.TextChoices):
        STATUTES = "statutes", _("Statutes")
        ANNUAL_ACCOUNTS = "annual_accounts", _("Latest annual accounts")
        GOLD_CERTIFICATE = "gold_certificate", _("Gold label certificate")
        GOLD_PLAN = "gold_plan", _("Plan to reach the gold label")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        OTHER = "other", _("Other attachment")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("applications:attachment", args=[self.application_id, self.pk])
