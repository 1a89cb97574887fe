"""The call (opslag) and its configuration.

The timeline, the business areas, the requirements, the criteria, the activity types and the budget frames.
"""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Translated:
    """Mixin for configured content kept in Danish with an optional English text (`<field>_en`)."""

    def tr(self, field: str) -> str:
        """Return `field` in the active language, falling back to Danish."""
        if (get_language() or "da").startswith("en"):
            english = getattr(self, f"{field}_en", "")
            if english:
                return english
        return getattr(self, field)


class Funder(models.TextChoices):
    BOARD = "board", _("Danish Board of Business Development")
    UFM = "ufm", _("Ministry of Higher Education and Science")


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, moment):
        return self.published().filter(opens_at__lte=moment, deadline__gt=moment)


class Call(Translated, models.Model):
    """A joint call for cluster organisations (opslag), configured by staff in the admin."""

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    period_start = models.PositiveSmallIntegerField(_("first year of the period"))
    period_end = models.PositiveSmallIntegerField(_("last year of the period"))
    opens_at = models.DateTimeField(_("opens"))
    deadline = models.DateTimeField(_("deadline"))
    is_published = models.BooleanField(_("published"), default=False)
    activity_min_actors = models.PositiveSmallIntegerField(
        _("minimum actors per activity"),
        default=2,
        help_text=_("An activity must involve at least this many actors in the cluster's ecosystem."),
    )
    activity_requires_company = models.BooleanField(_("an activity must involve a company"), default=True)
    max_attachments = models.PositiveSmallIntegerField(_("maximum number of attachments"), default=10)
    hide_scores_until_submitted = models.BooleanField(
        _("hide other reviewers' scores until one's own review is submitted"), default=True
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="call_period_ordered"),
            models.CheckConstraint(condition=Q(deadline__gt=F("opens_at")), name="call_deadline_after_opening"),
            models.CheckConstraint(condition=Q(activity_min_actors__gte=1), name="call_min_actors_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("applications:call_detail", args=[self.slug])

    @property
    def years(self) -> list[int]:
        """Return the calendar years of the call's period."""
        return list(range(self.period_start, self.period_end + 1))

    def is_open(self, moment=None) -> bool:
        """Return True if applications may be submitted at `moment` (default: now)."""
        moment = moment or timezone.now()
        return self.is_published and self.opens_at <= moment < self.deadline

    def phase(self, moment=None) -> str:
        """Return 'upcoming', 'open' or 'closed' for `moment` (default: now)."""
        moment = moment or timezone.now()
        if moment < self.opens_at:
            return "upcoming"
        return "open" if moment < self.deadline else "closed"


class CallPart(Translated, models.Model):
    """Common shape of the ordered parts of a call."""

    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class Milestone(CallPart):
    """A point on the call's timeline (announcement, deadline, designation, ...)."""

    class Precision(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")
        EARLY_MONTH = "early_month", _("early in the month")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    precision = models.CharField(_("precision"), max_length=12, choices=Precision.choices, default=Precision.DAY)

    class Meta(CallPart.Meta):
        verbose_name = _("milestone")
        verbose_name_plural = _("timeline")
        ordering = ["date", "order"]

    def __str__(self) -> str:
        return self.title


class BusinessArea(CallPart):
    """A business and technology area (erhvervs- og teknologiområde); one organisation is designated per area."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_emerging = models.BooleanField(
        _("emerging area"), default=False, help_text=_("An area open to emerging strongholds.")
    )

    class Meta(CallPart.Meta):
        verbose_name = _("business area")
        verbose_name_plural = _("business areas")
        constraints = [models.UniqueConstraint(fields=["call", "name"], name="area_name_unique_in_call")]

    def __str__(self) -> str:
        return self.name


class Requirement(CallPart):
    """One of the call's requirements (krav) that every applicant must meet."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="requirements")
    code = models.SlugField(_("code"), max_length=40)
    text = models.TextField(_("requirement"))
    text_en = models.TextField(_("requirement (English)"), blank=True)
    note = models.TextField(_("note"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)

    class Meta(CallPart.Meta):
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="requirement_code_unique_in_call")]

    def __str__(self) -> str:
        return self.text

    @property
    def kind(self):
        """Return the registry's kind for this requirement's code (applications/requirements.py), or None."""
        from ..requirements import requirement_kind  # the registry's behaviours import the models

        return requirement_kind(self.code)


class Criterion(CallPart):
    """A weighted assessment criterion (kriterium)."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, help_text=_("Used in tables and formulas."))
    short_name_en = models.CharField(_("short name (English)"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=25)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    max_chars = models.PositiveIntegerField(_("maximum characters in the applicant's text"), default=8000)
    asks_for_locations = models.BooleanField(
        _("asks for geographic presence"),
        default=False,
        help_text=_("The applicant lists headquarters, branches and co-locations under this criterion."),
    )

    class Meta(CallPart.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="criterion_code_unique_in_call"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_valid"),
            models.CheckConstraint(condition=Q(max_chars__gt=0), name="criterion_max_chars_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityType(CallPart):
    """A kind of activity the board's funds support."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="activity_types")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta(CallPart.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="activity_type_code_unique_in_call")]

    def __str__(self) -> str:
        return self.name


class BudgetFrame(models.Model):
    """What one funder sets aside for one year of the call, in whole kroner."""

    class Source(models.TextChoices):
        FINANCE_ACT = "finance_act", _("Finance act")
        STRUCTURAL_FUNDS = "structural_funds", _("EU structural funds")
        MINISTRY = "ministry", _("The ministry's appropriation")
        UNDECIDED = "undecided", _("Not yet decided")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="frames")
    year = models.PositiveSmallIntegerField(_("year"))
    funder = models.CharField(_("funder"), max_length=10, choices=Funder.choices)
    amount = models.PositiveBigIntegerField(_("amount (kr.)"))
    source = models.CharField(_("funding source"), max_length=20, choices=Source.choices, default=Source.UNDECIDED)
    source_year = models.PositiveSmallIntegerField(
        _("finance act year"), null=True, blank=True, help_text=_("For funds from a finance act: which year's.")
    )
    is_conditional = models.BooleanField(
        _("conditional"), default=False, help_text=_("The year still depends on a finance act or programme.")
    )

    class Meta:
        verbose_name = _("budget frame")
        verbose_name_plural = _("budget frames")
        ordering = ["year", "funder"]
        constraints = [
            models.UniqueConstraint(fields=["call", "year", "funder"], name="frame_unique_per_year_and_funder"),
            models.CheckConstraint(
                condition=~Q(source="finance_act") | Q(source_year__isnull=False),
                name="frame_finance_act_has_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} {self.year} {self.get_funder_display()}"

    @property
    def source_label(self) -> str:
        """Return the funding source as people say it, e.g. 'Finanslov 2020'."""
        if self.source == self.Source.FINANCE_ACT and self.source_year:
            return f"{self.get_source_display()} {self.source_year}"
        return str(self.get_source_display())

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        call = getattr(self, "call", None)
        if call and not (call.period_start <= self.year <= call.period_end):
            raise ValidationError({"year": _("The year must lie within the call's period.")})
