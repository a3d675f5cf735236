"""OCR leaves out the passes that cannot change what the reader states (``ocr.read_zone``'s
*outcome*): the witness on a prefilled value the print verifies, on a field whose print was
changed, on a page not trusted; the second pass where the first reading is the list's entry and
the print is verified. Pure speed: the readings stay the same.

Real round trips: packet sheets as printed and as changed by hand (a pen overlay), faxed fine and
normal by Ghostscript, read by the reader as it is and again with every pass made (read_zone
called without *outcome*); field for field the same readings, never more Tesseract calls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.readings import PageReading
from formkit.recipients import Recipient
from formkit.scan import iter_image_pages, ocr, read_page
from formkit.scan.context import ReadContext
from tests.prefilled import Pen, fax, sheet

PEOPLE = [
    Recipient(id="R0107", title="Dr.", first_name="Käthe", last_name="Großmann-Übel",
              institution="Mehrgenerationenhaus Großbreitenbach", function="Koordinatorin",
              street="Straße der Einheit 12", postcode="98701", city="Großbreitenbach",
              email="k.grossmann@grossbreitenbach.de"),
    Recipient(id="R0016", first_name="Christiane", last_name="Lößner", institution="Landratsamt Greiz",
              function="Jugendamt", street="Dr.-Rathenau-Platz 11", postcode="07973", city="Greiz",
              email="c.loessner@landkreis-greiz.de"),
]


def _read(path: Path, registry: LayoutRegistry, monkeypatch: pytest.MonkeyPatch, every_pass: bool
          ) -> tuple[PageReading, int]:
    """The page's reading and how often Tesseract was called for it."""
    calls = 0
    recognise, read_zone = ocr._recognise, ocr.read_zone

    def counted(*args: Any, **kw: Any) -> Any:
        nonlocal calls
        calls += 1
        return recognise(*args, **kw)

    def without_outcome(*args: Any, **kw: Any) -> Any:
        kw.pop("outcome", None)
        return read_zone(*args, **kw)

    with monkeypatch.context() as m:
        m.setattr(ocr, "_recognise", counted)
        if every_pass:
            m.setattr(ocr, "read_zone", without_outcome)
        (im,) = list(iter_image_pages(path))
        r = read_page(im, 1, registry, ReadContext.build(PEOPLE))
    assert isinstance(r, PageReading), r
    return r, calls


@pytest.mark.slow
def test_passes_left_out_change_no_reading(registry: LayoutRegistry, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    marks: list[Callable[[Pen], Pen]] = [
        lambda pen: pen,  # returned as printed
        lambda pen: pen.tick("venue_gotha").strike_and_write("institution", "Jugendamt Gotha"),
    ]
    saved = 0
    for i, who in enumerate(PEOPLE):
        for j, mark in enumerate(marks):
            pdf = mark(Pen(form)).onto(sheet(registry, who, fillable=False))
            for mode in ("fine", "normal"):
                path = fax(pdf, tmp_path / f"{i}-{j}-{mode}.tif", mode)
                fast, n_fast = _read(path, registry, monkeypatch, every_pass=False)
                full, n_full = _read(path, registry, monkeypatch, every_pass=True)
                assert fast.fields.keys() == full.fields.keys()
                for k, a in fast.fields.items():
                    b = full.fields[k]
                    assert (a.value, a.confidence, a.printed, a.snapped, a.state) == \
                        (b.value, b.confidence, b.printed, b.snapped, b.state), (who.id, j, mode, k)
                assert n_fast <= n_full
                saved += n_full - n_fast
    assert saved > 0  # (2 of 38 calls on these eight pages: the witness on a verified print)
