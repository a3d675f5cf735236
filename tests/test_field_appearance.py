"""The e-mail PDF's text fields show their value where the print copy prints it (formkit.render.fieldap).

Rendered by the programs a returned sheet passes through: Ghostscript (the fax driver, which draws
the appearance as it is, also with ``NeedAppearances``), poppler (pdftoppm), and MuPDF regenerating
the appearance as a viewer does after an edit. The scan verifier compares the page with the print
copy's positions, so they must agree.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from tests.fill import fill_pypdf
from tests.prefilled import sheet
from tests.test_scan_verify import KAETHE, PREFILLED

DPI = 300
PX_MM = DPI / 25.4


def _gs(pdf: bytes) -> np.ndarray:
    with tempfile.TemporaryDirectory(prefix="fk-ap-") as tmp:
        Path(tmp, "in.pdf").write_bytes(pdf)
        subprocess.run(["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pnggray", f"-r{DPI}",
                        "-dFirstPage=1", "-dLastPage=1", f"-sOutputFile={tmp}/p.png", f"{tmp}/in.pdf"],
                       check=True, capture_output=True, timeout=120)
        return np.asarray(Image.open(Path(tmp, "p.png")).convert("L"))


def _poppler(pdf: bytes) -> np.ndarray:
    with tempfile.TemporaryDirectory(prefix="fk-ap-") as tmp:
        Path(tmp, "in.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-f", "1", "-l", "1", "-png", f"{tmp}/in.pdf",
                        f"{tmp}/p"], check=True, capture_output=True, timeout=120)
        (png,) = Path(tmp).glob("p*.png")
        return np.asarray(Image.open(png).convert("L"))


def _ink_box(img: np.ndarray, form: FormLayout, name: str) -> tuple[float, float, float, float]:
    """The value's ink inside the field's box (border excluded), in mm from the box's corner."""
    b = form.field(name).box.inset(0.6)
    x0, y0, x1, y1 = (int(round(v * PX_MM)) for v in (b.x, b.y, b.x2, b.y2))
    ink = img[y0:y1, x0:x1] < 128
    ys, xs = np.nonzero(ink.any(1))[0], np.nonzero(ink.any(0))[0]
    assert len(ys), name
    return (xs[0] / PX_MM, ys[0] / PX_MM, xs[-1] / PX_MM, ys[-1] / PX_MM)


def _form(registry: LayoutRegistry) -> FormLayout:
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    return form


@pytest.mark.parametrize("need_appearances", [False, True], ids=["as-is", "need-appearances"])
def test_fax_driver_draws_email_pdf_values_where_the_print_copy_prints_them(need_appearances: bool,
                                                                           registry: LayoutRegistry) -> None:
    """Ghostscript, the fax driver, draws the appearance as it is, NeedAppearances or not."""
    _same_place(_gs, fill_pypdf(sheet(registry, KAETHE, fillable=True), {"venue_gotha": "1"},
                                need_appearances=need_appearances), registry)


def test_poppler_draws_email_pdf_values_where_the_print_copy_prints_them(registry: LayoutRegistry) -> None:
    _same_place(_poppler, sheet(registry, KAETHE, fillable=True), registry)


def _same_place(render, pdf: bytes, registry: LayoutRegistry) -> None:  # type: ignore[no-untyped-def]
    form = _form(registry)
    printed, filled = render(sheet(registry, KAETHE, fillable=False)), render(pdf)
    for k in PREFILLED:
        a, b = _ink_box(printed, form, k), _ink_box(filled, form, k)
        assert max(abs(u - v) for u, v in zip(a, b, strict=True)) <= 0.15, (k, a, b)


def _mupdf_regenerated(pdf: bytes) -> bytes:
    fitz = pytest.importorskip("pymupdf")
    doc = fitz.open(stream=pdf, filetype="pdf")
    for w in doc[0].widgets():
        if w.field_type == fitz.PDF_WIDGET_TYPE_TEXT:
            w.update()
    out = bytes(doc.tobytes())
    doc.close()
    return out


@pytest.mark.parametrize("viewer", ["mupdf", "poppler"])
def test_a_viewer_regenerating_the_appearance_keeps_single_lines_centred(viewer: str,
                                                                         registry: LayoutRegistry) -> None:
    """Viewers that make the appearance themselves (MuPDF after an edit, poppler with
    NeedAppearances) centre a single line in its box: within half a
    millimetre of the print copy, well inside what the verifier searches (thresholds.VERIFY_SHIFT_*)."""
    email = sheet(registry, KAETHE, fillable=True)
    if viewer == "mupdf":
        regenerated = _gs(_mupdf_regenerated(email))
    else:
        regenerated = _poppler(fill_pypdf(email, {"venue_gotha": "1"}, need_appearances=True))
    form, printed = _form(registry), _gs(sheet(registry, KAETHE, fillable=False))
    for k in ("name", "institution", "email"):
        a, b = _ink_box(printed, form, k), _ink_box(regenerated, form, k)
        assert abs((a[1] + a[3]) - (b[1] + b[3])) / 2 <= 0.5, (k, a, b)


def test_email_pdf_fields_keep_their_values(registry: LayoutRegistry) -> None:
    fields = PdfReader(io.BytesIO(sheet(registry, KAETHE, fillable=True))).get_fields() or {}
    printed = KAETHE.prefill_values()
    for k in PREFILLED:
        assert fields[k].get("/V") == printed[k], k
