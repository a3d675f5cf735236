"""A second model as witness for unsure digits and addresses (formkit.scan.witness): it confirms,
it never changes a value, and what it confirms is right.

Real round trips: the blank sheet filled by PyMuPDF in Courier and Times 9 pt (small type, the
witness's use case), faxed in normal mode by Ghostscript, read with and without the witness."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from formkit import thresholds as T
from formkit.layout.loader import LayoutRegistry
from formkit.readings import PageReading
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.scan import iter_image_pages, ocr, read_page
from tests.fax import NORMAL, fax_tiff
from tests.fill import Font, fill_pymupdf
from tests.returns import values

PHONES = ["03641 87 3654", "036481 22617", "03691 748250", "03628 66 9037", "0361 5734889", "03675 406813"]


@pytest.mark.slow
def test_the_witness_confirms_only_what_is_right_and_changes_no_value(registry: LayoutRegistry,
                                                                       tmp_path: Path) -> None:
    blank, _ = render_to_bytes("registration", registry, RenderOptions())
    without = dataclasses.replace(ocr.ALL, witness=False)
    raised = 0
    for i, phone in enumerate(PHONES):
        for family in ("Courier", "Times"):
            want = values(i, phone=phone, date=f"{10 + i}.04.2018")
            path = tmp_path / f"{i}-{family}.tif"
            path.write_bytes(fax_tiff(fill_pymupdf(blank, want, Font(family, 9)), NORMAL))
            image = next(iter(iter_image_pages(path)))
            seen, plain = read_page(image, 1, registry, None, ocr.ALL), read_page(image, 1, registry, None, without)
            assert isinstance(seen, PageReading) and isinstance(plain, PageReading)
            for k in ("phone", "date", "address"):
                a, b = seen.fields[k], plain.fields[k]
                assert a.value == b.value and a.confidence >= b.confidence, (k, a.value, a.confidence, b.confidence)
                if a.confidence >= T.OCR_OK:
                    assert a.value == want[k], (family, k, a.value, a.confidence)
                raised += b.confidence < T.OCR_OK <= a.confidence
            # Names, institutions and e-mail addresses have no witness (both models make some errors alike).
            assert all(seen.fields[k].confidence == plain.fields[k].confidence for k in ("name", "institution", "email"))
    # Unsure small digits through a normal-mode fax are the witness's case: it confirms several.
    assert raised >= 3
