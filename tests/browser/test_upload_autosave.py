"""No text lost around uploads: an upload reloads the page, so the text typed in the section is saved
first, and when that save fails the upload waits, the applicant is told, and the text stays in the form."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Attachment, RequirementAnswer
from tests.factories.applications import ApplicationFactory, open_call_with_parts
from tests.factories.clusterfund import UserFactory

from .conftest import log_in
from .journey import PASSWORD, visit
from .pdfs import write_pdf

pytestmark = pytest.mark.browser

HELD = "Filen er ikke uploadet endnu: Det, du har skrevet, kunne ikke gemmes først"
TEXT = "Klyngen er en forening med vedtægter fra 2015 og en bestyrelse på syv."


@pytest.fixture
def draft(roles):
    call = open_call_with_parts()
    applicant = UserFactory(
        roles=["applicant"], email="anna@klynge.example", full_name="Anna Andersen", password=PASSWORD
    )
    application = ApplicationFactory(call=call, created_by=applicant, business_area=call.areas.first())
    application.organisation.members.add(applicant)
    return application, applicant, call.requirements.get(code="legal_entity")


def watch_uploads(page) -> list:
    """Return a list that collects every upload the page sends."""
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/bilag/upload/" in request.url else None)
    return sent


def is_autosave(request, path: str) -> bool:
    return request.method == "POST" and urlparse(request.url).path == path and request.headers.get("hx-request")


def test_upload_waits_while_the_autosave_fails_and_goes_ahead_once_it_succeeds(page, live_server, draft, tmp_path):
    application, applicant, requirement = draft
    path = reverse("applications:section_requirements", args=[application.pk])
    field = page.locator(f"#id_requirement_{requirement.pk}")
    uploads = watch_uploads(page)
    log_in(page, applicant.email, PASSWORD)
    page.goto(path)

    def fail_autosave(route):
        if is_autosave(route.request, path):
            route.fulfill(status=500, content_type="text/html", body="<h1>Server Error (500)</h1>")
        else:
            route.continue_()

    page.route(f"**{path}", fail_autosave)
    with page.expect_response(lambda r: is_autosave(r.request, path) and r.status == 500):
        field.fill(TEXT)  # the section's own autosave fails too
    box = page.locator("#evidence-statutes")
    box.locator("input[type=file]").set_input_files(str(write_pdf(tmp_path, "Vedtaegter.pdf", "Vedtaegter")))
    with (
        page.expect_response(lambda r: is_autosave(r.request, path) and not r.request.headers.get("hx-target")),
        page.expect_response(lambda r: is_autosave(r.request, path) and r.request.headers.get("hx-target")),
    ):
        # the save before the upload, and htmx's own autosave on leaving the field: both fail
        box.locator("button[form='upload-statutes']:not([formaction])").click()

    held = box.locator(".portal-upload-held[role=alert]")
    expect(held).to_contain_text(HELD)
    expect(held).to_contain_text("Tryk på Upload igen om lidt")
    expect(field).to_have_value(TEXT)
    assert uploads == []
    assert not Attachment.objects.filter(application=application).exists()
    assert not RequirementAnswer.objects.filter(application=application, text=TEXT).exists()
    # The failures the route made: Chromium and htmx report each failed request in the console.
    page.wait_for_timeout(300)
    problems = page.console_watch.take()
    assert problems and all("500" in problem for problem in problems), problems
    visit(page, "requirements, upload held after a failed autosave")

    page.unroute(f"**{path}")
    with page.expect_navigation():
        box.locator("button[form='upload-statutes']:not([formaction])").click()
    expect(page.locator("#evidence-statutes a", has_text="Vedtaegter.pdf")).to_be_visible()
    expect(page.locator(f"#id_requirement_{requirement.pk}")).to_have_value(TEXT)
    expect(page.locator(".portal-upload-held")).to_have_count(0)
    assert len(uploads) == 1
    assert RequirementAnswer.objects.get(application=application, requirement=requirement).text == TEXT
    assert Attachment.objects.filter(application=application, kind=Attachment.Kind.STATUTES).count() == 1
    visit(page, "requirements after the held upload went ahead")

    # Remove goes through the same save first, then posts to its own formaction (not to the upload).
    with page.expect_navigation():
        page.locator("#evidence-statutes button[formaction]").click()
    expect(page.locator("#evidence-statutes a", has_text="Vedtaegter.pdf")).to_have_count(0)
    assert not Attachment.objects.filter(application=application).exists()
    assert len(uploads) == 1


def test_upload_waits_when_the_session_expired_and_says_so(page, live_server, draft, tmp_path):
    application, applicant, requirement = draft
    path = reverse("applications:section_requirements", args=[application.pk])
    uploads = watch_uploads(page)
    log_in(page, applicant.email, PASSWORD)
    page.goto(path)
    page.context.clear_cookies(name="sessionid")  # the session ends while the applicant types

    field = page.locator(f"#id_requirement_{requirement.pk}")
    field.fill(TEXT)
    box = page.locator("#evidence-statutes")
    box.locator("input[type=file]").set_input_files(str(write_pdf(tmp_path, "Vedtaegter.pdf", "Vedtaegter")))
    with page.expect_response(lambda r: is_autosave(r.request, path)):
        box.locator("button[form='upload-statutes']:not([formaction])").click()

    expect(box.locator(".portal-upload-held[role=alert]")).to_contain_text(HELD)
    expect(page.locator("#save-status .portal-save-error")).to_contain_text("Din session er udløbet")
    expect(field).to_have_value(TEXT)
    assert uploads == []
    assert not Attachment.objects.filter(application=application).exists()
    visit(page, "requirements, upload held after the session expired")
