"""The fillers type in the font a person chose (tests/fill.py's Font), so that the scan bench
measures other fonts than Helvetica: each tool draws the value in that font, umlauts intact."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from tests.fill import Font, fill_pdftk, fill_pymupdf, fill_pypdf

VALUES = {"name": "Übelacker, Görkem", "phone": "03634 123456", "venue_gotha": "1"}


def _base_fonts(obj: object, seen: set[int] | None = None) -> set[str]:
    """Every /BaseFont reachable from *obj* (page resources, annotation appearances, XObjects)."""
    seen = set() if seen is None else seen
    out: set[str] = set()
    if hasattr(obj, "get_object"):
        obj = obj.get_object()
    if id(obj) in seen:
        return out
    seen.add(id(obj))
    if isinstance(obj, DictionaryObject):
        if "/BaseFont" in obj:
            out.add(str(obj["/BaseFont"]).lstrip("/"))
        for k, v in obj.items():
            if k not in ("/Parent", "/P"):
                out |= _base_fonts(v, seen)
    elif isinstance(obj, list):
        for v in obj:
            out |= _base_fonts(v, seen)
    return out


def _text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory(prefix="fk-font-") as tmp:
        p = Path(tmp, "in.pdf")
        p.write_bytes(pdf)
        return subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, check=True,
                              text=True).stdout


@pytest.mark.parametrize("family", ["Courier", "Times"])
@pytest.mark.parametrize("filler", ["pypdf", "pymupdf", "pdftk"])
def test_filler_types_in_the_chosen_font(filler: str, family: str, registration_pdf: bytes) -> None:
    font = Font(family, 11)
    if filler == "pypdf":
        out = fill_pypdf(registration_pdf, VALUES, font=font)
    elif filler == "pymupdf":
        out = fill_pymupdf(registration_pdf, VALUES, font=font)
    else:
        out = fill_pdftk(registration_pdf, VALUES, flatten=True, font=font)
    page = PdfReader(io.BytesIO(out)).pages[0]
    fonts = _base_fonts(page)
    assert any(family in f for f in fonts), fonts
    text = _text(out)
    assert "Übelacker, Görkem" in text and "03634 123456" in text, text
