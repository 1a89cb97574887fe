"""The apportionment helpers: exact sums per year, bounds, units, monotonic in the weights, clear reasons."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from allocation.apportion import ApportionError, Bounds, apportion, apportion_years, check, equal_split

UNITS = [1, 1_000, 100_000]


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def feasible(total: int, weights: dict, unit: int, bounds: dict) -> bool:
    """An independent statement of when a split exists (amounts are multiples of the unit within bounds)."""
    if total < 0 or total % unit:
        return False
    if weights and all(w == 0 for w in weights.values()):
        return False
    if not weights:
        return total == 0
    low_sum, high_sum = 0, 0
    for key in weights:
        b = bounds.get(key, Bounds())
        low = _ceil_div(b.minimum or 0, unit)
        high = None if b.maximum is None else b.maximum // unit
        if high is not None and low > high:
            return False
        low_sum += low
        high_sum = None if high is None or high_sum is None else high_sum + high
    n = total // unit
    return low_sum <= n and (high_sum is None or n <= high_sum)


weights_st = st.lists(
    st.one_of(st.integers(min_value=0, max_value=10**8), st.decimals(min_value=0, max_value=100, places=2)),
    min_size=1,
    max_size=12,
)
amount_st = st.integers(min_value=0, max_value=2 * 10**8)
optional_amount = st.one_of(st.none(), st.integers(min_value=0, max_value=5 * 10**7))


@st.composite
def problems_st(draw):
    weights = draw(weights_st)
    unit = draw(st.sampled_from(UNITS))
    # frames are usually a multiple of the unit; sometimes not (the helper must then say why)
    total = draw(st.one_of(amount_st.map(lambda t: t - t % unit), amount_st))
    bounds = {
        i: Bounds(draw(optional_amount), draw(optional_amount)) for i in range(len(weights)) if draw(st.booleans())
    }
    return total, dict(enumerate(weights)), unit, bounds


@settings(max_examples=400, deadline=None)
@given(problems_st())
@example((80_000_000, {0: 3, 1: 2, 2: 1}, 1_000, {}))
@example((80_000_000, {0: 0, 1: 5}, 1_000, {1: Bounds(maximum=10_000_000)}))  # the zero weight takes the rest
@example((10_000, {0: 1, 1: 1}, 1_000, {0: Bounds(minimum=6_000), 1: Bounds(minimum=6_000)}))
@example((10_500, {0: 1}, 1_000, {}))
def test_split_sums_to_the_frame_within_bounds_or_says_why(problem):
    total, weights, unit, bounds = problem
    try:
        result = apportion(total, weights, unit=unit, bounds=bounds)
    except ApportionError as error:
        assert not feasible(total, weights, unit, bounds), error.messages
        assert error.problems and all(str(p) for p in error.problems)
        return
    assert feasible(total, weights, unit, bounds)
    assert sum(result.values()) == total
    for key, amount in result.items():
        assert isinstance(amount, int)
        assert amount >= 0
        assert amount % unit == 0
        b = bounds.get(key, Bounds())
        assert b.minimum is None or amount >= b.minimum
        assert b.maximum is None or amount <= b.maximum


@settings(max_examples=300, deadline=None)
@given(
    weights=weights_st,
    unit=st.sampled_from(UNITS),
    units=st.integers(min_value=0, max_value=2_000),
    minimum=optional_amount,
    maximum=optional_amount,
)
def test_larger_weight_never_gets_less(weights, unit, units, minimum, maximum):
    total = units * unit
    bounds = dict.fromkeys(range(len(weights)), Bounds(minimum, maximum))  # the same bounds for everyone
    try:
        result = apportion(total, dict(enumerate(weights)), unit=unit, bounds=bounds)
    except ApportionError:
        assume(False)
    for a in range(len(weights)):
        for b in range(len(weights)):
            if weights[a] > weights[b]:
                assert result[a] >= result[b], (weights[a], weights[b], result)


@settings(max_examples=200, deadline=None)
@given(weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=10), total=amount_st)
def test_without_bounds_every_amount_is_within_one_unit_of_its_exact_share(weights, total):
    assume(any(weights))
    result = apportion(total, dict(enumerate(weights)))
    whole = sum(weights)
    for i, weight in enumerate(weights):
        exact = Fraction(total * weight, whole)
        assert abs(result[i] - exact) < 1


def test_equal_split_of_80_million_in_thousands():
    result = equal_split(80_000_000, ["a", "b", "c"], unit=1_000)
    assert sorted(result.values()) == [26_666_000, 26_667_000, 26_667_000]
    assert sum(result.values()) == 80_000_000


def test_proportional_split_follows_decimal_scores():
    result = apportion(1_000_000, {"a": Decimal("3.50"), "b": Decimal("1.75")}, unit=1)
    assert result == {"a": 666_667, "b": 333_333}


def test_a_maximum_hands_the_excess_to_the_others_in_proportion():
    result = apportion(90_000_000, {"a": 1, "b": 1, "c": 2}, unit=1_000, bounds={"c": Bounds(maximum=30_000_000)})
    assert result == {"a": 30_000_000, "b": 30_000_000, "c": 30_000_000}


def test_a_minimum_is_honoured_before_the_proportional_rest():
    result = apportion(10_000_000, {"a": 9, "b": 1}, unit=1_000, bounds={"b": Bounds(minimum=2_000_000)})
    assert result == {"a": 8_000_000, "b": 2_000_000}


def test_weight_zero_stays_at_its_minimum():
    result = apportion(10_000, {"a": 1, "b": 0}, bounds={"b": Bounds(minimum=1_000)})
    assert result == {"a": 9_000, "b": 1_000}


@pytest.mark.parametrize(
    ("kwargs", "code", "english"),
    [
        (
            {"total": 80_000_500, "weights": {"a": 1}, "unit": 1_000},
            "unit_does_not_divide",
            "The frame of DKK 80,000,500 cannot be split in whole units of DKK 1,000.",
        ),
        (
            {"total": 10_000, "weights": {"a": 1, "b": 1}, "bounds": {"a": Bounds(6_000), "b": Bounds(5_000)}},
            "minimums_above_frame",
            "The minimums add up to DKK 11,000, more than the frame of DKK 10,000.",
        ),
        (
            {
                "total": 10_000,
                "weights": {"a": 1, "b": 1},
                "bounds": {"a": Bounds(None, 4_000), "b": Bounds(None, 5_000)},
            },
            "maximums_below_frame",
            "The maximums add up to DKK 9,000, less than the frame of DKK 10,000.",
        ),
        (
            {"total": 10_000, "weights": {"a": 1}, "bounds": {"a": Bounds(7_000, 6_000)}},
            "min_above_max",
            "The minimum for a (DKK 7,000) is above its maximum (DKK 6,000).",
        ),
        (
            {"total": 10_000, "weights": {"a": 1, "b": 1}, "unit": 1_000, "bounds": {"a": Bounds(1_200, 1_800)}},
            "no_unit_within_bounds",
            "No multiple of DKK 1,000 lies between the minimum and maximum for a.",
        ),
        (
            {"total": 10_000, "weights": {"a": 0, "b": 0}},
            "no_weight",
            "Every weight is zero, so there is nothing to split in proportion to.",
        ),
        ({"total": -5, "weights": {"a": 1}}, "negative_frame", "The frame cannot be negative."),
        ({"total": 5, "weights": {"a": -1, "b": 2}}, "negative_weight", "The weight of a cannot be negative."),
        (
            {"total": 5, "weights": {"a": 1}, "unit": 0},
            "bad_unit",
            "The rounding unit must be a positive number of whole kroner.",
        ),
    ],
)
def test_impossible_splits_say_why_in_english_and_danish(kwargs, code, english):
    total = kwargs.pop("total")
    weights = kwargs.pop("weights")
    with pytest.raises(ApportionError) as caught:
        apportion(total, weights, **kwargs)
    assert code in caught.value.codes
    with translation.override("en"):
        assert english in caught.value.messages
    with translation.override("da"):
        assert all(caught.value.messages)  # renders (falls back to the msgid until the catalogue has it)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        apportion(100, {"a": 0.5})
    with pytest.raises(TypeError):
        check(100.0, ["a"])


def test_years_report_every_year_with_its_number():
    with pytest.raises(ApportionError) as caught:
        apportion_years(
            {2021: 80_000_000, 2022: 80_000_500, 2023: 1_000},
            {2021: {"a": 1}, 2022: {"a": 1}, 2023: {"a": 1}},
            unit=1_000,
            bounds={"a": Bounds(minimum=2_000)},
        )
    with translation.override("en"):
        messages = caught.value.messages
    assert any(m.startswith("2022: The frame of DKK 80,000,500") for m in messages)
    assert any(m.startswith("2023: The minimums add up to DKK 2,000") for m in messages)
    assert not any(m.startswith("2021") for m in messages)


def test_years_split_each_year_with_its_own_weights():
    result = apportion_years(
        {2021: 100_000, 2022: 100_000}, {2021: {"a": 1, "b": 1}, 2022: {"a": 3, "b": 1}}, unit=1_000
    )
    assert result == {2021: {"a": 50_000, "b": 50_000}, 2022: {"a": 75_000, "b": 25_000}}
