"""Splitting a year's frame among organisations, to the krone. Pure functions: no database, no Django models.

Every amount is whole kroner (int). The split is done in exact fractions and rounded only once, by the
largest-remainder method, so a year always sums exactly to its frame:

1. **Bounds in units.** With a unit u (1, 1.000 or 100.000 kr.) every amount is a multiple of u. The frame
   F must be one (F = N·u); an organisation's minimum is rounded up and its maximum down to a multiple of u.
2. **Clamped proportional shares.** Each organisation i with weight wᵢ gets the exact share
   qᵢ = clamp(λ·wᵢ, minᵢ, maxᵢ) units, where the one λ ≥ 0 is chosen so that Σ qᵢ = N. The sum is a
   continuous, non-decreasing, piecewise linear function of λ, so λ is found exactly between two of its
   breakpoints (the λ where someone reaches a bound). This is the "clamp and redistribute" iteration done in
   one step: whoever hits a minimum or maximum is held there and the rest is shared in proportion.
   Organisations with weight 0 stay at their minimum unless the others are all at their maximum.
3. **Largest remainder.** Everybody gets ⌊qᵢ⌋ units; the units left over go one each to the largest
   fractional parts (ties: larger weight first, then the order given). An exact share that is a whole
   number never gets an extra unit, so nobody leaves their bounds.

Because clamp(λ·w) grows with w, and rounding keeps the order of the exact shares, a larger weight never
gets less than a smaller one under the same bounds.

When the split is impossible the helpers raise ApportionError, whose `problems` say why (in the active
language when rendered; English msgids, Danish catalogue).
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from clusterfund.money import format_kroner

Number = int | Decimal | Fraction

UNITS = (1, 1_000, 100_000)  # the units the pages offer; the functions accept any positive unit


@dataclass(frozen=True)
class Bounds:
    """An optional minimum and maximum in whole kroner (None: no bound)."""

    minimum: int | None = None
    maximum: int | None = None


NO_BOUNDS = Bounds()


@dataclass(frozen=True)
class Problem:
    """One reason a split cannot be made: a stable code, an English msgid (lazy) and its parameters."""

    code: str
    message: object
    params: dict = field(default_factory=dict)
    year: int | None = None

    def __str__(self) -> str:
        text = str(self.message) % {k: _display(v) for k, v in self.params.items()}
        if self.year is not None:
            return f"{self.year}: {text}"
        return text


def _display(value):
    # amounts in messages read as money: 80.000.000 kr. / DKK 80,000,000
    return format_kroner(value) if isinstance(value, int) and not isinstance(value, bool) else value


class ApportionError(ValueError):
    """The split cannot be made; `problems` lists every reason found (each renders as one sentence)."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.code for p in self.problems))

    @property
    def messages(self) -> list[str]:
        """Return the reasons as sentences in the active language."""
        return [str(p) for p in self.problems]

    @property
    def codes(self) -> set[str]:
        return {p.code for p in self.problems}


def _as_fraction(value: Number) -> Fraction:
    if isinstance(value, float):
        raise TypeError("Weights are never floats; use int, Decimal or Fraction.")
    return Fraction(value)


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def _label(key, labels: Mapping | None) -> str:
    return str(labels.get(key, key)) if labels else str(key)


def check(
    total: int,
    keys: Sequence[Hashable],
    *,
    unit: int = 1,
    bounds: Mapping[Hashable, Bounds] | None = None,
    labels: Mapping[Hashable, str] | None = None,
) -> list[Problem]:
    """Return the reasons (possibly none) why `total` cannot be split among `keys` in multiples of `unit`
    within `bounds`, whatever the weights."""
    bounds = bounds or {}
    problems = _frame_problems(total, unit)
    if any(p.code == "bad_unit" for p in problems):
        return problems
    if not keys:
        if total > 0:
            problems.append(Problem("nobody", _("There is nobody to split the frame among."), {}))
        return problems
    low_sum, high_sum, unbounded = 0, 0, False
    for key in keys:
        span = _units_within(bounds.get(key, NO_BOUNDS), unit, _label(key, labels), problems)
        if span is None:
            continue
        low, high = span
        low_sum += low * unit
        if high is None:
            unbounded = True
        else:
            high_sum += high * unit
    if any(p.code in {"min_above_max", "no_unit_within_bounds"} for p in problems):
        return problems
    if low_sum > total >= 0:
        problems.append(
            Problem(
                "minimums_above_frame",
                _("The minimums add up to %(sum)s, more than the frame of %(frame)s."),
                {"sum": low_sum, "frame": total},
            )
        )
    if not unbounded and high_sum < total:
        problems.append(
            Problem(
                "maximums_below_frame",
                _("The maximums add up to %(sum)s, less than the frame of %(frame)s."),
                {"sum": high_sum, "frame": total},
            )
        )
    return problems


def _frame_problems(total: int, unit: int) -> list[Problem]:
    """Return what is wrong with the frame and the rounding unit themselves (`bad_unit` ends the check)."""
    problems: list[Problem] = []
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError("The frame is whole kroner (int).")
    if total < 0:
        problems.append(Problem("negative_frame", _("The frame cannot be negative."), {}))
    if isinstance(unit, bool) or not isinstance(unit, int) or unit <= 0:
        problems.append(Problem("bad_unit", _("The rounding unit must be a positive number of whole kroner."), {}))
        return problems
    if total >= 0 and total % unit:
        problems.append(
            Problem(
                "unit_does_not_divide",
                _("The frame of %(frame)s cannot be split in whole units of %(unit)s."),
                {"frame": total, "unit": unit},
            )
        )
    return problems


def _units_within(b: Bounds, unit: int, name: str, problems: list[Problem]) -> tuple[int, int | None] | None:
    """Return the fewest and most units (None: no maximum) one key can get within its bounds; append what is
    wrong with the bounds to `problems`, and return None when no multiple of `unit` fits."""
    if b.minimum is not None and b.minimum < 0:
        problems.append(Problem("negative_minimum", _("The minimum for %(name)s cannot be negative."), {"name": name}))
    if b.maximum is not None and b.maximum < 0:
        problems.append(Problem("negative_maximum", _("The maximum for %(name)s cannot be negative."), {"name": name}))
    if b.minimum is not None and b.maximum is not None and b.minimum > b.maximum:
        problems.append(
            Problem(
                "min_above_max",
                _("The minimum for %(name)s (%(minimum)s) is above its maximum (%(maximum)s)."),
                {"name": name, "minimum": b.minimum, "maximum": b.maximum},
            )
        )
        return None
    low = _ceil_div(max(b.minimum or 0, 0), unit)
    high = None if b.maximum is None else max(b.maximum, 0) // unit
    if high is not None and low > high:
        problems.append(
            Problem(
                "no_unit_within_bounds",
                _("No multiple of %(unit)s lies between the minimum and maximum for %(name)s."),
                {"name": name, "unit": unit},
            )
        )
        return None
    return low, high


def _clamped_shares(n: int, weights: list[Fraction], low: list[int], high: list[int | None]) -> list[Fraction]:
    """Return exact shares qᵢ = clamp(λ·wᵢ, lowᵢ, highᵢ) summing to n (all in units); see the module's step 2."""

    def shares_at(lam: Fraction) -> list[Fraction]:
        result = []
        for w, lo, hi in zip(weights, low, high, strict=True):
            q = max(Fraction(lo), lam * w)
            result.append(q if hi is None else min(q, Fraction(hi)))
        return result

    positive = [i for i, w in enumerate(weights) if w > 0]
    breakpoints = sorted(
        {Fraction(low[i]) / weights[i] for i in positive}
        | {Fraction(high[i]) / weights[i] for i in positive if high[i] is not None}
    )
    previous_lam, previous_sum = Fraction(0), sum(shares_at(Fraction(0)))
    if previous_sum >= n:
        return shares_at(Fraction(0))  # == n: the checks ensure Σ low ≤ n
    for lam in breakpoints:
        total = sum(shares_at(lam))
        if total >= n:
            # linear between the two breakpoints: solve Σ = n exactly
            found = previous_lam + (n - previous_sum) * (lam - previous_lam) / (total - previous_sum)
            return shares_at(found)
        previous_lam, previous_sum = lam, total
    # past the last breakpoint the sum still grows if someone with weight > 0 has no maximum
    growing = sum((weights[i] for i in positive if high[i] is None), Fraction(0))
    if growing > 0:
        return shares_at(previous_lam + (n - previous_sum) / growing)
    # everyone with a weight is at their maximum: the rest goes equally to those with weight 0
    shares = shares_at(previous_lam)
    zero = [i for i, w in enumerate(weights) if w == 0]
    rest = _clamped_shares(
        n - int(sum(shares[i] for i in positive)),
        [Fraction(1)] * len(zero),
        [low[i] for i in zero],
        [high[i] for i in zero],
    )
    for i, q in zip(zero, rest, strict=True):
        shares[i] = q
    return shares


def apportion(
    total: int,
    weights: Mapping[Hashable, Number],
    *,
    unit: int = 1,
    bounds: Mapping[Hashable, Bounds] | None = None,
    labels: Mapping[Hashable, str] | None = None,
) -> dict[Hashable, int]:
    """Return {key: whole kroner} splitting `total` in proportion to `weights`, in multiples of `unit`,
    within `bounds`, summing exactly to `total`. Raise ApportionError with the reasons when it cannot."""
    keys = list(weights)
    problems = check(total, keys, unit=unit, bounds=bounds, labels=labels)
    fractions = {}
    for key in keys:
        weight = _as_fraction(weights[key])
        if weight < 0:
            problems.append(
                Problem(
                    "negative_weight", _("The weight of %(name)s cannot be negative."), {"name": _label(key, labels)}
                )
            )
        fractions[key] = weight
    if keys and not problems and all(w == 0 for w in fractions.values()):
        # Σ weights 0: there is nothing to be proportional to (e.g. no UFM grant recorded yet)
        problems.append(
            Problem("no_weight", _("Every weight is zero, so there is nothing to split in proportion to."), {})
        )
    if problems:
        raise ApportionError(problems)
    if not keys:
        return {}
    bounds = bounds or {}
    n = total // unit
    low = [_ceil_div(bounds.get(k, NO_BOUNDS).minimum or 0, unit) for k in keys]
    high = [None if (m := bounds.get(k, NO_BOUNDS).maximum) is None else m // unit for k in keys]
    weight_list = [fractions[k] for k in keys]
    shares = _clamped_shares(n, weight_list, low, high)
    floors = [q.numerator // q.denominator for q in shares]
    left = n - sum(floors)
    order = sorted(range(len(keys)), key=lambda i: (-(shares[i] - floors[i]), -weight_list[i], i))
    for i in order[:left]:
        floors[i] += 1
    result = {key: units * unit for key, units in zip(keys, floors, strict=True)}
    assert sum(result.values()) == total  # the method's promise; a failure here is a bug, not bad input
    return result


def equal_split(
    total: int,
    keys: Sequence[Hashable],
    *,
    unit: int = 1,
    bounds: Mapping[Hashable, Bounds] | None = None,
    labels: Mapping[Hashable, str] | None = None,
) -> dict[Hashable, int]:
    """Return {key: whole kroner}: `total` split equally among `keys` (within bounds, in multiples of `unit`)."""
    return apportion(total, dict.fromkeys(keys, 1), unit=unit, bounds=bounds, labels=labels)


def apportion_years(
    frames: Mapping[int, int],
    weights: Mapping[int, Mapping[Hashable, Number]],
    *,
    unit: int = 1,
    bounds: Mapping[Hashable, Bounds] | None = None,
    labels: Mapping[Hashable, str] | None = None,
) -> dict[int, dict[Hashable, int]]:
    """Return {year: {key: whole kroner}}, each year split with `apportion` (bounds apply to every year).

    Raise ApportionError listing every year's problems (each prefixed with its year), so one attempt shows
    everything that must change.
    """
    result, problems = {}, []
    for year in sorted(frames):
        try:
            result[year] = apportion(frames[year], weights.get(year, {}), unit=unit, bounds=bounds, labels=labels)
        except ApportionError as error:
            problems += [Problem(p.code, p.message, p.params, year=year) for p in error.problems]
    if problems:
        raise ApportionError(problems)
    return result
