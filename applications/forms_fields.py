"""Form fields for Danish input: amounts in whole kroner written the Danish way."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_AMOUNT = 10_000_000_000  # 10 mia. kr.: anything larger is a typing error in this programme


class KronerField(forms.CharField):
    """Whole kroner, entered as '1.250.000', '1250000', '1 250 000' or '1.250.000 kr.'; shown the same way.

    Refuses negative, fractional (øre), non-numeric and absurdly large amounts with a clear message.
    """

    default_error_messages = {
        "invalid": _("Write the amount in whole kroner, e.g. 1.250.000."),
        "negative": _("The amount cannot be negative."),
        "fraction": _("Write whole kroner without øre."),
        "too_large": _("The amount is unrealistically large (more than 10.000.000.000 kr.)."),
    }

    def __init__(self, *, max_amount: int = MAX_AMOUNT, **kwargs):
        self.max_amount = max_amount
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value

    def to_python(self, value) -> int | None:
        text = (value or "").strip() if isinstance(value, str) else value
        if text in ("", None):
            return None
        if isinstance(text, int):
            return text
        text = re.sub(r"\s|kr\.?$|DKK", "", text, flags=re.IGNORECASE).strip()
        if text.startswith("-"):
            raise ValidationError(self.error_messages["negative"], code="negative")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text) or re.fullmatch(r"\d+", text):
            number = int(text.replace(".", ""))
        elif re.fullmatch(r"\d{1,3}(\.\d{3})*,\d+|\d+,\d+", text):
            whole, _sep, fraction = text.partition(",")
            if int(fraction) != 0:
                raise ValidationError(self.error_messages["fraction"], code="fraction")
            number = int(whole.replace(".", ""))
        else:
            try:
                Decimal(text)
            except InvalidOperation:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if number > self.max_amount:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        return number
