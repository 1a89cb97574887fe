"""Reading generated PDFs in tests: text (pdftotext), page count and tags (pdfinfo), fonts (pdffonts), XMP.

Poppler's tools are installed in CI (.ci/run); on a machine without them the tests that need them skip
(and fail under CI=true, see tests/services.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib

from tests.services import require_or_skip


def _run(tool: str, *args: str, pdf: bytes) -> str:
    require_or_skip(shutil.which(tool) is not None, f"needs {tool} (poppler-utils)")
    result = subprocess.run([tool, *args, "-", *(["-"] if tool == "pdftotext" else [])], input=pdf, capture_output=True)
    if result.returncode != 0:
        raise AssertionError(f"{tool} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout.decode("utf-8", errors="replace")


def pdf_text(pdf: bytes) -> str:
    """Return the PDF's text with every run of white space (line breaks too) made one space."""
    return " ".join(_run("pdftotext", pdf=pdf).split())


def pdf_layout_text(pdf: bytes) -> str:
    """Return the PDF's text as pdftotext -layout prints it (for reading, not for asserting)."""
    return _run("pdftotext", "-layout", pdf=pdf)


def pdf_info(pdf: bytes) -> dict[str, str]:
    """Return pdfinfo's fields ("Pages", "Tagged", "PDF version" ...)."""
    info = {}
    for line in _run("pdfinfo", pdf=pdf).splitlines():
        key, _sep, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """Return one dict per font pdffonts lists: name, type, emb ("yes"/"no")."""
    lines = _run("pdffonts", pdf=pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name, type words ..., encoding, emb, sub, uni, object, id: the last six columns are fixed
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def pdf_xmp(pdf: bytes) -> str:
    """Return the XMP metadata packet, read from the PDF's bytes (its stream may be Flate-compressed)."""
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        data = match.group(1)
        for candidate in (data, _inflate(data)):
            if candidate and b"x:xmpmeta" in candidate:
                return candidate.decode("utf-8")
    return ""


def _inflate(data: bytes) -> bytes | None:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return None


def pdf_pages(pdf: bytes) -> list[str]:
    """Return each page's text (white space made single spaces), first page first."""
    count = int(pdf_info(pdf)["Pages"])
    return [" ".join(_run("pdftotext", "-f", str(n), "-l", str(n), pdf=pdf).split()) for n in range(1, count + 1)]
