"""The PNG encoder of crops and previews (formkit.scan.png): any reader gets the same pixels back."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from formkit.layout.loader import LayoutRegistry
from formkit.readings import PageReading
from formkit.scan import iter_image_pages, read_page
from formkit.scan.png import grey_png
from tests.fax import fax_tiff
from tests.fill import Font, fill_pymupdf
from tests.returns import values


def _both(png: bytes) -> tuple[np.ndarray, np.ndarray]:
    pil = Image.open(io.BytesIO(png))
    assert pil.mode == "L"
    return np.asarray(pil), cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)


@pytest.mark.parametrize("shape", [(1, 1), (7, 3), (33, 1021), (256, 256)])
def test_every_grey_value_and_odd_sizes_come_back(shape: tuple[int, int]) -> None:
    arr = (np.arange(shape[0] * shape[1], dtype=np.int64).reshape(shape) * 37 % 256).astype(np.uint8)
    for back in _both(grey_png(arr)):
        assert back.dtype == np.uint8 and np.array_equal(back, arr)


def test_a_view_of_a_larger_array_is_encoded_as_its_pixels() -> None:
    big = np.random.default_rng(11).integers(0, 256, (60, 80), dtype=np.uint8)
    view = big[5:45:2, 10:70]
    for back in _both(grey_png(view)):
        assert np.array_equal(back, view)


@pytest.mark.parametrize("bad", [np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4), np.float32), np.zeros((0, 5), np.uint8)])
def test_anything_but_a_grey_image_is_refused(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="graues 8-Bit-Bild"):
        grey_png(bad)


def test_a_faxed_sheets_crops_and_preview_decode(registry: LayoutRegistry, registration_pdf: bytes,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "fax.tif"
    path.write_bytes(fax_tiff(fill_pymupdf(registration_pdf, values(0), Font("Courier", 9))))
    r = read_page(next(iter(iter_image_pages(path))), 1, registry)
    assert isinstance(r, PageReading)
    pngs = [r.image] + [f.crop for f in r.fields.values()]
    assert r.fields["name"].value and len(pngs) == 1 + len(r.fields)
    for png in pngs:
        assert png is not None
        a, b = _both(png)
        assert np.array_equal(a, b) and a.ndim == 2 and a.size > 0
