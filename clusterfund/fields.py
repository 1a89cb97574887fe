"""The portal's form fields for numbers people type: amounts in kroner, whole numbers, dates and CVR numbers.

Every app's forms use these, so that what a field accepts is decided once. Each accepts exactly what its
docstring says and refuses anything else with a ValidationError (a message next to the field, the other
fields kept), never an exception: only the digits 0–9 are digits, a value is length-checked before it is
turned into a number (Python's int() raises ValueError past 4,300 digits), and NUL characters and lone
surrogates are refused (clusterfund.validators.validate_input_text).
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .money import MAX_AMOUNT
from .validators import validate_cvr, validate_input_text

# What any of these fields reads at most; longer input is refused before it is parsed.
MAX_INPUT_CHARS = 100

# The range of a database integer (PostgreSQL's `integer`): the default bounds of IntegerField.
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1

_SPACES_AND_CURRENCY = re.compile(r"\s|kr\.?$|DKK", re.IGNORECASE)
_WHOLE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+")  # 1.250.000 or 1250000
_WITH_ORE = re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})*|[0-9]+),([0-9]+)")  # 1.250.000,00
_INTEGER = re.compile(r"-?[0-9]+")
_DATE_CHARACTERS = re.compile(r"[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}")


_NUMBER_CHARACTERS = re.compile(r"[0-9.,\s]+")


def whole_number_or_none(value, *, max_digits: int = 18) -> int | None:
    """Return `value` (an id or a revision read from a request) as an int if it is 1 to `max_digits` digits 0–9,
    else None. `str.isdigit()` is no test for this: it is true for '²', which int() refuses."""
    text = value if isinstance(value, str) else ""
    return int(text) if 0 < len(text) <= max_digits and text.isascii() and text.isdigit() else None


def posted_int(request, name: str, *, missing: int = -1, garbled: int | None = None) -> int:
    """Return the first POSTed value of `name` (an id, a version or a revision from a hidden input or a button)
    as a whole number of the digits 0–9 (`whole_number_or_none`): `missing` if none is posted, `garbled`
    (default: `missing`) if it is anything else. Every view reads such numbers through this, never int()."""
    values = request.POST.getlist(name)
    if not values:
        return missing
    number = whole_number_or_none(values[0])
    if number is None:
        return missing if garbled is None else garbled
    return number


def _typed_text(value, *, error, too_long=None) -> str:
    """Return `value` as text, stripped; raise ValidationError(`error`) if it is longer than anyone types
    (`too_long` instead, if given, when the long text is all digits and separators: a number too large)."""
    text = str(value)
    validate_input_text(text)
    text = text.strip()
    if len(text) > MAX_INPUT_CHARS:
        raise too_long if too_long is not None and _NUMBER_CHARACTERS.fullmatch(text) else error
    return text


class KronerField(forms.CharField):
    """Whole kroner, entered as '1.250.000', '1250000', '1 250 000', '1.250.000 kr.', 'DKK 1.250.000' or
    '1.250.000,00'; shown the same way ('1.250.000').

    Refuses negative, fractional (øre), non-numeric (also digits other than 0–9, exponents, NaN) and
    absurdly large amounts (over `max_amount`, by default 10.000.000.000 kr.) with a clear message.
    """

    default_error_messages = {
        "invalid": _("Write the amount in whole kroner, e.g. 1.250.000."),
        "digits": _("Write the amount with the digits 0–9, e.g. 1.250.000."),
        "negative": _("The amount cannot be negative."),
        "fraction": _("Write whole kroner without øre."),
        "too_large": _("The amount is unrealistically large (more than 10.000.000.000 kr.)."),
    }
    # Whether a leading minus ('-' or the typographic '−') is read as a negative amount rather than refused.
    allow_negative = False

    def __init__(self, *, max_amount: int = MAX_AMOUNT, **kwargs):
        self.max_amount = max_amount
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}".replace(",", ".")
        return value

    def _error(self, code: str) -> ValidationError:
        return ValidationError(self.error_messages[code], code=code)

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = _typed_text(value, error=self._error("invalid"), too_long=self._error("too_large"))
        if not text:
            return None
        if text.startswith(("-", "\u2212")):
            if not self.allow_negative:
                raise self._error("negative")
            rest = text[1:].strip()
            if not rest or rest.startswith(("-", "\u2212")):
                raise self._error("invalid")
            return -self._whole_kroner(rest)
        return self._whole_kroner(text)

    def _whole_kroner(self, text: str) -> int:
        """Return the amount `text` (no sign) states in whole kroner; raise ValidationError if it states none."""
        text = _SPACES_AND_CURRENCY.sub("", text).strip()
        if _WHOLE.fullmatch(text):
            digits = text.replace(".", "")
        elif match := _WITH_ORE.fullmatch(text):
            if match.group(2).strip("0"):
                raise self._error("fraction")
            digits = match.group(1).replace(".", "")
        elif any(char.isdigit() and not char.isascii() for char in text):
            raise self._error("digits")  # e.g. full-width or superscript digits pasted from elsewhere
        else:
            raise self._error("invalid")
        digits = digits.lstrip("0") or "0"
        if len(digits) > len(str(self.max_amount)):  # decided before int(), which has a 4,300-digit limit
            raise self._error("too_large")
        number = int(digits)
        if number > self.max_amount:
            raise self._error("too_large")
        return number


class SignedKronerField(KronerField):
    """Whole kroner that may be negative (equity can be): '-1.250.000' or '−1.250.000 kr.' (typographic minus);
    otherwise what KronerField accepts, within ± `max_amount`."""

    allow_negative = True

    def __init__(self, **kwargs):
        # No numeric keypad: on phones it has no minus key.
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)


class IntegerField(forms.IntegerField):
    """A whole number written with the digits 0–9 and perhaps a leading minus ('12', '-3'), within
    `min_value`..`max_value` (by default the range of a database integer). Refuses decimals, exponents,
    other scripts' digits and thousands of digits with the field's "invalid" message."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def __init__(self, *, min_value: int | None = DB_INT_MIN, max_value: int | None = DB_INT_MAX, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        invalid = ValidationError(self.error_messages["invalid"], code="invalid")
        text = _typed_text(value, error=invalid)
        if not text:
            return None
        if not _INTEGER.fullmatch(text) or len(text) > 20:  # 20 characters hold any 64-bit integer
            raise invalid
        return int(text)


class DateField(forms.DateField):
    """A date written dd.mm.yyyy ('02.09.2020', '2.9.2020'), dd-mm-yyyy, or yyyy-mm-dd (what a date picker
    sends), with the digits 0–9, whatever the page's language; between `min_date` and `max_date` (by
    default 1 January 1900 to 31 December 2100)."""

    input_formats = ["%d.%m.%Y", "%Y-%m-%d", "%d-%m-%Y"]
    default_error_messages = {
        "invalid": _("Write the date as dd.mm.yyyy, e.g. 02.09.2020."),
        "date_range": _("Write a date between %(min)s and %(max)s."),
    }

    def __init__(self, *, min_date: dt.date = dt.date(1900, 1, 1), max_date: dt.date = dt.date(2100, 12, 31), **kw):
        self.min_date, self.max_date = min_date, max_date
        super().__init__(**kw)

    def to_python(self, value) -> dt.date | None:
        if isinstance(value, str):
            invalid = ValidationError(self.error_messages["invalid"], code="invalid")
            value = _typed_text(value, error=invalid)
            if value and not _DATE_CHARACTERS.fullmatch(value):
                raise invalid  # strptime would read other scripts' digits, and English month names
        date = super().to_python(value)
        if date is not None and not self.min_date <= date <= self.max_date:
            raise ValidationError(
                self.error_messages["date_range"],
                code="date_range",
                params={"min": self.min_date.strftime("%d.%m.%Y"), "max": self.max_date.strftime("%d.%m.%Y")},
            )
        return date


class CVRField(forms.CharField):
    """A Danish CVR number: 8 digits 0–9, perhaps written with spaces ('1234 5678'), not starting with 0, with a
    matching modulus-11 check digit. Cleans to the 8 digits without spaces ('' when left empty)."""

    default_validators = [validate_cvr]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.setdefault("maxlength", "11")  # 8 digits with spaces, as people type them ("1234 5678")
        return attrs

    def to_python(self, value) -> str:
        value = super().to_python(value)
        validate_input_text(value)
        return "".join(value.split())
