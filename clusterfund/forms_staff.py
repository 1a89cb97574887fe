"""Forms of the staff pages: the users' filter, a new user, access and invitations, and the audit log's filter."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import EMAIL_TAKEN, User, email_key
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


class UserCreateForm(forms.Form):
    """A new user: name, e-mail address (one account per address, in any case), roles and the language of
    the invitation they are e-mailed."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_(
            "The user logs in with this address. We send an invitation to it with a link to choose a password."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=[("da", _("Danish")), ("en", _("English"))],
        initial="da",
        widget=forms.RadioSelect,
    )

    def clean_email(self) -> str:
        email = email_key(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class InvitationResendForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=[("da", _("Danish")), ("en", _("English"))],
        initial="da",
        widget=forms.RadioSelect,
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
