"""Field crops a person can read: trimmed to the writing, multi-line crops cut into their lines.

A zone crop is the whole field box (129 mm wide at 200 dpi: about 1,000 px, mostly blank); shown
in a form column it shrank to a strip a few pixels high. Trimmed to the ink it can be shown at its
natural size; a multi-line field is cut at the blank rows between its lines, so each line sits
beside its own line of text.
"""

from __future__ import annotations

import cv2
import numpy as np

INK = 128  # grey level below which a pixel is ink (crops are grey or bilevel)
MARGIN = 6  # px kept around the writing
MIN_LINE_GAP = 3  # blank rows that separate two lines of writing
MIN_LINE_ROWS = 6  # shorter ink bands are specks or the rest of a box line, not a line of writing
# A straight run this long (px; 5 mm at the crops' 8 px/mm) is a printed line, not writing: a fax
# breaks the box's border into dashes of 10-20 mm, handwritten strokes are shorter.
LINE_RUN = 40
MIN_BLOB = 12  # px; smaller ink groups are fax noise (an i-dot at 8 px/mm has about 12-20 px)


def _decode(png: bytes) -> np.ndarray | None:
    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    return img if img is not None and img.size else None


def _encode(img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", img)
    return buf.tobytes() if ok else b""


def _writing(img: np.ndarray) -> np.ndarray:
    """Ink that is writing: the field's printed border (long straight runs, whole or dashed by a
    fax) and specks of fax noise are removed, so the writing's extent can be measured."""
    ink = (img < INK).astype(np.uint8)
    h, w = ink.shape
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (min(w, LINE_RUN), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, min(h, LINE_RUN))))
    lines = cv2.dilate(np.maximum(horiz, vert), np.ones((3, 3), np.uint8))
    writing = ((ink > 0) & (lines == 0)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(writing, connectivity=8)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= MIN_BLOB
    return np.asarray(keep[labels])


def _bands(mask: np.ndarray) -> list[tuple[int, int]]:
    rows = np.asarray(mask.any(axis=1)).tolist()
    bands: list[tuple[int, int]] = []
    start, gap = None, 0
    for y, ink in enumerate(rows):
        if ink:
            if start is None:
                start = y
            gap = 0
        elif start is not None:
            gap += 1
            if gap >= MIN_LINE_GAP:
                bands.append((start, y - gap + 1))
                start, gap = None, 0
    if start is not None:
        bands.append((start, len(rows) - gap))
    return [b for b in bands if b[1] - b[0] >= MIN_LINE_ROWS]


def lines(png: bytes, multiline: bool) -> list[bytes]:
    """The crop trimmed to its writing: one image, or one per line of a multi-line field.

    A crop without ink (or one that does not decode) comes back whole: a person still sees the box.
    """
    img = _decode(png)
    if img is None:
        return [png]
    mask = _writing(img)
    bands = _bands(mask)
    if not bands:
        return [png]
    if not multiline:
        bands = [(bands[0][0], bands[-1][1])]
    out = []
    h, w = img.shape
    for top, bottom in bands:
        cols = np.flatnonzero(mask[top:bottom].any(axis=0))
        x0, x1 = max(0, int(cols[0]) - MARGIN), min(w, int(cols[-1]) + 1 + MARGIN)
        y0, y1 = max(0, top - MARGIN), min(h, bottom + MARGIN)
        out.append(_encode(img[y0:y1, x0:x1]))
    return out
