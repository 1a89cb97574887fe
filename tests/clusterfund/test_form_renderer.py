"""The portal's form renderer writes `<input>`, `<textarea>` and `<select>` exactly as Django's templates do.

Two ways: generated widgets, values and attributes (hypothesis), each rendered by Django's template
renderer and by `PortalFormRenderer` and compared character for character; and the portal's own pages with
forms (the applicant's seven section pages, with and without errors, and staff pages), fetched once with
each renderer as the setting and compared byte for byte.
"""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterfund.form_renderer import INPUT_TEMPLATES, PortalFormRenderer
from tests.fixtures import SECTION_PAGES

DJANGO, PORTAL = DjangoTemplates(), PortalFormRenderer()

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
attr_values = st.one_of(
    texts,
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    texts.map(mark_safe),
    st.just(gettext_lazy("Save")),
    st.tuples(st.integers(), st.integers()),
)
attr_names = st.sampled_from(
    ["class", "id", "placeholder", "maxlength", "required", "disabled", "data-x", "aria-describedby"]
)
attrs = st.dictionaries(attr_names, attr_values, max_size=4)
values = st.one_of(
    st.none(),
    texts,
    texts.map(mark_safe),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.dates(),
    st.just(gettext_lazy("Save")),
)
choices = st.lists(st.tuples(st.one_of(texts, st.integers(), st.none()), st.one_of(texts, st.integers())), max_size=4)
grouped = st.lists(st.tuples(texts, choices), max_size=2)
input_widgets = st.sampled_from(
    [
        forms.TextInput,
        forms.NumberInput,
        forms.EmailInput,
        forms.URLInput,
        forms.PasswordInput,
        forms.HiddenInput,
        forms.DateInput,
        forms.DateTimeInput,
        forms.TimeInput,
        forms.CheckboxInput,
        forms.FileInput,
        forms.Textarea,
    ]
)


def both(widget, name, value, extra=None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=extra, renderer=DJANGO),
        widget.render(name, value, attrs=extra, renderer=PORTAL),
    )


@settings(max_examples=300, deadline=None)
@given(kind=input_widgets, own=attrs, extra=attrs, name=texts, value=values, language=st.sampled_from(["da", "en"]))
def test_inputs_and_textareas_match_djangos_templates(kind, own, extra, name, value, language):
    with override(language):
        django_html, portal_html = both(kind(attrs=own), name, value, extra)
    assert portal_html == django_html


@settings(max_examples=200, deadline=None)
@given(own=attrs, name=texts, flat=choices, groups=grouped, value=values, multiple=st.booleans())
def test_selects_match_djangos_templates(own, name, flat, groups, value, multiple):
    kind = forms.SelectMultiple if multiple else forms.Select
    widget = kind(attrs=own, choices=[*flat, *groups])
    django_html, portal_html = both(widget, name, [value] if multiple else value)
    assert portal_html == django_html


def test_the_python_drawing_is_used_for_the_widgets_it_names():
    """The renderer really takes these over (else the comparison above compares the engine with itself)."""
    assert set(PORTAL._python) == {
        *INPUT_TEMPLATES,
        "django/forms/widgets/textarea.html",
        "django/forms/widgets/select.html",
    }
    template_free = PortalFormRenderer()
    template_free.get_template = lambda name: pytest.fail(f"{name} went through the template engine")
    template_free._python = PORTAL._python  # found once above; nothing else may reach the engine
    html = forms.TextInput().render("navn", "Ø<&>", renderer=template_free)
    assert html == '<input type="text" name="navn" value="Ø&lt;&amp;&gt;">'
    assert forms.Select(choices=[(1, "en")]).render("n", 1, renderer=template_free).startswith("<select")


def test_other_widgets_go_to_the_template_engine():
    """A radio list or a clearable file input is drawn by Django's template, unchanged."""
    for widget, value in (
        (forms.RadioSelect(choices=[("a", "A"), ("b", "B")]), "a"),
        (forms.ClearableFileInput(), None),
    ):
        django_html, portal_html = both(widget, "felt", value)
        assert portal_html == django_html


def test_an_overridden_widget_template_keeps_its_override(tmp_path, monkeypatch):
    """If the engine finds another file than Django's for a template, that template is not taken over."""
    renderer = PortalFormRenderer()
    djangos = renderer.get_template("django/forms/widgets/text.html")

    class Elsewhere:
        origin = type("Origin", (), {"name": str(tmp_path / "text.html")})()

    monkeypatch.setattr(
        renderer, "get_template", lambda name: Elsewhere if name.endswith("text.html") else DJANGO.get_template(name)
    )
    assert "django/forms/widgets/text.html" not in renderer._python
    assert "django/forms/widgets/textarea.html" in renderer._python
    assert djangos.origin.name.endswith("django/forms/templates/django/forms/widgets/text.html")


def test_the_portal_renders_forms_with_it():
    assert isinstance(get_default_renderer(), PortalFormRenderer)


# --- the portal's pages, once with each renderer -------------------------------------------------------

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": ?)"[^"]+"')


def pages_with(renderer_path: str, settings_, fetch) -> list[str]:
    settings_.FORM_RENDERER = renderer_path
    get_default_renderer.cache_clear()
    try:
        return [CSRF.sub(r'\1"…"', html) for html in fetch()]
    finally:
        get_default_renderer.cache_clear()


def test_section_pages_are_byte_identical_with_either_renderer(client, demo_draft, settings):
    applicant, application = demo_draft
    client.force_login(applicant)
    urls = [reverse(f"applications:{name}", args=[application.pk]) for name in SECTION_PAGES]

    def fetch():
        pages = []
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            pages.append(response.content.decode())
            # A save with out-of-range input: the page again, with errors and the typed values kept.
            page = response.content.decode()
            data = {
                name: "x" * 5 + "\x00"
                for name in re.findall(r'<(?:input|textarea)[^>]* name="([^"]+)"', page)
                if name not in {"csrfmiddlewaretoken", "version"}
            }
            version = re.search(r'name="version" value="(\d+)"', page)
            data["version"] = version.group(1) if version else ""
            pages.append(client.post(url, data).content.decode())
        return pages

    django_pages = pages_with("django.forms.renderers.DjangoTemplates", settings, fetch)
    portal_pages = pages_with("clusterfund.form_renderer.PortalFormRenderer", settings, fetch)
    assert len(portal_pages) == 2 * len(SECTION_PAGES)
    assert any("<textarea" in page for page in portal_pages) and any("<select" in page for page in portal_pages)
    for url, django_html, portal_html in zip(
        [u for u in urls for _ in (1, 2)], django_pages, portal_pages, strict=True
    ):
        assert portal_html == django_html, url


SECRETARIAT, ADMINISTRATOR = "sekretariat@klyngeportalen.example", "admin@klyngeportalen.example"
STAFF_PAGES = [(SECRETARIAT, "review:queue"), (SECRETARIAT, "staff_audit_log")] + [
    (ADMINISTRATOR, name) for name in ("staff_users", "staff_user_create", "applications:call_admin_create")
]
CALL_PAGES = ["edit", "areas", "requirements", "criteria", "activity_types", "milestones"]


def test_staff_pages_are_byte_identical_with_either_renderer(client, demo, settings):
    from django.contrib.auth import get_user_model

    pages = [(email, reverse(name)) for email, name in STAFF_PAGES]
    pages += [(ADMINISTRATOR, reverse(f"applications:call_admin_{page}", args=[demo.slug])) for page in CALL_PAGES]
    urls = [url for _email, url in pages]

    def fetch():
        html = []
        for email, url in pages:
            client.force_login(get_user_model().objects.get(email=email))
            response = client.get(url)
            assert response.status_code == 200, url
            html.append(response.content.decode())
        return html

    django_pages = pages_with("django.forms.renderers.DjangoTemplates", settings, fetch)
    portal_pages = pages_with("clusterfund.form_renderer.PortalFormRenderer", settings, fetch)
    for url, django_html, portal_html in zip(urls, django_pages, portal_pages, strict=True):
        assert portal_html == django_html, url
