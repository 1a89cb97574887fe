"""Forms of the staff pages: the users' filter and access, and the audit log's filter."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .roles import Role

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
DATE_MESSAGES = {
    "min_value": _("Choose a date from 2000 onwards."),
    "max_value": _("Choose a date before 2101."),
}


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by e-mail or name"), required=False, max_length=200)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", _("Active and inactive")), ("yes", _("Only active")), ("no", _("Only inactive"))],
    )


class UserAccessForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(
        label=_("Active: may log in"),
        required=False,
        help_text=_("An inactive user cannot log in; their history stays."),
    )


def date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
        error_messages={**DATE_MESSAGES, "invalid": _("Write the date as YYYY-MM-DD.")},
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor (e-mail)"), required=False, max_length=254)
    obj = forms.CharField(label=_("Object"), required=False, max_length=300)
    date_from = date_field(_("From (date)"))
    date_to = date_field(_("To (date)"))

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *((action, action) for action in actions)]
