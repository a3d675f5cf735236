"""Registration, QR identity, tick boxes and page classification on generated faxes and scans."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from formkit.layout.loader import LayoutRegistry
from formkit.readings import NotAForm, PageReading
from formkit.scan import iter_image_pages, read_page
from formkit.scan.qr import find_qr
from formkit.scan.reader import analyse_page
from tests import corpus as C


def _read(sample: C.Sample, tmp_path: Path, registry: LayoutRegistry) -> list[PageReading | NotAForm]:
    path = sample.write(tmp_path)
    return [read_page(im, i, registry) for i, im in enumerate(iter_image_pages(path), start=1)]


def _venues(r: PageReading) -> str:
    return ",".join(v for v in C.VENUES if r.fields[v].state == "ticked")


@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_fine_fax_any_orientation_registers_and_reads_venue(quarter: int, tmp_path: Path,
                                                            registry: LayoutRegistry) -> None:
    rng = random.Random(100 + quarter)
    s = C.typed_fax(quarter, rng, "fine", quarter=quarter, angle=rng.choice([-4.5, 3.0]), noise=0.002)
    (r,) = _read(s, tmp_path, registry)
    assert isinstance(r, PageReading), r
    assert r.identity.recipient_id == s.recipient_id
    assert r.identity.layout_id == "registration"
    assert r.fit_error_mm is not None and r.fit_error_mm < 0.5
    assert _venues(r) == s.venue
    assert not r.problems
    assert r.image and r.image.startswith(b"\x89PNG")


def test_normal_mode_fax_upside_down(tmp_path: Path, registry: LayoutRegistry) -> None:
    s = C.typed_fax(7, random.Random(7), "normal", quarter=2, darker=0)
    with Image.open(s.write(tmp_path)) as im:
        assert im.info["dpi"][1] < 100  # really a normal-mode file
    (r,) = _read(s, tmp_path, registry)
    assert isinstance(r, PageReading), r
    assert _venues(r) == s.venue
    assert r.identity.recipient_id == s.recipient_id


def test_normal_mode_is_resampled_to_square_pixels(tmp_path: Path) -> None:
    s = C.typed_fax(8, random.Random(8), "normal", quarter=0)
    (im,) = list(iter_image_pages(s.write(tmp_path)))
    assert im.info["dpi"][0] == im.info["dpi"][1] == pytest.approx(204, abs=1)
    assert im.height / im.width == pytest.approx(297 / 210, rel=0.05)


@pytest.mark.parametrize("mode", ["normal", "fine"])
def test_fax_stretch_is_pillows_nearest_resize(mode: str, tmp_path: Path) -> None:
    """The rows are gathered by index (a fast path), pixel for pixel what Pillow's NEAREST gives."""
    s = C.typed_fax(9, random.Random(9), mode, quarter=0)
    path = s.write(tmp_path)
    (im,) = list(iter_image_pages(path))
    with Image.open(path) as raw:
        want = raw.convert("L").resize(im.size, Image.Resampling.NEAREST)
        assert raw.size != im.size  # 98 or 196 dpi rows stretched to 204
    assert np.array_equal(np.asarray(im), np.asarray(want))


def test_grey_scan_jpeg_reads_venue(tmp_path: Path, registry: LayoutRegistry) -> None:
    s = C.typed_scan(3, random.Random(3), quarter=2)
    (r,) = _read(s, tmp_path, registry)
    assert isinstance(r, PageReading), r
    assert _venues(r) == s.venue


def test_phone_photo_registers_or_says_why(tmp_path: Path, registry: LayoutRegistry) -> None:
    s = C.photo(1, random.Random(11))
    (r,) = _read(s, tmp_path, registry)
    assert isinstance(r, PageReading), r
    assert _venues(r) == s.venue
    assert r.fit_error_mm is not None


def test_cover_sheet_then_form(tmp_path: Path, registry: LayoutRegistry) -> None:
    s = C.with_cover(5, random.Random(5))
    cover, sheet = _read(s, tmp_path, registry)
    assert isinstance(cover, NotAForm) and "Anmeldebogen" in cover.reason
    assert isinstance(sheet, PageReading) and sheet.page == 2
    assert _venues(sheet) == s.venue


@pytest.mark.parametrize("kind", ["blank", "unrelated", "unreadable"])
def test_bad_pages_are_not_forms_with_a_reason(kind: str, tmp_path: Path, registry: LayoutRegistry) -> None:
    s = {b.kind: b for b in C.bad_pages(random.Random(1))}[kind]
    (r,) = _read(s, tmp_path, registry)
    assert isinstance(r, NotAForm)
    assert s.reason and s.reason in r.reason


def test_unreadable_qr_falls_back_to_marks_and_asks_for_review(tmp_path: Path, registry: LayoutRegistry) -> None:
    s = C.typed_fax(9, random.Random(9), "fine", angle=2.0, noise=0.0, darker=0)
    path = s.write(tmp_path)
    (im,) = list(iter_image_pages(path))
    arr = np.asarray(im).copy()
    # Scribble over the QR code (a coffee stain, a stamp): the code no longer decodes.
    (code,) = find_qr(arr)
    x0, y0 = code.corners.min(axis=0).astype(int)
    x1, y1 = code.corners.max(axis=0).astype(int)
    block = arr[y0:y1, x0:x1]
    block[np.random.default_rng(0).random(block.shape) < 0.35] = 0
    assert not find_qr(arr)
    broken = Image.fromarray(arr)
    broken.info["dpi"] = im.info["dpi"]
    r = read_page(broken, 1, registry)
    assert isinstance(r, PageReading), r
    assert r.identity.layout_id == "registration" and r.identity.recipient_id is None
    assert any("QR" in p for p in r.problems)
    assert _venues(r) == s.venue


def _one_mark_gone(registry: LayoutRegistry, tmp_path: Path, cut: bool) -> PageReading | NotAForm:
    """A skewed fine fax whose rightmost mark is cut off by the page edge (*cut*: the image ends
    through the mark's centre) or painted over where it lies on the page."""
    s = C.typed_fax(11, random.Random(11), "fine", angle=3.0, noise=0.0, darker=0)
    (im,) = list(iter_image_pages(s.write(tmp_path)))
    arr = np.asarray(im).copy()
    seen = analyse_page(im, 1, registry)
    assert isinstance(seen.result, PageReading) and not seen.result.problems and seen.registration
    found = sorted((m for m in seen.registration.marks_px if m is not None), key=lambda m: -m[0])
    (bx, by), (nx, _) = found[0], found[1]
    half = C.form_layout().marks.size * im.info["dpi"][0] / 25.4 / 2
    assert nx + half < bx - 2  # the skew puts the other right-hand mark wholly left of the cut
    if cut:
        arr = np.ascontiguousarray(arr[:, :int(bx)])
    else:
        arr[int(by - half - 2):int(by + half + 3), int(bx - half - 2):int(bx + half + 3)] = 255
    page = Image.fromarray(arr)
    page.info["dpi"] = im.info["dpi"]
    return read_page(page, 1, registry)


def test_one_mark_cut_off_by_the_page_edge_is_explained_and_trusted(tmp_path: Path,
                                                                    registry: LayoutRegistry) -> None:
    r = _one_mark_gone(registry, tmp_path, cut=True)
    assert isinstance(r, PageReading), r
    assert not r.problems  # three marks and the QR fit: the cut is no reason to doubt the page


def test_one_mark_missing_on_the_page_stays_a_problem(tmp_path: Path, registry: LayoutRegistry) -> None:
    r = _one_mark_gone(registry, tmp_path, cut=False)
    assert isinstance(r, PageReading), r
    assert any("1 von 4 Passmarken nicht gefunden" in p for p in r.problems)
    assert not any("Ausrichtung ungenau" in p for p in r.problems)  # the fit itself is good: no second, misleading line


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "bomb.tif"
    Image.new("1", (9000, 9000), 1).save(p, compression="group4", dpi=(204, 196))
    from formkit.errors import InputError

    with pytest.raises(InputError, match="zu groß"):
        list(iter_image_pages(p))


def _blank_sheet_scan(rid: str, dpi: int = 200) -> tuple[np.ndarray, float]:
    """The blank print copy as a clean grey scan at *dpi* (ink painted in by the caller)."""
    arr = np.asarray(C.gs(C.blank_pdf(rid, fillable=False), "pnggray", (dpi, dpi)).convert("L")).copy()
    return arr, dpi / 25.4


def test_uncertain_tick_is_a_state_not_a_second_problem_line(registry: LayoutRegistry) -> None:
    # Record assembly reports every uncertain tick ("Ankreuzfeld unsicher: Gotha"); the reader
    # must not add its own line for the same box, or the reason names it twice.
    arr, px = _blank_sheet_scan("LSZ-0007")
    box = C.form_layout().field("venue_gotha").box
    inner = box.inset(1.2)
    # A short stroke: about 6 % of the inner area inked, between "empty" (4 %) and "ticked" (8 %).
    y = int((inner.y + inner.h / 2) * px)
    h = max(1, int(0.06 * inner.h * px))
    arr[y:y + h, int(inner.x * px):int(inner.x2 * px)] = 0
    im = Image.fromarray(arr)
    im.info["dpi"] = (200, 200)
    r = read_page(im, 1, registry)
    assert isinstance(r, PageReading), r
    assert r.fields["venue_gotha"].state == "uncertain"
    assert r.fields["venue_gotha"].score is not None
    assert not any("Gotha" in p or "Ankreuzfeld" in p for p in r.problems), r.problems


@pytest.fixture(scope="module")
def registry_v2(tmp_path_factory: pytest.TempPathFactory) -> LayoutRegistry:
    """The project's layouts with the registration sheet at version 2 (a sheet we cannot place)."""
    import shutil

    root = tmp_path_factory.mktemp("layouts-v2") / "layouts"
    shutil.copytree(C.ROOT / "layouts" / "lsz-2018", root)
    f = root / "registration.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1), encoding="utf-8")
    return LayoutRegistry(root)


def test_unknown_version_is_recognised_but_not_read(registry_v2: LayoutRegistry, registry: LayoutRegistry) -> None:
    from formkit.render.document import RenderOptions, render_to_bytes

    pdf, _ = render_to_bytes("registration", registry_v2, RenderOptions(recipient_id="LSZ-0009", fillable=False))
    im = C.gs(pdf, "pnggray", (200, 200)).convert("L")
    im.info["dpi"] = (200, 200)
    r = read_page(im, 1, registry)
    assert isinstance(r, NotAForm) and "unbekannte Formularversion registration v2" in r.reason
    assert r.recognised and not r.foreign


def test_black_page_with_our_qr_is_recognised(registry: LayoutRegistry) -> None:
    arr, _ = _blank_sheet_scan("LSZ-0010")
    (code,) = find_qr(arr)
    x0, y0 = code.corners.min(axis=0).astype(int) - 20
    x1, y1 = code.corners.max(axis=0).astype(int) + 20
    keep = arr[y0:y1, x0:x1].copy()
    arr[:] = 0  # the transmission went black ...
    arr[y0:y1, x0:x1] = keep  # ... but for the code
    im = Image.fromarray(arr)
    im.info["dpi"] = (200, 200)
    r = read_page(im, 1, registry)
    assert isinstance(r, NotAForm) and "unlesbar" in r.reason
    assert r.recognised


@pytest.mark.parametrize("kind", ["blank", "unrelated", "unreadable"])
def test_pages_that_are_no_sheet_are_not_recognised(kind: str, tmp_path: Path, registry: LayoutRegistry) -> None:
    s = {b.kind: b for b in C.bad_pages(random.Random(1))}[kind]
    (r,) = _read(s, tmp_path, registry)
    assert isinstance(r, NotAForm) and not r.recognised


def test_sheet_whose_marks_do_not_fit_is_recognised(monkeypatch: pytest.MonkeyPatch,
                                                    registry: LayoutRegistry) -> None:
    import dataclasses

    from formkit.scan import register

    real = register.register_with_qr
    monkeypatch.setattr(register, "register_with_qr",
                        lambda *a, **k: dataclasses.replace(real(*a, **k), fit_error_mm=9.0))
    arr, _ = _blank_sheet_scan("LSZ-0012")
    im = Image.fromarray(arr)
    im.info["dpi"] = (200, 200)
    r = read_page(im, 1, registry)
    assert isinstance(r, NotAForm) and "Passmarken passen nicht" in r.reason
    assert r.recognised


def test_qr_under_heavy_fax_noise_decodes_after_a_stronger_median(registry: LayoutRegistry) -> None:
    """A fine fax from the bench corpus (typed in Times 9 pt, heavy noise) whose QR code neither
    decoded as it was nor after the 3x3 median, once stretched to square pixels."""
    (im,) = list(iter_image_pages(Path(__file__).parent / "data" / "noisy-fine-fax-qr.tif"))
    (code,) = find_qr(np.asarray(im.convert("L")))
    assert code.text.startswith("FK3:lsz-2018:registration:1:")
    r = read_page(im, 1, registry)
    assert isinstance(r, PageReading), r
    assert _venues(r) == "venue_sonneberg"
