"""Forms of the status dialogue: planning a meeting, the minutes, an action item."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from applications.models import Organisation

DATE = {"type": "date"}


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, initial=_("Status meeting"))
    meets_on = forms.DateField(label=_("Date of the meeting"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants from the secretariat and UFM"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_participants = forms.CharField(
        label=_("Other participants"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisations, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
        self.fields["participants"].queryset = participants
        self.fields["participants"].label_from_instance = lambda user: user.get_full_name()


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("What was discussed and agreed, per agenda item. Publishing shows them to the organisations."),
    )


class ActionItemForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.CharField(
        label=_("Owner"), max_length=200, help_text=_("Who sees to it, e.g. the cluster's director.")
    )
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = meeting.organisations.order_by("name")
        if self.fields["organisation"].queryset.count() == 1:
            self.fields["organisation"].initial = self.fields["organisation"].queryset.first()
