"""The `dkfds` crispy-forms template pack: every field type renders with DKFDS classes and wired ARIA.

Each form is rendered through `|crispy`, through `{% crispy %}` without a layout and through
`{% crispy %}` with a layout, both unbound and bound with errors, and the HTML is checked
structurally: label `for` ids, hint and error ids in `aria-describedby`, `aria-invalid`, the
required marker and the error summary's links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.template import Context, Template

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        """Return the text of this node and its descendants, whitespace collapsed."""
        parts = list(self.text_parts)
        for child in self.children:
            parts.append(child.text)
        return " ".join(" ".join(parts).split())

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text_parts.append(data)


class Doc:
    """A parsed HTML fragment with the few queries these tests need."""

    def __init__(self, html: str):
        builder = _TreeBuilder()
        builder.feed(html)
        builder.close()
        self.html = html
        self.root = builder.root
        self.nodes = list(self.root.iter())[1:]

    def all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Node]:
        found = []
        for node in self.nodes:
            if tag and node.tag != tag:
                continue
            if cls and cls not in node.classes:
                continue
            if any(node.attrs.get(name.replace("_", "-")) != value for name, value in attrs.items()):
                continue
            found.append(node)
        return found

    def by_id(self, element_id: str) -> Node:
        matches = [node for node in self.nodes if node.attrs.get("id") == element_id]
        assert len(matches) == 1, f"expected one element with id {element_id!r}, found {len(matches)}"
        return matches[0]

    def control(self, name: str) -> list[Node]:
        controls = (node for node in self.nodes if node.tag in {"input", "select", "textarea"})
        return [node for node in controls if node.attrs.get("name") == name]


CHOICES = [("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")]


class KitchenSinkForm(forms.Form):
    """One field of every kind the portal's forms use."""

    text = forms.CharField(label="Organisation name", help_text="As registered in CVR.")
    email = forms.EmailField(label="E-mail", required=False)
    number = forms.IntegerField(label="Employees", min_value=0)
    password = forms.CharField(label="Password", widget=forms.PasswordInput)
    url = forms.URLField(label="Website", assume_scheme="https")
    date = forms.DateField(label="Founded", widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label="Summary", widget=forms.Textarea, max_length=500, help_text="Briefly.")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    area = forms.ChoiceField(label="Area", choices=[("", "Choose"), *CHOICES])
    consent = forms.BooleanField(label="I confirm the information", help_text="Required to submit.")
    activities = forms.MultipleChoiceField(
        label="Activities", choices=CHOICES, widget=forms.CheckboxSelectMultiple, help_text="Tick all that apply."
    )
    size = forms.ChoiceField(label="Size", choices=CHOICES, widget=forms.RadioSelect)
    attachment = forms.FileField(label="Attachment")
    token = forms.CharField(widget=forms.HiddenInput, required=False)


FIELDS = [name for name, f in KitchenSinkForm.base_fields.items() if not f.widget.is_hidden]
REQUIRED = {name for name, f in KitchenSinkForm.base_fields.items() if f.required and not f.widget.is_hidden}
TEXT_LIKE = {"text": "text", "email": "email", "number": "number", "password": "password", "url": "url", "date": "date"}
GROUPS = {"activities": "checkbox", "size": "radio"}
INVALID_DATA = {"number": "-3", "url": "not a url", "size": "zzz", "email": "nope", "summary": "x" * 501}


def _render_filter(form) -> str:
    return Template("{% load crispy_forms_tags %}<form method='post'>{{ form|crispy }}</form>").render(
        Context({"form": form})
    )


def _render_tag(form) -> str:
    form.helper = FormHelper()
    form.helper.add_input(Submit("save", "Save"))
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def _render_layout(form) -> str:
    form.helper = FormHelper()
    form.helper.layout = Layout(
        Fieldset("About the organisation", Row(Column("text"), Column("email")), "number", "password", "url", "date"),
        Fieldset("The application", "summary", "notes", "area", "consent", "activities", "size", "attachment"),
        "token",
    )
    form.helper.add_input(Submit("save", "Save"))
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


RENDERERS = {"filter": _render_filter, "tag": _render_tag, "layout": _render_layout}


def _bound_form() -> KitchenSinkForm:
    form = KitchenSinkForm(data=INVALID_DATA)
    assert not form.is_valid()
    return form


@pytest.fixture(params=sorted(RENDERERS))
def render(request):
    return RENDERERS[request.param]


def test_forms_render_every_label_points_at_its_control(render):
    doc = Doc(render(KitchenSinkForm()))
    for name in FIELDS:
        controls = doc.control(name)
        assert controls, f"{name} has no control"
        for control in controls:
            labels = doc.all("label", **{"for": control.attrs["id"]})
            assert len(labels) == 1, f"{name}: control {control.attrs['id']} has {len(labels)} labels"
            assert "form-label" in labels[0].classes


def test_forms_render_ids_are_unique(render):
    doc = Doc(render(_bound_form()))
    ids = [node.attrs["id"] for node in doc.nodes if node.attrs.get("id")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_forms_render_dkfds_classes(render):
    doc = Doc(render(KitchenSinkForm()))
    for name, input_type in TEXT_LIKE.items():
        (control,) = doc.control(name)
        assert control.tag == "input"
        assert control.attrs["type"] == input_type
        assert "form-input" in control.classes
    for name in ("summary", "notes"):
        (control,) = doc.control(name)
        assert control.tag == "textarea"
        assert "form-input" in control.classes
    (select,) = doc.control("area")
    assert select.tag == "select"
    assert "form-select" in select.classes
    (consent,) = doc.control("consent")
    assert consent.attrs["type"] == "checkbox"
    assert "form-checkbox" in consent.classes
    assert "form-group-checkbox" in consent.parent.classes
    for name, kind in GROUPS.items():
        options = doc.control(name)
        assert len(options) == len(CHOICES)
        for option in options:
            assert option.attrs["type"] == kind
            assert f"form-{kind}" in option.classes
            assert f"form-group-{kind}" in option.parent.classes
    (attachment,) = doc.control("attachment")
    assert attachment.attrs["type"] == "file"
    for name in FIELDS:
        wrapper = doc.by_id(f"div_id_{name}")
        assert "form-group" in wrapper.classes


def test_forms_render_groups_are_fieldsets_with_legends(render):
    doc = Doc(render(_bound_form()))
    for name in GROUPS:
        first = doc.by_id(f"id_{name}_0")
        fieldset = next(node for node in first.ancestors() if node.tag == "fieldset")
        legends = [child for child in fieldset.children if child.tag == "legend"]
        assert len(legends) == 1
        assert "form-label" in legends[0].classes
        described = fieldset.attrs.get("aria-describedby", "").split()
        assert f"id_{name}_error" in described
        for element_id in described:
            doc.by_id(element_id)
    activities = doc.by_id("id_activities_0")
    fieldset = next(node for node in activities.ancestors() if node.tag == "fieldset")
    assert "id_activities_helptext" in fieldset.attrs["aria-describedby"].split()


def test_forms_render_unbound_has_no_errors(render):
    doc = Doc(render(KitchenSinkForm()))
    assert not doc.all(cls="form-error")
    assert not doc.all(cls="form-error-message")
    assert not doc.all(data_module="error-summary")
    assert not [node for node in doc.nodes if "aria-invalid" in node.attrs]


def test_forms_render_hints_are_described(render):
    doc = Doc(render(KitchenSinkForm()))
    for name in ("text", "summary", "consent"):
        hint = doc.by_id(f"id_{name}_helptext")
        assert "form-hint" in hint.classes
        (control,) = doc.control(name)
        assert f"id_{name}_helptext" in control.attrs.get("aria-describedby", "").split()
    (email,) = doc.control("email")
    assert "aria-describedby" not in email.attrs


def test_forms_render_errors_are_described_and_invalid(render):
    form = _bound_form()
    doc = Doc(render(form))
    errored = [name for name in FIELDS if form[name].errors]
    assert set(errored) >= {"text", "number", "url", "size", "email", "summary", "consent", "attachment"}
    for name in errored:
        wrapper = doc.by_id(f"div_id_{name}")
        assert "form-error" in wrapper.classes
        message = doc.by_id(f"id_{name}_error")
        assert "form-error-message" in message.classes
        assert form[name].errors[0] in message.text
        for control in doc.control(name):
            assert control.attrs.get("aria-invalid") == "true", name
            if name not in GROUPS:
                described = control.attrs.get("aria-describedby", "").split()
                assert f"id_{name}_error" in described, name
                for element_id in described:
                    doc.by_id(element_id)
    for name in set(FIELDS) - set(errored):
        for control in doc.control(name):
            assert "aria-invalid" not in control.attrs, name


def test_forms_render_error_summary_links_to_each_field(render):
    form = _bound_form()
    doc = Doc(render(form))
    (summary,) = doc.all(data_module="error-summary")
    assert {"alert", "alert-error"} <= summary.classes
    assert summary.attrs.get("role") == "alert"
    assert summary.attrs.get("tabindex") == "-1"
    hrefs = [node.attrs["href"] for node in summary.iter() if node.tag == "a"]
    errored = [name for name in FIELDS if form[name].errors]
    assert len(hrefs) == sum(len(form[name].errors) for name in errored)
    for href in hrefs:
        assert href.startswith("#")
        target = doc.by_id(href[1:])
        assert target.tag in {"input", "select", "textarea"}
    assert "#id_size_0" in hrefs
    assert "#id_text" in hrefs


def test_forms_render_non_field_errors_in_summary():
    class PairForm(forms.Form):
        first = forms.CharField(label="First")

        def clean(self):
            raise forms.ValidationError("The pair does not match.")

    doc = Doc(_render_filter(PairForm(data={"first": "x"})))
    (summary,) = doc.all(data_module="error-summary")
    assert "The pair does not match." in summary.text
    assert not doc.all("a")


def test_forms_render_required_marker(render):
    doc = Doc(render(KitchenSinkForm()))
    for name in FIELDS:
        wrapper = doc.by_id(f"div_id_{name}")
        marked = [node for node in wrapper.iter() if "portal-required" in node.classes]
        if name in REQUIRED:
            assert len(marked) == 1, name
            assert marked[0].text == "(*skal udfyldes)"  # Danish is the default language
        else:
            assert not marked, name
    (text,) = doc.control("text")
    assert "required" in text.attrs


def test_forms_render_character_limit_on_long_textarea(render):
    doc = Doc(render(KitchenSinkForm()))
    wrapper = doc.by_id("div_id_summary")
    assert "data-portal-limit" in wrapper.attrs
    assert wrapper.attrs["data-maxlength"] == "500"
    for key in ("data-text-remaining", "data-text-remaining-one", "data-text-too-many", "data-text-too-many-one"):
        assert "{value}" in wrapper.attrs[key]
    (summary,) = doc.control("summary")
    described = summary.attrs["aria-describedby"].split()
    assert described == ["id_summary_helptext", "id_summary-limit-message"]
    assert "sr-only" in doc.by_id("id_summary-limit-message").classes
    assert [node for node in wrapper.iter() if "character-limit" in node.classes]
    assert [node for node in wrapper.iter() if "character-limit-sr-only" in node.classes]
    notes = doc.by_id("div_id_notes")
    assert "data-portal-limit" not in notes.attrs


def test_forms_render_character_limit_keeps_error_ids(render):
    doc = Doc(render(_bound_form()))
    (summary,) = doc.control("summary")
    assert summary.attrs["aria-describedby"].split() == [
        "id_summary_helptext",
        "id_summary_error",
        "id_summary-limit-message",
    ]


@pytest.mark.parametrize("renderer", ["tag", "layout"])
def test_forms_render_tag_wraps_form_with_submit(renderer):
    doc = Doc(RENDERERS[renderer](KitchenSinkForm()))
    (form,) = doc.all("form")
    assert form.attrs["method"] == "post"
    assert form.attrs["enctype"] == "multipart/form-data"
    assert doc.all("input", name="csrfmiddlewaretoken") or "csrf" not in doc.html
    (button,) = doc.all("button", type="submit")
    assert {"button", "button-primary"} <= button.classes
    assert button.text == "Save"


def test_forms_render_layout_fieldsets_have_legends():
    doc = Doc(_render_layout(KitchenSinkForm()))
    legends = [node.text for node in doc.all("legend") if "h3" in node.classes]
    assert legends == ["About the organisation", "The application"]
    assert doc.all("div", cls="row")


def test_forms_render_hidden_labels_stay_for_screen_readers():
    form = KitchenSinkForm()
    form.helper = FormHelper()
    form.helper.form_show_labels = False
    doc = Doc(Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form})))
    (label,) = doc.all("label", **{"for": "id_text"})
    assert "sr-only" in label.classes


def test_forms_render_formset_table():
    formset_class = forms.formset_factory(KitchenSinkForm, extra=2)
    formset = formset_class(prefix="rows")
    helper = FormHelper()
    helper.template = "dkfds/table_inline_formset.html"
    doc = Doc(
        Template("{% load crispy_forms_tags %}{% crispy formset helper %}").render(
            Context({"formset": formset, "helper": helper})
        )
    )
    (table,) = doc.all("table")
    assert "table" in table.classes
    headers = [node.text for node in doc.all("th")]
    assert headers[0].startswith("Organisation name")
    (control,) = doc.control("rows-0-text")
    (label,) = doc.all("label", **{"for": control.attrs["id"]})
    assert "sr-only" in label.classes
    assert doc.control("rows-TOTAL_FORMS")
