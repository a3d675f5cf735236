"""A normal-mode fax's coarse rows filled in before OCR (formkit.scan.ocr.fill_rows, issue 11)."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest

from formkit import thresholds as T
from formkit.layout.loader import LayoutRegistry
from formkit.readings import PageReading
from formkit.scan import iter_image_pages, ocr, read_page
from tests import corpus as C
from tests.fill import Font, fill_pypdf


def _repeated(source: np.ndarray, times: int) -> np.ndarray:
    """Each row of *source* *times* times over, as raster.normalise stretches a normal-mode fax."""
    return np.repeat(source, times, axis=0)


def test_repeated_rows_become_a_ramp_and_strokes_stay_dark() -> None:
    # A slanted edge, one column further per source row: a staircase once the rows are repeated.
    source = np.full((12, 30), 255, np.uint8)
    for y in range(12):
        source[y, : 8 + y] = 0
    stair = _repeated(source, 2)
    filled = ocr.fill_rows(stair, 2.0)
    # Where two repeated rows meet a step, the grey now lies between them (on both sides of it).
    col = 8 + 5  # the column that turns black from source row 6 on
    assert stair[11, col] == 255 and stair[12, col] == 0
    assert 0 < filled[11, col] < 255 and 0 < filled[12, col] < 255
    # A stroke one source row thick keeps its middle dark enough to be ink.
    line = np.full((12, 30), 255, np.uint8)
    line[6] = 0
    assert ocr.fill_rows(_repeated(line, 2), 2.0)[12:14].max() < 128
    # Blank paper stays blank, black stays black.
    assert (filled[:, -1] == 255).all() and (filled[:, 0] == 0).all()


def test_finer_channels_are_read_as_they_are() -> None:
    zone = np.random.default_rng(3).integers(0, 2, (40, 60)).astype(np.uint8) * 255
    fine_rows = 0.13 * T.OCR_PX_PER_MM  # a fine-mode fax: 1.04 zone pixels a row
    assert ocr.fill_rows(zone, fine_rows) is zone
    assert ocr.fill_rows(zone, 0.0) is zone


def _stranger_fax(seed: int, family: str, size: float, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A stranger's data (names and places from the pool no list holds) typed into the blank sheet
    in *family* at *size* pt with pypdf, printed by Ghostscript's fax driver in normal mode (204x98)
    and sent as the corpus sends a fax (turned, scaled, shifted, lighter or darker, specks)."""
    rng = random.Random(seed)
    person = C.values_of(C.person(rng, f"X-{seed:05d}", C.STRANGERS), rng)
    values = {k: person[k] for k in ("name", "institution", "address", "phone", "email", "date")}
    values.update({v: "1" if j == 1 else "" for j, v in enumerate(C.VENUES)})
    pdf = fill_pypdf(C.blank_pdf(None), values, font=Font(family, size))
    arr, res = C.fax_page(pdf, rng, "normal")
    path = tmp_path / f"normal-{family}-{seed}.tif"
    path.write_bytes(C.tiff_bytes([arr], res))
    return path, values


@pytest.mark.parametrize("seed,family,size,name,institution", [
    # Read 'Volkssolidarität Münchenbernsdorf£f / …' with the rows as repeated.
    (12, "Courier", 10.0, "Kunibert Schwäbe", "Volkssolidarität Münchenbernsdorf / Bürgermeisterin"),
    # Read 'Gemeinde Themar / Relerent' with the rows as repeated.
    (7, "Times", 11.0, "Björna Rößiger", "Gemeinde Themar / Referent"),
])
def test_a_strangers_normal_mode_fax_is_read_exactly(seed: int, family: str, size: float, name: str,
                                                       institution: str, tmp_path: Path,
                                                       registry: LayoutRegistry) -> None:
    path, values = _stranger_fax(seed, family, size, tmp_path)
    assert (values["name"], values["institution"]) == (name, institution)
    (im,) = list(iter_image_pages(path))
    r = read_page(im, 1, registry, levers=dataclasses.replace(ocr.ALL, coarse_rows=True))  # (off by default)
    assert isinstance(r, PageReading), r
    assert r.fields["name"].value == name
    assert r.fields["institution"].value == institution
    # Right but not necessarily sure: what is not sure goes to a person, nothing is stated sure and wrong.
    for k in ("name", "institution", "address", "phone", "email", "date"):
        f = r.fields[k]
        assert f.value == values[k] or f.confidence < T.OCR_OK, (k, f.value, f.confidence)
