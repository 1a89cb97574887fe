"""Generated documents: a registry of document kinds, the services that request, render and retry
versions, and the archival PDF renderer.

An app registers a kind once (from its AppConfig.ready()):

    register_document(
        "allocation-memo",
        title=_("Allocation memo"),
        subject_model=Proposal,
        snapshot=allocation_snapshot,          # (subject, options) -> JSON-safe dict
        template="pdf/memo_allocation.html",   # rendered from the snapshot only
        can_generate="allocation.generate_memo",
        can_download="allocation.download_allocation_memo",
        options_form=MeetingForm,              # optional: asked for on the generate page
    )

`document_request` freezes the snapshot in a new pending version and queues `render_document` after the
commit; the task renders the template from the snapshot (never from live data), so version 1 keeps
its figures whatever happens to the data afterwards. The PDF is PDF/A-3b with tagged structure, the
IBM Plex Sans font embedded (templates/pdf/base.html's @font-face).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import GeneratedDocument
from .outbox import outbox_enqueue
from .services import audit_record

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-3b"  # archival: PDF/A-3, level B (visual appearance), as the archive asks
ERROR_MAX_CHARS = 2000


@dataclass(frozen=True)
class DocumentKind:
    """What the portal needs to know to generate, show and guard one kind of document."""

    slug: str
    title: Any  # a (lazy) translatable string, e.g. _("Allocation memo")
    subject_model: type[models.Model]
    snapshot: Callable[[models.Model, dict], dict]
    template: str
    can_generate: str
    can_download: str
    options_form: type[forms.Form] | None = None
    context: Callable[[dict], dict] | None = None  # snapshot -> extra template context (e.g. parsed dates)
    subject_label: Callable[[models.Model], str] = str
    subject_url: Callable[[models.Model], str | None] | None = None
    filename_stem: str = ""
    generate_label: Any = None

    def file_name(self, document: GeneratedDocument) -> str:
        """Return the download name, e.g. 'fordelingsnotat-12-v3.pdf'."""
        return f"{self.filename_stem or self.slug}-{document.object_id}-v{document.version}.pdf"


_REGISTRY: dict[str, DocumentKind] = {}


def register_document(
    kind: str,
    *,
    title,
    snapshot: Callable[[models.Model, dict], dict],
    template: str,
    can_generate: str,
    can_download: str,
    subject_model: type[models.Model],
    options_form: type[forms.Form] | None = None,
    context: Callable[[dict], dict] | None = None,
    subject_label: Callable[[models.Model], str] = str,
    subject_url: Callable[[models.Model], str | None] | None = None,
    filename_stem: str = "",
    generate_label=None,
) -> DocumentKind:
    """Register a document kind under the slug `kind` (used in URLs) and return it.

    Registering the same slug twice with the same template is allowed (a module imported twice);
    a different definition under a taken slug is a configuration error.
    """
    spec = DocumentKind(
        slug=kind,
        title=title,
        subject_model=subject_model,
        snapshot=snapshot,
        template=template,
        can_generate=can_generate,
        can_download=can_download,
        options_form=options_form,
        context=context,
        subject_label=subject_label,
        subject_url=subject_url,
        filename_stem=filename_stem,
        generate_label=generate_label or _("Generate memo"),
    )
    existing = _REGISTRY.get(kind)
    if existing is not None and (existing.template, existing.subject_model) != (template, subject_model):
        raise ImproperlyConfigured(f"The document kind {kind!r} is already registered differently.")
    _REGISTRY[kind] = spec
    return spec


def document_kind(kind: str) -> DocumentKind:
    """Return the registered kind; raise LookupError for an unknown slug."""
    try:
        return _REGISTRY[kind]
    except KeyError as missing:
        raise LookupError(f"No document kind {kind!r} is registered.") from missing


# --- reads -----------------------------------------------------------------------------------------


def documents_of(*, kind: str, subject: models.Model):
    """Return the versions of `kind` about `subject`, newest first, with who asked for them."""
    return (
        GeneratedDocument.objects.filter(
            kind=kind, content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )
        .select_related("requested_by")
        .order_by("-version")
    )


def document_subject(document: GeneratedDocument) -> models.Model | None:
    """Return the object the document is about (None if it no longer exists)."""
    model = document.content_type.model_class()
    return model._default_manager.filter(pk=document.object_id).first() if model else None


def json_safe(data: dict) -> dict:
    """Return `data` as it will read back from the JSON column: Decimals as strings, dates as ISO text.

    The renderer always works from this form, so a version rendered at once and one rendered from the
    database later get exactly the same input.
    """
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


# --- writes ----------------------------------------------------------------------------------------


@transaction.atomic
def document_request(
    *,
    kind: str,
    subject: models.Model,
    by,
    options: dict | None = None,
    language: str = "da",
) -> GeneratedDocument:
    """Freeze the subject's data in a new pending version of `kind`, queue its rendering after the commit,
    and return the version. Raise ValidationError if the snapshot cannot be made (e.g. missing data)."""
    spec = document_kind(kind)
    if not isinstance(subject, spec.subject_model):
        raise TypeError(f"A {kind} is about a {spec.subject_model.__name__}, not {type(subject).__name__}.")
    content_type = ContentType.objects.get_for_model(subject)
    # Lock the subject row, then the existing versions: two secretaries clicking at once get versions
    # n+1 and n+2 rather than a clash (the unique constraint stays the last word). The subject lock also
    # covers the very first version, when there are no version rows to lock yet.
    list(spec.subject_model._default_manager.select_for_update().filter(pk=subject.pk).values_list("pk"))
    versions = GeneratedDocument.objects.select_for_update().filter(
        kind=kind, content_type=content_type, object_id=subject.pk
    )
    latest = max(versions.values_list("version", flat=True), default=0)
    with translation.override(language):
        snapshot = json_safe(spec.snapshot(subject, dict(options or {})))
        title = str(spec.title)
    document = GeneratedDocument(
        kind=kind,
        content_type=content_type,
        object_id=subject.pk,
        version=latest + 1,
        language=language,
        title=f"{title} – {spec.subject_label(subject)}"[:300],
        requested_by=by if getattr(by, "is_authenticated", False) else None,
        snapshot=snapshot,
    )
    document.full_clean(exclude=["file"])
    document.save()
    audit_record(
        actor=by,
        action="document.request",
        obj=document,
        after={"kind": kind, "version": document.version, "subject": f"{content_type.model}:{subject.pk}"},
    )
    _queue(document)
    return document


@transaction.atomic
def document_retry(*, document: GeneratedDocument, by) -> GeneratedDocument:
    """Queue a failed or stalled version again (same version number, same snapshot) and return it.

    Raise ValidationError otherwise: a finished version is never rendered twice, and one that is still
    within its time is left to its worker. A stalled version's first message may still arrive (after the
    broker's visibility timeout); the render is idempotent, so whichever finishes first is kept.
    """
    locked = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
    if locked.status != GeneratedDocument.Status.FAILED and not locked.is_stalled:
        raise ValidationError(_("Only a failed or stalled document can be tried again."))
    before = {"status": locked.status, "error": locked.error, "queued_at": locked.queued_at.isoformat()}
    locked.status = GeneratedDocument.Status.PENDING
    locked.error = ""
    locked.finished_at = None
    locked.queued_at = timezone.now()
    locked.save(update_fields=["status", "error", "finished_at", "queued_at"])
    audit_record(actor=by, action="document.retry", obj=locked, before=before, after={"status": locked.status})
    _queue(locked)
    return locked


def document_downloaded(*, document: GeneratedDocument, by) -> None:
    """Record in the audit log that `by` downloaded the document."""
    audit_record(
        actor=by,
        action="document.download",
        obj=document,
        after={"kind": document.kind, "version": document.version, "sha256": document.sha256},
    )


# The task is named, not imported: clusterfund.tasks imports this module to do the rendering, and this
# module must not import it back. The outbox stores the name with the change and sends it after the commit.
RENDER_TASK = "clusterfund.tasks.render_document"


def _queue(document: GeneratedDocument) -> None:
    outbox_enqueue(RENDER_TASK, document_id=document.pk)


# --- rendering -------------------------------------------------------------------------------------


def _parse_iso_dates(value):
    """Return `value` with ISO date and date-time strings turned back into date / aware datetime objects
    (recursively), so templates can use Django's date filters on a snapshot."""
    if isinstance(value, dict):
        return {key: _parse_iso_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_parse_iso_dates(item) for item in value]
    if isinstance(value, str) and 10 <= len(value) <= 32 and value[:4].isdigit() and value[4:5] == "-":
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
            parsed = dt.datetime.fromisoformat(value)
            return parsed if timezone.is_aware(parsed) else value
        except ValueError:
            return value
    return value


def document_context(document: GeneratedDocument) -> dict:
    """Return the template context of a version: its snapshot (dates parsed) and facts about the version."""
    spec = document_kind(document.kind)
    data = _parse_iso_dates(document.snapshot)
    context = {
        "data": data,
        "document": {
            "title": document.title,
            # plain text for the page footer's CSS string: the kind's own title has no quotes to escape
            "kind_title": str(spec.title).replace('"', ""),
            "version": document.version,
            "kind": document.kind,
            "requested_at": document.requested_at,
            "requested_by": document.requested_by.get_full_name() if document.requested_by else "",
            "language": document.language,
        },
    }
    if spec.context:
        context.update(spec.context(data))
    return context


def render_archival_pdf(template: str, context: dict) -> tuple[bytes, int]:
    """Render `template` to a tagged PDF/A-3b and return (bytes, number of pages).

    Like clusterfund.pdf.render_pdf, but keeps the page count and asks WeasyPrint for tags (the
    structure tree that PDF/A level A and screen readers read): in WeasyPrint 70 `pdf_variant="pdf/a-3b"`
    does not switch tags on by itself, `pdf_tags=True` does.
    """
    from weasyprint import HTML  # imported here: loading Pango is slow and only PDF work needs it

    from .pdf import FONT_DIR

    html = render_to_string(template, {**context, "font_dir": FONT_DIR.as_uri()})
    rendered = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    pdf = rendered.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    return pdf, len(rendered.pages)


def document_render_bytes(document: GeneratedDocument) -> tuple[bytes, int]:
    """Return the PDF of a version, rendered from its snapshot in its language, and its page count."""
    spec = document_kind(document.kind)
    with translation.override(document.language):
        return render_archival_pdf(spec.template, document_context(document))


def document_render(*, document_id: int) -> str:
    """Render one version and store it; return its final status.

    Idempotent: a version that is done is left alone, and a failed one waits for `document_retry`
    (a redelivered message does not override the recorded failure). The file is written completely
    before the row says "done" (one UPDATE), so a worker that dies mid-render leaves no half memo
    behind, only a version still "rendering" that the redelivered message (acks late) finishes.
    """
    claimed = GeneratedDocument.objects.filter(
        pk=document_id, status__in=[GeneratedDocument.Status.PENDING, GeneratedDocument.Status.RENDERING]
    ).update(status=GeneratedDocument.Status.RENDERING)
    if not claimed:
        row = GeneratedDocument.objects.filter(pk=document_id).values_list("status", flat=True).first()
        return row or "missing"
    document = GeneratedDocument.objects.select_related("requested_by").get(pk=document_id)
    try:
        pdf, pages = document_render_bytes(document)
        name = document.file.storage.save(
            GeneratedDocument._meta.get_field("file").generate_filename(
                document, document_kind(document.kind).file_name(document)
            ),
            ContentFile(pdf),
        )
    except Exception as error:  # any failure is the document's failure, shown to the secretariat
        logger.exception("Rendering document %s failed", document_id)
        message = f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS]
        GeneratedDocument.objects.filter(pk=document_id).exclude(status=GeneratedDocument.Status.DONE).update(
            status=GeneratedDocument.Status.FAILED, error=message, finished_at=timezone.now()
        )
        audit_record(actor=None, action="document.failed", obj=document, after={"error": message})
        return GeneratedDocument.Status.FAILED
    updated = (
        GeneratedDocument.objects.filter(pk=document_id)
        .exclude(status=GeneratedDocument.Status.DONE)
        .update(
            status=GeneratedDocument.Status.DONE,
            file=name,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            page_count=pages,
            finished_at=timezone.now(),
            error="",
        )
    )
    if not updated:  # another worker finished the same version first: keep theirs, drop ours
        document.file.storage.delete(name)
    return GeneratedDocument.Status.DONE


def document_pdf_bytes_for(kind: str, subject: models.Model, *, options: dict | None = None, language="da") -> bytes:
    """Return a PDF of `kind` about `subject` rendered now, without storing a version (the CLI's
    `--no-archive` and the benchmarks)."""
    spec = document_kind(kind)
    with translation.override(language):
        snapshot = json_safe(spec.snapshot(subject, dict(options or {})))
        document = GeneratedDocument(
            kind=kind,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            version=0,
            language=language,
            title=f"{spec.title} – {spec.subject_label(subject)}",
            snapshot=snapshot,
        )
        pdf, _pages = render_archival_pdf(spec.template, document_context(document))
    return pdf
