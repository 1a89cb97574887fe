"""Attachments: uploading (with every way it can go wrong), listing, removing and serving files."""

import pytest
from django.urls import reverse

from applications.models import Attachment, RequirementAnswer
from applications.services import application_submit, attachment_add
from tests.factories.applications import (
    MINIMAL_PDF,
    ApplicationFactory,
    complete_application,
    open_call_with_parts,
    pdf_upload,
)


def upload_url(application) -> str:
    return reverse("applications:attachment_upload", args=[application.pk])


def requirements_url(application) -> str:
    return reverse("applications:section_requirements", args=[application.pk])


def attachments_url(application) -> str:
    return reverse("applications:section_attachments", args=[application.pk])


def upload(browser, application, kind="statutes", file=None, next_url=None, **extra):
    data = {"kind": kind, "next": next_url or requirements_url(application), **extra}
    if file is not None:
        data["file"] = file
    return browser.post(upload_url(application), data)


# --- uploading ----------------------------------------------------------------------------------


def test_upload_stores_the_pdf_and_goes_back_to_the_evidence(browser, draft):
    response = upload(browser, draft, file=pdf_upload("Vedtægter 2020.pdf"))
    assert response.status_code == 302
    assert response["Location"] == f"{requirements_url(draft)}#evidence-statutes"
    attachment = draft.attachments.get()
    assert (attachment.kind, attachment.original_name, attachment.size) == ("statutes", "Vedtægter 2020.pdf", 125)
    html = browser.get(response["Location"]).content.decode()
    assert "Vedtægter 2020.pdf has been uploaded." in html
    assert f'href="{attachment.get_absolute_url()}"' in html
    assert f"{reverse('applications:attachment_remove', args=[draft.pk, attachment.pk])}" in html


def test_a_new_statutes_file_replaces_the_old_one(browser, draft):
    upload(browser, draft, file=pdf_upload("gamle.pdf"))
    upload(browser, draft, file=pdf_upload("nye.pdf"))
    assert list(draft.attachments.values_list("original_name", flat=True)) == ["nye.pdf"]


def test_other_attachments_are_added_not_replaced(browser, draft):
    for name in ("a.pdf", "b.pdf"):
        upload(browser, draft, kind="other", file=pdf_upload(name), next_url=attachments_url(draft))
    assert draft.attachments.filter(kind="other").count() == 2


def refused(browser, draft, response, message: str, kind: str = "statutes") -> str:
    """Follow a refused upload back to the page; assert the message is shown there; return the page."""
    assert response.status_code == 302
    assert not draft.attachments.filter(kind=kind).exists()
    html = browser.get(response["Location"]).content.decode()
    assert message in html
    assert f'id="id_file_{kind}_error"' in html  # next to the upload too
    return html


def test_an_oversized_file_is_refused_and_the_saved_text_stays(browser, draft, settings):
    requirement = draft.call.requirements.get(code="legal_entity")
    RequirementAnswer.objects.create(application=draft, requirement=requirement, text="Vores vedtægter siger")
    settings.UPLOAD_MAX_BYTES = 100
    response = upload(browser, draft, file=pdf_upload("stor.pdf"))
    html = refused(browser, draft, response, "stor.pdf was not uploaded: The file is")
    assert "the limit is" in html
    assert "Vores vedtægter siger" in html


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(browser, draft):
    fake = pdf_upload("vedtaegter.pdf", content=b"MZ\x90\x00 this is a Windows program %%EOF\n")
    refused(browser, draft, upload(browser, draft, file=fake), "The file is not a PDF")


def test_a_damaged_pdf_is_refused(browser, draft):
    cut = pdf_upload("afbrudt.pdf", content=MINIMAL_PDF[:60])
    refused(browser, draft, upload(browser, draft, file=cut), "The PDF is incomplete or damaged")


def test_an_empty_file_is_refused(browser, draft):
    refused(browser, draft, upload(browser, draft, file=pdf_upload("tom.pdf", content=b"")), "The file is empty.")


def test_no_file_chosen_gets_a_clear_message(browser, draft):
    refused(browser, draft, upload(browser, draft), "Choose a PDF file to upload.")


def test_too_many_attachments_are_refused(browser, draft):
    draft.call.max_attachments = 1
    draft.call.save()
    upload(browser, draft, kind="other", file=pdf_upload("en.pdf"), next_url=attachments_url(draft))
    response = upload(browser, draft, kind="gold_plan", file=pdf_upload("to.pdf"))
    refused(browser, draft, response, "You can attach at most 1 file to an application", kind="gold_plan")
    assert draft.attachments.count() == 1
    html = browser.get(attachments_url(draft)).content.decode()
    assert "1 of at most 1 file attached." in html and 'id="id_file_other"' not in html


def test_replacing_at_the_limit_is_allowed(browser, draft):
    draft.call.max_attachments = 1
    draft.call.save()
    upload(browser, draft, file=pdf_upload("gamle.pdf"))
    upload(browser, draft, file=pdf_upload("nye.pdf"))
    assert list(draft.attachments.values_list("original_name", flat=True)) == ["nye.pdf"]


def test_a_hostile_file_name_is_sanitised_and_shown_as_text(browser, draft):
    name = '../../etc/<img src=x onerror="alert(1)">rapport.pdf'
    upload(browser, draft, kind="other", file=pdf_upload(name), next_url=attachments_url(draft))
    attachment = draft.attachments.get()
    assert "/" not in attachment.original_name and "<" not in attachment.original_name
    assert attachment.original_name.endswith("rapport.pdf")
    assert ".." not in attachment.file.name and attachment.file.name.startswith(f"applications/{draft.pk}/")
    html = browser.get(attachments_url(draft)).content.decode()
    assert "<img src=x" not in html
    assert attachment.original_name in html


def test_a_refused_file_is_named_by_its_sanitised_name(browser, draft):
    response = upload(browser, draft, file=pdf_upload("<b>fed</b>.txt", content=b"plain text"))
    html = browser.get(response["Location"]).content.decode()
    assert "b.txt.pdf was not uploaded" in html
    assert "<b>fed" not in html


def test_an_unknown_kind_is_refused(browser, draft):
    response = upload(browser, draft, kind="letter_of_intent", file=pdf_upload())
    assert response.status_code == 302
    assert not draft.attachments.exists()
    assert "Select a valid choice." in browser.get(response["Location"]).content.decode()


def test_next_must_be_on_this_site(browser, draft):
    response = upload(browser, draft, file=pdf_upload(), next_url="https://evil.example/")
    assert response["Location"].startswith(attachments_url(draft))


def test_upload_to_a_submitted_application_is_refused(browser, member, db):
    application = complete_application(member=member)
    application_submit(application=application, by=member)
    before = application.attachments.count()
    response = upload(browser, application, kind="other", file=pdf_upload())
    assert response.status_code == 302
    assert application.attachments.count() == before
    assert "can no longer be changed" in browser.get(response["Location"]).content.decode()


def test_another_organisation_cannot_upload(client, make_user, draft):
    client.force_login(make_user("applicant"))
    assert upload(client, draft, file=pdf_upload()).status_code == 404
    assert not draft.attachments.exists()


def test_upload_is_post_only(browser, draft):
    assert browser.get(upload_url(draft)).status_code == 405


# --- the list page ------------------------------------------------------------------------------


def test_list_shows_every_file_with_its_details(browser, draft, member):
    attachment = attachment_add(application=draft, uploaded=pdf_upload("bilag.pdf"), kind="other", by=member)
    attachment_add(application=draft, uploaded=pdf_upload("v.pdf"), kind="statutes", by=member)
    html = browser.get(attachments_url(draft)).content.decode()
    assert "bilag.pdf" in html and "v.pdf" in html
    assert "Statutes" in html and "Other attachment" in html
    assert "125\xa0bytes" in html
    assert attachment.sha256[:12] in html and attachment.sha256 not in html
    assert member.get_full_name() in html
    assert "2 of at most 10 files attached." in html
    assert f'href="{attachment.get_absolute_url()}"' in html
    assert 'id="section-form"' not in html  # a list page: nothing to autosave
    assert "<caption>" in html and 'scope="col"' in html


def test_sizes_are_shown_in_danish(client, draft, member):
    attachment_add(
        application=draft,
        uploaded=pdf_upload("stor.pdf", content=b"%PDF-1.4\n" + b"0" * 1_300_000 + b"\n%%EOF\n"),
        kind="other",
        by=member,
    )
    client.force_login(member)
    html = client.get(attachments_url(draft)).content.decode()
    assert "1,2\xa0MB" in html


def test_the_list_page_has_nothing_to_post(browser, draft):
    assert browser.post(attachments_url(draft), {"version": "0"}).status_code == 405


# --- removing -----------------------------------------------------------------------------------


def remove_url(attachment) -> str:
    return reverse("applications:attachment_remove", args=[attachment.application_id, attachment.pk])


def test_member_removes_a_file_from_a_draft(browser, draft, member, django_capture_on_commit_callbacks):
    attachment = attachment_add(application=draft, uploaded=pdf_upload("v.pdf"), kind="statutes", by=member)
    stored = attachment.file.name
    storage = attachment.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(remove_url(attachment), {"next": requirements_url(draft)})
    assert response["Location"] == f"{requirements_url(draft)}#evidence-statutes"
    assert not draft.attachments.exists()
    assert not storage.exists(stored)
    assert "v.pdf has been removed." in browser.get(response["Location"]).content.decode()


def test_remove_is_post_only(browser, draft, member):
    attachment = attachment_add(application=draft, uploaded=pdf_upload(), kind="other", by=member)
    assert browser.get(remove_url(attachment)).status_code == 405
    assert draft.attachments.exists()


def test_another_organisation_cannot_remove(client, make_user, draft, member):
    attachment = attachment_add(application=draft, uploaded=pdf_upload(), kind="other", by=member)
    client.force_login(make_user("applicant"))
    assert client.post(remove_url(attachment)).status_code == 404
    assert draft.attachments.exists()


def test_files_of_a_submitted_application_cannot_be_removed(browser, member, db):
    application = complete_application(member=member)
    application_submit(application=application, by=member)
    attachment = application.attachments.first()
    response = browser.post(remove_url(attachment))
    assert response.status_code == 302
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert "can no longer be changed" in browser.get(response["Location"]).content.decode()


def test_remove_through_another_application_is_404(browser, draft, member, make_user):
    other = ApplicationFactory(call=open_call_with_parts())
    other.organisation.members.add(member)
    attachment = attachment_add(application=other, uploaded=pdf_upload(), kind="other", by=member)
    wrong = reverse("applications:attachment_remove", args=[draft.pk, attachment.pk])
    assert browser.post(wrong).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


# --- downloading --------------------------------------------------------------------------------


def download(client, attachment, application=None):
    application_id = application.pk if application else attachment.application_id
    return client.get(reverse("applications:attachment", args=[application_id, attachment.pk]))


def test_member_downloads_the_file_as_an_attachment(browser, draft, member):
    attachment = attachment_add(application=draft, uploaded=pdf_upload("Års regnskab.pdf"), kind="other", by=member)
    assert attachment.get_absolute_url() == f"/ansoegning/{draft.pk}/bilag/{attachment.pk}/"
    response = download(browser, attachment)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%C3%85rs%20regnskab.pdf" in disposition
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_another_organisations_applicant_gets_404(client, make_user, draft, member):
    attachment = attachment_add(application=draft, uploaded=pdf_upload(), kind="other", by=member)
    client.force_login(make_user("applicant"))
    assert download(client, attachment).status_code == 404


def test_an_attachment_of_another_application_is_404(browser, draft, member):
    other = ApplicationFactory(call=open_call_with_parts())
    other.organisation.members.add(member)  # the member may see both, but not one through the other
    attachment = attachment_add(application=other, uploaded=pdf_upload(), kind="other", by=member)
    assert download(browser, attachment, application=draft).status_code == 404
    assert download(browser, attachment).status_code == 200


def test_anonymous_is_sent_to_the_login(client, draft, member):
    attachment = attachment_add(application=draft, uploaded=pdf_upload(), kind="other", by=member)
    response = download(client, attachment)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["secretariat", "ufm"])
def test_reviewers_download_only_once_the_application_is_submitted(client, make_user, member, db, role):
    application = complete_application(member=member)
    attachment = application.attachments.first()
    client.force_login(make_user(role))
    assert download(client, attachment).status_code == 404  # a draft is the applicant's own
    application_submit(application=application, by=member)
    response = download(client, attachment)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_staff_without_a_review_role_cannot_download(client, make_user, member, db):
    application = complete_application(member=member)
    application_submit(application=application, by=member)
    client.force_login(make_user("subcommittee_member"))
    assert download(client, application.attachments.first()).status_code == 404
