from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterfund.money import format_kroner


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        (80_000_000, "da", "80.000.000 kr."),
        (320_000_000, "da", "320.000.000 kr."),
        (0, "da", "0 kr."),
        (999, "da", "999 kr."),
        (1000, "da", "1.000 kr."),
        (-1500, "da", "-1.500 kr."),
        (Decimal("1234567.50"), "da", "1.234.568 kr."),
        (80_000_000, "en", "DKK 80,000,000"),
    ],
)
def test_format_kroner(amount, language, expected):
    assert format_kroner(amount, language=language) == expected


def test_format_kroner_with_ore():
    assert format_kroner(Decimal("1234.5"), language="da", decimals=2) == "1.234,50 kr."


def test_format_kroner_refuses_float():
    with pytest.raises(TypeError):
        format_kroner(1.5)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_kroner_round_trips(amount):
    text = format_kroner(amount, language="da")
    assert int(text.removesuffix(" kr.").replace(".", "")) == amount
