"""Forms of the gold-label watch: a new label with its certificate, a plan to become gold, the reminder language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GoldLabel, ReminderLanguage

DATE = {"type": "date"}


class GoldLabelForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=GoldLabel.Level.choices)
    audited_on = forms.DateField(label=_("Audit date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for two years after the audit, as ECEI labels are."),
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )
    certificate = forms.FileField(
        label=_("Certificate (PDF)"), widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )


class GoldPlanForm(forms.Form):
    target_date = forms.DateField(label=_("Gold expected by"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    summary = forms.CharField(
        label=_("The plan in brief"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReminderLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Send my reminders in"), choices=ReminderLanguage.Language.choices, widget=forms.RadioSelect
    )
