"""One regression test per fault `python -m bench heldout_fonts` found (other producers, fonts, degradations).

Each builds the input the way the rehearsal did (real files: Ghostscript, reportlab, pypdf) and
fails on the code before its fix.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import pytest
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

ROOT = Path(__file__).resolve().parents[1]
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


# --- a fax's receipt time from its TIFF (tag 306 DateTime) ---------------------------------------

def _fax(pdf: bytes, tmp: Path, stamp: str | None, software: str | None = None, mode: str = "1",
         compression: str = "group3") -> Path:
    """*pdf* faxed by Ghostscript, saved again as a fax server stores it: its receipt time in
    DateTime (306), optionally a Software tag (305)."""
    from PIL import Image

    raw = tmp / "gs.tif"
    subprocess.run(["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffg3", "-r204x196",
                    f"-sOutputFile={raw}", "-"], input=pdf, check=True, capture_output=True, timeout=120)
    info: dict[int, str] = {}
    if stamp is not None:
        info[306] = stamp
    if software is not None:
        info[305] = software
    out = tmp / f"fax-{len(list(tmp.iterdir()))}.tif"
    Image.open(raw).convert(mode).save(out, format="TIFF", compression=compression, dpi=(204, 196), tiffinfo=info)
    return out


def test_fax_tiff_names_its_receipt_time(registration_pdf: bytes, tmp_path: Path) -> None:
    import datetime as dt

    from formkit.faxtime import fax_received
    from formkit.ingest import iter_sources

    fax = _fax(registration_pdf, tmp_path, "2018:04:16 09:30:00")
    (src,) = list(iter_sources([fax]))
    assert src.received is not None
    assert src.received.isoformat() == "2018-04-16T09:30:00+02:00"
    # Times that are not a fax's receipt: Ghostscript's own DateTime (when it rendered the file), a
    # grey scanner TIFF's, one in the future, none at all.
    assert fax_received(tmp_path / "gs.tif") is None
    assert fax_received(_fax(registration_pdf, tmp_path, "2018:04:16 09:30:00", "GPL Ghostscript 10.0")) is None
    assert fax_received(_fax(registration_pdf, tmp_path, "2018:04:16 09:30:00", mode="L",
                             compression="tiff_lzw")) is None
    assert fax_received(_fax(registration_pdf, tmp_path, "2099:01:01 00:00:00")) is None
    assert fax_received(_fax(registration_pdf, tmp_path, None)) is None
    assert fax_received(_fax(registration_pdf, tmp_path, "2018:04:16 09:30:00"),
                        now=dt.datetime(2018, 4, 1, tzinfo=dt.UTC)) is None


@pytest.mark.slow
def test_late_fax_goes_to_a_person(registration_pdf: bytes, tmp_path: Path) -> None:
    """A fax after lsz-2018's deadline (11 April 2018) whose TIFF names its receipt time: before,
    it came out ``ok`` (the bench's member packet); now it says „nach Anmeldeschluss“."""
    import csv

    from formkit.pipeline import Options, run

    fax = _fax(fill_pypdf(registration_pdf, returns.values(2, "venue_gotha")), tmp_path, "2018:04:20 11:05:00")
    out = tmp_path / "r.csv"
    run([fax], Options(db=tmp_path / "r.sqlite", csv=out, layouts=ROOT / "layouts" / "lsz-2018"))
    (row,) = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert row["status"] == "review" and "nach Anmeldeschluss" in row["reason"], row
    assert row["received"].startswith("2018-04-20")
