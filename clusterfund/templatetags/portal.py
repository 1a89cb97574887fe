from django import template

from clusterfund.dkfds_field import dkfds_field
from clusterfund.money import format_kroner

register = template.Library()


@register.filter
def kr(amount):
    """Format whole kroner the way the memo does: 80.000.000 kr.; nothing for a missing amount.

    A template variable that does not resolve (a year without a frame: `row.board.amount` of None)
    arrives as the empty string, which must show as an empty cell, not as a server error.
    """
    return "" if amount == "" else format_kroner(amount)


@register.filter
def tr(obj, field: str):
    """Return a configured text in the active language (see applications.models.Translated)."""
    return obj.tr(field)


@register.filter(name="dkfds_field")
def dkfds_field_filter(field):
    """`{{ form.field|dkfds_field }}`: `|as_crispy_field`'s markup, plain fields drawn in Python."""
    return dkfds_field(field)
