"""The gold-label watch and the reminders: each organisation's ECEI labels (bronze, silver, gold; two years
each) and its plan to become gold, the per-call thresholds of the reminders, and the record of every reminder
sent (one row per item and kind, so a second run sends nothing twice).

An organisation meets the call's gold condition while its newest label is a valid gold label, or while it has
a plan to become gold whose target date has not passed (and no lapsed label since). A lapsed label or a plan
past its target date marks it "condition not met" until a new certificate is registered (`gold_state`).
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Call, Organisation

LABEL_YEARS = 2  # ECEI labels are valid for two years


def gold_certificate_path(instance: "GoldLabel", filename: str) -> str:
    """Store certificates under MEDIA_ROOT (outside static/) with a random name; the original name is kept."""
    return f"governance/gold/{instance.organisation_id}/{uuid.uuid4().hex}.pdf"


def two_years_after(day: dt.date) -> dt.date:
    """Return the day before the same date two years on (29 February falls back to 28 February)."""
    try:
        same = day.replace(year=day.year + LABEL_YEARS)
    except ValueError:
        same = day.replace(year=day.year + LABEL_YEARS, day=28)
    return same - dt.timedelta(days=1)


class GoldLabel(models.Model):
    """One ECEI label (certificate) of an organisation; the newest by audit date is the one that counts."""

    class Level(models.TextChoices):
        BRONZE = "bronze", _("Bronze")
        SILVER = "silver", _("Silver")
        GOLD = "gold", _("Gold")

    class Origin(models.TextChoices):
        APPLICATION = "application", _("From the application")
        REGISTERED = "registered", _("Registered in the portal")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="gold_labels"
    )
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    audited_on = models.DateField(_("audit date"))
    valid_until = models.DateField(_("valid until"))
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices, default=Origin.REGISTERED)
    application = models.ForeignKey(
        Application, verbose_name=_("application"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("certificate (PDF)"), upload_to=gold_certificate_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("gold label")
        verbose_name_plural = _("gold labels")
        ordering = ["organisation", "-audited_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=F("audited_on")), name="gold_label_valid_after_audit"),
            models.CheckConstraint(condition=Q(level__in=["bronze", "silver", "gold"]), name="gold_label_level_known"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_level_display()} {self.valid_until}"

    def get_absolute_url(self) -> str:
        return reverse("governance:gold_certificate", args=[self.organisation_id, self.pk])

    def clean(self) -> None:
        if self.audited_on and self.valid_until and self.valid_until <= self.audited_on:
            raise ValidationError({"valid_until": _("The label must be valid after the audit date.")})

    def is_valid_on(self, day: dt.date) -> bool:
        """Return whether the label is valid on `day` (valid through its valid-until date)."""
        return self.audited_on <= day <= self.valid_until


class GoldPlan(models.Model):
    """An organisation's plan to become gold, with its target date; the newest one counts."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="gold_plans"
    )
    target_date = models.DateField(_("gold expected by"))
    summary = models.TextField(_("the plan in brief"), blank=True)
    application = models.ForeignKey(
        Application, verbose_name=_("application"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan to become gold")
        verbose_name_plural = _("plans to become gold")
        ordering = ["organisation", "-registered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.target_date}"


class WatchSettings(models.Model):
    """The call's reminder thresholds and meeting cadence (one row per call; unsaved defaults otherwise)."""

    call = models.OneToOneField(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="watch_settings")
    due_soon_days = models.JSONField(
        _("remind this many days before a due date"),
        default=list,
        blank=True,
        help_text=_("Whole days, e.g. 30, 7."),
    )
    gold_expiry_months = models.JSONField(
        _("remind this many months before a gold label expires"),
        default=list,
        blank=True,
        help_text=_("Whole months, e.g. 6, 3, 1."),
    )
    escalation_days = models.PositiveSmallIntegerField(
        _("tell the secretariat when an item is this many days overdue"), default=14
    )
    meetings_per_year = models.PositiveSmallIntegerField(_("status meetings per year"), default=2)

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(condition=Q(escalation_days__gte=1), name="escalation_after_a_day_at_least"),
            models.CheckConstraint(
                condition=Q(meetings_per_year__gte=1) & Q(meetings_per_year__lte=12), name="meetings_per_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.call)

    def clean(self) -> None:
        for field, top in (("due_soon_days", 366), ("gold_expiry_months", 24)):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(
                isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= top for n in value
            ):
                raise ValidationError({field: _("Give whole numbers between 1 and %(top)s.") % {"top": top}})

    @classmethod
    def for_call(cls, call: Call) -> "WatchSettings":
        """Return the call's settings, or unsaved defaults (30 and 7 days; 6, 3 and 1 months; 14 days)."""
        found = cls.objects.filter(call=call).first()
        return found or cls(call=call, due_soon_days=[30, 7], gold_expiry_months=[6, 3, 1])


class ReminderSent(models.Model):
    """One reminder sent about one item (a plan, a report date, a gold label, an action item) of one kind.

    The unique constraint on (item, kind) is what makes each reminder go out exactly once: the sender claims
    the row before it sends, so a second run, or a run after a crash, finds it taken.
    """

    class Recipient(models.TextChoices):
        ORGANISATION = "organisation", _("The organisation")
        SECRETARIAT = "secretariat", _("The secretariat")

    item = models.CharField(_("item"), max_length=60, help_text=_("e.g. report:12, plan:3:2022, gold:7"))
    kind = models.CharField(_("kind"), max_length=30)
    recipient = models.CharField(_("recipient"), max_length=12, choices=Recipient.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="reminders"
    )
    due_on = models.DateField(_("due"))
    sent_on = models.DateField(_("sent on"))
    sent_to = models.JSONField(_("sent to"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_on", "item", "kind"]
        constraints = [models.UniqueConstraint(fields=["item", "kind"], name="one_reminder_per_item_and_kind")]

    def __str__(self) -> str:
        return f"{self.item} {self.kind} {self.sent_on}"


class ReminderLanguage(models.Model):
    """The language a person wants their reminders in (Danish unless they chose English)."""

    class Language(models.TextChoices):
        DANISH = "da", _("Danish")
        ENGLISH = "en", _("English")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="reminder_language"
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.DANISH)

    class Meta:
        verbose_name = _("reminder language")
        verbose_name_plural = _("reminder languages")

    def __str__(self) -> str:
        return f"{self.user} {self.language}"
