"""Forms for the application's lists: activities (with their actors), the partner circle and the budget."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusterfund import formsets
from clusterfund.fields import CVRField, IntegerField, KronerField

from .models import Activity, ActivityActor, ActivityType, ActorType, Call, Funder
from .selectors import activity_actor_problems, budget_years

# --- shared helpers ------------------------------------------------------------------------------


def with_added_row(data, prefix: str):
    """Return a mutable copy of POST `data` with one more form in the formset `prefix` (the no-JS 'add a row')."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(total, 500) + 1)
    return data


def without_errors(*forms_and_formsets) -> None:
    """Mark bound forms/formsets as validated without errors, so a re-shown page does not nag.

    Used when the applicant only asked for another row: nothing is saved, and a half-typed row is not
    an error yet.
    """
    for item in forms_and_formsets:
        if isinstance(item, forms.BaseFormSet):
            without_errors(*item.forms)
            item._errors = [ErrorDict() for _form in item.forms]
            item._non_form_errors = item.error_class(error_class="nonform", renderer=item.renderer)
        else:
            item._errors = ErrorDict()


def table_helper() -> FormHelper:
    """Return a crispy helper that renders a formset as a table inside a form the template opens itself."""
    helper = FormHelper()
    helper.template = "dkfds/table_inline_formset.html"
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


# --- activities ----------------------------------------------------------------------------------


class YearField(forms.TypedChoiceField):
    """A year of the call's period, chosen from a list; any other year is refused with the period named."""

    def __init__(self, *, call: Call, **kwargs):
        choices = [("", _("Choose a year")), *((year, str(year)) for year in call.years)]
        message = gettext("Choose a year within the call's period (%(start)s–%(end)s).") % {
            "start": call.period_start,
            "end": call.period_end,
        }
        super().__init__(
            choices=choices,
            coerce=int,
            empty_value=None,
            error_messages={"invalid_choice": message},
            **kwargs,
        )


class ActivityForm(forms.ModelForm):
    """An activity: one of the call's activity types, its years within the call's period, and its budget."""

    budget = KronerField(label=_("Budget (kr.)"), help_text=_("In whole kroner, e.g. 1.250.000."))

    class Meta:
        model = Activity
        fields = ["activity_type", "title", "description", "first_year", "last_year", "budget"]
        labels = {
            "activity_type": _("Activity type"),
            "title": _("Title"),
            "description": _("Description"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        field = self.fields["activity_type"]
        field.queryset = ActivityType.objects.filter(call=call)
        field.label_from_instance = lambda activity_type: activity_type.tr("name")
        field.empty_label = gettext("Choose an activity type")
        self.fields["first_year"] = YearField(call=call, label=_("First year"))
        self.fields["last_year"] = YearField(call=call, label=_("Last year"))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first is not None and last is not None and last < first:
            self.add_error(
                "last_year",
                ValidationError(
                    _("The last year (%(last)s) cannot be before the first year (%(first)s)."),
                    code="years_order",
                    params={"first": first, "last": last},
                ),
            )
        return cleaned


class ActivityActorForm(forms.ModelForm):
    class Meta:
        model = ActivityActor
        fields = ["name", "actor_type"]
        labels = {"name": _("Actor"), "actor_type": _("Type of actor")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor_type"].choices = [("", _("Choose a type")), *ActorType.choices]


class BaseActorFormSet(forms.BaseInlineFormSet):
    """The actors of one activity, checked against the call's rule (minimum number, a company)."""

    def __init__(self, *args, call: Call, **kwargs):
        self.call = call
        super().__init__(*args, **kwargs)

    def actor_types(self) -> list[str]:
        """Return the types of the actors that will remain after saving (valid, filled and not deleted)."""
        types = []
        for form in self.forms:
            if form.empty_permitted and not form.has_changed():
                continue  # a blank extra row
            if self._should_delete_form(form):
                continue
            if form.cleaned_data.get("actor_type"):
                types.append(form.cleaned_data["actor_type"])
        return types

    def rows(self) -> list[dict]:
        """Return the rows to save (after is_valid): deleted actors by id, changed and new ones with their fields."""
        fields = [name for name in self.form._meta.fields if name != self.fk.name]  # the activity is implied
        rows = []
        for form in self.forms:
            if form in self.deleted_forms:
                if form.instance.pk is not None:
                    rows.append({"id": form.instance.pk, "delete": True})
            elif form.has_changed():
                rows.append({"id": form.instance.pk, **{name: form.cleaned_data[name] for name in fields}})
        return rows

    def clean(self):
        super().clean()
        if any(self.errors):
            return  # the rows' own errors first: counting half-typed rows would only confuse
        problems = activity_actor_problems(call=self.call, actor_types=self.actor_types())
        if problems:
            raise ValidationError(problems, code="actor_rule")


def actor_formset_class(*, call: Call, existing: int):
    """Return the actors formset class: enough blank rows to meet the call's minimum, and at least one."""
    extra = max(call.activity_min_actors - existing, 1)
    return formsets.inlineformset_factory(
        Activity,
        ActivityActor,
        form=ActivityActorForm,
        formset=BaseActorFormSet,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
        max_num=100,
    )


# --- partner circle ------------------------------------------------------------------------------

PARTNER_FIELDS = ("name", "partner_type", "role", "cvr")


class PartnerForm(forms.Form):
    """One member of the partner circle. The letter of intent is uploaded separately (it is a file)."""

    id = IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    partner_type = forms.ChoiceField(label=_("Type"), choices=[("", _("Choose a type")), *ActorType.choices])
    role = forms.CharField(label=_("Role in the partner circle"), max_length=300)
    cvr = CVRField(label=_("CVR number (optional)"), required=False)  # cleans to 8 digits, or ''


class BasePartnerFormSet(forms.BaseFormSet):
    def should_delete(self, form) -> bool:
        return self._should_delete_form(form)


PartnerFormSet = formsets.formset_factory(
    PartnerForm,
    formset=BasePartnerFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=200,
)


def partner_initial(partner) -> dict:
    return {"id": partner.pk, **{name: getattr(partner, name) for name in PARTNER_FIELDS}}


# --- budget --------------------------------------------------------------------------------------

BUDGET_COLUMNS = (
    ("board", _("From the board")),
    ("ufm", _("From UFM")),
    ("cofinancing", _("Co-financing")),
)


def _is_zero(text: str) -> bool:
    try:
        return KronerField(required=False).clean(text) in (0, None)
    except ValidationError:
        return False


class BudgetForm(forms.Form):
    """The amounts applied for per year of the call: a field per year and column the call allows.

    The board and UFM columns have a field only in the years that funder has a frame; co-financing
    may be stated for every year.
    """

    def __init__(self, *args, call: Call, lines: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.frames = budget_years(call)
        for year in call.years:
            line = lines.get(year)
            for column, label in BUDGET_COLUMNS:
                if not self.is_editable(year, column):
                    continue
                name = f"{column}_{year}"
                self.fields[name] = KronerField(
                    label=f"{label} {year}",
                    required=False,
                    initial=getattr(line, self.model_field(column)) if line else None,
                )
                self.fields[name].widget.attrs |= {"data-budget-year": year, "data-budget-column": column}

    @staticmethod
    def model_field(column: str) -> str:
        return {"board": "board_amount", "ufm": "ufm_amount", "cofinancing": "cofinancing"}[column]

    def is_editable(self, year: int, column: str) -> bool:
        """Return whether an amount may be applied for in `column` in `year` (a funder needs a frame)."""
        if column == "cofinancing":
            return year in self.frames  # co-financing is the applicant's own: every year of the call
        return self.frames.get(year, {}).get(column, False)

    def clean(self):
        cleaned = super().clean()
        # The page shows no input where a funder has no frame; a value posted there anyway is refused,
        # not silently dropped, so nobody believes they applied for it.
        funders = {Funder.BOARD: _("The board"), Funder.UFM: _("UFM")}
        for year in self.call.years:
            for column in ("board", "ufm"):
                if self.is_editable(year, column):
                    continue
                typed = (self.data.get(self.add_prefix(f"{column}_{year}")) or "").strip()
                if typed and not _is_zero(typed):
                    self.add_error(
                        None,
                        ValidationError(
                            _("%(funder)s has no budget frame in %(year)s, so nothing can be applied for there."),
                            code="no_frame",
                            params={"funder": funders[column], "year": year},
                        ),
                    )
        return cleaned

    def amounts(self, year: int) -> dict[str, int]:
        """Return the cleaned amounts for `year` (0 where empty or not allowed), keyed by model field."""
        return {
            self.model_field(column): (self.cleaned_data.get(f"{column}_{year}") or 0)
            if self.is_editable(year, column)
            else 0
            for column, _label in BUDGET_COLUMNS
        }
