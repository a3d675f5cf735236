"""Faults found reviewing issue 11's last commits (eb90b76: a packet known by its print), each a
real round trip that failed before its fix."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.readings import PageReading
from formkit.recipients import Recipient
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.scan import iter_image_pages, read_page
from formkit.scan.context import ReadContext
from formkit.scan.qr import find_qr
from tests.prefilled import fax
from tests.test_identity_integrity import cover_qr

# A mailing list with numeric ids: '2018' is also the year in the campaign id 'lsz-2018'.
NUMBERED = [Recipient(id="2018", first_name="Ines", last_name="Vogt", institution="Landratsamt Gotha"),
            Recipient(id="17", first_name="Kai", last_name="Schäfer", institution="Kreisjugendring Saalfeld")]


def _layout(registry: LayoutRegistry, form_id: str) -> FormLayout:
    form = registry.form(form_id).layout
    assert isinstance(form, FormLayout)
    return form


def test_a_sheet_without_anyones_print_gets_no_recipient_from_its_small_print(tmp_path: Path,
                                                                              registry: LayoutRegistry) -> None:
    """The blank 'Leitgedanken' sheet (no recipient, nothing prefilled), its QR code covered on a
    fine fax: its small print names no one, but the id search found '2018' in 'lsz-2018' and, with
    none of that person's print on this form to contradict it, the sheet became theirs and the
    'Empfänger unbekannt' doubt was dropped."""
    form = _layout(registry, "leitgedanken-blank")
    pdf, _ = render_to_bytes("leitgedanken-blank", registry, RenderOptions(fillable=False))
    (im,) = list(iter_image_pages(fax(cover_qr(pdf, form), tmp_path / "fax.tif", "fine")))
    assert not find_qr(np.asarray(im.convert("L")))
    forms = [_layout(registry, "registration"), form]
    r = read_page(im, 1, registry, ReadContext.build(NUMBERED, forms=forms))
    assert isinstance(r, PageReading), r
    assert r.identity.layout_id == "leitgedanken-blank"
    assert r.identity.recipient_id is None
    assert any("Empfänger unbekannt" in p for p in r.problems), r.problems
