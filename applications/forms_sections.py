"""Forms and formsets of the requirements, criteria and attachments sections.

Lists of rows (board members, locations) are plain formsets whose save replaces the whole list: HTMX
autosave posts the same rows again and again while the page stays put, so the save must be idempotent
(a model formset would create a blank "extra" row anew on every autosave).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.formsets import BaseFormSet
from django.utils.formats import number_format
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clusterfund import formsets
from clusterfund.fields import DateField, IntegerField, KronerField, SignedKronerField

from .models import Application, Attachment, BoardMember, Location, Region
from .requirements import ALL_ATTACHMENT_KINDS, ALL_EVIDENCE_FIELDS, evidence_fields_of

# An applicant's own words on how they meet one requirement; long enough for a page, short enough to read.
REQUIREMENT_MAX_CHARS = 5000

# Evidence files (one of each kind: a new upload replaces it) are the kinds the requirement registry names.
SINGLE_FILE_KINDS = ALL_ATTACHMENT_KINDS
# What the upload view accepts; letters of intent belong to a partner and are uploaded with the partner.
UPLOAD_KINDS = (*sorted(SINGLE_FILE_KINDS), Attachment.Kind.OTHER)


def _label(name: str) -> str:
    """Return the model field's verbose name as a form label (capitalised, still translated lazily)."""
    return capfirst(Application._meta.get_field(name).verbose_name)


def _count(n: int) -> str:
    return number_format(n, force_grouping=True)


class LimitedTextField(forms.CharField):
    """A textarea with a character limit that the server checks and DKFDS's character limit shows live.

    The limit is not put on the textarea as `maxlength`: a browser would silently cut a pasted text,
    while DKFDS shows "n characters too many" and lets the applicant decide what to shorten.
    Line breaks count as one character, as the live counter counts them (browsers send CR LF).
    """

    def __init__(self, *, max_chars: int, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 10}))
        super().__init__(max_length=max_chars, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.max_length:
            raise ValidationError(
                _(
                    "The text has %(count)s characters; the limit is %(limit)s. "
                    "Shorten it by %(over)s characters (nothing has been saved)."
                ),
                code="max_length",
                params={
                    "count": _count(len(value)),
                    "limit": _count(self.max_length),
                    "over": _count(len(value) - self.max_length),
                },
            )


# --- requirements -------------------------------------------------------------------------------


class RequirementAnswersForm(forms.Form):
    """One text per requirement of the call: how the applicant meets it (field `requirement_<pk>`)."""

    def __init__(self, data=None, *, requirements, texts: dict[int, str]):
        super().__init__(data)
        self.requirements = list(requirements)
        for number, requirement in enumerate(self.requirements, start=1):
            self.fields[f"requirement_{requirement.pk}"] = LimitedTextField(
                max_chars=REQUIREMENT_MAX_CHARS,
                label=_("How you meet requirement %(n)s") % {"n": number},
                initial=texts.get(requirement.pk, ""),
                widget=forms.Textarea(attrs={"rows": 6}),
            )

    def rows(self) -> list[tuple]:
        """Return (requirement, bound field) per requirement, in the call's order."""
        return [(r, self[f"requirement_{r.pk}"]) for r in self.requirements]

    def texts(self) -> dict:
        """Return {requirement: cleaned text} (call after is_valid)."""
        return {r: self.cleaned_data[f"requirement_{r.pk}"] for r in self.requirements}


class EvidenceForm(forms.ModelForm):
    """The requirement evidence kept on the application; only the fields the call's requirements ask for."""

    equity = SignedKronerField(
        label=_label("equity"),
        required=False,
        help_text=_("Whole kroner, e.g. 1.250.000. Write a minus sign if the equity is negative."),
    )
    turnover = KronerField(
        label=_label("turnover"),
        required=False,
        help_text=_("Whole kroner, e.g. 15.000.000."),
    )
    staff_count = IntegerField(label=_label("staff_count"), required=False, min_value=0, max_value=100_000)
    gold_status = forms.ChoiceField(
        label=_label("gold_status"),
        choices=Application.GoldStatus.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    vg_listing_url = forms.URLField(
        label=_label("vg_listing_url"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For example https://virksomhedsguiden.dk/..."),
    )

    class Meta:
        model = Application
        fields = list(ALL_EVIDENCE_FIELDS)
        field_classes = dict.fromkeys(("gold_awarded_on", "gold_expires_on", "gold_target_date"), DateField)
        widgets = {
            "gold_awarded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "gold_expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "gold_target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, codes: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        wanted = evidence_fields_of(codes)
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        awarded, expires = data.get("gold_awarded_on"), data.get("gold_expires_on")
        if awarded and expires and expires <= awarded:
            # The database refuses it too (gold_label_expires_after_award); say it in the applicant's terms.
            self.add_error(
                "gold_expires_on",
                _("The expiry date must be after the date the gold label was awarded."),
            )
        return data

    def changes(self) -> dict:
        """Return {field name: cleaned value} for every evidence field on the form (call after is_valid)."""
        return {name: self.cleaned_data.get(name) for name in self.fields}


def _blank_choice(choices) -> list[tuple[str, str]]:
    # A blank first choice: an untouched extra row must post nothing, or it would count as filled in.
    return [("", "---------"), *choices]


class BoardMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    affiliation = forms.ChoiceField(label=_("Comes from"), choices=_blank_choice(BoardMember.Affiliation.choices))
    employer = forms.CharField(label=_("Organisation (employer)"), max_length=200, required=False)


class RowsFormSet(BaseFormSet):
    """A formset edited as a whole list: `rows()` returns the kept rows, blank extra rows and deleted ones left out."""

    row_label = _("Row")

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this row when saving")

    def rows(self) -> list[dict]:
        kept = []
        for form in self.forms:
            if not form.has_changed() and form.empty_permitted:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            kept.append({name: value for name, value in form.cleaned_data.items() if name != "DELETE"})
        return kept


class BoardFormSetBase(RowsFormSet):
    row_label = _("Board member")


BoardFormSet = formsets.formset_factory(
    BoardMemberForm,
    formset=BoardFormSetBase,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=40,
    validate_max=True,
)


# --- criteria -----------------------------------------------------------------------------------


class CriteriaForm(forms.Form):
    """One text per criterion of the call (field `criterion_<pk>`), each within the criterion's limit."""

    def __init__(self, data=None, *, criteria, texts: dict[int, str]):
        super().__init__(data)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            description = criterion.tr("description")
            hint = format_html(
                "{}<p>{}</p>",
                # linebreaks escapes the configured text itself; mark_safe keeps format_html from escaping twice.
                mark_safe(linebreaks(description, autoescape=True)) if description else "",  # noqa: S308
                _("Weight in the assessment: %(weight)s %%. At most %(limit)s characters.")
                % {"weight": criterion.weight, "limit": _count(criterion.max_chars)},
            )
            self.fields[f"criterion_{criterion.pk}"] = LimitedTextField(
                max_chars=criterion.max_chars,
                label=_("Your text on: %(criterion)s") % {"criterion": criterion.tr("name")},
                help_text=hint,
                initial=texts.get(criterion.pk, ""),
                widget=forms.Textarea(attrs={"rows": 14}),
            )

    def rows(self) -> list[tuple]:
        """Return (criterion, bound field) per criterion, in the call's order."""
        return [(c, self[f"criterion_{c.pk}"]) for c in self.criteria]

    def texts(self) -> dict:
        """Return {criterion: cleaned text} (call after is_valid)."""
        return {c: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class LocationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank_choice(Location.Kind.choices))
    city = forms.CharField(label=_("City"), max_length=100)
    region = forms.ChoiceField(label=_("Region"), choices=_blank_choice(Region.choices))
    host = forms.CharField(
        label=_("Co-located with"),
        max_length=200,
        required=False,
        help_text=_("For a co-location: the actor you share premises with."),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Location.Kind.CO_LOCATION and not data.get("host"):
            self.add_error("host", _("Name the actor you are co-located with."))
        return data


class LocationFormSetBase(RowsFormSet):
    row_label = _("Location")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        headquarters = [row for row in self.rows() if row["kind"] == Location.Kind.HEADQUARTERS]
        if len(headquarters) > 1:
            raise ValidationError(_("An organisation has one headquarters; list the others as branches."))


LocationFormSet = formsets.formset_factory(
    LocationForm,
    formset=LocationFormSetBase,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=60,
    validate_max=True,
)


# --- attachments ------------------------------------------------------------------------------


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind, Attachment.Kind(kind).label) for kind in UPLOAD_KINDS])
    file = forms.FileField(
        label=_("PDF file"),
        error_messages={
            "required": _("Choose a PDF file to upload."),
            "empty": _("The file is empty."),
        },
    )


# --- the error summary ------------------------------------------------------------------------


def _form_errors(form, label_prefix: str = "") -> list[dict]:
    items = [{"message": error, "anchor": ""} for error in form.non_field_errors()]
    for field in form.visible_fields():
        anchor = f"{field.auto_id}_0" if isinstance(field.field.widget, forms.RadioSelect) else field.id_for_label
        label = f"{label_prefix}: {field.label}" if label_prefix else field.label
        items.extend({"label": label, "message": error, "anchor": anchor} for error in field.errors)
    return items


def error_summary(forms_by_name: dict) -> list[dict]:
    """Return every error of the page's forms and formsets as {label, message, anchor}, in page order."""
    items: list[dict] = []
    for form in forms_by_name.values():
        if not form.is_bound:
            continue
        if isinstance(form, BaseFormSet):
            items.extend({"message": error, "anchor": form.prefix} for error in form.non_form_errors())
            for number, row in enumerate(form.forms, start=1):
                if form.can_delete and form._should_delete_form(row):
                    continue  # a row marked for removal is not validated by the formset either
                items.extend(_form_errors(row, f"{form.row_label} {number}"))
        else:
            items.extend(_form_errors(form))
    return items
