"""Validators shared by every app: Danish identifiers (CVR) and the text-level checks every typed value passes.

Only the ASCII digits 0–9 count as digits here. Python's own `str.isdigit()` and `int()` accept other
scripts' digits (superscript ², full-width ７, Arabic-Indic ٣), which no Danish number is written with,
and `int()` refuses (with a ValueError, not a ValidationError) strings of more than 4,300 digits.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)

_CVR = re.compile(r"[0-9]{8}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def validate_input_text(value: str) -> None:
    """Raise ValidationError if `value` holds a NUL character or a lone surrogate, which no typed text holds.

    Django already decodes request bodies with replacement (an encoded lone surrogate arrives as U+FFFD)
    and refuses NUL in CharFields; this is the same check for the portal's own number, amount, date and
    CVR fields, which parse text themselves.
    """
    if "\x00" in value:
        raise ValidationError(
            _("The field contains an invisible control character (NUL). Delete it and type the value again."),
            code="null_characters",
        )
    if _SURROGATE.search(value):
        raise ValidationError(
            _("The field contains a character that is not valid text. Type the value again."),
            code="surrogates",
        )


def cvr_is_valid(value: str) -> bool:
    """Return True when `value` is 8 digits 0–9, does not start with 0 and passes modulus 11."""
    if not isinstance(value, str) or not _CVR.fullmatch(value) or value[0] == "0":
        return False
    return sum(int(digit) * weight for digit, weight in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def validate_cvr(value: str) -> None:
    """Raise ValidationError unless `value` is a valid Danish CVR number (spaces between the digits allowed)."""
    value = "".join(str(value or "").split())
    validate_input_text(value)
    if not _CVR.fullmatch(value):
        if value.isdigit() and len(value) == 8:  # eight digits, but not all of them 0–9 (e.g. full-width ８)
            raise ValidationError(_("Write the CVR number with the digits 0–9."), code="cvr_digits")
        raise ValidationError(_("A CVR number has exactly 8 digits."), code="cvr_length")
    if value[0] == "0":
        raise ValidationError(_("A CVR number cannot start with 0."), code="cvr_leading_zero")
    if not cvr_is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid CVR number (the check digit does not match)."),
            code="cvr_checksum",
            params={"value": value},
        )


def cvr_with_check_digit(first_seven: str) -> str | None:
    """Return the valid CVR number that starts with these seven digits 0–9, or None if none exists."""
    if not re.fullmatch(r"[0-9]{7}", first_seven):
        raise ValueError(f"seven digits 0-9 expected, got {first_seven!r}")
    partial = sum(int(d) * w for d, w in zip(first_seven, CVR_WEIGHTS[:7], strict=True))
    check = (-partial) % 11
    return None if check == 10 else f"{first_seven}{check}"
