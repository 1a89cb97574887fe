"""Checks for uploaded files: PDFs by content, size-limited, with sanitised names."""

import hashlib
import re
import unicodedata
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"


def sanitise_filename(name: str, *, suffix: str = ".pdf", max_length: int = 120) -> str:
    """Return a safe display name: no directories, control characters or markup; ends with `suffix`."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePosixPath(name.replace("\\", "/")).name  # drop any directory part, '../' included
    name = re.sub(r"[\x00-\x1f\x7f<>:\"'/\\|?*&;`$]", "", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem = name[: -len(suffix)] if name.lower().endswith(suffix) else name
    stem = stem[: max_length - len(suffix)].strip(" .") or "bilag"
    return f"{stem}{suffix}"


def check_pdf_upload(uploaded) -> str:
    """Validate an uploaded file as a PDF by its content and size; return its SHA-256 hex digest.

    Raises ValidationError with a message the applicant can act on.
    """
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    uploaded.seek(0)
    head = uploaded.read(1024)
    if PDF_MAGIC not in head:
        raise ValidationError(
            _("The file is not a PDF (its content is not PDF, whatever its name says)."), code="not_pdf"
        )
    uploaded.seek(max(uploaded.size - 2048, 0))
    if b"%%EOF" not in uploaded.read():
        raise ValidationError(_("The PDF is incomplete or damaged (no end-of-file marker)."), code="damaged_pdf")
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()
