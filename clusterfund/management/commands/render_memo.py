"""`python manage.py render_memo CALL_SLUG --kind allocation|recommendation|dossier --out PATH`

Renders a memo (or an application's dossier) synchronously to a file, from the data as it is now:

    python manage.py render_memo klyngeindsats-2021-2024 --kind recommendation --out indstilling.pdf
    python manage.py render_memo klyngeindsats-2021-2024 --kind allocation --proposal 2 \\
        --meeting-date 2020-09-03 --agenda-item "Punkt 5" --out fordelingsnotat.pdf
    python manage.py render_memo klyngeindsats-2021-2024 --kind dossier --application 17 --out ansoegning.pdf

By default nothing is stored: the file is a working copy. With --archive the command also makes a new
version in the document archive (as "Generate memo" on the page does, requested by the system), renders
it at once and writes that version's file; the version is then listed, downloadable and audited like any
other. Without --proposal the allocation memo is about the call's approved proposal (or, if none is
approved, its newest).

The kinds are looked up in the registry (clusterfund.documents), so this project-level command does not
import the apps above it.
"""

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clusterfund.documents import document_kind, document_pdf_bytes_for, document_render, document_request
from clusterfund.models import GeneratedDocument

KINDS = {"allocation": "allocation-memo", "recommendation": "recommendation-memo", "dossier": "dossier"}


class Command(BaseCommand):
    help = "Render the allocation memo, the recommendation memo or an application dossier of a call to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("call_slug", help="The call's slug, e.g. klyngeindsats-2021-2024.")
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="Which document to render.")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument("--proposal", type=int, help="Allocation memo: the proposal's number in the call.")
        parser.add_argument("--application", type=int, help="Dossier: the application's id.")
        parser.add_argument("--meeting-date", help="Allocation memo: the meeting's date (YYYY-MM-DD).")
        parser.add_argument("--agenda-item", default="", help='Allocation memo: the agenda item, e.g. "Punkt 5".')
        parser.add_argument("--board", default="", help="Allocation memo: the board's name (default: the board).")
        parser.add_argument(
            "--archive", action="store_true", help="Also store the rendering as a new version in the archive."
        )
        parser.add_argument("--language", default="da", help="The memo's language (default: da).")

    def handle(self, *args, **options):
        kind = KINDS[options["kind"]]
        spec = document_kind(kind)
        subject = self._subject(kind, spec, options)
        memo_options = self._memo_options(kind, options)
        out = Path(options["out"])
        try:
            if options["archive"]:
                document = document_request(
                    kind=kind, subject=subject, by=None, options=memo_options, language=options["language"]
                )
                document_render(document_id=document.pk)  # at once; a queued task then finds it done
                document.refresh_from_db()
                if document.status != GeneratedDocument.Status.DONE:
                    raise CommandError(f"Version {document.version} failed: {document.error}")
                with document.file.open("rb") as handle:
                    pdf = handle.read()
                pages = document.page_count
                label = f"version {document.version} (document {document.pk})"
            else:
                pdf = document_pdf_bytes_for(kind, subject, options=memo_options, language=options["language"])
                pages = None
                label = "working copy (not archived)"
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        _write_atomically(out, pdf)
        digest = hashlib.sha256(pdf).hexdigest()
        pages_text = f", {pages} pages" if pages else ""
        self.stdout.write(f"{out}: {spec.title} – {spec.subject_label(subject)}, {label}{pages_text}")
        self.stdout.write(f"{len(pdf)} bytes, SHA-256 {digest}")

    def _subject(self, kind: str, spec, options):
        slug = options["call_slug"]
        model = spec.subject_model
        if kind == "recommendation-memo":
            subject = model._default_manager.filter(slug=slug).first()
            if subject is None:
                raise CommandError(f"No call has the slug {slug!r}.")
            return subject
        if kind == "dossier":
            if not options["application"]:
                raise CommandError("Give the application's id with --application.")
            subject = model._default_manager.filter(pk=options["application"], call__slug=slug).first()
            if subject is None:
                raise CommandError(f"The call {slug!r} has no application {options['application']}.")
            return subject
        proposals = model._default_manager.filter(call__slug=slug)
        if options["proposal"]:
            subject = proposals.filter(number=options["proposal"]).first()
            if subject is None:
                raise CommandError(f"The call {slug!r} has no proposal {options['proposal']}.")
            return subject
        subject = (
            proposals.filter(status="approved").order_by("-approved_at").first()
            or proposals.order_by("-number").first()
        )
        if subject is None:
            raise CommandError(f"The call {slug!r} has no allocation proposal.")
        return subject

    def _memo_options(self, kind: str, options) -> dict:
        if kind != "allocation-memo":
            return {}
        meeting_date = None
        if options["meeting_date"]:
            try:
                meeting_date = dt.date.fromisoformat(options["meeting_date"])
            except ValueError as error:
                raise CommandError(f"--meeting-date must be YYYY-MM-DD, not {options['meeting_date']!r}.") from error
        return {"board": options["board"], "meeting_date": meeting_date, "agenda_item": options["agenda_item"]}


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, so a reader never sees half a PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
