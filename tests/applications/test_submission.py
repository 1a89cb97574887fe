import datetime as dt
import subprocess

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, CriterionAnswer
from applications.selectors import application_content, application_missing_items
from applications.services import (
    VersionConflict,
    application_digest,
    application_submit,
    application_transition,
    application_withdraw,
    section_save,
)
from clusterfund.models import AuditEvent
from tests.factories.applications import ApplicationFactory, complete_application, open_call_with_parts


@pytest.fixture
def application(db, member):
    return complete_application(member=member)


def test_complete_application_has_nothing_missing(application):
    assert application_missing_items(application=application) == []


def test_empty_application_lists_every_section_as_missing(member):
    draft = ApplicationFactory(call=open_call_with_parts())
    sections = {item.section for item in application_missing_items(application=draft)}
    assert sections == {"requirements", "area", "criteria", "activities", "partners", "budget"}


def test_submit_locks_and_fingerprints_the_application(application, member):
    submitted = application_submit(application=application, by=member)
    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.submitted_by == member and submitted.submitted_at is not None
    assert submitted.content_sha256 == application_digest(application_content(application=submitted))
    assert len(submitted.content_sha256) == 64
    assert submitted.submitted_content["organisation"]["cvr"] == application.organisation.cvr
    event = AuditEvent.objects.filter(action="application.submit").get()
    assert event.after["sha256"] == submitted.content_sha256


def test_submit_renders_the_receipt_pdf_and_mails_the_members(application, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, by=member)
    application.refresh_from_db()
    assert application.receipt_pdf.name.endswith(".pdf")
    with application.receipt_pdf.open("rb") as pdf:
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.read(), capture_output=True, check=True
        ).stdout.decode()
    assert application.organisation.name in text
    assert application.content_sha256 in text.replace("\n", "")
    assert "8.000.000 kr." in text  # 4 years x (1.000.000 + 1.000.000)
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert application.content_sha256 in mail.outbox[0].body


def test_submit_twice_yields_one_submission(application, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = application_submit(application=application, by=member)
    with django_capture_on_commit_callbacks(execute=True):
        second = application_submit(application=application, by=member)
    assert (second.submitted_at, second.content_sha256) == (first.submitted_at, first.content_sha256)
    assert AuditEvent.objects.filter(action="application.submit").count() == 1
    assert len(mail.outbox) == 1


def test_submit_one_second_before_the_deadline_is_accepted(application, member):
    deadline = application.call.deadline
    submitted = application_submit(application=application, by=member, now=deadline - dt.timedelta(seconds=1))
    assert submitted.status == Application.Status.SUBMITTED


def test_submit_at_or_after_the_deadline_keeps_the_draft(application, member):
    deadline = application.call.deadline
    for moment in (deadline, deadline + dt.timedelta(seconds=1)):
        with pytest.raises(ValidationError, match=r"deadline passed|fristen"):
            application_submit(application=application, by=member, now=moment)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.criterion_answers.count() == 4


def test_deadline_message_is_in_copenhagen_time(application, member):
    application.call.deadline = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)  # 12:00 in Copenhagen (CEST)
    application.call.opens_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    application.call.save()
    with pytest.raises(ValidationError) as error:
        application_submit(application=application, by=member, now=application.call.deadline)
    assert "12:00" in error.value.messages[0]


def test_incomplete_application_cannot_be_submitted(application, member):
    CriterionAnswer.objects.filter(application=application).update(text="")
    with pytest.raises(ValidationError) as error:
        application_submit(application=application, by=member)
    assert len(error.value.messages) == 4
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_only_members_submit(application, make_user):
    with pytest.raises(PermissionDenied):
        application_submit(application=application, by=make_user("applicant"))


def test_section_save_refuses_a_stale_version(application, member, make_user):
    colleague = make_user("applicant")
    application.organisation.members.add(colleague)

    def write(app):
        return ["business_area"]

    section_save(application=application, section="area", by=member, expected_version=0, write=write)
    with pytest.raises(VersionConflict) as conflict:
        section_save(application=application, section="area", by=colleague, expected_version=0, write=write)
    assert conflict.value.state.saved_by == member
    assert conflict.value.state.version == 1


def test_section_save_on_a_submitted_application_is_refused(application, member):
    application_submit(application=application, by=member)
    with pytest.raises(ValidationError):
        section_save(application=application, section="area", by=member, expected_version=0, write=lambda a: [])


def test_withdraw_before_the_deadline_with_a_reason(application, member):
    application_submit(application=application, by=member)
    with pytest.raises(ValidationError):
        application_withdraw(application=application, by=member, reason="  ")
    withdrawn = application_withdraw(application=application, by=member, reason="Vi fusionerer.")
    assert withdrawn.status == Application.Status.WITHDRAWN
    assert AuditEvent.objects.filter(action="application.withdraw").get().after["reason"] == "Vi fusionerer."


def test_withdraw_after_the_deadline_is_refused(application, member):
    application_submit(application=application, by=member)
    with pytest.raises(ValidationError):
        application_withdraw(application=application, by=member, reason="For sent", now=application.call.deadline)


def test_status_transitions_follow_the_map(application, member, make_user):
    staff = make_user("secretariat")
    with pytest.raises(ValidationError):
        application_transition(application=application, to=Application.Status.SELECTED, by=staff)
    application_submit(application=application, by=member)
    moved = application_transition(application=application, to=Application.Status.UNDER_REVIEW, by=staff)
    assert moved.status == Application.Status.UNDER_REVIEW


# --- views ------------------------------------------------------------------------------------------


def test_submit_page_lists_missing_items_with_links(client, member):
    draft = ApplicationFactory(call=open_call_with_parts())
    draft.organisation.members.add(member)
    client.force_login(member)
    html = client.get(reverse("applications:submit", args=[draft.pk])).content.decode()
    assert reverse("applications:section_area", args=[draft.pk]) + "#id_business_area" in html
    assert reverse("applications:section_budget", args=[draft.pk]) in html
    response = client.post(reverse("applications:submit", args=[draft.pk]))
    assert response.status_code == 422
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_submit_view_then_receipt_and_pdf(client, application, member):
    client.force_login(member)
    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "applications:receipt", args=[application.pk]
    )
    application.refresh_from_db()
    receipt = client.get(response["Location"]).content.decode()
    assert application.content_sha256 in receipt
    pdf = client.get(reverse("applications:receipt_pdf", args=[application.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    # a second tab posting again lands on the same receipt
    again = client.post(reverse("applications:submit", args=[application.pk]))
    assert again["Location"] == reverse("applications:receipt", args=[application.pk])


def test_submit_view_after_deadline_says_so_and_keeps_the_draft(client, application, member):
    application.call.deadline = timezone.now() - dt.timedelta(seconds=1)
    application.call.opens_at = application.call.deadline - dt.timedelta(days=30)
    application.call.save()
    client.force_login(member)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 422
    assert "deadline passed" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


@pytest.mark.parametrize(
    "url_name", ["overview", "submit", "receipt", "receipt_pdf", "withdraw", "section_area", "section_criteria"]
)
def test_another_organisation_gets_404(client, application, member, make_user, url_name):
    application_submit(application=application, by=member)
    client.force_login(make_user("applicant"))
    assert client.get(reverse(f"applications:{url_name}", args=[application.pk])).status_code == 404


@pytest.mark.parametrize("role", ["secretariat", "ufm", "subcommittee_member", "subcommittee_chair", "administrator"])
def test_staff_cannot_see_or_edit_a_draft(client, application, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("applications:overview", args=[application.pk])).status_code == 404
    response = client.post(
        reverse("applications:section_area", args=[application.pk]),
        {"version": "0", "business_area": application.call.areas.last().pk},
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.business_area == application.call.areas.first()


@pytest.mark.parametrize("role", ["secretariat", "ufm"])
def test_staff_read_a_submitted_application_but_cannot_edit_it(client, application, member, make_user, role):
    application_submit(application=application, by=member)
    client.force_login(make_user(role))
    assert client.get(reverse("applications:overview", args=[application.pk])).status_code == 200
    client.post(
        reverse("applications:section_area", args=[application.pk]),
        {"version": "0", "business_area": application.call.areas.last().pk},
    )
    application.refresh_from_db()
    assert application.business_area == application.call.areas.first()


def test_anonymous_is_sent_to_login(client, application):
    response = client.get(reverse("applications:overview", args=[application.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_withdraw_view(client, application, member):
    application_submit(application=application, by=member)
    client.force_login(member)
    url = reverse("applications:withdraw", args=[application.pk])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "Vi trækker os."}).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_expired_session_keeps_the_typed_text_until_the_next_login(client, application, member):
    url = reverse("applications:section_area", args=[application.pk])
    new_area = application.call.areas.last()
    response = client.post(url, {"version": "0", "business_area": str(new_area.pk)})  # not logged in any more
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(member)
    page = client.get(url).content.decode()
    assert f'value="{new_area.pk}" checked' in page or f'value="{new_area.pk}"\n' in page or "checked" in page
    assert client.session.get("unsaved_drafts", {}) == {}
    application.refresh_from_db()
    assert application.business_area != new_area  # shown again for the applicant to save, not saved blindly


def test_htmx_autosave_on_expired_session_offers_login(client, application):
    url = reverse("applications:section_area", args=[application.pk])
    response = client.post(url, {"version": "0", "business_area": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert reverse("login") in response.content.decode()
    assert url in client.session["unsaved_drafts"]


def test_conflict_then_save_mine_over_theirs(client, application, member, make_user):
    colleague = make_user("applicant")
    application.organisation.members.add(colleague)
    url = reverse("applications:section_area", args=[application.pk])
    first, second = application.call.areas.all()[:2]
    client.force_login(colleague)
    assert client.post(url, {"version": "0", "business_area": first.pk}).status_code == 302
    client.force_login(member)
    conflict = client.post(url, {"version": "0", "business_area": second.pk})
    assert conflict.status_code == 409
    application.refresh_from_db()
    assert application.business_area == first
    # the alert's button sends the colleague's version before the form's own hidden one
    response = client.post(url, {"version": ["1", "0"], "business_area": second.pk})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.business_area == second
