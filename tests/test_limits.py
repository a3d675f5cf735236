"""Issue 10: raster size and memory bounded in every mode; reasons name inputs as the user gave them."""

from __future__ import annotations

import csv as csvmod
import resource
from pathlib import Path

import pytest
from PIL import Image

from formkit import thresholds as T
from formkit.errors import InputError
from formkit.ingest import escape_label
from formkit.pipeline import WORKER_MEMORY_BYTES, Job, Options, memory_cap, process, run
from formkit.rasterise import bounded_dpi, render_page
from tests.hostile import image_page_pdf, write_hostile_inbox


def test_bounded_dpi_keeps_downscales_refuses() -> None:
    assert bounded_dpi((8.27, 11.69), 200, 1) == 200  # A4
    fitted = bounded_dpi((40.0, 40.0), 200, 1)
    assert T.MIN_RASTER_DPI <= fitted < 200 and (40 * fitted) ** 2 <= T.MAX_PIXELS
    with pytest.raises(InputError, match="Seite 3: Seite zu groß"):
        bounded_dpi((200.0, 200.0), 200, 3)


def test_a_large_page_is_rendered_within_the_pixel_bound(tmp_path: Path) -> None:
    pdf = tmp_path / "gross.pdf"
    pdf.write_bytes(image_page_pdf(40 * 72))  # 40 in square: 64 Mpx at 200 dpi
    im = render_page(pdf, 0, 200)
    assert im.width * im.height <= T.MAX_PIXELS and im.info["dpi"][0] < 200


def test_absurd_page_is_a_rejected_row_before_rendering(tmp_path: Path) -> None:
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "riesig.pdf").write_bytes(image_page_pdf(14400))  # 200 in: 1.6 billion px at 200 dpi
    csv = tmp_path / "out.csv"
    summary = run([inbox], Options(db=tmp_path / "db.sqlite", csv=csv))  # single process
    assert summary.by_status == {"rejected": 1}
    text = csv.read_text("utf-8")
    assert "Seite 1: Seite zu groß zum Rastern" in text
    assert str(tmp_path) not in text  # the reason names the input relative to what was given


def test_memory_cap_bounds_and_is_released() -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    with memory_cap(WORKER_MEMORY_BYTES):
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        assert soft != resource.RLIM_INFINITY and soft >= WORKER_MEMORY_BYTES
        with pytest.raises(MemoryError):
            bytearray(soft + 1)
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_reasons_name_the_input_by_its_label(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n kaputt")
    res = process(Job("eingang/x.png", "0" * 64, path))
    assert res.error and str(tmp_path) not in res.error


@pytest.mark.slow
def test_hostile_inbox_every_path_accounted_for(tmp_path: Path) -> None:
    inbox = tmp_path / "eingang"
    names = write_hostile_inbox(inbox)
    csv = tmp_path / "h.csv"
    summary = run([inbox], Options(db=tmp_path / "h.sqlite", csv=csv))
    rows = list(csvmod.DictReader(csv.open(encoding="utf-8")))
    sources = {r["source"].split("#")[0] for r in rows}
    skipped = {"ordner.pdf"}  # the empty folder: counted, not a row
    assert sources | skipped == {escape_label(n) for n in names}
    assert summary.skipped == {"leerer Ordner": 1}
    assert all(r["status"] == "rejected" and r["reason"] for r in rows)
    assert not any(str(tmp_path) in r["reason"] for r in rows)


def test_reasons_never_name_the_temporary_copy_of_an_attachment(monkeypatch: pytest.MonkeyPatch) -> None:
    import formkit.read.dispatch as dispatch

    def fails(path, *args):  # type: ignore[no-untyped-def]
        raise ValueError(f"cannot decode {path}")

    monkeypatch.setattr(dispatch, "_ocr_image", fails)
    res = process(Job("post.mbox#1#scan.png", "0" * 64, None, b"\x89PNG\r\n\x1a\n kaputt"))
    assert res.error and "post.mbox#1#scan.png" in res.error and "formkit-" not in res.error


def test_a_damaged_resolution_tag_is_not_believed(tmp_path: Path) -> None:
    """A fuzzed fax claimed 204 x 15,335,620 dpi: stretching it to square pixels asked for terabytes."""
    from formkit.scan.raster import iter_image_pages

    im = Image.new("1", (1728, 2292), 1)
    path = tmp_path / "fax.tif"
    im.save(path, compression="group3", dpi=(204, 15_335_620))
    (page,) = iter_image_pages(path)
    assert page.size == (1728, 2292) and page.info["dpi"][0] == pytest.approx(1728 / (210 / 25.4))
    im.save(path, compression="group3", dpi=(204, 98))  # a normal-mode fax is still stretched
    (page,) = iter_image_pages(path)
    assert page.size == (1728, round(2292 * 204 / 98))
