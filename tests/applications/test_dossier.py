"""The application dossier: the whole application as submitted, its attachments with SHA-256, who may see it."""

import pytest
from django.urls import reverse

from applications.models import Application
from applications.services import application_submit
from clusterfund.documents import document_request
from clusterfund.models import GeneratedDocument
from review.models import Assignment
from tests.clusterfund.pdfcheck import pdf_info, pdf_text
from tests.factories.applications import complete_application
from tests.factories.review import AssignmentFactory

KIND = "dossier"


@pytest.fixture
def applicant(make_user):
    return make_user("applicant")


@pytest.fixture
def application(applicant):
    return application_submit(application=complete_application(member=applicant), by=applicant)


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat")


@pytest.fixture
def dossier(django_capture_on_commit_callbacks, application, secretariat):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind=KIND, subject=application, by=secretariat)
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE, document.error
    return document


def _pdf(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_the_dossier_holds_the_submitted_application(dossier, application):
    text = pdf_text(_pdf(dossier))
    assert application.organisation.name in text
    assert application.organisation.cvr in text
    assert application.content_sha256 in text.replace(" ", "")
    assert "Innovationsforløb" in text  # the activity
    assert "Forløb for SMV'er." in text
    assert "Partner ApS" in text
    assert "Virksomhedsleder" in text and "Professor" in text  # the board
    for criterion in application.call.criteria.all():
        assert f"Tekst om {criterion.name}." in text
    # budget in Danish kroner: four years of 1.000.000 kr. from the board and from UFM
    assert "1.000.000 kr." in text
    assert "8.000.000 kr." in text  # the grand total
    assert "2.000.000 kr." in text  # equity


def test_the_dossier_lists_every_attachment_with_its_sha256(dossier, application):
    text = pdf_text(_pdf(dossier))
    unbroken = text.replace(" ", "")  # a 64-character digest may wrap inside its table cell
    attachments = list(application.attachments.all())
    assert len(attachments) == 3
    for attachment in attachments:
        assert attachment.original_name in text
        assert attachment.sha256 in unbroken


def test_the_dossier_is_rendered_from_the_content_frozen_at_submission(dossier, application):
    assert dossier.snapshot["application"]["from_submission"] is True
    assert dossier.snapshot["application"]["digest_matches"] is True
    # a later change to the rows (an admin's edit) does not reach a new version's content
    application.criterion_answers.update(text="Ændret bagefter.")
    new = document_request(kind=KIND, subject=application, by=dossier.requested_by)
    assert "Ændret bagefter." not in str(new.snapshot)


def test_a_dossier_page_count_is_sensible(dossier):
    pages = int(pdf_info(_pdf(dossier))["Pages"])
    assert 2 <= pages <= 6
    assert dossier.page_count == pages


# --- permissions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "list_status", "generate_status", "download_status"),
    [
        (("secretariat",), 200, 302, 200),
        (("ufm",), 200, 403, 200),
        (("subcommittee_member",), 404, 404, 404),
        (("subcommittee_chair",), 404, 404, 404),
        (("administrator",), 404, 404, 404),
        (("applicant",), 404, 404, 404),
    ],
)
def test_dossier_permissions_by_role(
    client, make_user, dossier, application, roles, list_status, generate_status, download_status
):
    client.force_login(make_user(*roles))
    assert client.get(reverse("documents:list", args=[KIND, application.pk])).status_code == list_status
    assert client.get(reverse("documents:download", args=[dossier.pk])).status_code == download_status
    assert client.get(reverse("documents:status", args=[dossier.pk])).status_code == list_status
    assert client.post(reverse("documents:list", args=[KIND, application.pk])).status_code == generate_status


def test_the_applicants_own_organisation_does_not_get_the_dossier(client, applicant, dossier, application):
    client.force_login(applicant)
    assert client.get(reverse("documents:download", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("documents:list", args=[KIND, application.pk])).status_code == 404


def test_a_reviewer_with_a_conflict_of_interest_gets_404(client, dossier, application, make_user):
    reviewer = make_user("ufm")
    AssignmentFactory(
        application=application,
        reviewer=reviewer,
        side="ufm",
        conflict=Assignment.Conflict.DECLARED,
        conflict_note="Bestyrelsesmedlem.",
    )
    client.force_login(reviewer)
    assert client.get(reverse("documents:download", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("documents:list", args=[KIND, application.pk])).status_code == 404


def test_a_draft_is_unknown_to_the_secretariat(client, make_user, secretariat):
    draft = complete_application(member=make_user("applicant"))
    assert draft.status == Application.Status.DRAFT
    client.force_login(secretariat)
    assert client.get(reverse("documents:list", args=[KIND, draft.pk])).status_code == 404
    assert client.post(reverse("documents:list", args=[KIND, draft.pk])).status_code == 404
    assert not GeneratedDocument.objects.exists()
