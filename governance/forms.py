"""Forms of the grants-and-plans pages. They only parse and check the shape of what was typed; the rules
(actor rules, budget ceiling, transitions) live in the services."""

import datetime as dt

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import ActivityType, Region
from clusterfund import formsets
from clusterfund.fields import CVRField, DateField, IntegerField, KronerField

from .models import ActorKind, FundingSource, Grant, Indicator, PlanReviewNote


class SourceDecisionForm(forms.Form):
    """The secretariat records how a conditional year of the board's grant is financed."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    erdf = KronerField(label=_("From the EU Regional Fund (ERDF) (kr.)"), required=False)
    national = KronerField(label=_("From national funds (finance act) (kr.)"), required=False)
    finance_act_year = IntegerField(label=_("Finance act year"), required=False, min_value=2000, max_value=2100)
    is_conditional = forms.BooleanField(label=_("The year is still conditional"), required=False)
    reason = forms.CharField(
        label=_("Why the grant changes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("E.g. “The board decided on 2 June 2022 to finance 2023 with ERDF and national funds.”"),
    )

    def __init__(self, *args, grant: Grant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in grant.years]

    def clean(self):
        cleaned = super().clean()
        erdf, national = cleaned.get("erdf") or 0, cleaned.get("national") or 0
        if not erdf and not national and not self.errors:
            raise forms.ValidationError(gettext("Give the amount from at least one source."))
        if national and not cleaned.get("finance_act_year"):
            self.add_error("finance_act_year", gettext("Give the year of the finance act for the national funds."))
        return cleaned

    def lines(self) -> list[dict]:
        data = self.cleaned_data
        conditional = data.get("is_conditional", False)
        lines = []
        if data.get("erdf"):
            lines.append({"source": FundingSource.ERDF, "amount": data["erdf"], "is_conditional": conditional})
        if data.get("national"):
            lines.append(
                {
                    "source": FundingSource.FINANCE_ACT,
                    "amount": data["national"],
                    "source_year": data.get("finance_act_year"),
                    "is_conditional": conditional,
                }
            )
        return lines


class FiguresForm(forms.Form):
    """One whole-number field per indicator of the call (`figure_<id>`), for targets and planned figures."""

    def __init__(self, *args, indicators: list[Indicator], initial_values: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            unit = gettext("kr.") if indicator.unit == Indicator.Unit.KRONER else gettext("number")
            self.fields[f"figure_{indicator.pk}"] = KronerField(
                label=f"{indicator.tr('name')} ({unit})",
                required=False,
                help_text=indicator.tr("definition"),
                initial=initial_values.get(indicator.pk),
            )

    def values(self) -> dict[int, int | None]:
        return {i.pk: self.cleaned_data.get(f"figure_{i.pk}") for i in self.indicators}


class AimsForm(forms.Form):
    summary = forms.CharField(
        label=_("The year's aims"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the organisation wants to achieve this year, in a few paragraphs."),
    )


class PlanActivityForm(forms.Form):
    """One activity of the action plan."""

    activity_type = forms.ModelChoiceField(label=_("Activity type"), queryset=ActivityType.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    starts_on = DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = DateField(label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    regions = forms.MultipleChoiceField(
        label=_("Regions"), choices=Region.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    budget_board = KronerField(label=_("Budget from the board (kr.)"), required=False)
    budget_ufm = KronerField(label=_("Budget from UFM (kr.)"), required=False)

    def __init__(self, *args, call, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["activity_type"]
        field.queryset = ActivityType.objects.filter(call=call)
        field.label_from_instance = lambda activity_type: activity_type.tr("name")
        field.empty_label = gettext("Choose an activity type")
        self.fields["starts_on"].help_text = gettext("Within %(year)s.") % {"year": year}

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if isinstance(starts_on, dt.date) and isinstance(ends_on, dt.date) and ends_on < starts_on:
            self.add_error("ends_on", gettext("The activity cannot end before it starts."))
        return cleaned

    def fields_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["budget_board"] = data.get("budget_board") or 0
        data["budget_ufm"] = data.get("budget_ufm") or 0
        return data


class ActorForm(forms.Form):
    name = forms.CharField(label=_("Actor"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose a kind")), *ActorKind.choices], required=False)
    cvr = CVRField(label=_("CVR number (optional)"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and not cleaned.get("kind"):
            self.add_error("kind", gettext("Choose the kind of actor."))
        if cleaned.get("kind") and not cleaned.get("name"):
            self.add_error("name", gettext("Give the actor's name."))
        return cleaned


class BaseActorFormSet(forms.BaseFormSet):
    def actors(self) -> list[dict]:
        """Return the filled, not deleted rows."""
        return [
            {"name": f.cleaned_data["name"], "kind": f.cleaned_data["kind"], "cvr": f.cleaned_data.get("cvr", "")}
            for f in self.forms
            if f.cleaned_data.get("name") and not self._should_delete_form(f)
        ]


ActorFormSet = formsets.formset_factory(
    ActorForm,
    formset=BaseActorFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=100,
)


class ChangesForm(forms.Form):
    """The reviewer's notes, one per named section (empty sections are left out)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section, label in PlanReviewNote.Section.choices:
            self.fields[f"note_{section}"] = forms.CharField(
                label=label, required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
            )

    def notes(self) -> list[dict]:
        return [
            {"section": section, "text": self.cleaned_data.get(f"note_{section}", "")}
            for section in PlanReviewNote.Section.values
            if (self.cleaned_data.get(f"note_{section}") or "").strip()
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.notes():
            raise forms.ValidationError(gettext("Write at least one note saying what should change."))
        return cleaned
