"""The reporting calendar (`ReportDue`) and the periodic reports: status per planned activity, actual
figures per indicator, the participant register (by CVR), the accounts per funder and attachments.

A report is late when it was not submitted by the end of its due date in Europe/Copenhagen
(`ReportDue.is_late`); lists mark it wherever they show it.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Funder
from applications.validators import validate_cvr

from .grants import FundingSource, Grant
from .indicators import Indicator
from .plans import ActorKind, PlanActivity

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


class ReportDue(models.Model):
    """One date in a grant's reporting calendar: generated from the years' funding sources, or added by staff."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic report")
        FINAL = "final", _("Final report")
        AD_HOC = "ad_hoc", _("Ad hoc report")

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="report_dues")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source = models.CharField(
        _("funding source"),
        max_length=20,
        choices=FundingSource.choices,
        blank=True,
        help_text=_("The source whose rules call for this report (empty for final and ad hoc reports)."),
    )
    due_on = models.DateField(_("due"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    note = models.TextField(_("note"), blank=True)
    # empty for dates generated from the calendar; the staff member for an ad hoc date
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report due")
        verbose_name_plural = _("reporting calendar")
        ordering = ["grant", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "kind", "due_on"], name="one_report_due_per_kind_and_date"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"),
            models.CheckConstraint(condition=Q(due_on__gte=F("period_end")), name="report_due_after_period"),
            models.UniqueConstraint(fields=["grant"], condition=Q(kind="final"), name="one_final_report_per_grant"),
        ]

    def __str__(self) -> str:
        return f"{self.grant} – {self.get_kind_display()} {self.due_on}"

    def deadline(self) -> dt.datetime:
        """Return the moment (aware, UTC) the due date ends in Europe/Copenhagen."""
        end = dt.datetime.combine(self.due_on + dt.timedelta(days=1), dt.time(0, 0), tzinfo=COPENHAGEN)
        return end.astimezone(dt.UTC)

    def is_late(self, now: dt.datetime | None = None, *, report: "Report | None" = None) -> bool:
        """Return whether the report was (or is still) not submitted by the end of the due date.

        Pass `report` when it is already loaded (lists), to spare a query.
        """
        now = now or timezone.now()
        if report is None:
            try:
                report = self.report
            except Report.DoesNotExist:
                report = None
        submitted_at = report.first_submitted_at if report is not None else None
        if submitted_at is not None:
            return submitted_at >= self.deadline()
        return now >= self.deadline()


class Report(models.Model):
    """The organisation's report for one due date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")
        LOCKED = "locked", _("Locked")

    # The one map of allowed status changes; the report services check against it.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.CHANGES_REQUESTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.ACCEPTED: {Status.LOCKED},
        Status.LOCKED: set(),
    }
    EDITABLE = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})

    due = models.OneToOneField(ReportDue, verbose_name=_("due"), on_delete=models.PROTECT, related_name="report")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_content = models.JSONField(_("submitted content"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 of the submitted content"), max_length=64, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["due__due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False, first_submitted_at__isnull=False),
                name="submitted_report_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="changes_requested") | ~Q(review_note=""), name="changes_requested_has_note"
            ),
            models.CheckConstraint(
                condition=~Q(status="locked") | Q(locked_at__isnull=False), name="locked_report_has_time"
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="report_revision_positive"),
        ]

    def __str__(self) -> str:
        return str(self.due)

    def get_absolute_url(self) -> str:
        return reverse("governance:report", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class ReportActivityStatus(models.Model):
    """How one planned activity stands at the report, with a short account."""

    class Status(models.TextChoices):
        DONE = "done", _("Done")
        UNDER_WAY = "under_way", _("Under way")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="activity_statuses"
    )
    activity = models.ForeignKey(
        PlanActivity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="report_statuses"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    account = models.TextField(_("account"), blank=True)

    class Meta:
        verbose_name = _("activity status")
        verbose_name_plural = _("activity statuses")
        ordering = ["report", "activity__order", "activity_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "activity"], name="one_status_per_activity_and_report"),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.get_status_display()}"


class ReportIndicatorActual(models.Model):
    """The actual figure for one summed indicator in one report (register indicators are counted, never typed)."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="actuals")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    value = models.PositiveBigIntegerField(_("actual"))

    class Meta:
        verbose_name = _("actual figure")
        verbose_name_plural = _("actual figures")
        ordering = ["report", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_actual_per_indicator_and_report"),
            models.CheckConstraint(condition=Q(value__gte=0), name="actual_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class Participant(models.Model):
    """A company or institution that took part in the report's period, by CVR, once per report."""

    class SizeClass(models.TextChoices):
        MICRO = "micro", _("Micro (fewer than 10 employees)")
        SMALL = "small", _("Small (fewer than 50 employees)")
        MEDIUM = "medium", _("Medium-sized (fewer than 250 employees)")
        LARGE = "large", _("Large (250 employees or more)")
        NOT_APPLICABLE = "n_a", _("Not applicable")

    SME = frozenset({SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM})

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="participants")
    cvr = models.CharField(_("CVR number"), max_length=8, validators=[validate_cvr])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=25, choices=ActorKind.choices)
    size_class = models.CharField(_("size"), max_length=10, choices=SizeClass.choices)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    activities = models.ManyToManyField(
        PlanActivity, verbose_name=_("activities"), related_name="participants", blank=True
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participant register")
        ordering = ["report", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "cvr"], name="participant_once_per_report"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.cvr})"

    @property
    def is_sme(self) -> bool:
        return self.kind == ActorKind.COMPANY and self.size_class in self.SME


class ReportAccountLine(models.Model):
    """One line of a report's accounts for one funder: the budget and what was spent, in whole kroner."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="account_lines")
    funder = models.CharField(_("funder"), max_length=10, choices=Funder.choices)
    line = models.CharField(_("budget line"), max_length=200)
    budget = models.PositiveBigIntegerField(_("budget (kr.)"), default=0)
    actual = models.PositiveBigIntegerField(_("actual (kr.)"), default=0)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("account line")
        verbose_name_plural = _("accounts")
        ordering = ["report", "funder", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "funder", "line"], name="one_account_line_per_funder"),
            models.CheckConstraint(condition=Q(budget__gte=0) & Q(actual__gte=0), name="account_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_funder_display()}: {self.line}"


def report_attachment_path(instance: "ReportAttachment", filename: str) -> str:
    """Store uploads under MEDIA_ROOT (outside static/) with a random name; the original name is kept in the row."""
    return f"governance/reports/{instance.report_id}/{uuid.uuid4().hex}.pdf"


class ReportAttachment(models.Model):
    """An uploaded PDF (e.g. the auditor's statement). Checked by content with `applications.uploads`,
    size-limited, and served only through a permission-checked view."""

    class Kind(models.TextChoices):
        AUDITOR_STATEMENT = "auditor_statement", _("Auditor's statement")
        ACCOUNTS = "accounts", _("Accounts")
        OTHER = "other", _("Other attachment")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=report_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["report", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("governance:report_attachment", args=[self.report_id, self.pk])
