"""KronerField: whole kroner typed the Danish way, and shown the same way."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from clusterfund.fields import KronerField
from clusterfund.money import MAX_AMOUNT


@pytest.fixture(autouse=True)
def english_messages():
    """The messages are asserted by their English msgids; Danish comes from the catalogue."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.250.000", 1_250_000),
        ("1250000", 1_250_000),
        ("1 250 000 kr.", 1_250_000),
        ("1.250.000,00", 1_250_000),
        ("  1.250.000 kr ", 1_250_000),
        ("DKK 1.250.000", 1_250_000),
        ("0", 0),
        ("999", 999),
    ],
)
def test_danish_amounts_are_read_as_whole_kroner(typed, amount):
    assert KronerField().clean(typed) == amount


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("-5", "negative", "The amount cannot be negative."),
        ("abc", "invalid", "Write the amount in whole kroner, e.g. 1.250.000."),
        ("1,5", "fraction", "Write whole kroner without øre."),
        ("12.34.56", "invalid", "Write the amount in whole kroner, e.g. 1.250.000."),
        ("1.25", "invalid", "Write the amount in whole kroner, e.g. 1.250.000."),
        ("99999999999999", "too_large", "The amount is unrealistically large (more than 10.000.000.000 kr.)."),
    ],
)
def test_bad_amounts_are_refused_each_with_its_message(typed, code, message):
    with pytest.raises(ValidationError) as refused:
        KronerField().clean(typed)
    assert refused.value.code == code
    assert refused.value.messages == [message]


def test_the_limit_itself_is_accepted_and_one_more_refused():
    assert KronerField().clean(str(MAX_AMOUNT)) == MAX_AMOUNT
    with pytest.raises(ValidationError):
        KronerField().clean(str(MAX_AMOUNT + 1))


def test_empty_is_none_when_optional_and_an_error_when_required():
    assert KronerField(required=False).clean("") is None
    with pytest.raises(ValidationError) as refused:
        KronerField().clean("")
    assert refused.value.code == "required"


def test_prepare_value_shows_amounts_the_danish_way():
    field = KronerField()
    assert field.prepare_value(1_250_000) == "1.250.000"
    assert field.prepare_value(999) == "999"
    assert field.prepare_value("1,5") == "1,5"  # what was typed is shown back unchanged


class AmountForm(forms.Form):
    amount = KronerField()


def test_a_form_shows_the_initial_amount_and_keeps_a_wrong_one():
    assert 'value="1.250.000"' in str(AmountForm(initial={"amount": 1_250_000})["amount"])
    bound = AmountForm({"amount": "12.34.56"})
    assert not bound.is_valid()
    assert 'value="12.34.56"' in str(bound["amount"])
