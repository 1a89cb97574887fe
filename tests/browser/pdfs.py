"""Small real PDFs for upload tests: one A4 page with a line of text, built byte by byte.

A PDF reader (and `pdftotext`) opens them: the cross-reference table holds the real byte offsets.
Building them by hand keeps the browser tests fast (no WeasyPrint run per file).
"""

from __future__ import annotations

from pathlib import Path


def _escape(text: str) -> str:
    """Return `text` as the inside of a PDF literal string (Latin-1, parentheses and backslashes escaped)."""
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(text: str) -> bytes:
    """Return a one-page PDF that shows `text` (Latin-1 characters only) in Helvetica."""
    stream = f"BT /F1 14 Tf 72 770 Td ({_escape(text)}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write_pdf(directory: Path, name: str, text: str) -> Path:
    """Write a one-page PDF showing `text` to `directory/name` and return its path."""
    path = directory / name
    path.write_bytes(text_pdf(text))
    return path
