"""Prefilled values verified by ink comparison, not read.

A packet's sheet carries values formkit printed itself (name, institution, address, e-mail of
the recipient in the QR). After registration each prefilled zone is compared with the same value
rendered the way the packet drew it (:func:`formkit.render.form.prepared_value` and
:func:`~formkit.render.form.value_lines`: the same text, font, size and place). Each printed line
is found in the zone by template matching within a few millimetres (viewers that regenerate a
text field's appearance place it a little differently from the print copy), then:

- printed lines found, (almost) nothing of them missing and nothing added: ``untouched``, the
  value is the printed one with high confidence, whatever OCR would make of it;
- printed lines found and ink the printed lines do not explain (a correction, a strike-through,
  an added letter): ``changed``, the field is read by OCR and goes to a person, never with the
  printed value;
- anything else (a line not found: the value replaced in a viewer before printing, a sheet
  typed by another program, another font): ``unclear``, the field is read by OCR as if
  nothing had been printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from formkit import thresholds as T
from formkit.layout.models import FieldSpec
from formkit.render.fonts import field_font_file
from formkit.render.form import prepared_value, value_lines

State = Literal["untouched", "changed", "unclear"]


@dataclass(frozen=True)
class Verdict:
    state: State
    value: str  # the value as the sheet printed it (Latin-1, cut to max_length)
    match: float  # the weakest printed line's correlation with the zone (0..1)
    extra_mm2: float  # ink in the box the printed lines do not explain
    missing: float  # share of the printed ink not found on the page


@lru_cache(maxsize=16)
def _font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(field_font_file(), size_px)


# Lines are drawn this many times larger and reduced: FreeType's pixel hinting at 8 px/mm rounds
# every advance and a long line drifts by a letter's width against the PDF's rendering.
_SUPERSAMPLE = 4


@lru_cache(maxsize=256)
def _line_ink(text: str, size_pt: float, px: float) -> tuple[np.ndarray, int, int]:
    """The line as ink (uint8 0/1, read-only), tightly cropped, and the crop's top-left corner
    relative to the pen position (left end of the baseline), in pixels. Cached: a campaign prints
    the same few values again and again (a packet's name is compared, then fitted by
    :func:`agrees`), and drawing a line costs ~1.5 ms."""
    s = _SUPERSAMPLE
    font = _font(max(4, int(round(size_pt * 25.4 / 72 * px * s))))
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    x0, y0 = int(np.floor(left / s)) - 1, int(np.floor(top / s)) - 1
    w, h = int(np.ceil(right / s)) + 1 - x0, int(np.ceil(bottom / s)) + 1 - y0
    im = Image.new("L", (w * s, h * s), 255)
    ImageDraw.Draw(im).text((-x0 * s, -y0 * s), text, fill=0, font=font, anchor="ls")
    small = cv2.resize(np.asarray(im), (w, h), interpolation=cv2.INTER_AREA)
    ink = (small < 128).astype(np.uint8)
    ink.flags.writeable = False  # shared by every caller through the cache
    return ink, x0, y0


def _labels(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected parts of a 0/1 mask: count, labels, stats. 16-bit labels where they cannot
    overflow (at most one part per 2x2 pixels): a third of the time of 32-bit ones on a zone."""
    h, w = mask.shape
    ltype = cv2.CV_16U if ((h + 1) // 2) * ((w + 1) // 2) < 65535 else cv2.CV_32S
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=ltype)
    return n, labels, stats


def _expected(spec: FieldSpec, value: str, size: float, px: float, margin_mm: float
              ) -> list[tuple[np.ndarray, int, int]]:
    """Each printed line as (ink, x, y): its ink and where the print copy puts its top-left
    pixel in the zone (the box grown by *margin_mm*)."""
    out = []
    for x_mm, y_mm, text in value_lines(spec, value, size):
        if not text.strip():
            continue
        ink, dx, dy = _line_ink(text, size, px)
        x = int(round((x_mm - spec.box.x + margin_mm) * px)) + dx
        y = int(round((y_mm - spec.box.y + margin_mm) * px)) + dy
        out.append((ink, x, y))
    return out


def compare(ink: np.ndarray, spec: FieldSpec, printed: str, px: float, margin_mm: float) -> Verdict:
    """Compare a registered zone's cleaned ink (1 = ink, box lines removed, only the box
    interior) with the value the packet printed into it."""
    value, size, _ = prepared_value(spec, printed)
    lines = _expected(spec, value, size, px, margin_mm)
    if not lines:
        return Verdict("unclear", value, 0.0, 0.0, 1.0)
    h, w = ink.shape
    sx, sy = int(T.VERIFY_SHIFT_X_MM * px), int(T.VERIFY_SHIFT_Y_MM * px)
    obs = cv2.GaussianBlur(ink.astype(np.float32), (0, 0), 1.0)
    placed = np.zeros_like(ink)
    worst = 1.0
    for tmpl, x, y in lines:
        th, tw = tmpl.shape
        x0, y0 = max(0, x - sx), max(0, y - sy)
        x1, y1 = min(w, x + tw + sx), min(h, y + th + sy)
        if x1 - x0 < tw or y1 - y0 < th:
            return Verdict("unclear", value, 0.0, 0.0, 1.0)
        t = cv2.GaussianBlur(tmpl.astype(np.float32), (0, 0), 1.0)
        win = obs[y0:y1, x0:x1]
        # Cosine similarity of template and window, computed by hand: OpenCV's normed modes divide
        # by a window's near-zero variance on blank paper and report spurious peaks there.
        energy = cv2.matchTemplate(win * win, np.ones_like(t), cv2.TM_CCORR)
        t_energy = float((t * t).sum())
        res = cv2.matchTemplate(win, t, cv2.TM_CCORR) / (np.sqrt(np.maximum(energy, 0.0) * t_energy) + 1e-3)
        res[energy < 0.25 * t_energy] = 0.0  # (nearly) blank paper there: no match, whatever the ratio
        _, best, _, (bx, by) = cv2.minMaxLoc(res)
        worst = min(worst, float(best))
        region = placed[y0 + by:y0 + by + th, x0 + bx:x0 + bx + tw]
        np.maximum(region, tmpl, out=region)
    tol = max(3, int(round(2 * T.VERIFY_TOLERANCE_MM * px)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (tol, tol))
    explained = cv2.dilate(placed, kernel)
    extra = ((ink > 0) & (explained == 0)).astype(np.uint8)
    # Extra ink counts in groups: the edge of a printed letter a fax rendered a pixel wider is
    # not a change, a written letter is.
    n, labels, stats = _labels(extra)
    big = stats[1:, cv2.CC_STAT_AREA] >= T.VERIFY_EXTRA_BLOB_MM2 * px * px
    extra_mm2 = float(stats[1:, cv2.CC_STAT_AREA][big].sum()) / (px * px)
    found = cv2.dilate(ink, kernel)
    lost = (placed > 0) & (found == 0)
    missing = float(lost.sum()) / max(1, int(placed.sum()))
    # Per printed glyph part too: an umlaut's dots are 2 % of a name's ink, but "Muller" is not
    # "Müller". A part mostly not on the page makes the value another one.
    n, labels, stats = _labels(placed)
    if n > 1:
        lost_per = np.bincount(labels[lost], minlength=n)[1:]
        area = stats[1:, cv2.CC_STAT_AREA]
        if (lost_per > T.VERIFY_PART_LOST * np.maximum(area, 1)).any():
            missing = max(missing, 1.0)
    state: State = "unclear"
    if worst >= T.VERIFY_MIN_MATCH and missing <= T.VERIFY_MAX_MISSING:
        # The printed value is on the page: with anything added it was changed by hand.
        state = "changed" if extra_mm2 > T.VERIFY_EXTRA_MM2 else "untouched"
    return Verdict(state, value, round(worst, 3), round(extra_mm2, 3), round(missing, 3))


def _fit(ink: np.ndarray, spec: FieldSpec, value: str, size: float, px: float, margin_mm: float) -> float:
    """How well *value*, drawn as the print copy draws it and each line placed where it matches
    best, explains the zone's ink: cosine similarity of the blurred images (0..1)."""
    h, w = ink.shape
    sx, sy = int(T.VERIFY_SHIFT_X_MM * px), int(T.VERIFY_SHIFT_Y_MM * px)
    obs = cv2.GaussianBlur(ink.astype(np.float32), (0, 0), 1.0)
    placed = np.zeros((h, w), np.float32)
    for tmpl, x, y in _expected(spec, value, size, px, margin_mm):
        th, tw = tmpl.shape
        x0, y0 = max(0, x - sx), max(0, y - sy)
        x1, y1 = min(w, x + tw + sx), min(h, y + th + sy)
        if x1 - x0 < tw or y1 - y0 < th:
            return 0.0
        t = cv2.GaussianBlur(tmpl.astype(np.float32), (0, 0), 1.0)
        res = cv2.matchTemplate(obs[y0:y1, x0:x1], t, cv2.TM_CCORR)
        _, _, _, (bx, by) = cv2.minMaxLoc(res)
        region = placed[y0 + by:y0 + by + th, x0 + bx:x0 + bx + tw]
        np.maximum(region, t, out=region)
    den = float(np.sqrt((obs * obs).sum() * (placed * placed).sum()))
    return float((obs * placed).sum()) / den if den > 0 else 0.0


def agrees(ink: np.ndarray, spec: FieldSpec, printed: str, ocr_text: str, px: float, margin_mm: float) -> bool:
    """Whether OCR's reading of a zone the ink comparison found untouched is consistent with the
    printed value. Where they differ, both are drawn as the print copy draws text and the one that
    explains the ink better wins: a misread (OCR's "sonrieberg" for the printed "sonneberg") fits
    the ink worse than the print; a letter the ink tolerance cannot tell apart (a stranger's
    "Möller" on a sheet made out for "Müller") fits it better than the print, and then the value
    is not the printed one."""
    value, size, _ = prepared_value(spec, printed)
    got = "\n".join(" ".join(line.split()) for line in ocr_text.splitlines() if line.strip())
    want = "\n".join(" ".join(line.split()) for line in value.splitlines() if line.strip())
    if got == want:
        return True
    if not got:
        return True  # nothing read against printed ink found whole: the print stands
    theirs = _fit(ink, spec, got.replace("\n", "\n" if spec.multiline else " "), size, px, margin_mm)
    ours = _fit(ink, spec, want, size, px, margin_mm)
    return ours > theirs + T.AGREE_FIT_MARGIN
