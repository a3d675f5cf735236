"""A fax, end to end and in-process: render → fill (pypdf) → fax (Ghostscript tiffg3) → parse → store."""

from __future__ import annotations

from pathlib import Path

import pytest

from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.store import Store
from tests import returns
from tests.fax import FINE, NORMAL, fax_tiff
from tests.fill import fill_pypdf

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize("res", [FINE, NORMAL], ids=["fein", "normal"])
def test_fax_parsed_into_the_store(tmp_path: Path, res: tuple[int, int]) -> None:
    registry = LayoutRegistry(ROOT / "layouts" / "lsz-2018")
    blank, _ = render_to_bytes("registration", registry, RenderOptions(recipient_id="R0005", fillable=True))
    values = returns.values(2, "venue_schleiz")
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "fax.tif").write_bytes(fax_tiff(fill_pypdf(blank, values), res))
    db = tmp_path / "db.sqlite"
    summary = run([inbox], Options(db=db, layouts=ROOT / "layouts"))
    assert summary.inputs == 1 and summary.pages_without_form == 0
    with Store(db) as store:
        (rec,) = store.records()
        readings = {r[0]: r for r in store.readings(rec.provenance.sha256, 1)}
    assert rec.provenance.source == "fax.tif" and rec.provenance.method == "ocr" and rec.provenance.page == 1
    assert rec.recipient_id == "R0005" and rec.values["venue"] == "Schleiz"
    assert rec.status in ("ok", "review")
    if rec.status == "ok":  # an ok record carries exactly what was written
        for name in ("name", "phone", "email"):
            assert rec.values[name] == values[name]
    assert rec.values["name"] == values["name"]  # the name reads back on both fax resolutions
    assert set(readings) >= {"name", "institution", "email", "venue_schleiz"}
