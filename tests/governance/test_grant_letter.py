"""The grant letter: generated through the document archive per grant version (PDF/A, fonts embedded), it
prints the amounts per year, funder and source and the conditions; a later version's letter shows the
decided source while the first letter keeps its figures; who may generate and download."""

import pytest
from django.urls import reverse

from clusterfund.documents import document_request
from clusterfund.models import GeneratedDocument
from governance.services.grants import grant_accept, grant_source_decide
from tests.clusterfund.pdfcheck import pdf_fonts, pdf_text, pdf_xmp
from tests.factories.clusterfund import UserFactory

pytestmark = pytest.mark.django_db
KIND = "grant-letter"


@pytest.fixture
def generate(django_capture_on_commit_callbacks):
    def run(version, by):
        with django_capture_on_commit_callbacks(execute=True):
            document = document_request(kind=KIND, subject=version, by=by)
        document.refresh_from_db()
        assert document.status == GeneratedDocument.Status.DONE, document.error
        with document.file.open("rb") as handle:
            return document, handle.read()

    return run


def test_letter_prints_the_grant_and_keeps_its_figures(grant, member, reviewers, generate):
    secretariat, _ufm = reviewers
    grant_accept(grant=grant, by=member)
    first, pdf = generate(grant.current_version, secretariat)
    text = " ".join(pdf_text(pdf).split())
    assert grant.organisation.name in text
    assert "20.000.000 kr." in text and "10.000.000 kr." in text
    assert member.get_full_name() in text  # the acceptance
    assert 'pdfaid:part="3"' in pdf_xmp(pdf)
    assert all(font["emb"] == "yes" for font in pdf_fonts(pdf))
    version = grant_source_decide(
        grant=grant,
        year=2023,
        lines=[
            {"source": "erdf", "amount": 12_500_000},
            {"source": "finance_act", "source_year": 2022, "amount": 7_500_000},
        ],
        reason="Bestyrelsens beslutning.",
        by=secretariat,
    )
    _second, pdf2 = generate(version, secretariat)
    text2 = " ".join(pdf_text(pdf2).split())
    assert "12.500.000 kr." in text2 and "Bestyrelsens beslutning." in text2
    first.refresh_from_db()
    assert first.snapshot["version"] == 1
    assert "12.500.000" not in " ".join(pdf_text(pdf).split())


def test_who_may_generate_and_download(client, grant, member, reviewers):
    url = reverse("documents:list", args=[KIND, grant.current_version.pk])
    client.force_login(member)
    page = client.get(url)
    assert page.status_code == 200 and page.context["can_generate"] is False
    assert client.post(url, {}).status_code == 403
    client.force_login(reviewers[0])
    assert client.get(url).context["can_generate"] is True
    client.force_login(UserFactory(roles=["applicant"]))
    assert client.get(url).status_code == 404
