"""The call's indicator catalogue (effektmåling) and the targets per grant.

An indicator is either summed (the organisation reports a figure per report, e.g. private co-financing)
or counted from the participant register (e.g. participating companies, counted once per CVR).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Call, Translated

from .grants import Grant


class Indicator(Translated, models.Model):
    """One of the call's effect indicators."""

    class Unit(models.TextChoices):
        COUNT = "count", _("number")
        KRONER = "kroner", _("kr.")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Summed from the reported figures")
        REGISTER = "register", _("Counted from the participant register")

    class Counts(models.TextChoices):
        """What a register indicator counts (distinct CVR numbers)."""

        COMPANIES = "companies", _("Participating companies")
        SMES = "smes", _("Participating SMEs")
        KNOWLEDGE_INSTITUTIONS = "knowledge_institutions", _("Participating knowledge institutions")
        ALL = "all", _("All participants")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    definition = models.TextField(_("definition"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    aggregation = models.CharField(_("how it is computed"), max_length=10, choices=Aggregation.choices)
    counts = models.CharField(_("counts"), max_length=25, choices=Counts.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["call", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="indicator_code_unique_in_call"),
            # a register indicator says what it counts; a summed one does not
            models.CheckConstraint(
                condition=(Q(aggregation="register") & ~Q(counts="")) | (Q(aggregation="sum") & Q(counts="")),
                name="indicator_counts_matches_aggregation",
            ),
            models.CheckConstraint(
                condition=~Q(aggregation="register") | Q(unit="count"), name="register_indicator_is_a_count"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_counted(self) -> bool:
        return self.aggregation == self.Aggregation.REGISTER


class IndicatorTarget(models.Model):
    """A grant's target for one indicator, for one year or (year empty) for the whole grant period."""

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    value = models.PositiveBigIntegerField(_("target"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["grant", "indicator__order", "year"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "indicator", "year"], name="one_target_per_indicator_and_year"),
            models.UniqueConstraint(
                fields=["grant", "indicator"], condition=Q(year__isnull=True), name="one_period_target_per_indicator"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"
