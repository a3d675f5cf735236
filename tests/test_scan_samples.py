"""The committed demo faxes (samples/returns/fax, made by samples/make_fax_samples.py) read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from formkit.layout.loader import LayoutRegistry
from formkit.readings import NotAForm, PageReading
from formkit.scan import iter_image_pages, read_page

FAX = Path(__file__).resolve().parents[1] / "samples" / "returns" / "fax"
EXPECTED = {
    "fax-fein-getippt.tif": ("R0005", "venue_schleiz", "Sabine Köhler"),
    "fax-normal-getippt.tif": ("R0008", "venue_gotha", "Ulrike Fuß"),
    "fax-kopfueber.tif": ("R0009", "venue_sonneberg", "Matthias Vogel"),
    "fax-handschrift.tif": ("R0007", "venue_sondershausen", None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_demo_fax(name: str, registry: LayoutRegistry) -> None:
    rid, venue, person = EXPECTED[name]
    (im,) = list(iter_image_pages(FAX / name))
    r = read_page(im, 1, registry)
    assert isinstance(r, PageReading), r
    assert r.identity.recipient_id == rid
    assert [k for k, f in r.fields.items() if f.state == "ticked"] == [venue]
    if person:
        assert r.fields["name"].value == person
    else:  # handwriting: kept as a crop for a person, and not passed as certain
        assert r.fields["name"].crop and r.fields["name"].confidence < 0.8


def test_demo_fax_with_cover_sheet(registry: LayoutRegistry) -> None:
    pages = [read_page(im, i, registry) for i, im in enumerate(iter_image_pages(FAX / "fax-mit-deckblatt.tif"), 1)]
    assert len(pages) == 2
    assert isinstance(pages[0], NotAForm)
    assert isinstance(pages[1], PageReading) and pages[1].identity.recipient_id == "R0006"
    assert pages[1].fields["venue_sondershausen"].state == "ticked"
