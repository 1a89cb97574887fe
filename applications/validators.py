"""Validators for Danish identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def cvr_is_valid(value: str) -> bool:
    """Return True when `value` is 8 digits, does not start with 0 and passes modulus 11."""
    if len(value) != 8 or not (value.isascii() and value.isdigit()) or value[0] == "0":
        return False
    return sum(int(digit) * weight for digit, weight in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def validate_cvr(value: str) -> None:
    """Raise ValidationError unless `value` is a valid Danish CVR number."""
    value = (value or "").replace(" ", "")
    if len(value) != 8 or not (value.isascii() and value.isdigit()):
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
    """Return the valid CVR number that starts with these seven digits, or None if none exists."""
    partial = sum(int(d) * w for d, w in zip(first_seven, CVR_WEIGHTS[:7], strict=True))
    check = (-partial) % 11
    return None if check == 10 else f"{first_seven}{check}"
