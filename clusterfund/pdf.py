"""PDF rendering with WeasyPrint from Django templates, with the IBM Plex Sans font embedded."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "dkfds" / "fonts" / "IBMPlexSans" / "complete" / "ttf"


def render_pdf(template: str, context: dict, *, variant: str | None = None) -> bytes:
    """Render `template` with `context` to PDF bytes. `variant` is WeasyPrint's pdf_variant (e.g. 'pdf/a-3b')."""
    from weasyprint import HTML  # imported here: loading Pango is slow and only PDF work needs it

    html = render_to_string(template, {**context, "font_dir": FONT_DIR.as_uri()})
    options = {"pdf_variant": variant} if variant else {}
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(**options)
