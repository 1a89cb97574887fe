from django import template
from django.utils.safestring import mark_safe

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


class CaptureNode(template.Node):
    def __init__(self, nodelist, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # the block's output is the template's own, escaped as it rendered: safe to show as it is
        context[self.name] = mark_safe(self.nodelist.render(context))  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}…{% endcapture %}`: render the block once, show it as `{{ name }}` where needed
    (in the same block of the template), instead of rendering the same include twice."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
