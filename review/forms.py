"""Forms of the review pages. Services do the real validation; these give the reviewer clear messages
per field and keep what they typed when something is wrong."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from applications.models import Application, BusinessArea, Call, Criterion, Requirement

from .models import Assignment, JointAssessment, Side, Verdict
from .selectors.assignments import reviewers
from .selectors.matrix import ELIGIBILITY_FILTERS, MATRIX_STATUSES
from .services import REVIEWABLE_STATUSES, CheckInput, ScoreInput

TEXT_MAX = 4000


def _reviewer_label(user) -> str:
    names = {g.name for g in user.groups.all()}
    sides = [str(side.label) for side in Side if side.value in names]
    return f"{user.get_full_name()} ({', '.join(sides)})"


class ScoreForm(forms.Form):
    """One criterion's score and justification. Both empty is allowed in a draft unless `require`."""

    value = forms.IntegerField(required=False)
    justification = forms.CharField(
        required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), strip=True
    )

    def __init__(self, *args, criterion: Criterion, require: bool = False, consensus: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.require = require
        name = criterion.tr("short_name")
        low, high = criterion.scale_min, criterion.scale_max
        value = self.fields["value"]
        value.min_value, value.max_value = low, high
        value.widget.attrs.update({"min": low, "max": high, "step": 1, "inputmode": "numeric"})
        self.scale_message = _("Enter the score as a whole number from %(min)s to %(max)s.") % {"min": low, "max": high}
        value.error_messages = {
            "invalid": self.scale_message,
            "min_value": self.scale_message,
            "max_value": self.scale_message,
            "required": self.scale_message,
        }
        value.validators = [MinValueValidator(low, self.scale_message), MaxValueValidator(high, self.scale_message)]
        if consensus:
            value.label = _("Consensus score for %(criterion)s (%(min)s–%(max)s)") % {
                "criterion": name,
                "min": low,
                "max": high,
            }
            self.fields["justification"].label = _("Joint justification for %(criterion)s") % {"criterion": name}
        else:
            value.label = _("Score for %(criterion)s (%(min)s–%(max)s)") % {"criterion": name, "min": low, "max": high}
            self.fields["justification"].label = _("Justification for %(criterion)s") % {"criterion": name}

    def clean(self):
        data = super().clean()
        value, justification = data.get("value"), data.get("justification")
        if "value" in self.errors:
            return data
        if value is None and not justification:
            if self.require:
                self.add_error("value", self.scale_message)
                self.add_error("justification", _("Write a justification for the score."))
            return data
        if value is None:
            self.add_error("value", self.scale_message)
        elif not justification:
            self.add_error("justification", _("Write a justification for the score."))
        return data

    def as_input(self) -> ScoreInput | None:
        """Return the score to save, or None when the reviewer left it empty."""
        data = self.cleaned_data
        if data.get("value") is None:
            return None
        return ScoreInput(self.criterion, data["value"], data["justification"])


class CheckForm(forms.Form):
    """The reviewer's verdict on one requirement, pre-filled with the portal's suggestion."""

    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect, required=False)
    note = forms.CharField(required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}), strip=True)

    def __init__(self, *args, requirement: Requirement, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirement = requirement
        self.fields["verdict"].label = _("Your verdict on requirement %(n)s") % {"n": number}
        self.fields["note"].label = _("Note on requirement %(n)s") % {"n": number}
        self.fields["note"].help_text = _("Required when the requirement is not met or needs clarification.")

    def clean(self):
        data = super().clean()
        verdict, note = data.get("verdict"), data.get("note")
        if verdict and verdict != Verdict.MET and not note:
            self.add_error("note", _("Explain why the requirement is not met or needs clarification."))
        if note and not verdict:
            self.add_error("verdict", _("Choose met, not met or needs clarification."))
        return data

    def as_input(self) -> CheckInput | None:
        data = self.cleaned_data
        if not data.get("verdict"):
            return None
        return CheckInput(self.requirement, data["verdict"], data.get("note", ""))


class ConflictForm(forms.Form):
    conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest regarding this application?"),
        choices=Assignment.Conflict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you have a conflict of interest.")},
    )
    note = forms.CharField(
        label=_("Describe the conflict of interest"),
        help_text=_("Required if you declare a conflict, e.g. a board seat, a family member or a recent job."),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("conflict") == Assignment.Conflict.DECLARED and not data.get("note", "").strip():
            self.add_error("note", _("Describe the conflict of interest."))
        return data


class JointVerdictForm(forms.Form):
    ELIGIBLE_CHOICES = [("yes", _("Yes, the requirements are met")), ("no", _("No, the requirements are not met"))]

    eligible = forms.ChoiceField(
        label=_("Does the application meet the requirements?"),
        choices=ELIGIBLE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    eligibility_reasons = forms.CharField(
        label=_("Reasons"),
        help_text=_("Required when the requirements are not met."),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation to the minister"),
        choices=JointAssessment.Recommendation.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, joint: JointAssessment | None) -> dict:
        if joint is None:
            return {"version": 0}
        eligible = {True: "yes", False: "no", None: ""}[joint.eligible]
        return {
            "eligible": eligible,
            "eligibility_reasons": joint.eligibility_reasons,
            "recommendation": joint.recommendation,
            "version": joint.version,
        }

    def clean(self):
        data = super().clean()
        if data.get("eligible") == "no" and not data.get("eligibility_reasons", "").strip():
            self.add_error("eligibility_reasons", _("Give the reasons why the requirements are not met."))
        return data

    @property
    def eligible_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("eligible") or "")


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _reviewer_label(obj)


class AssignForm(forms.Form):
    application = forms.ModelChoiceField(label=_("Application"), queryset=Application.objects.none())
    reviewer = ReviewerChoiceField(label=_("Reviewer"), queryset=reviewers())

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, prefix="one", **kwargs)
        field = self.fields["application"]
        field.queryset = (
            Application.objects.filter(call=call, status__in=REVIEWABLE_STATUSES)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        field.label_from_instance = lambda a: a.organisation.name
        self.fields["reviewer"].queryset = reviewers()


class BulkAssignForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Business area"), queryset=BusinessArea.objects.none())
    reviewer = ReviewerChoiceField(label=_("Reviewer"), queryset=reviewers())

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, prefix="bulk", **kwargs)
        self.fields["area"].queryset = BusinessArea.objects.filter(call=call)
        self.fields["area"].label_from_instance = lambda area: area.tr("name")
        self.fields["reviewer"].queryset = reviewers()


class MatrixFilterForm(forms.Form):
    """The matrix's filters, read from the query string (an invalid value is ignored, not an error)."""

    area = forms.ModelChoiceField(label=_("Business area"), queryset=BusinessArea.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    eligibility = forms.ChoiceField(label=_("Requirements"), required=False)

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = BusinessArea.objects.filter(call=call)
        self.fields["area"].label_from_instance = lambda area: area.tr("name")
        self.fields["area"].empty_label = _("All areas")
        self.fields["status"].choices = [("", _("All statuses"))] + [
            (s.value, s.label) for s in Application.Status if s in MATRIX_STATUSES
        ]
        self.fields["eligibility"].choices = [("", _("All")), *ELIGIBILITY_FILTERS.items()]

    def filters(self) -> dict:
        """Return the valid filters as keyword arguments for `review_matrix`."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "area": data.get("area"),
            "status": data.get("status") or "",
            "eligibility": data.get("eligibility") or "",
        }
