"""`{{ field|dkfds_field }}`: a plain field in DKFDS markup, written in Python.

`{{ field|as_crispy_field }}` renders `templates/dkfds/field.html` with a fresh context for every field:
about 0.2–0.3 ms a field, and a section page draws 12–40 of them (BENCHMARKS.md). For the fields that
template draws itself — a text input, number, e-mail, date, select, file or textarea, on a form without a
crispy `FormHelper` — `dkfds_field` writes the same markup in Python, character for character
(tests/clusterfund/test_dkfds_field.py compares the two for generated fields and for every field of the
section pages). Everything else — hidden fields, checkboxes, radio lists, multi-widgets, forms with a
helper — goes to crispy's filter unchanged.
"""

from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .form_renderer import _shown


def _crispy_widget(field: BoundField, **attrs: str) -> str:
    """`{% crispy_field field 'name' 'value' … %}`: the widget's class name and the attributes added, drawn."""
    widget = field.field.widget
    widget = getattr(widget, "widget", widget)
    class_name = widget.__class__.__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if not css_class:
        css_class = class_name
    elif css_class.find(class_name) == -1:
        css_class += " " + class_name
    widget.attrs["class"] = css_class
    for name, value in attrs.items():
        if name in widget.attrs:
            for word in value.split():
                if word not in widget.attrs[name].split():
                    widget.attrs[name] += " " + word
        else:
            widget.attrs[name] = value
    return str(field)


def _drawn_by_crispy(field: BoundField) -> bool:
    widget = field.field.widget
    return (
        getattr(field.form, "helper", None) is not None
        or field.is_hidden
        or isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.MultiWidget)
    )


def dkfds_field(field: BoundField) -> str:
    """The field's DKFDS form group, as `templates/dkfds/field.html` draws it through crispy."""
    if _drawn_by_crispy(field):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    widget = field.field.widget
    limited = getattr(field.field, "max_length", None)
    countdown = bool(limited) and widget.__class__.__name__.lower() == "textarea"
    auto_id = _shown(field.auto_id)
    css_classes = field.css_classes()
    group_class = "form-group" + (" form-error" if field.errors else "")
    group_class += f" {_shown(css_classes)}" if css_classes else ""
    limit_data = ""
    if countdown:
        limit_data = (
            f' data-portal-limit data-maxlength="{_shown(limited)}"'
            f' data-text-remaining-one="{_shown(gettext("You have {value} character left"))}"'
            f' data-text-remaining="{_shown(gettext("You have {value} characters left"))}"'
            f' data-text-too-many-one="{_shown(gettext("You have {value} character too many"))}"'
            f' data-text-too-many="{_shown(gettext("You have {value} characters too many"))}"'
        )
    label = ""
    if field.label:
        required = ""
        if field.field.required and not field.field.disabled:
            required = f'<span class="weight-normal portal-required"> {_shown(gettext("(*required)"))}</span>'
        label = f'<label class="form-label" for="{_shown(field.id_for_label)}">{_shown(field.label)}{required}</label>'
    hint = ""
    if field.help_text:
        help_text = mark_safe(str(field.help_text))  # noqa: S308 – the template's |safe: help texts are ours
        hint = f'<div class="form-hint" id="{auto_id}_helptext">{_shown(help_text)}</div>'
    errors = ""
    if field.errors:
        listed = "<br>".join(_shown(error) for error in field.errors)
        errors = (
            f'<span class="form-error-message" id="{auto_id}_error">'
            f'<span class="sr-only">{_shown(gettext("Error:"))} </span>{listed}</span>'
        )
    if isinstance(widget, forms.Select):
        control = _crispy_widget(field, **{"class": "form-select"}) + "\n  "
    elif isinstance(widget, forms.FileInput):
        control = _crispy_widget(field) + "\n  "
    elif countdown:
        limit_id = f"{field.auto_id}-limit-message"
        described = field.aria_describedby
        control = _crispy_widget(
            field, **{"class": "form-input", "aria-describedby": f"{described} {limit_id}" if described else limit_id}
        )
        limit = {"limit": _shown(limited)}
        control += (
            f'\n  <span id="{auto_id}-limit-message" class="sr-only">'
            f"{gettext('You can enter up to %(limit)s characters') % limit}</span>"
            f'\n  <span class="form-hint character-limit" aria-hidden="true">'
            f"{gettext('You have %(limit)s characters left') % limit}</span>"
            f'\n  <span class="character-limit-sr-only sr-only" aria-live="polite">'
            f"{gettext('You have %(limit)s characters left') % limit}</span>\n  "
        )
    else:
        control = _crispy_widget(field, **{"class": "form-input"}) + "\n  "
    html = (
        f'\n\n<div id="div_{auto_id}" class="{group_class}"{limit_data}>\n'
        f"  {label}\n  {hint}\n  {errors}\n  {control}\n</div>\n\n"
    )
    return mark_safe(html)  # noqa: S308 – every text in it went through _shown() or is the widget's own HTML
