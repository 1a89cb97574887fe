"""`|dkfds_field` draws exactly what crispy's `|as_crispy_field` draws with the `dkfds` pack.

Generated forms (hypothesis: every plain field kind, labels and help texts with markup, required,
disabled, errors, error/required CSS classes, both languages), and every field the portal's pages draw
with the filter: on those pages each call is drawn both ways from the same widget state and compared.
"""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import override
from hypothesis import given, settings
from hypothesis import strategies as st

import clusterfund.templatetags.portal as portal_tags
from clusterfund import dkfds_field as module
from clusterfund.dkfds_field import dkfds_field
from tests.fixtures import SECTION_PAGES

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"), max_size=10)
FIELDS = {
    "text": lambda o: forms.CharField(max_length=o["max_length"], **o["common"]),
    "textarea": lambda o: forms.CharField(max_length=o["max_length"], widget=forms.Textarea, **o["common"]),
    "integer": lambda o: forms.IntegerField(**o["common"]),
    "email": lambda o: forms.EmailField(**o["common"]),
    "date": lambda o: forms.DateField(**o["common"]),
    "select": lambda o: forms.ChoiceField(choices=[("a", "A & a"), ("b", "<b>")], **o["common"]),
    "file": lambda o: forms.FileField(**o["common"]),
    "classed": lambda o: forms.CharField(widget=forms.TextInput(attrs={"class": o["class"]}), **o["common"]),
    "described": lambda o: forms.CharField(
        max_length=40, widget=forms.Textarea(attrs={"aria-describedby": "elsewhere"}), **o["common"]
    ),
    # drawn by crispy itself: the filter hands them over
    "checkbox": lambda o: forms.BooleanField(**o["common"]),
    "hidden": lambda o: forms.CharField(widget=forms.HiddenInput, **o["common"]),
    "radio": lambda o: forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, **o["common"]),
}
options = st.fixed_dictionaries(
    {
        "max_length": st.one_of(st.none(), st.integers(1, 5000)),
        "class": st.sampled_from(["", "wide", "textinput extra", "form-input"]),
        "common": st.fixed_dictionaries(
            {
                "label": st.one_of(st.none(), st.just(""), texts),
                "help_text": st.one_of(st.just(""), texts, st.just("Se <a href='/x'>vejledningen</a> & mere")),
                "required": st.booleans(),
                "disabled": st.booleans(),
            }
        ),
    }
)


def form_class(kind: str, opts: dict, error_class: str, required_class: str):
    return type(
        "Generated",
        (forms.Form,),
        {"value": FIELDS[kind](opts), "error_css_class": error_class, "required_css_class": required_class},
    )


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(sorted(FIELDS)),
    opts=options,
    data=st.one_of(st.none(), st.fixed_dictionaries({"value": texts})),
    error_class=st.sampled_from(["", "fejl"]),
    required_class=st.sampled_from(["", "krævet"]),
    language=st.sampled_from(["da", "en"]),
)
def test_generated_fields_match_crispy(kind, opts, data, error_class, required_class, language):
    Form = form_class(kind, opts, error_class, required_class)
    with override(language):
        assert dkfds_field(Form(data)["value"]) == as_crispy_field(Form(data)["value"])


def test_plain_fields_are_drawn_in_python_and_the_rest_by_crispy():
    """Else the comparison above would compare crispy with itself."""
    opts = {
        "max_length": 10,
        "class": "",
        "common": {"label": "L", "help_text": "", "required": True, "disabled": False},
    }
    drawn = {kind: module._drawn_by_crispy(form_class(kind, opts, "", "")()["value"]) for kind in FIELDS}
    assert {kind for kind, by_crispy in drawn.items() if by_crispy} == {"checkbox", "hidden", "radio"}


# --- every field the portal's pages draw with the filter --------------------------------------------


@pytest.fixture
def compared(monkeypatch):
    """Replace the filter by one that draws each field both ways, from the same widget state."""
    seen = {"python": 0, "crispy": 0, "differences": []}

    def both(field):
        widget = field.field.widget
        widget = getattr(widget, "widget", widget)
        before = dict(widget.attrs)
        ours = dkfds_field(field)
        widget.attrs.clear()
        widget.attrs.update(before)
        theirs = as_crispy_field(field)
        seen["crispy" if module._drawn_by_crispy(field) else "python"] += 1
        if ours != theirs:
            seen["differences"].append((field.html_name, ours, theirs))
        return theirs

    monkeypatch.setattr(portal_tags, "dkfds_field", both)
    return seen


def test_section_pages_fields_match_crispy(client, demo_draft, compared):
    applicant, application = demo_draft
    client.force_login(applicant)
    for name in SECTION_PAGES:
        url = reverse(f"applications:{name}", args=[application.pk])
        page = client.get(url).content.decode()
        # and once more with every text field out of bounds: errors drawn, values kept
        data = {field: "x" * 6000 for field in re.findall(r'<(?:input|textarea)[^>]* name="([^"]+)"', page)}
        data["version"] = (re.search(r'name="version" value="(\d+)"', page) or re.search("()", "")).group(1)
        data.pop("csrfmiddlewaretoken", None)
        assert client.post(url, data).status_code in {200, 405, 422}, url  # 405: a page of links only
    organisation_url = reverse("applications:organisation_edit", args=[application.organisation_id])
    assert client.get(organisation_url).status_code == 200
    assert compared["python"] > 20
    assert compared["differences"] == []


def test_staff_pages_fields_match_crispy(client, demo, compared):
    client.force_login(get_user_model().objects.get(email="admin@klyngeportalen.example"))
    for url in (reverse("staff_users"), reverse("staff_audit_log")):
        assert client.get(url).status_code == 200
    assert compared["python"] > 3
    assert compared["differences"] == []


def test_review_pages_fields_match_crispy(client, demo, compared, make_user):
    """The matrix's filters and score cells, a reviewer's own open review and the joint assessment."""
    from applications.models import Application
    from clusterfund.roles import Role
    from review.models import Assignment
    from review.services import assignment_create, conflict_declare

    secretariat = get_user_model().objects.get(email="sekretariat@klyngeportalen.example")
    reviewer = make_user(Role.SECRETARIAT)
    reviewed = Application.objects.filter(status=Application.Status.SUBMITTED).select_related("call").first()
    assignment = assignment_create(application=reviewed, reviewer=reviewer, by=secretariat)
    conflict_declare(assignment=assignment, by=reviewer, conflict=Assignment.Conflict.NONE)
    client.force_login(reviewer)
    urls = [
        reverse("review:matrix", args=[reviewed.call.slug]),
        reverse("review:review", args=[reviewed.pk]),
        reverse("review:score_cell", args=[reviewed.pk, reviewed.call.criteria.first().pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [200] * len(urls)
    # the joint assessment of an application both sides have reviewed, as the secretariat
    client.force_login(secretariat)
    both_reviewed = Assignment.objects.filter(application__call=demo, reviewer=secretariat).first().application
    assert client.get(reverse("review:joint", args=[both_reviewed.pk])).status_code == 200
    assert compared["python"] > 10
    assert compared["differences"] == []
