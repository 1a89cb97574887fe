"""Forms of the selection and allocation pages. The services do the real validation; these give clear
messages per field (Danish amounts through KronerField) and keep what was typed when something is wrong."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.models import BudgetFrame, Call, Funder
from clusterfund import formsets
from clusterfund.fields import DateField, IntegerField, KronerField

from .apportion import Bounds
from .models import Proposal, ProposalApproval, Selection

TEXT_MAX = 4000


class SelectionForm(forms.Form):
    """The minister's decision on one application, and the UFM grant per year if selected."""

    decision = forms.ChoiceField(
        label=_("The minister's decision"), choices=Selection.Decision.choices, widget=forms.RadioSelect
    )
    decision_date = DateField(
        label=_("Date of the decision"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"],
        error_messages={"invalid": _("Write the date as dd.mm.yyyy, e.g. 02.09.2020.")},
    )
    case_number = forms.CharField(label=_("Case number"), max_length=50)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"grant_{year}"] = KronerField(
                label=_("UFM grant %(year)s (kr.)") % {"year": year},
                required=False,
                help_text=_("Only for a selected organisation. In whole kroner, e.g. 10.000.000."),
            )

    def grants(self) -> dict[int, int]:
        """Return year -> grant for the years filled in (after is_valid)."""
        return {y: v for y in self.years if (v := self.cleaned_data.get(f"grant_{y}")) is not None}


class FrameForm(forms.Form):
    """One year's frame of one funder."""

    year = IntegerField(widget=forms.HiddenInput)
    funder = forms.ChoiceField(choices=Funder.choices, widget=forms.HiddenInput)
    amount = KronerField(
        label=_("Amount (kr.)"), required=False, help_text=_("Leave empty where the funder has no frame that year.")
    )
    source = forms.ChoiceField(label=_("Funding source"), choices=BudgetFrame.Source.choices)
    source_year = IntegerField(
        label=_("Finance act year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("For funds from a finance act: which year's, e.g. 2020."),
        error_messages={"invalid": _("Write a year, e.g. 2020.")},
    )
    is_conditional = forms.BooleanField(
        label=_("Conditional: the year still depends on a finance act or programme"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("amount") is None and self.initial.get("amount") is not None and "amount" not in self.errors:
            # an existing frame is changed, not removed, here: removing one would orphan its proposals' years
            self.add_error("amount", _("Write an amount (0 if none)."))
        if data.get("source") == BudgetFrame.Source.FINANCE_ACT and not data.get("source_year"):
            self.add_error("source_year", _("Give the year of the finance act."))
        return data

    def legend(self) -> str:
        funder = dict(Funder.choices).get(self.initial.get("funder") or self.data.get(self.add_prefix("funder")), "")
        return f"{self.initial.get('year') or self.data.get(self.add_prefix('year'))} – {funder}"


FrameFormSet = formsets.formset_factory(FrameForm, extra=0, max_num=100)  # years x 2 funders


def frame_initial(call: Call) -> list[dict]:
    """Return one initial row per year of the call and funder (existing frames' values, or empty)."""
    frames = {(f.year, f.funder): f for f in BudgetFrame.objects.filter(call=call)}
    rows = []
    for year in call.years:
        for funder in (Funder.BOARD, Funder.UFM):
            frame = frames.get((year, funder))
            rows.append(
                {
                    "year": year,
                    "funder": funder,
                    "amount": frame.amount if frame else None,
                    "source": frame.source if frame else BudgetFrame.Source.UNDECIDED,
                    "source_year": frame.source_year if frame else None,
                    "is_conditional": frame.is_conditional if frame else False,
                }
            )
    return rows


class FillForm(forms.Form):
    """How to fill a proposal: helper, rounding unit, and an optional minimum and maximum per organisation."""

    method = forms.ChoiceField(label=_("Fill with"), choices=Proposal.Method.choices, widget=forms.RadioSelect)
    unit = forms.TypedChoiceField(
        label=_("Round to"), choices=Proposal.Unit.choices, coerce=int, widget=forms.RadioSelect, initial=1_000
    )

    def __init__(self, *args, organisations: list[tuple[int, str]], with_title: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        if with_title:
            self.fields = {
                "title": forms.CharField(label=_("Title"), max_length=200),
                **self.fields,
            }
        for pk, name in organisations:
            self.fields[f"min_{pk}"] = KronerField(
                label=_("Minimum per year for %(name)s") % {"name": name}, required=False
            )
            self.fields[f"max_{pk}"] = KronerField(
                label=_("Maximum per year for %(name)s") % {"name": name}, required=False
            )

    def clean(self):
        data = super().clean()
        for pk, _name in self.organisations:
            low, high = data.get(f"min_{pk}"), data.get(f"max_{pk}")
            if low is not None and high is not None and low > high:
                self.add_error(f"max_{pk}", _("The maximum must not be below the minimum."))
        return data

    def bounds(self) -> dict[int, Bounds]:
        """Return application pk -> Bounds for the organisations with a minimum or maximum (after is_valid)."""
        result = {}
        for pk, _name in self.organisations:
            low, high = self.cleaned_data.get(f"min_{pk}"), self.cleaned_data.get(f"max_{pk}")
            if low is not None or high is not None:
                result[pk] = Bounds(low, high)
        return result

    def bound_rows(self):
        """Return (organisation name, minimum field, maximum field) for the table of bounds."""
        return [(name, self[f"min_{pk}"], self[f"max_{pk}"]) for pk, name in self.organisations]

    @property
    def main_fields(self):
        return [self[name] for name in ("title", "method", "unit") if name in self.fields]


class GridForm(forms.Form):
    """The proposal's amounts: one field per organisation and year, and the revision the page shows."""

    revision = IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.fields["revision"].initial = grid.proposal.revision
        for row in grid.rows:
            name = row.application.organisation.name
            for year in grid.years:
                field = KronerField(
                    label=_("%(name)s, %(year)s") % {"name": name, "year": year},
                    initial=row.amounts.get(year, 0),
                    error_messages={"required": _("Write an amount (0 if none).")},
                )
                field.widget.attrs.update(
                    {"data-allocation-year": year, "data-allocation-row": row.application.pk, "class": "portal-amount"}
                )
                self.fields[f"amount_{row.application.pk}_{year}"] = field

    def amounts(self) -> dict[tuple[int, int], int]:
        """Return {(application pk, year): kroner} (after is_valid)."""
        return {
            (row.application.pk, year): self.cleaned_data[f"amount_{row.application.pk}_{year}"]
            for row in self.grid.rows
            for year in self.grid.years
        }

    def field_for(self, application_pk: int, year: int):
        return self[f"amount_{application_pk}_{year}"]


class ReviewForm(forms.Form):
    """A sub-committee member's approval of, or comment on, the proposal as it stands."""

    decision = forms.ChoiceField(
        label=_("Your decision"), choices=ProposalApproval.Decision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you comment instead of approving."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == ProposalApproval.Decision.COMMENT and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Write your comment."))
        return data


class CompareForm(forms.Form):
    """Which two proposals to compare."""

    a = forms.ModelChoiceField(label=_("From proposal"), queryset=Proposal.objects.none())
    b = forms.ModelChoiceField(label=_("To proposal"), queryset=Proposal.objects.none())

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Proposal.objects.filter(call=call).order_by("number")
        self.fields["a"].queryset = self.fields["b"].queryset = queryset
        self.fields["a"].error_messages["invalid_choice"] = self.fields["b"].error_messages["invalid_choice"] = _(
            "Choose one of the call's proposals."
        )

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise ValidationError(_("Choose two different proposals."))
        return data
