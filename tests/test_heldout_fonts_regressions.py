"""One regression test per fault `python -m bench heldout_fonts` found (other producers, fonts, degradations).

Each builds the input the way the rehearsal did (real files: Ghostscript, reportlab, pypdf) and
fails on the code before its fix.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.read.dispatch import read_pdf
from formkit.readings import PageReading
from formkit.thresholds import OCR_OK
from tests import returns
from tests.fill import fill_pypdf
from tests.prefilled import onto_first_page

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def pdfa(pdf: bytes) -> bytes:
    """A re-save as PDF/A-2b by Ghostscript: fields become page content, the fonts subsets without
    /ToUnicode (pdftotext then gives an unmapped glyph as a control character)."""
    with tempfile.TemporaryDirectory(prefix="fk-pdfa-") as tmp:
        src, out = Path(tmp, "in.pdf"), Path(tmp, "out.pdf")
        src.write_bytes(pdf)
        subprocess.run(["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-dPDFA=2",
                        "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB", f"-sOutputFile={out}",
                        str(src)], check=True, capture_output=True, timeout=120)
        return out.read_bytes()


def _reading(pdf: bytes, registry: LayoutRegistry) -> PageReading:
    pages = read_pdf(pdf, registry).pages
    assert len(pages) == 1 and isinstance(pages[0], PageReading), pages
    return pages[0]


def test_pdfa_resave_of_a_filled_sheet_is_read(registration_pdf: bytes, registry: LayoutRegistry) -> None:
    """The header's „…“ and umlauts had no Unicode mapping: one control character in pdftotext's
    XML made the whole page „keine Formularseite“ and the registration was rejected."""
    vals = returns.values(1, "venue_sondershausen")
    reading = _reading(pdfa(fill_pypdf(registration_pdf, vals)), registry)
    assert reading.method == "textlayer"
    assert {k: r.value for k, r in reading.fields.items()} == vals


def test_unmapped_glyphs_in_a_value_are_never_sure(registration_pdf: bytes, registry: LayoutRegistry) -> None:
    """A word processor's name in a TrueType subset, re-saved as PDF/A: 'ü' and 'ß' lose their
    characters. The value is not the name, so it must not be stated sure."""
    form = registry.get("registration").layout
    assert isinstance(form, FormLayout)
    if "FkDejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("FkDejaVu", DEJAVU))
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(form.width * mm, form.height * mm), invariant=1)
    box = form.field("name").box
    c.setFont("FkDejaVu", 11)
    c.drawString((box.x + 1.5) * mm, (form.height - box.y - 8) * mm, "Jürgen Weiß-Müller")
    c.showPage()
    c.save()
    vals = {k: v for k, v in returns.values(0).items() if k != "name"}
    reading = _reading(pdfa(onto_first_page(fill_pypdf(registration_pdf, vals), buf.getvalue())), registry)
    name = reading.fields["name"]
    assert name.value != "Jürgen Weiß-Müller"  # the text layer lost the umlauts
    assert name.confidence < OCR_OK
    assert reading.fields["institution"].value == vals["institution"]
    assert reading.fields["institution"].confidence >= OCR_OK
