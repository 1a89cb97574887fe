"""Weighted totals, computed from the criteria's current weights and scales (never stored).

For criteria i with weight wᵢ, scale [minᵢ, maxᵢ] and score sᵢ:

* the weighted mean, on the criteria's scale:   Σ wᵢ·sᵢ / Σ wᵢ
* points out of 100:                             Σ wᵢ·pᵢ / Σ wᵢ,   pᵢ = (sᵢ − minᵢ) / (maxᵢ − minᵢ) × 100

Points normalise each score to 0–100 on its own criterion's scale before weighting, so they stay
meaningful when criteria use different scales, and the lowest possible score gives 0 points (not 20,
as "mean / max × 100" would on a 1–5 scale). Example with the memo's weights 30/30/20/20 on 1–5 and
scores 4, 3, 5, 2: mean = (30·4 + 30·3 + 20·5 + 20·2) / 100 = 3.50; points = (30·75 + 30·50 + 20·100 +
20·25) / 100 = 62.50.

Arithmetic is exact (Decimal); values are rounded half up to two decimals only for display.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.utils.translation import gettext as _

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


class CriterionLike(Protocol):
    pk: int
    weight: int
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class Totals:
    """A weighted mean on the scale and the same as points out of 100 (exact; round with `rounded`)."""

    mean: Decimal
    points: Decimal

    @property
    def mean_2(self) -> Decimal:
        return rounded(self.mean)

    @property
    def points_2(self) -> Decimal:
        return rounded(self.points)


def rounded(value: Decimal | None) -> Decimal | None:
    """Return `value` rounded half up to two decimals (None stays None)."""
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def weighted_totals(criteria: Sequence[CriterionLike], scores: Mapping[int, int | None]) -> Totals | None:
    """Return the weighted mean and points for `scores` (criterion pk -> score), or None unless every
    criterion has a score (a partial total would rank an application on half its criteria)."""
    if not criteria:
        return None
    weight_sum = 0
    weighted = 0  # Σ wᵢ·sᵢ, an integer
    above_min = 0  # Σ wᵢ·(sᵢ − minᵢ), for criteria sharing one scale
    ranges = set()
    for criterion in criteria:
        score = scores.get(criterion.pk)
        if score is None:
            return None
        weight_sum += criterion.weight
        weighted += criterion.weight * score
        above_min += criterion.weight * (score - criterion.scale_min)
        ranges.add(criterion.scale_max - criterion.scale_min)
    mean = Decimal(weighted) / Decimal(weight_sum)
    if len(ranges) == 1:  # the usual case: one division, so the only rounding is Decimal's 28 digits
        points = Decimal(above_min * 100) / Decimal(ranges.pop() * weight_sum)
    else:
        points = sum(
            (
                Decimal(c.weight * (scores[c.pk] - c.scale_min) * 100) / Decimal(c.scale_max - c.scale_min)
                for c in criteria
            ),
            Decimal(0),
        ) / Decimal(weight_sum)
    return Totals(mean=mean, points=points)


def _label(criterion) -> str:
    tr = getattr(criterion, "tr", None)
    return tr("short_name") if tr else str(criterion.short_name)


def formula_text(criteria: Iterable) -> str:
    """Return the weighted mean's formula in words, e.g. "(30 × Organisering + 30 × Aktiviteter) / 60"."""
    criteria = list(criteria)
    terms = " + ".join(f"{c.weight} × {_label(c)}" for c in criteria)
    return f"({terms}) / {sum(c.weight for c in criteria)}"


def points_formula_text(criteria: Iterable) -> str:
    """Return how points out of 100 are computed, in words, for the page under the weighted mean."""
    criteria = list(criteria)
    scales = {(c.scale_min, c.scale_max) for c in criteria}
    if len(scales) == 1:
        low, high = scales.pop()
        normalised = _("each score s counts as (s − %(min)s) / (%(max)s − %(min)s) × 100") % {"min": low, "max": high}
    else:
        normalised = _("each score s counts as (s − lowest) / (highest − lowest) × 100 on its criterion's scale")
    return _("Points out of 100: the same weights, where %(normalised)s.") % {"normalised": normalised}


def spread(values: Sequence[int]) -> int | None:
    """Return max − min of the reviewers' scores (None with fewer than two scores)."""
    if len(values) < 2:
        return None
    return max(values) - min(values)


WIDE_SPREAD = 2  # reviewers who differ by this much or more must talk before agreeing a consensus
