"""Generated documents in the real browser: the secretariat generates the demo call's recommendation memo, the
status page polls (HTMX) until a version waiting in the queue is ready, and the PDF downloads; axe finds no
WCAG 2.1 A/AA violations on the pages, and no console errors or CSP violations occur."""

import pytest

from clusterfund.demo import DEMO_PASSWORD

from .conftest import DEMO_LOGINS, check_page, log_in

pytestmark = pytest.mark.browser


def _demo_call():
    from applications.demo import CALL_SLUG
    from applications.models import Call

    return Call.objects.get(slug=CALL_SLUG)


def test_the_secretariat_generates_and_downloads_the_recommendation_memo(page, seeded):
    from clusterfund.models import GeneratedDocument

    call = _demo_call()
    log_in(page, DEMO_LOGINS["secretariat"], DEMO_PASSWORD)
    page.goto(f"/dokumenter/recommendation-memo/{call.pk}/")
    assert page.locator("#document-generate").is_visible()
    check_page(page, "recommendation memo: versions, none yet")

    page.click("#document-generate")
    page.wait_for_url("**/dokumenter/*/")
    document = GeneratedDocument.objects.get()
    assert page.url.endswith(f"/dokumenter/{document.pk}/")
    # Celery runs eagerly here: the version is done by the time the page loads, so nothing polls
    page.locator("#document-download").wait_for()
    assert page.locator("#document-status[hx-trigger]").count() == 0
    check_page(page, "recommendation memo: version 1 ready")

    with page.expect_download() as download_info:
        page.click("#document-download")
    download = download_info.value
    assert download.suggested_filename == f"indstilling-{call.pk}-v1.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.goto(f"/dokumenter/recommendation-memo/{call.pk}/")
    assert page.locator(f"#document-{document.pk}").is_visible()
    check_page(page, "recommendation memo: versions, one ready")


def test_the_status_page_polls_until_the_version_is_ready(page, seeded):
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from clusterfund.documents import document_kind, json_safe
    from clusterfund.models import GeneratedDocument
    from clusterfund.tasks import render_document

    call = _demo_call()
    secretariat = get_user_model().objects.get(email=DEMO_LOGINS["secretariat"])
    # a version waiting in the queue: made as document_request makes it, but no task has run yet
    document = GeneratedDocument.objects.create(
        kind="recommendation-memo",
        content_type=ContentType.objects.get_for_model(call),
        object_id=call.pk,
        version=1,
        requested_by=secretariat,
        title="Recommendation memo",
        snapshot=json_safe(document_kind("recommendation-memo").snapshot(call, {})),
    )
    log_in(page, DEMO_LOGINS["secretariat"], DEMO_PASSWORD)
    page.goto(f"/dokumenter/{document.pk}/")
    assert page.locator("#document-status[hx-trigger='every 1s'] .spinner").is_visible()
    check_page(page, "a version waiting in the queue")

    render_document(document.pk)  # the worker finishes it; the next poll swaps in the download
    page.locator("#document-download").wait_for(timeout=10_000)
    assert page.locator("#document-status[hx-trigger]").count() == 0
    document.refresh_from_db()
    assert document.sha256 in page.locator("#document-facts").inner_text()  # swapped in out of band
    check_page(page, "the same page after the version became ready")


def test_the_allocation_memo_form_asks_for_the_meeting(page, seeded):
    from tests.factories.allocation import make_proposal, selected_call

    proposal = make_proposal(selected_call(organisations=2))
    log_in(page, DEMO_LOGINS["secretariat"], DEMO_PASSWORD)
    page.goto(f"/dokumenter/allocation-memo/{proposal.pk}/")
    page.fill("#id_meeting_date", "31.02.2020")
    page.fill("#id_agenda_item", "Punkt 5")
    page.click("#document-generate")
    page.wait_for_load_state("load")
    assert page.locator("#id_agenda_item").input_value() == "Punkt 5"
    assert page.locator(".form-error #id_meeting_date").count() == 1
    check_page(page, "allocation memo: the meeting date refused")

    page.fill("#id_meeting_date", "3.9.2020")
    page.click("#document-generate")
    page.locator("#document-download").wait_for()
    check_page(page, "allocation memo: version 1 ready")
