"""Weighted totals against hand-computed cases, and a property: the total always lies within the scale."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from review.scoring import formula_text, points_formula_text, rounded, spread, weighted_totals


@dataclass
class C:
    pk: int
    weight: int
    scale_min: int = 1
    scale_max: int = 5
    short_name: str = ""


def memo_criteria(weights=(30, 30, 20, 20), low=1, high=5):
    names = ["Organisering", "Aktiviteter", "Placering", "Partnerkreds"]
    return [C(i, w, low, high, names[i]) for i, w in enumerate(weights)]


@pytest.mark.parametrize(
    ("weights", "low", "high", "scores", "mean", "points"),
    [
        # (30·4 + 30·3 + 20·5 + 20·2) / 100 = 350/100; points (30·75 + 30·50 + 20·100 + 20·25) / 100
        ((30, 30, 20, 20), 1, 5, (4, 3, 5, 2), "3.50", "62.50"),
        # changed weights: (35·4 + 25·3 + 20·5 + 20·2) / 100 = 355/100; (35·75 + 25·50 + 20·100 + 20·25) / 100
        ((35, 25, 20, 20), 1, 5, (4, 3, 5, 2), "3.55", "63.75"),
        # a 0–10 scale: (30·7 + 30·8 + 20·10 + 20·3) / 100 = 710/100; points (30·70 + 30·80 + 20·100 + 20·30) / 100
        ((30, 30, 20, 20), 0, 10, (7, 8, 10, 3), "7.10", "71.00"),
        # the lowest and highest possible scores give 0 and 100 points
        ((30, 30, 20, 20), 1, 5, (1, 1, 1, 1), "1.00", "0.00"),
        ((30, 30, 20, 20), 0, 10, (10, 10, 10, 10), "10.00", "100.00"),
    ],
)
def test_weighted_totals_match_hand_computed_cases(weights, low, high, scores, mean, points):
    criteria = memo_criteria(weights, low, high)
    totals = weighted_totals(criteria, {c.pk: s for c, s in zip(criteria, scores, strict=True)})
    assert totals.mean_2 == Decimal(mean)
    assert totals.points_2 == Decimal(points)


def test_weights_that_do_not_sum_to_100_divide_by_their_sum():
    criteria = [C(1, 3), C(2, 1)]
    totals = weighted_totals(criteria, {1: 5, 2: 2})
    assert totals.mean == Decimal("4.25")  # (3·5 + 1·2) / 4
    assert totals.points == Decimal("81.25")  # (3·100 + 1·25) / 4


def test_totals_are_exact_and_round_half_up_only_for_display():
    criteria = [C(i, 1) for i in range(8)]
    scores = dict.fromkeys(range(8), 3) | {0: 1, 1: 2}  # (1 + 2 + 6·3) / 8 = 21 / 8 = 2.625 exactly
    totals = weighted_totals(criteria, scores)
    assert totals.mean == Decimal("2.625")
    assert totals.mean_2 == Decimal("2.63")  # half up, not to even
    assert rounded(Decimal(4) / 3) == Decimal("1.33")


def test_a_missing_score_gives_no_total():
    criteria = memo_criteria()
    assert weighted_totals(criteria, {0: 4, 1: 3, 2: 5}) is None
    assert weighted_totals([], {}) is None


def test_formula_text_names_the_current_weights():
    assert (
        formula_text(memo_criteria())
        == "(30 × Organisering + 30 × Aktiviteter + 20 × Placering + 20 × Partnerkreds) / 100"
    )
    assert formula_text(memo_criteria((35, 25, 20, 20))).startswith("(35 × Organisering + 25 × Aktiviteter")
    assert "(s − 0) / (10 − 0) × 100" in points_formula_text(memo_criteria(low=0, high=10))


def test_spread_needs_two_scores():
    assert spread([3]) is None
    assert spread([2, 4, 3]) == 2


@st.composite
def scored_criteria(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    criteria, scores = [], {}
    for pk in range(n):
        low = draw(st.integers(min_value=0, max_value=5))
        high = draw(st.integers(min_value=low + 1, max_value=low + 10))
        criteria.append(C(pk, draw(st.integers(min_value=1, max_value=100)), low, high))
        scores[pk] = draw(st.integers(min_value=low, max_value=high))
    return criteria, scores


@given(scored_criteria())
def test_the_total_always_lies_within_the_scale(case):
    criteria, scores = case
    totals = weighted_totals(criteria, scores)
    assert min(c.scale_min for c in criteria) <= totals.mean <= max(c.scale_max for c in criteria)
    assert 0 <= totals.points <= 100
    assert 0 <= totals.points_2 <= 100
