"""Prefilled values re-drawn by another program in another font are still verified (issue 11).

A member opens the e-mail PDF in a program that makes every field's appearance anew in the font
the person picked (PyMuPDF here; pdftk with another default appearance): the packet's values are
on the page untouched, only not in our Helvetica. The verifier tries the base fonts at the size
the ink shows (formkit.scan.verify._redrawn_styles); a value changed in that program still goes
to a person.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FieldSpec
from formkit.scan.verify import _line_ink, _redrawn_styles, compare
from formkit.thresholds import OCR_OK, OCR_PX_PER_MM
from tests.fill import Font, fill_pdftk, fill_pymupdf, with_font
from tests.prefilled import Pen, fax, sheet
from tests.test_scan_verify import KAETHE, PREFILLED, _form, _read, _record, _verified_ok

pytest.importorskip("pymupdf")


def _redrawn_by_mupdf(pdf: bytes, font: Font, changes: dict[str, str] | None = None) -> bytes:
    """Every text field's appearance made anew by PyMuPDF in *font* (the values left as they
    are, but for *changes* typed over them there)."""
    return fill_pymupdf(pdf, changes or {}, font=font, redraw_all=True)


def _ticked(registry: LayoutRegistry, pdf: bytes) -> bytes:
    return Pen(_form(registry)).tick("venue_gotha").onto(pdf)


@pytest.mark.parametrize("font", [Font("Courier", 10), Font("Times", 12), Font("Helvetica", 9)],
                         ids=lambda f: f.label)
def test_values_redrawn_in_another_font_are_verified(font: Font, tmp_path: Path, registry: LayoutRegistry) -> None:
    pdf = _ticked(registry, _redrawn_by_mupdf(sheet(registry, KAETHE, fillable=True), font))
    _verified_ok(_read(fax(pdf, tmp_path / "fax.tif"), registry), registry)


@pytest.mark.slow
def test_values_redrawn_by_pdftk_at_another_size_are_verified(tmp_path: Path, registry: LayoutRegistry) -> None:
    """pdftk re-draws the fields it fills with their /DA (here Helvetica 12, ours is 10) and
    flattens: the whole sheet printed at another size."""
    form = _form(registry)
    names = {f.name for f in form.fields if f.type == "text"}
    email = with_font(sheet(registry, KAETHE, fillable=True), Font("Helvetica", 12), names)
    pdf = _ticked(registry, fill_pdftk(email, dict(KAETHE.prefill_values()), flatten=True))
    r = _read(fax(pdf, tmp_path / "fax.tif"), registry)
    assert all(r.fields[k].printed == "untouched" for k in PREFILLED), {k: r.fields[k] for k in PREFILLED}
    assert _record(r, registry).status == "ok"


@pytest.mark.parametrize("new", ["Dr. Käthe Großmann-Übeln", "Dr. Käthe Großmann-Ubel", "Dr. Käthe Großmann-Öbel"],
                         ids=["letter-added", "umlaut-dropped", "letter-changed"])
def test_a_value_changed_in_the_program_that_redraws_is_not_taken_for_the_print(new: str, tmp_path: Path,
                                                                                registry: LayoutRegistry) -> None:
    """The name typed over in the same program and font as the untouched values around it: the
    other fields are verified in that font, the name is not the printed one and a person looks."""
    email = sheet(registry, KAETHE, fillable=True)
    pdf = _ticked(registry, _redrawn_by_mupdf(email, Font("Courier", 10), {"name": new}))
    r = _read(fax(pdf, tmp_path / "fax.tif"), registry)
    name = r.fields["name"]
    assert name.printed != "untouched" and name.confidence < OCR_OK, name
    assert name.value != KAETHE.prefill_values()["name"]
    assert r.fields["institution"].printed == "untouched"
    assert _record(r, registry).status == "review"


def _typeset(spec: FieldSpec, text: str, family: str, size: float, height: int, width: int):  # type: ignore[no-untyped-def]
    """A zone with *text* as a program would draw it: one line of *family* at *size*."""
    import numpy as np

    ink, _, _ = _line_ink(text, family, size, OCR_PX_PER_MM)
    zone = np.zeros((height, width), np.uint8)
    zone[20:20 + ink.shape[0], 30:30 + ink.shape[1]] = ink
    return zone


def test_other_fonts_are_tried_only_when_our_own_does_not_fit(registry: LayoutRegistry) -> None:
    """Cost and reach: a zone in our own rendering needs no other font; in Courier the Courier
    rendering is among the few tried, at the size the ink shows; another text of another
    length is not drawn in a font whose lines would be of another height than the ink."""
    spec = _form(registry).field("name")
    printed = KAETHE.prefill_values()["name"]
    styles = _redrawn_styles(_typeset(spec, printed, "Courier", 11.0, 110, 1050), spec, printed, OCR_PX_PER_MM)
    assert sum(len(v) for v in styles.values()) <= 12
    assert any(abs(s.size - 11.0) < 0.15 for s in styles["Courier"][:2]), styles
    v = compare(_typeset(spec, printed, "Courier", 11.0, 110, 1050), spec, printed, OCR_PX_PER_MM, 0.0)
    assert v.state == "untouched" and v.style.family == "Courier", v
    other = _typeset(spec, "Dr. Käthe Großmann-Übel, Mehrgenerationenhaus", "Courier", 11.0, 110, 1050)
    assert compare(other, spec, printed, OCR_PX_PER_MM, 0.0).state != "untouched"
