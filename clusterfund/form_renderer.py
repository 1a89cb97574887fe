"""The portal's form renderer: Django's own widget templates, with the three most used written in Python.

A section page draws 12–40 fields, and Django renders every widget through its template engine (the
widget's template, which includes `input.html`, which includes `attrs.html`): about a sixth of the
page's server time under load (BENCHMARKS.md). `PortalFormRenderer` writes the markup of those templates
in Python for the plain `<input>` widgets, `<textarea>` and `<select>`, character for character what the
templates give (tests/clusterfund/test_form_renderer.py compares the two for every widget of every form
of the portal and for generated values), and leaves every other template to the engine. It only takes a
template over while Django's own file is the one the engine finds, so an app that overrides a widget
template keeps its override.
"""

from pathlib import Path
from types import SimpleNamespace

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.utils.functional import cached_property
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
# The widget templates that are nothing but `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = frozenset(
    WIDGETS + name
    for name in (
        "checkbox.html",
        "color.html",
        "date.html",
        "datetime.html",
        "email.html",
        "file.html",
        "hidden.html",
        "number.html",
        "password.html",
        "search.html",
        "tel.html",
        "text.html",
        "time.html",
        "url.html",
    )
)
TEXTAREA = WIDGETS + "textarea.html"
SELECT = WIDGETS + "select.html"
SELECT_OPTION = WIDGETS + "select_option.html"
# What those templates include: the Python drawing stands for them too.
INCLUDED = (WIDGETS + "input.html", WIDGETS + "attrs.html", SELECT_OPTION)
DJANGO_FORMS_TEMPLATES = Path(django.forms.__file__).parent / "templates"
# The context a form renderer's template gets: autoescaping on, the settings' localisation and time zone.
CONTEXT = SimpleNamespace(autoescape=True, use_l10n=None, use_tz=None)


def _shown(value) -> str:
    """`{{ value }}`: localised and escaped as the template engine does it."""
    return render_value_in_context(value, CONTEXT)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: "%s" of the value (safe if the value was), then shown."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        text = ""
    return _shown(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308 – it was safe


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(" " + _shown(name))
        if value is not True:
            parts.append('="' + _formatted(value) + '"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else ' value="' + _formatted(widget["value"]) + '"'
    type_, name = _shown(widget["type"]), _shown(widget["name"])
    return f'<input type="{type_}" name="{name}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: dict) -> str:
    label = _shown(option["label"])
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{label}</option>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                return None  # a widget with its own option template: the engine draws it
            parts.append("\n  " + _option(option) + "\n")  # select_option.html ends with a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PortalFormRenderer(DjangoTemplates):
    """Django's template form renderer; `<input>`, `<textarea>` and `<select>` written in Python."""

    @cached_property
    def _python(self) -> dict:
        """The templates drawn in Python: those for which the engine finds Django's own file."""
        if not all(self._is_djangos(name) for name in INCLUDED):
            return {}
        drawers = {name: _input for name in INPUT_TEMPLATES} | {TEXTAREA: _textarea, SELECT: _select}
        return {name: draw for name, draw in drawers.items() if self._is_djangos(name)}

    def _is_djangos(self, template_name: str) -> bool:
        origin = Path(self.get_template(template_name).origin.name)
        return origin.is_relative_to(DJANGO_FORMS_TEMPLATES)

    def render(self, template_name, context, request=None):
        draw = self._python.get(template_name)
        if draw is not None and "widget" in context:
            html = draw(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
