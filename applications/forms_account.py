"""Forms for registration, organisations, invitations and the secretariat's messages."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterfund.models import email_key

from .models import Message, Organisation
from .services_account import duplicate_cvr_message
from .validators import validate_cvr

User = get_user_model()
NAME_SIMILARITY = password_validation.UserAttributeSimilarityValidator(user_attributes=["full_name"])


class RegisterForm(forms.Form):
    """A new account: name, e-mail address and a password typed twice (checked by Django's validators)."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("You log in with this address. We send a link to it that you must open to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters. Not a common password, not only digits, not like your name or e-mail."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        email = email_key(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("An account with this e-mail address already exists. Log in, or reset your password."),
                code="email_taken",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", ValidationError(_("The two passwords are not the same."), code="mismatch"))
        elif password1:
            # The validators compare the password with the name and e-mail the person typed.
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
                # Django's similarity check knows first_name/last_name; our users have one full_name field.
                NAME_SIMILARITY.validate(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The address you registered with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def _formfield(field: models.Field, **kwargs):
    """Build a model field's form field; links are assumed to be https:// when the scheme is left out."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganisationForm(forms.ModelForm):
    """An organisation's details. The CVR number is checked with modulus 11 and against those registered."""

    cvr = forms.CharField(
        label=_("CVR number"),
        max_length=11,  # 8 digits, with spaces as people often type them ("1234 5678")
        help_text=_("The organisation's 8-digit number in the Central Business Register (CVR)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=10,  # the 4-digit rule below gives the clearer message
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "class": "input-width-xs"}
        ),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "cvr",
            "legal_form",
            "is_non_profit",
            "address",
            "postcode",
            "city",
            "region",
            "website",
            "virksomhedsguiden_url",
        ]
        formfield_callback = _formfield
        labels = {
            "name": _("Name of the organisation"),
            "is_non_profit": _("The organisation works on a non-profit basis"),
            "virksomhedsguiden_url": _("Link to the organisation's listing on Virksomhedsguiden"),
        }
        help_texts = {
            "is_non_profit": _("Tick to declare that the organisation works on a non-profit basis."),
            "region": _("The region where the organisation has its headquarters."),
            "website": _("For example https://www.klynge.dk"),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The CVR number identifies the organisation in its applications; the secretariat corrects it.
            self.fields["cvr"].disabled = True
            self.fields["cvr"].help_text = _("Contact the secretariat if the CVR number is wrong.")

    def clean_cvr(self) -> str:
        cvr = self.cleaned_data["cvr"].replace(" ", "")
        if self.instance.pk:
            return self.instance.cvr
        validate_cvr(cvr)
        if Organisation.objects.filter(cvr=cvr).exists():
            raise ValidationError(duplicate_cvr_message(cvr), code="cvr_registered")
        return cvr

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not (len(postcode) == 4 and postcode.isdigit()):
            raise ValidationError(_("A Danish postcode has 4 digits."), code="postcode")
        return postcode

    def service_fields(self) -> dict:
        """Return the cleaned values as keyword arguments for organisation_create/organisation_update."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if not self.fields[name].disabled}


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Your colleague's e-mail address"),
        help_text=_("We send an invitation with a link. It is valid for 14 days and can be used once."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class MessageForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
