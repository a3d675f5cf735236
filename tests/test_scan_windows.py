"""The scan reader's search windows (issue 11, speed) find exactly what the whole page finds.

The QR code is decoded first where the loaded forms print it, and the marks are labelled only
around their predictions; both are pure speed levers: on a faxed sheet (Ghostscript ``tiffg3``)
they must give the same code, the same corners and the same mark candidates as the whole page,
upright, upside down and sideways, and fall back to the whole page when the window is empty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formkit import thresholds as T
from formkit.campaign import as_campaigns
from formkit.layout.loader import LayoutRegistry
from formkit.scan import iter_image_pages, register
from formkit.scan.qr import find_qr
from formkit.scan.reader import _ours, _qr_windows
from tests.fax import fax_tiff


@pytest.fixture(scope="module")
def faxed(registration_pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, float]:
    path = Path(tmp_path_factory.mktemp("fax"), "sheet.tif")
    path.write_bytes(fax_tiff(registration_pdf))
    (im,) = list(iter_image_pages(path))
    return np.asarray(im), float(im.info["dpi"][0])


@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_qr_window_gives_the_corners_of_the_whole_page(quarter: int, faxed: tuple[np.ndarray, float],
                                                       registry: LayoutRegistry) -> None:
    grey = np.ascontiguousarray(np.rot90(faxed[0], quarter))
    forms = [f for _, f in as_campaigns(registry).forms()]
    windows = _qr_windows(forms, grey.shape, faxed[1])
    whole = find_qr(grey)
    assert len(whole) == 1 and _ours(whole[0].text)
    # The window alone must hold the code (else this test would only exercise the fallback).
    a = T.QR_WINDOW_ALIGN_PX
    inside = [w for w in windows
              if (w[0] // a * a <= whole[0].corners[:, 0].min() and whole[0].corners[:, 0].max() < w[2]
                  and w[1] // a * a <= whole[0].corners[:, 1].min() and whole[0].corners[:, 1].max() < w[3])]
    assert inside, (windows, whole[0].corners)
    (hinted,) = find_qr(grey, inside, _ours)
    assert hinted.text == whole[0].text and hinted.modules == whole[0].modules
    assert np.array_equal(hinted.corners, whole[0].corners)


def test_qr_window_without_our_code_falls_back_to_the_whole_page(faxed: tuple[np.ndarray, float]) -> None:
    grey = faxed[0]
    whole = find_qr(grey)
    h = grey.shape[0]
    empty = [(0, h - 480, 480, h)]  # bottom-left corner of an upright sheet: no code there
    for near, wanted in ((empty, _ours), ([(0, 0, grey.shape[1], h // 3)], lambda text: False)):
        (got,) = find_qr(grey, near, wanted)
        assert got.text == whole[0].text and np.array_equal(got.corners, whole[0].corners)


def test_marks_found_in_windows_as_on_the_whole_page(faxed: tuple[np.ndarray, float],
                                                     registry: LayoutRegistry) -> None:
    grey, dpi = faxed
    page = register.prepare(grey, dpi)
    layout = next(f for _, f in as_campaigns(registry).forms())
    size = layout.marks.size * page.px_per_mm
    lo, hi = T.MARK_SIZE_TOLERANCE
    everywhere = register.mark_candidates(page.ink, size * lo, size * hi)
    assert len(everywhere) >= 4  # the four marks at least
    reach = int(T.MARK_SEARCH_RADIUS_MM * page.px_per_mm + 1.25 * size * hi + 6)
    for c in everywhere:
        x, y = int(c.center[0]), int(c.center[1])
        near = register.mark_candidates(page.ink, size * lo, size * hi, (x - reach + 1, y - reach + 3, x + reach,
                                                                          y + reach))
        assert c in near
    # A window whose edges cut a mark leaves it out instead of measuring a square piece of it.
    for c in everywhere:
        x, y, k = int(c.center[0]), int(c.center[1]), int(0.3 * c.size)
        cut = register.mark_candidates(page.ink, size * lo * 0.5, size * hi, (x - reach, y - reach, x + k, y + k))
        assert all(np.hypot(d.center[0] - c.center[0], d.center[1] - c.center[1]) > size / 2 for d in cut)
