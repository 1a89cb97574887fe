"""The grant (tilsagn) to a selected organisation: its versions, its amounts per year, funder and funding
source, and the organisation's acceptance; and the call's governance settings.

A grant is never edited in place. Every change of amounts, sources or conditions (e.g. when the
2023–24 source is decided) makes a new `GrantVersion`; the old versions stay readable, and the grant
points at its current one. The organisation accepts one version (`GrantAcceptance`).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Call, Funder, Organisation

MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


def validate_month_days(value) -> None:
    """Raise ValidationError unless `value` is a list of 'MM-DD' strings, e.g. ['02-28', '08-31']."""
    if not isinstance(value, list) or not all(isinstance(item, str) and MONTH_DAY.match(item) for item in value):
        raise ValidationError(_("Give the dates as a list of month-day, e.g. 02-28, 08-31."), code="month_days")


def validate_month_day(value: str) -> None:
    """Raise ValidationError unless `value` is one 'MM-DD' string."""
    if not MONTH_DAY.match(value or ""):
        raise ValidationError(_("Give the date as month-day, e.g. 03-31."), code="month_day")


class FundingSource(models.TextChoices):
    """Where a year's money comes from; the source decides the reporting rules (ERDF: twice a year)."""

    FINANCE_ACT = "finance_act", _("Finance act (national funds)")
    ERDF = "erdf", _("EU Regional Fund (ERDF)")
    MINISTRY = "ministry", _("The ministry's appropriation")
    UNDECIDED = "undecided", _("Not yet decided")


class GovernanceSettings(models.Model):
    """The call's settings for its grant period (one row per call; defaults follow ERST's practice)."""

    call = models.OneToOneField(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="governance_settings"
    )
    erdf_statement_dates = models.JSONField(
        _("ERDF statement dates"),
        default=list,
        blank=True,
        validators=[validate_month_days],
        help_text=_("Month-day of each year's ERDF statement dates, e.g. 02-28, 08-31."),
    )
    national_report_date = models.CharField(
        _("national report date"),
        max_length=5,
        default="03-31",
        validators=[validate_month_day],
        help_text=_("Month-day in the following year by which a year on national funds is reported."),
    )
    final_report_months = models.PositiveSmallIntegerField(
        _("months from the end of the grant to the final report"), default=3
    )
    plan_due_date = models.CharField(
        _("action plan due"),
        max_length=5,
        default="12-01",
        validators=[validate_month_day],
        help_text=_("Month-day in the year before by which a year's action plan is due."),
    )

    class Meta:
        verbose_name = _("governance settings")
        verbose_name_plural = _("governance settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(final_report_months__gte=1) & Q(final_report_months__lte=24),
                name="final_report_months_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.call)

    @classmethod
    def for_call(cls, call: Call) -> "GovernanceSettings":
        """Return the call's settings, or unsaved defaults (with the usual statement dates) if none are kept."""
        found = cls.objects.filter(call=call).first()
        return found or cls(call=call, erdf_statement_dates=["02-28", "08-31"])


class Grant(models.Model):
    """The grant to one selected organisation under one call; its content lives in its versions."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="grants")
    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="grant"
    )
    # repeats the application's, so permission checks and lists need no join through applications
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="grants"
    )
    case_number = models.CharField(_("case number"), max_length=50)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    current_version = models.ForeignKey(
        "GrantVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["call", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="one_grant_per_organisation_and_call"),
            models.CheckConstraint(condition=Q(last_year__gte=F("first_year")), name="grant_years_ordered"),
            models.CheckConstraint(condition=~Q(case_number=""), name="grant_has_case_number"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.call}"

    def get_absolute_url(self) -> str:
        return reverse("governance:grant", args=[self.pk])

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class GrantVersion(models.Model):
    """One frozen state of a grant: the conditions and (through `years`) the amounts; never changed once
    a newer version exists. The grant letter PDF is generated for a version (document kind 'grant-letter')."""

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    conditions = models.TextField(_("conditions"), blank=True)
    reason = models.TextField(_("reason for the new version"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # the organisation was told about this version (e-mail and portal message), once
    notified_at = models.DateTimeField(_("organisation notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("grant version")
        verbose_name_plural = _("grant versions")
        ordering = ["grant", "number"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="one_grant_version_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="grant_version_number_positive"),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="later_grant_version_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.grant} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("governance:grant_version", args=[self.grant_id, self.number])


class GrantYear(models.Model):
    """What one funder grants in one year of a version, from one funding source, in whole kroner.

    A year decided as 'ERDF plus national funds' has two rows for the board (one per source).
    """

    version = models.ForeignKey(GrantVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    funder = models.CharField(_("funder"), max_length=10, choices=Funder.choices)
    source = models.CharField(
        _("funding source"), max_length=20, choices=FundingSource.choices, default=FundingSource.UNDECIDED
    )
    source_year = models.PositiveSmallIntegerField(
        _("finance act year"), null=True, blank=True, help_text=_("For funds from a finance act: which year's.")
    )
    amount = models.PositiveBigIntegerField(_("amount (kr.)"))
    is_conditional = models.BooleanField(_("conditional"), default=False)
    conditions = models.TextField(_("conditions for the year"), blank=True)

    class Meta:
        verbose_name = _("grant year")
        verbose_name_plural = _("grant years")
        ordering = ["version", "year", "funder", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "year", "funder", "source"], name="one_grant_line_per_year_funder_source"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_year_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(source="finance_act") | Q(source_year__isnull=False),
                name="grant_finance_act_has_year",
            ),
            # a year whose source is not decided is by definition conditional
            models.CheckConstraint(
                condition=~Q(source="undecided") | Q(is_conditional=True), name="undecided_year_is_conditional"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_funder_display()}: {self.amount}"

    @property
    def source_label(self) -> str:
        """Return the funding source as people say it, e.g. 'Finanslov 2020'."""
        if self.source == FundingSource.FINANCE_ACT and self.source_year:
            return f"{self.get_source_display()} {self.source_year}"
        return str(self.get_source_display())


class GrantAcceptance(models.Model):
    """The organisation's acceptance of one version of its grant (who and when)."""

    version = models.OneToOneField(
        GrantVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="acceptance"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"))

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["accepted_at"]

    def __str__(self) -> str:
        return f"{self.version} – {self.accepted_by}"
