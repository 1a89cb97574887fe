"""The generated-document archive: versions, the render task (idempotent, atomic, failure and retry), the
PDF/A output, the pages (status polling, download, retry) and the audit trail.

The application dossier is the kind used here: it needs the least data. The memos have their own tests
under tests/review and tests/allocation.
"""

import dataclasses
import datetime as dt
import hashlib

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation

from applications.services import application_submit
from clusterfund import documents
from clusterfund.documents import document_kind, document_render, document_request, document_retry, documents_of
from clusterfund.models import AuditEvent, GeneratedDocument
from clusterfund.tasks import render_document
from tests.clusterfund.pdfcheck import pdf_fonts, pdf_info, pdf_text, pdf_xmp
from tests.factories.applications import complete_application

KIND = "dossier"


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English (msgids): the Danish catalogue may not translate the new texts yet."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat")


@pytest.fixture
def application(make_user):
    applicant = make_user("applicant")
    draft = complete_application(member=applicant)
    return application_submit(application=draft, by=applicant)


@pytest.fixture
def request_document(django_capture_on_commit_callbacks, secretariat):
    """Return a function that requests a version and runs what waits for the commit (the eager task)."""

    def run(subject, by=None, kind=KIND, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            document = document_request(kind=kind, subject=subject, by=by or secretariat, **kwargs)
        document.refresh_from_db()
        return document

    return run


def stored_bytes(document: GeneratedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


# --- versions and the render task ---------------------------------------------------------------------


def test_a_request_stores_a_finished_version_with_its_digest_and_page_count(request_document, application):
    document = request_document(application)
    assert document.status == GeneratedDocument.Status.DONE
    assert document.version == 1
    pdf = stored_bytes(document)
    assert pdf.startswith(b"%PDF-1.7")
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.size == len(pdf)
    assert document.page_count == int(pdf_info(pdf)["Pages"])
    assert document.finished_at is not None
    assert document.snapshot["organisation"]["name"] == application.organisation.name
    assert document.file.name.startswith("documents/dossier/")


def test_the_request_returns_a_pending_version_and_renders_only_after_the_commit(
    django_capture_on_commit_callbacks, application, secretariat
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = document_request(kind=KIND, subject=application, by=secretariat)
    assert document.status == GeneratedDocument.Status.PENDING
    assert not document.file
    assert len(callbacks) == 1  # the task is queued once, after the commit
    callbacks[0]()
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE


def test_versions_count_up_per_kind_and_subject(request_document, application, make_user):
    first = request_document(application)
    second = request_document(application)
    other_applicant = make_user("applicant")
    other = application_submit(
        application=complete_application(call=application.call, member=other_applicant), by=other_applicant
    )
    elsewhere = request_document(other)
    assert (first.version, second.version, elsewhere.version) == (1, 2, 1)
    assert [d.version for d in documents_of(kind=KIND, subject=application)] == [2, 1]


def test_the_version_number_is_unique_in_the_database(request_document, application):
    from django.db import IntegrityError, transaction

    document = request_document(application)
    duplicate = GeneratedDocument(
        kind=KIND, content_type=document.content_type, object_id=document.object_id, version=document.version
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_rendering_again_leaves_a_finished_version_alone(request_document, application):
    document = request_document(application)
    before = (document.file.name, document.sha256, document.finished_at)
    assert render_document(document.pk) == GeneratedDocument.Status.DONE
    document.refresh_from_db()
    assert (document.file.name, document.sha256, document.finished_at) == before


def test_a_version_left_rendering_by_a_dead_worker_is_finished_by_the_redelivered_task(
    django_capture_on_commit_callbacks, application, secretariat
):
    with django_capture_on_commit_callbacks(execute=False):
        document = document_request(kind=KIND, subject=application, by=secretariat)
    # the worker claimed it and died before writing anything: no file, status still "rendering"
    GeneratedDocument.objects.filter(pk=document.pk).update(status=GeneratedDocument.Status.RENDERING)
    assert render_document(document.pk) == GeneratedDocument.Status.DONE
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE
    assert hashlib.sha256(stored_bytes(document)).hexdigest() == document.sha256


def test_the_task_is_acks_late():
    assert render_document.acks_late is True


def test_documents_queue_the_render_task_by_its_registered_name():
    from clusterfund.celery import app

    assert render_document.name == documents.RENDER_TASK
    assert app.tasks[documents.RENDER_TASK].name == render_document.name


def test_a_draft_has_no_dossier(make_user, secretariat):
    draft = complete_application(member=make_user("applicant"))
    with pytest.raises(ValidationError, match="submitted"):
        document_request(kind=KIND, subject=draft, by=secretariat)
    assert not GeneratedDocument.objects.exists()


def test_a_kind_is_about_one_model(application, secretariat):
    with pytest.raises(TypeError):
        document_request(kind=KIND, subject=application.call, by=secretariat)


def test_a_slug_cannot_be_registered_twice_differently():
    spec = document_kind(KIND)
    with pytest.raises(ImproperlyConfigured):
        documents.register_document(
            KIND,
            title="x",
            snapshot=spec.snapshot,
            template="pdf/other.html",
            can_generate=spec.can_generate,
            can_download=spec.can_download,
            subject_model=spec.subject_model,
        )


# --- failure and retry ------------------------------------------------------------------------------


def test_a_render_error_is_stored_as_failed_with_the_reason(monkeypatch, request_document, application):
    broken = dataclasses.replace(document_kind(KIND), template="pdf/no-such-template.html")
    monkeypatch.setitem(documents._REGISTRY, KIND, broken)
    document = request_document(application)
    assert document.status == GeneratedDocument.Status.FAILED
    assert "TemplateDoesNotExist" in document.error
    assert "pdf/no-such-template.html" in document.error
    assert not document.file and not document.sha256
    assert AuditEvent.objects.filter(action="document.failed", object_id=str(document.pk)).exists()


def test_a_failed_version_is_not_rendered_again_by_a_redelivered_message(monkeypatch, request_document, application):
    broken = dataclasses.replace(document_kind(KIND), template="pdf/no-such-template.html")
    monkeypatch.setitem(documents._REGISTRY, KIND, broken)
    document = request_document(application)
    monkeypatch.undo()
    assert document_render(document_id=document.pk) == GeneratedDocument.Status.FAILED
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.FAILED


def test_a_full_disk_fails_the_version_and_a_retry_renders_it(
    monkeypatch, request_document, django_capture_on_commit_callbacks, application, secretariat
):
    storage = GeneratedDocument._meta.get_field("file").storage

    def no_space(name, content, max_length=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "save", no_space)  # external I/O: the disk
    document = request_document(application)
    assert document.status == GeneratedDocument.Status.FAILED
    assert "No space left on device" in document.error
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        retried = document_retry(document=document, by=secretariat)
    retried.refresh_from_db()
    assert retried.pk == document.pk and retried.version == 1
    assert retried.status == GeneratedDocument.Status.DONE
    assert retried.error == ""
    assert hashlib.sha256(stored_bytes(retried)).hexdigest() == retried.sha256
    assert AuditEvent.objects.filter(action="document.retry", object_id=str(document.pk)).count() == 1


def test_only_a_failed_version_can_be_retried(request_document, application, secretariat):
    document = request_document(application)
    with pytest.raises(ValidationError, match="failed"):
        document_retry(document=document, by=secretariat)


def stalled(document: GeneratedDocument, status=GeneratedDocument.Status.RENDERING) -> GeneratedDocument:
    """The version as a worker killed mid-render leaves it: claimed, and queued longer ago than a render takes."""
    since = timezone.now() - settings.DOCUMENT_STALLED_AFTER - dt.timedelta(seconds=1)
    GeneratedDocument.objects.filter(pk=document.pk).update(status=status, queued_at=since)
    document.refresh_from_db()
    return document


def unrendered(application, secretariat, django_capture_on_commit_callbacks) -> GeneratedDocument:
    with django_capture_on_commit_callbacks(execute=False):  # no worker takes it
        return document_request(kind=KIND, subject=application, by=secretariat)


def test_a_version_within_its_time_is_left_to_its_worker(django_capture_on_commit_callbacks, application, secretariat):
    document = unrendered(application, secretariat, django_capture_on_commit_callbacks)
    assert not document.is_stalled
    GeneratedDocument.objects.filter(pk=document.pk).update(status=GeneratedDocument.Status.RENDERING)
    with pytest.raises(ValidationError, match="stalled"):
        document_retry(document=document, by=secretariat)
    assert not AuditEvent.objects.filter(action="document.retry").exists()


@pytest.mark.parametrize("status", [GeneratedDocument.Status.PENDING, GeneratedDocument.Status.RENDERING])
def test_a_stalled_version_is_queued_again_once_and_renders(
    django_capture_on_commit_callbacks, application, secretariat, status
):
    document = stalled(unrendered(application, secretariat, django_capture_on_commit_callbacks), status)
    assert document.is_stalled
    with django_capture_on_commit_callbacks(execute=True):
        retried = document_retry(document=document, by=secretariat)
    retried.refresh_from_db()
    assert (retried.pk, retried.version, retried.status) == (document.pk, 1, GeneratedDocument.Status.DONE)
    assert hashlib.sha256(stored_bytes(retried)).hexdigest() == retried.sha256
    event = AuditEvent.objects.get(action="document.retry", object_id=str(document.pk))
    assert event.actor == secretariat and event.before["status"] == status


def test_a_retried_stalled_version_is_not_queued_twice(django_capture_on_commit_callbacks, application, secretariat):
    document = stalled(unrendered(application, secretariat, django_capture_on_commit_callbacks))
    with django_capture_on_commit_callbacks(execute=False) as queued:  # the worker is still down
        document_retry(document=document, by=secretariat)
    assert len(queued) == 1
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.PENDING and not document.is_stalled
    with pytest.raises(ValidationError):  # a second click, or a colleague's tab: the first retry stands
        document_retry(document=document, by=secretariat)
    assert AuditEvent.objects.filter(action="document.retry").count() == 1


# --- the PDF itself ---------------------------------------------------------------------------------


def test_the_pdf_is_pdfa_3b_tagged_with_ibm_plex_sans_embedded(request_document, application):
    pdf = stored_bytes(request_document(application))
    xmp = pdf_xmp(pdf)
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    info = pdf_info(pdf)
    assert info["Tagged"] == "yes"
    assert info["PDF version"] == "1.7"
    fonts = pdf_fonts(pdf)
    assert any("IBM-Plex-Sans" in font["name"] for font in fonts)
    assert fonts and all(font["emb"] == "yes" for font in fonts), fonts


def test_the_dossier_text_names_the_application(request_document, application):
    text = pdf_text(stored_bytes(request_document(application)))
    assert application.organisation.name in text
    assert application.content_sha256 in text.replace(" ", "")


# --- the pages -----------------------------------------------------------------------------------------


def test_generate_returns_at_once_and_leads_to_the_status_page_showing_the_download(
    client, django_capture_on_commit_callbacks, application, secretariat
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:list", args=[KIND, application.pk]))
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:status", args=[document.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="document-download"' in page
    assert 'hx-trigger="every 1s"' not in page  # done: no more polling
    assert document.sha256 in page


def test_the_status_page_polls_while_the_version_waits(
    client, django_capture_on_commit_callbacks, application, secretariat
):
    with django_capture_on_commit_callbacks(execute=False):
        document = document_request(kind=KIND, subject=application, by=secretariat)
    client.force_login(secretariat)
    page = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert 'class="spinner"' in page
    assert "<script" not in page.split('id="document-status"')[1].split("</main>")[0]  # no inline script
    fragment = client.get(reverse("documents:status", args=[document.pk]), headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="document-status"') and "<html" not in body
    assert '<dl id="document-facts" hx-swap-oob="true">' in body  # the facts below are refreshed too
    render_document(document.pk)
    done = client.get(reverse("documents:status", args=[document.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done
    assert reverse("documents:download", args=[document.pk]) in done
    document.refresh_from_db()
    assert document.sha256 in done.split('id="document-facts"')[1]


def test_a_failed_version_shows_the_reason_and_a_retry_button(
    monkeypatch, client, request_document, application, secretariat
):
    broken = dataclasses.replace(document_kind(KIND), template="pdf/no-such-template.html")
    monkeypatch.setitem(documents._REGISTRY, KIND, broken)
    document = request_document(application)
    monkeypatch.undo()
    client.force_login(secretariat)
    page = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert "TemplateDoesNotExist" in page
    assert reverse("documents:retry", args=[document.pk]) in page


def test_retry_through_the_page(
    monkeypatch, client, django_capture_on_commit_callbacks, request_document, application, secretariat
):
    broken = dataclasses.replace(document_kind(KIND), template="pdf/no-such-template.html")
    monkeypatch.setitem(documents._REGISTRY, KIND, broken)
    document = request_document(application)
    monkeypatch.undo()
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:retry", args=[document.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE


def test_a_stalled_version_says_so_and_is_retried_through_the_page(
    client, django_capture_on_commit_callbacks, application, secretariat
):
    document = unrendered(application, secretariat, django_capture_on_commit_callbacks)
    client.force_login(secretariat)
    retry = reverse("documents:retry", args=[document.pk])
    assert retry not in client.get(reverse("documents:status", args=[document.pk])).content.decode()
    stalled(document)
    page = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert "The document has not been generated" in page and retry in page
    listing = client.get(reverse("documents:list", args=[KIND, application.pk])).content.decode()
    assert "Stalled – try again" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302 and response["Location"] == reverse("documents:status", args=[document.pk])
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE


def test_the_download_is_the_stored_file_and_is_audited(client, request_document, application, secretariat):
    document = request_document(application)
    client.force_login(secretariat)
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"ansoegning-{application.pk}-v1.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == stored_bytes(document)
    event = AuditEvent.objects.get(action="document.download")
    assert event.actor == secretariat
    assert event.after["sha256"] == document.sha256


def test_every_request_is_audited(request_document, application, secretariat):
    document = request_document(application)
    event = AuditEvent.objects.get(action="document.request")
    assert event.actor == secretariat
    assert event.object_id == str(document.pk)
    assert event.after == {"kind": KIND, "version": 1, "subject": f"application:{application.pk}"}


def test_the_list_shows_each_version_with_who_when_and_digest(client, request_document, application, secretariat):
    first = request_document(application)
    second = request_document(application)
    client.force_login(secretariat)
    page = client.get(reverse("documents:list", args=[KIND, application.pk])).content.decode()
    for document in (first, second):
        assert f'id="document-{document.pk}"' in page
        assert f"{document.sha256[:32]}<br>{document.sha256[32:]}" in page  # in two lines: the table stays narrow
    assert secretariat.get_full_name() in page
    assert page.index(f'id="document-{second.pk}"') < page.index(f'id="document-{first.pk}"')  # newest first


def test_the_list_costs_the_same_for_two_and_ten_versions(client, application, secretariat, make_user):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(secretariat)
    url = reverse("documents:list", args=[KIND, application.pk])
    content_type = ContentType.objects.get_for_model(application)
    counts = []
    for batch in (2, 8):
        for _ in range(batch):
            GeneratedDocument.objects.create(
                kind=KIND,
                content_type=content_type,
                object_id=application.pk,
                version=GeneratedDocument.objects.count() + 1,
                requested_by=make_user("secretariat"),
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_unknown_kind_or_subject_is_404(client, secretariat, application):
    client.force_login(secretariat)
    assert client.get(reverse("documents:list", args=["no-such-kind", application.pk])).status_code == 404
    assert client.get(reverse("documents:list", args=[KIND, 10**9])).status_code == 404
    assert client.get(reverse("documents:status", args=[10**9])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, request_document, application):
    document = request_document(application)
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_version_not_finished_cannot_be_downloaded(
    client, django_capture_on_commit_callbacks, application, secretariat
):
    with django_capture_on_commit_callbacks(execute=False):
        document = document_request(kind=KIND, subject=application, by=secretariat)
    client.force_login(secretariat)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_the_files_live_in_the_default_storage_outside_static(request_document, application):
    from django.conf import settings

    document = request_document(application)
    assert default_storage.exists(document.file.name)
    assert not str(default_storage.path(document.file.name)).startswith(str(settings.BASE_DIR / "static"))


# --- the command ------------------------------------------------------------------------------------


def test_render_memo_writes_a_working_copy_without_storing_a_version(tmp_path, application):
    from io import StringIO

    from django.core.management import call_command

    out = tmp_path / "out" / "ansoegning.pdf"
    stdout = StringIO()
    call_command(
        "render_memo", application.call.slug, kind="dossier", application=application.pk, out=str(out), stdout=stdout
    )
    pdf = out.read_bytes()
    assert application.organisation.name in pdf_text(pdf)
    assert hashlib.sha256(pdf).hexdigest() in stdout.getvalue()
    assert not GeneratedDocument.objects.exists()
    assert [p.name for p in out.parent.iterdir()] == ["ansoegning.pdf"]  # no temporary file left behind


def test_render_memo_with_archive_stores_a_version_by_the_system(tmp_path, application):
    from django.core.management import call_command

    out = tmp_path / "ansoegning.pdf"
    call_command(
        "render_memo", application.call.slug, kind="dossier", application=application.pk, out=str(out), archive=True
    )
    document = GeneratedDocument.objects.get()
    assert document.status == GeneratedDocument.Status.DONE
    assert document.requested_by is None
    assert out.read_bytes() == stored_bytes(document)
    assert AuditEvent.objects.get(action="document.request").actor_label == "system"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kind": "recommendation"}, "No call has the slug"),
        ({"kind": "dossier"}, "--application"),
        ({"kind": "dossier", "application": 10**9}, "has no application"),
        ({"kind": "allocation"}, "has no allocation proposal"),
    ],
)
def test_render_memo_explains_what_is_wrong(tmp_path, application, arguments, message):
    from django.core.management import CommandError, call_command

    slug = "no-such-call" if arguments["kind"] == "recommendation" else application.call.slug
    with pytest.raises(CommandError, match=message):
        call_command("render_memo", slug, out=str(tmp_path / "x.pdf"), **arguments)
    assert not (tmp_path / "x.pdf").exists()


# --- two secretaries at once (PostgreSQL: real row locks) ---------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_get_consecutive_versions(application, secretariat, make_user):
    """The first request holds its locks (subject row, existing versions) while the second starts: the second
    waits and numbers its version after the first's instead of clashing on the unique constraint."""
    import threading
    import time

    from django.db import connections, transaction

    document_request(kind=KIND, subject=application, by=secretariat)  # version 1: there are version rows to lock
    other = make_user("secretariat")
    locked, results = threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = document_request(kind=KIND, subject=application, by=secretariat).version
                locked.set()
                time.sleep(0.6)
        finally:
            locked.set()
            connections.close_all()

    def second():
        try:
            locked.wait(5)
            results["second"] = document_request(kind=KIND, subject=application, by=other).version
        except Exception as error:  # handed to the test to assert on
            results["second"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert (results["first"], results["second"]) == (2, 3)
    assert sorted(GeneratedDocument.objects.values_list("version", flat=True)) == [1, 2, 3]
