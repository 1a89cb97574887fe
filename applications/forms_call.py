"""Forms for the staff's call configuration: the call itself and the lists that belong to it.

The forms only read and check what was typed; `applications.services_call` writes it.
"""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from clusterfund import formsets

from .models import ActivityType, BusinessArea, Call, Criterion, Milestone, Requirement
from .requirements import REQUIREMENT_KINDS
from .services_call import CALL_FIELDS, PART_KINDS

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker; the value is local time in Europe/Copenhagen (the portal's TIME_ZONE)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=LOCAL_DATETIME)


class CallForm(forms.ModelForm):
    """The call's own settings. Times are entered and shown in Danish time (Europe/Copenhagen)."""

    period_start = forms.IntegerField(label=_("First year of the period"), min_value=2000, max_value=2100)
    period_end = forms.IntegerField(label=_("Last year of the period"), min_value=2000, max_value=2100)
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        widget=LocalDateTimeInput(),
        input_formats=[LOCAL_DATETIME, "%Y-%m-%d %H:%M"],
        help_text=_("Danish time, e.g. 2020-03-02 09:00."),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        widget=LocalDateTimeInput(),
        input_formats=[LOCAL_DATETIME, "%Y-%m-%d %H:%M"],
        help_text=_("Danish time. Applications can be submitted until this moment."),
    )
    activity_min_actors = forms.IntegerField(
        label=_("Minimum actors per activity"), initial=2, min_value=1, max_value=100
    )
    max_attachments = forms.IntegerField(
        label=_("Maximum number of attachments"), initial=10, min_value=0, max_value=100
    )

    class Meta:
        model = Call
        fields = list(CALL_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "summary_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"slug": _("The call's address: lower-case letters, digits and hyphens, e.g. klyngeindsats-2025.")}

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug == "nyt":  # the address of the page that creates a call
            raise forms.ValidationError(_("This address is reserved; choose another."))
        return slug

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The last year cannot come before the first year."))
        opens, deadline = cleaned.get("opens_at"), cleaned.get("deadline")
        if opens and deadline and deadline <= opens:
            self.add_error("deadline", _("The deadline must come after the opening."))
        return cleaned


# --- the call's lists ----------------------------------------------------------------------------


class PartForm(forms.ModelForm):
    """Common shape of a row in one of the call's lists: an order number (blank sorts first)."""

    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, required=False)

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0


class AreaForm(PartForm):
    class Meta:
        model = BusinessArea
        fields = list(PART_KINDS["areas"].fields)


class ActivityTypeForm(PartForm):
    class Meta:
        model = ActivityType
        fields = list(PART_KINDS["activity_types"].fields)


class MilestoneForm(PartForm):
    class Meta:
        model = Milestone
        fields = list(PART_KINDS["milestones"].fields)
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class RequirementForm(PartForm):
    class Meta:
        model = Requirement
        fields = list(PART_KINDS["requirements"].fields)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("text", "text_en", "note", "note_en")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the kinds the portal has evidence and checks for (applications/requirements.py)
        known = "; ".join(f"{kind.code} ({kind.label})" for kind in REQUIREMENT_KINDS.values())
        self.fields["code"].help_text = format_lazy(
            _(
                "The portal asks for evidence and suggests a verdict for these codes: {kinds}. Any other code is "
                "answered in words only."
            ),
            kinds=known,
        )


class CriterionForm(PartForm):
    weight = forms.IntegerField(
        label=_("Weight"),
        initial=25,
        min_value=1,
        max_value=1000,
        help_text=_("A whole number above 0; the weighted total divides by the sum of the weights."),
        error_messages={"min_value": _("The weight must be above 0.")},
    )
    scale_min = forms.IntegerField(label=_("Lowest score"), initial=1, min_value=0, max_value=100)
    scale_max = forms.IntegerField(label=_("Highest score"), initial=5, min_value=1, max_value=100)
    max_chars = forms.IntegerField(
        label=_("Maximum characters in the applicant's text"), initial=8000, min_value=1, max_value=100_000
    )

    class Meta:
        model = Criterion
        fields = list(PART_KINDS["criteria"].fields)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("description", "description_en")}

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("The highest score must be above the lowest."))
        return cleaned


def part_formset(form: type[forms.ModelForm]):
    """Return a model formset class for one of the call's lists: existing rows, one empty row, delete boxes."""
    return formsets.modelformset_factory(
        form._meta.model, form=form, extra=1, can_delete=True, can_delete_extra=False, max_num=200
    )
