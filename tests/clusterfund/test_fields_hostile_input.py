"""The shared fields (clusterfund.fields) over the hostile inputs: each is refused with a ValidationError and a
message in Danish and English, never another exception; what each field documents is accepted."""

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import translation

from clusterfund.fields import CVRField, DateField, IntegerField, KronerField, SignedKronerField, whole_number_or_none
from clusterfund.validators import cvr_is_valid, validate_cvr

HOSTILE = {
    "superscript digits": "¹²³",
    "superscript digits, eight": "¹²³⁴⁵⁶⁷⁸",
    "full-width digits": "１２３４５６７８",
    "Arabic-Indic digits": "٣٤٥",
    "thousands of digits": "1" * 5000,
    "past int()'s limit": "9" * 4301,
    "exponent": "1e5",
    "exponent, capital": "1E5",
    "NaN": "NaN",
    "Infinity": "Infinity",
    "minus infinity": "-inf",
    "NUL alone": "\x00",
    "NUL inside": "12\x0034",
    "lone surrogate": "\ud800",
    "lone low surrogate after digits": "1015\udfff0817",
    "over-long": "1 " * 300,
    "Python underscores": "1_000",
    "hexadecimal": "0x10",
    "a word": "abc",
    "emoji": "💰",
    "right-to-left mark": "\u200f12",
}

FIELDS = {
    "kroner": KronerField,
    "signed kroner": SignedKronerField,
    "integer": IntegerField,
    "date": DateField,
    "CVR": CVRField,
}


def _refusal(field: forms.Field, typed: str, language: str) -> list[str]:
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            field.clean(typed)
        return [str(message) for message in refused.value.messages]


@pytest.mark.parametrize("kind", FIELDS)
@pytest.mark.parametrize("name", HOSTILE)
def test_every_hostile_input_is_refused_with_a_message_in_danish_and_english(kind, name):
    field = FIELDS[kind](required=True)
    danish, english = _refusal(field, HOSTILE[name], "da"), _refusal(field, HOSTILE[name], "en")
    assert danish and english
    assert danish != english, "the message has a Danish translation"
    assert all(len(message) < 200 for message in danish + english), "the message does not echo the input"


@pytest.mark.parametrize(
    ("typed", "code", "danish"),
    [
        ("¹²³", "digits", "Skriv beløbet med cifrene 0–9, fx 1.250.000."),
        ("１２３", "digits", "Skriv beløbet med cifrene 0–9, fx 1.250.000."),
        ("9" * 4301, "too_large", None),
        ("1" + "000." * 2000 + "000", "too_large", None),
        ("1e5", "invalid", "Skriv beløbet i hele kroner, fx 1.250.000."),
        ("NaN", "invalid", "Skriv beløbet i hele kroner, fx 1.250.000."),
        (
            "\x00",
            "null_characters",
            "Feltet indeholder et usynligt kontroltegn (NUL). Slet det, og skriv værdien igen.",
        ),
        ("\ud800", "surrogates", "Feltet indeholder et tegn, der ikke er gyldig tekst. Skriv værdien igen."),
    ],
)
def test_kroner_says_what_is_wrong(typed, code, danish):
    with translation.override("da"), pytest.raises(ValidationError) as refused:
        KronerField().clean(typed)
    assert refused.value.code == code
    if danish:
        assert refused.value.messages == [danish]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("-1.250.000", -1_250_000), ("−1.250.000 kr.", -1_250_000), ("- 5", -5), ("1.250.000", 1_250_000)],
)
def test_signed_kroner_reads_a_minus_sign(typed, amount):
    assert SignedKronerField().clean(typed) == amount


@pytest.mark.parametrize("typed", ["-", "--5", "−−5", "-" + "9" * 5000, "-1e5"])
def test_signed_kroner_refuses_what_is_not_one_amount(typed):
    with pytest.raises(ValidationError):
        SignedKronerField().clean(typed)


@pytest.mark.parametrize(("typed", "number"), [("12", 12), (" 7 ", 7), ("-3", -3), ("0", 0), ("2147483647", 2**31 - 1)])
def test_integer_reads_whole_numbers_written_with_0_to_9(typed, number):
    assert IntegerField().clean(typed) == number


@pytest.mark.parametrize("typed", ["1.5", "12.0", "2147483648", "-2147483649", "+5", "1 000", "9" * 21])
def test_integer_refuses_decimals_and_numbers_beyond_a_database_integer(typed):
    with pytest.raises(ValidationError):
        IntegerField().clean(typed)


def test_integer_keeps_the_bounds_it_is_given():
    field = IntegerField(min_value=1, max_value=5)
    assert field.clean("5") == 5
    with pytest.raises(ValidationError):
        field.clean("6")


@pytest.mark.parametrize(
    "typed", ["02.09.2020", "2.9.2020", "2020-09-02", "02-09-2020", " 02.09.2020 "], ids=lambda typed: typed.strip()
)
def test_date_reads_danish_and_iso_dates_in_either_language(typed):
    for language in ("da", "en"):
        with translation.override(language):
            assert DateField().clean(typed) == dt.date(2020, 9, 2)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0001-01-01", "date_range"),
        ("01.01.1899", "date_range"),
        ("9999-12-31", "date_range"),
        ("99999-01-01", "invalid"),
        ("31.02.2020", "invalid"),
        ("Sep 2 2020", "invalid"),
        ("２０２０-09-02", "invalid"),
        ("02.09.2020\x00", "null_characters"),
    ],
)
def test_date_refuses_impossible_far_and_foreign_dates(typed, code):
    with pytest.raises(ValidationError) as refused:
        DateField().clean(typed)
    assert refused.value.code == code


def test_date_range_message_names_the_range_in_danish():
    with translation.override("da"), pytest.raises(ValidationError) as refused:
        DateField().clean("0001-01-01")
    assert refused.value.messages == ["Skriv en dato mellem 01.01.1900 og 31.12.2100."]


@pytest.mark.parametrize(("typed", "cleaned"), [("10150817", "10150817"), ("1015 0817", "10150817"), ("", "")])
def test_cvr_field_cleans_to_eight_digits(typed, cleaned):
    assert CVRField(required=False).clean(typed) == cleaned


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("¹⁰¹⁵⁰⁸¹⁷", "cvr_digits"),
        ("１０１５０８１７", "cvr_digits"),
        ("1" * 5000, "cvr_length"),
        ("10150818", "cvr_checksum"),
    ],
)
def test_cvr_field_refuses_other_digits_and_lengths(typed, code):
    with pytest.raises(ValidationError) as refused:
        CVRField().clean(typed)
    assert [error.code for error in refused.value.error_list] == [code]


@pytest.mark.parametrize("value", ["¹²³⁴⁵⁶⁷⁸", "１０１５０８１７", "9" * 5000, None, "\x00" * 8])
def test_the_cvr_validators_never_raise_anything_but_a_validation_error(value):
    assert cvr_is_valid(value) is False
    with pytest.raises(ValidationError):
        validate_cvr(value)


class MixedForm(forms.Form):
    name = forms.CharField(max_length=100)
    amount = KronerField()
    count = IntegerField(min_value=0)
    day = DateField()
    cvr = CVRField()


@pytest.mark.parametrize("field", ["amount", "count", "day", "cvr"])
@pytest.mark.parametrize("name", ["full-width digits", "thousands of digits", "NUL inside", "lone surrogate"])
def test_a_form_refuses_the_one_field_and_keeps_the_others(field, name):
    data = {"name": "Klynge A/S", "amount": "1.250.000", "count": "3", "day": "02.09.2020", "cvr": "10150817"}
    data[field] = HOSTILE[name]
    form = MixedForm(data)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    expected = {"name": "Klynge A/S", "amount": 1_250_000, "count": 3, "day": dt.date(2020, 9, 2), "cvr": "10150817"}
    del expected[field]
    assert form.cleaned_data == expected
    assert 'value="Klynge A/S"' in str(form["name"])


def test_a_request_cannot_carry_a_lone_surrogate_to_a_form():
    """Django decodes form data with replacement: an encoded lone surrogate (ED A0 80) arrives as U+FFFD."""
    assert QueryDict("name=%ED%A0%80")["name"] == "\ufffd" * 3
    assert QueryDict("name=%00")["name"] == "\x00"  # NUL does arrive: the fields refuse it


@pytest.mark.parametrize(
    ("typed", "number"),
    [("12", 12), ("0", 0), ("²", None), ("１２", None), ("9" * 19, None), ("9" * 5000, None), ("", None), (None, None)],
)
def test_an_id_from_a_request_is_read_with_the_digits_0_to_9_only(typed, number):
    assert whole_number_or_none(typed) == number
