"""Tick states: crosses, check marks, filled boxes are ticked; edge-touching strokes are not."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from formkit.geometry import Rect
from formkit.layout.loader import LayoutRegistry
from formkit.readings import PageReading
from formkit.scan import iter_image_pages, read_page
from formkit.scan.ticks import read_tick
from tests import corpus as C

PX = 8.0


def _box_image(draw: str) -> tuple[np.ndarray, Rect]:
    """A 7 mm box with a 1 mm margin at 8 px/mm, border printed, plus *draw*."""
    box = Rect(1, 1, 7, 7)
    im = Image.new("L", (72, 72), 255)
    d = ImageDraw.Draw(im)
    d.rectangle([8, 8, 64, 64], outline=0, width=3)
    if draw == "cross":
        d.line([(16, 16), (56, 56)], fill=0, width=4)
        d.line([(56, 16), (16, 56)], fill=0, width=4)
    elif draw == "check":
        d.line([(16, 40), (28, 54), (58, 14)], fill=0, width=3)
    elif draw == "filled":
        d.rectangle([12, 12, 60, 60], fill=0)
    elif draw == "edge":  # strokes from outside that end on the border
        d.line([(0, 30), (10, 34)], fill=0, width=3)
        d.line([(40, 71), (44, 62)], fill=0, width=3)
    elif draw == "faint":
        d.line([(26, 36), (46, 36)], fill=0, width=4)
    return (np.asarray(im) < 128).astype(np.uint8), box


def test_tick_states() -> None:
    for draw, state in [("cross", "ticked"), ("check", "ticked"), ("filled", "ticked"), ("none", "empty"),
                        ("edge", "empty")]:
        ink, box = _box_image(draw)
        t = read_tick(ink, box, PX)
        assert t.state == state, (draw, t)
        assert 0.5 <= t.confidence <= 1.0


def test_small_mark_is_uncertain_with_low_confidence() -> None:
    ink, box = _box_image("faint")
    t = read_tick(ink, box, PX)
    assert t.state == "uncertain"
    assert t.confidence < 0.5


def test_handwritten_ticks_and_stray_edge_strokes_on_a_fax(tmp_path: Path, registry: LayoutRegistry) -> None:
    for i in range(3):
        s = C.handwritten(i, random.Random(40 + i), fax=True, stray=True)
        (im,) = list(iter_image_pages(s.write(tmp_path)))
        r = read_page(im, 1, registry)
        assert isinstance(r, PageReading), r
        for v in C.VENUES:
            want = "ticked" if s.truth[v] == "1" else "empty"
            assert r.fields[v].state == want, (s.name, v, r.fields[v].score)
