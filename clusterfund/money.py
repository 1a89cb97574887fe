"""Money as people read it. Amounts are whole kroner (int) or Decimal, never float."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language

MAX_AMOUNT = 10_000_000_000  # 10 mia. kr.: any single amount larger is a typing error in this programme


def _group(digits: str, sep: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sep.join(groups)


def format_kroner(amount: int | Decimal | None, *, language: str | None = None, decimals: int = 0) -> str:
    """Return `amount` as '80.000.000 kr.' (Danish) or 'DKK 80,000,000' (English); '' for None."""
    if amount is None:
        return ""
    if isinstance(amount, float):
        raise TypeError("Money is never a float.")
    value = Decimal(amount).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    negative = value < 0
    whole, _, fraction = f"{abs(value):f}".partition(".")
    english = (language or get_language() or "da").startswith("en")
    thousands, decimal_mark = (",", ".") if english else (".", ",")
    text = _group(whole, thousands) + (decimal_mark + fraction if decimals else "")
    sign = "-" if negative else ""
    return f"DKK {sign}{text}" if english else f"{sign}{text} kr."
