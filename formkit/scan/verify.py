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
  typed by another program): ``unclear``, the field is read by OCR as if nothing had been
  printed.

A program that re-draws every field's appearance (PyMuPDF, pdftk, a viewer with another font
picked) prints the same value in another base font, size or alignment. When the print copy's
rendering does not explain the ink, the value is drawn again in each base font (Helvetica, Times,
Courier) at the size that gives the ink's width, aligned within the ink's extent
(:func:`_redrawn_styles`), and the best fit decides, under the same rules. Changes still show: a
letter added widens the ink and no size of the printed text fits it all, a strike-through or a
correction is ink the printed text does not explain.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein
from reportlab.pdfbase.pdfmetrics import stringWidth

from formkit import thresholds as T
from formkit.layout.models import FieldSpec
from formkit.render.fonts import BASE_FONT_NAMES, base_font_file, field_font_file
from formkit.render.form import prepared_value, value_lines, wrap
from formkit.scan.ocr import parts

State = Literal["untouched", "changed", "unclear"]
Align = Literal["left", "centre", "right"]


@dataclass(frozen=True)
class Style:
    """How the value on the page was drawn: as the print copy draws it (*bbox* None: FIELD_FONT at
    the prepared size, at :func:`~formkit.render.form.value_lines`' places), or re-drawn by
    another program in the base font *family* at *size* pt, each line aligned *align* within the
    ink's extent *bbox* (zone pixels x0, y0, x1, y1)."""

    family: str = "Helvetica"
    size: float = 0.0
    align: Align = "left"
    bbox: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class Verdict:
    state: State
    value: str  # the value as the sheet printed it (Latin-1, cut to max_length)
    match: float  # the weakest printed line's correlation with the zone (0..1)
    extra_mm2: float  # ink in the box the printed lines do not explain
    missing: float  # share of the printed ink not found on the page
    style: Style = Style()  # the rendering that explained the ink best
    # Otherwise untouched, but a mark the channel may lose (umlaut dots, an accent) is not on the
    # page: the value with a bare letter would look the same. A person decides.
    faded: bool = False
    theta: float = 0.0  # the page's measured weight (see _expected; 0: not modelled)


@dataclass(frozen=True)
class Channel:
    """How the page came to us: the source's pixel pitch (layout mm) across and down, and whether
    the bilevel image was resampled after it was sampled (rescaled or rotated: each row is taken
    again from the nearest one, and a row can drop out). A fine-mode fax 0.125 x 0.130 mm, a
    normal-mode one 0.125 x 0.259 mm (its rows stretched to square pixels by
    :mod:`formkit.scan.raster`), a 200-dpi scan 0.127 mm."""

    pitch_x_mm: float
    pitch_y_mm: float
    resampled: bool = False

    @classmethod
    def of_page(cls, flat: np.ndarray, px_per_mm: float, bilevel: bool, h: np.ndarray | None = None) -> Channel:
        """The channel of a prepared page (:func:`formkit.scan.register.prepare`) registered by
        *h* (page px -> layout mm; None: the page's stated resolution). A bilevel page whose rows
        of ink all come in runs of two or more equal rows was sent in coarser rows than it holds:
        its rows were stretched (98 to 204 dpi: runs of 2 and 3 rows). On a fine fax most rows
        through text differ from both neighbours."""
        mm_x = mm_y = 1.0 / px_per_mm
        resampled = False
        if h is not None:
            mm_x, mm_y = float(np.hypot(h[0, 0], h[1, 0])), float(np.hypot(h[0, 1], h[1, 1]))
            turned = abs(np.degrees(np.arctan2(h[1, 0], h[0, 0])))
            resampled = bilevel and (abs(mm_x * px_per_mm - 1) > T.VERIFY_CHANNEL_RESCALED
                                     or min(turned, abs(turned - 180)) > T.VERIFY_CHANNEL_TURNED_DEG)
        if not bilevel or flat.shape[0] < 3:
            return cls(mm_x, mm_y)
        rows = np.packbits(flat[:, ::3] < 128, axis=1)  # (a bilevel page: packed rows compare 2x faster)
        inked: np.ndarray = np.asarray(rows.any(axis=1))
        new = np.ones(len(rows), bool)  # a row that starts a run of equal rows
        new[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        starts = np.flatnonzero(new)
        lengths = np.diff(np.append(starts, len(rows)))[inked[starts]]
        stretch = 1.0
        if len(lengths) and float((lengths == 1).sum()) / len(lengths) <= T.VERIFY_CHANNEL_SINGLE_ROWS:
            short = lengths[lengths <= 4]  # (longer runs are rows that cross box borders only)
            stretch = float(short.mean()) if len(short) else 1.0
        return cls(mm_x, mm_y * stretch, resampled)


@lru_cache(maxsize=64)
def _font(family: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(base_font_file(family) or field_font_file(), size_px)


# Lines are drawn this many times larger and reduced: FreeType's pixel hinting at 8 px/mm rounds
# every advance and a long line drifts by a letter's width against the PDF's rendering.
_SUPERSAMPLE = 4

@dataclass(frozen=True)
class _Line:
    """A line of the value (*text* in *family* at *size* pt) as ink (uint8 0/1), its crop's
    top-left pixel at (x, y) in the zone."""

    ink: np.ndarray
    x: int
    y: int
    text: str
    family: str
    size: float


Placed = list[_Line]


@lru_cache(maxsize=256)
def _line_grey(text: str, family: str, size_pt: float, px: float) -> tuple[np.ndarray, int, int]:
    """The line drawn in grey (uint8, 255 paper, read-only), tightly cropped, and the crop's
    top-left corner relative to the pen position (left end of the baseline), in pixels. Cached: a
    campaign prints the same few values again and again (a packet's name is compared, then fitted
    by :func:`agrees`), and drawing a line costs ~1.5 ms."""
    s = _SUPERSAMPLE
    font = _font(family, max(4, int(round(size_pt * 25.4 / 72 * px * s))))
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    x0, y0 = int(np.floor(left / s)) - 1, int(np.floor(top / s)) - 1
    w, h = int(np.ceil(right / s)) + 1 - x0, int(np.ceil(bottom / s)) + 1 - y0
    im = Image.new("L", (w * s, h * s), 255)
    ImageDraw.Draw(im).text((-x0 * s, -y0 * s), text, fill=0, font=font, anchor="ls")
    small = cv2.resize(np.asarray(im), (w, h), interpolation=cv2.INTER_AREA)
    small.flags.writeable = False  # shared by every caller through the cache
    return small, x0, y0


@lru_cache(maxsize=16)
def _line_fine(text: str, family: str, size_pt: float, px: float) -> np.ndarray:
    """The line's coverage (float32 0..1) at _SUPERSAMPLE times the zone's resolution, in
    :func:`_line_grey`'s crop: fine enough for a fax row's phase."""
    s = _SUPERSAMPLE
    font = _font(family, max(4, int(round(size_pt * 25.4 / 72 * px * s))))
    small, x0, y0 = _line_grey(text, family, size_pt, px)
    h, w = small.shape
    im = Image.new("L", (w * s, h * s), 0)
    ImageDraw.Draw(im).text((-x0 * s, -y0 * s), text, fill=255, font=font, anchor="ls")
    cover = np.asarray(im, np.float32) / 255.0
    cover.flags.writeable = False
    return cover


@lru_cache(maxsize=256)
def _line_ink(text: str, family: str, size_pt: float, px: float) -> tuple[np.ndarray, int, int]:
    """The line as ink (uint8 0/1, read-only), cropped as :func:`_line_grey`."""
    small, x0, y0 = _line_grey(text, family, size_pt, px)
    ink = (small < 128).astype(np.uint8)
    ink.flags.writeable = False
    return ink, x0, y0


def _bare(text: str, font_name: str) -> str:
    """*text* with every letter that carries a mark (umlaut dots, an accent) and has a Latin-1 twin
    without it of the same width replaced by that twin: 'Müller' -> 'Muller'. Those marks are the
    only glyph parts whose loss leaves another value with every other letter in its place (a
    dropped '.' or an 'E' read as 'L' moves the letters after it)."""
    out = []
    for c in text:
        base = _TWINS.get(c) or unicodedata.normalize("NFD", c)[0]
        if base != c and base.encode("latin-1", "ignore") and \
                abs(stringWidth(c, font_name, 10.0) - stringWidth(base, font_name, 10.0)) < 1e-6:
            c = base
        out.append(c)
    return "".join(out)


_TWINS = {":": ".", ";": ","}  # a colon that lost its upper dot is a full stop


@lru_cache(maxsize=256)
def _line_marks(text: str, family: str, size_pt: float, px: float) -> np.ndarray | None:
    """The line's marks (see :func:`_bare`) as ink in :func:`_line_ink`'s crop, None if it has none."""
    bare = _bare(text, BASE_FONT_NAMES.get(family, "Helvetica"))
    if bare == text:
        return None
    ink, x0, y0 = _line_ink(text, family, size_pt, px)
    twin, bx, by = _line_ink(bare, family, size_pt, px)
    plain = np.zeros_like(ink)
    h, w = ink.shape
    # (same pen position: the twin's crop sits at (bx - x0, by - y0) in the line's)
    ty, tx = by - y0, bx - x0
    sy0, sx0 = max(0, -ty), max(0, -tx)
    dy0, dx0 = max(0, ty), max(0, tx)
    hh, ww = min(h - dy0, twin.shape[0] - sy0), min(w - dx0, twin.shape[1] - sx0)
    if hh > 0 and ww > 0:
        plain[dy0:dy0 + hh, dx0:dx0 + ww] = twin[sy0:sy0 + hh, sx0:sx0 + ww]
    marks = (ink > 0) & (cv2.dilate(plain, np.ones((3, 3), np.uint8)) == 0)
    if not marks.any():
        return None
    out = marks.astype(np.uint8)
    out.flags.writeable = False
    return out


def _line(text: str, family: str, size_pt: float, px: float, x: int, y: int) -> _Line:
    """The line at pen position (x, y) in the zone."""
    ink, dx, dy = _line_ink(text, family, size_pt, px)
    return _Line(ink, x + dx, y + dy, text, family, size_pt)


def _printed(spec: FieldSpec, value: str, size: float, px: float, margin_mm: float) -> Placed:
    """Each printed line as (ink, x, y): its ink and where the print copy puts its top-left
    pixel in the zone (the box grown by *margin_mm*)."""
    out = []
    for x_mm, y_mm, text in value_lines(spec, value, size):
        if not text.strip():
            continue
        out.append(_line(text, "Helvetica", size, px, int(round((x_mm - spec.box.x + margin_mm) * px)),
                         int(round((y_mm - spec.box.y + margin_mm) * px))))
    return out


def _wrap(spec: FieldSpec, value: str, family: str, size: float) -> list[str]:
    """The value's lines as a program draws them in *family* at *size*: a single-line field in
    one line (what does not fit is clipped, not wrapped), a multi-line one wrapped at the box."""
    if not spec.multiline:
        return [value]
    return [line for line in wrap(spec, value.split("\n"), BASE_FONT_NAMES[family], size) if line.strip()]


def _redrawn(spec: FieldSpec, value: str, style: Style, px: float) -> Placed:
    """Each line of *value* in *style* (re-drawn), placed in the style's ink extent: the first
    line's top at the extent's top, the next ones a line pitch lower."""
    assert style.bbox is not None
    x0, y0, x1, _ = style.bbox
    lines = [(text, *_line_ink(text, style.family, style.size, px)) for text in _wrap(spec, value, style.family,
                                                                                       style.size)]
    if not lines:
        return []
    pitch = style.size * T.VERIFY_REDRAWN_LEADING * 25.4 / 72 * px
    baseline = y0 - lines[0][3]
    out = []
    for i, (text, ink, dx, _) in enumerate(lines):
        w = ink.shape[1]
        x = x0 if style.align == "left" else (x1 + 1 - w if style.align == "right" else (x0 + x1 + 1 - w) // 2)
        out.append(_line(text, style.family, style.size, px, x - dx, int(round(baseline + i * pitch))))
    return out


def _place(spec: FieldSpec, value: str, style: Style, px: float, margin_mm: float) -> Placed:
    if style.bbox is None:
        return _printed(spec, value, style.size, px, margin_mm)
    return _redrawn(spec, value, style, px)


def _shift(style: Style, px: float) -> tuple[int, int]:
    """How far (pixels) each line is searched around its place: a re-drawn value's place comes
    from the ink itself, the print copy's from the layout, which viewers follow only roughly."""
    if style.bbox is not None:
        return int(T.VERIFY_REDRAWN_SHIFT_MM * px), int(T.VERIFY_REDRAWN_SHIFT_MM * px)
    return int(T.VERIFY_SHIFT_X_MM * px), int(T.VERIFY_SHIFT_Y_MM * px)


def _soft(ink: np.ndarray) -> np.ndarray:
    """Ink (0/1) blurred as every match of a template against a zone sees it (float32)."""
    return cv2.GaussianBlur(ink.astype(np.float32), (0, 0), 1.0)


@dataclass(frozen=True)
class _Zone:
    """A zone's ink with what every comparison of it needs, computed once."""

    ink: np.ndarray
    obs: np.ndarray  # the ink blurred, for matching
    found: np.ndarray  # the ink grown by the tolerance: where a printed pixel counts as found
    kernel: np.ndarray

    @classmethod
    def of(cls, ink: np.ndarray, px: float) -> _Zone:
        tol = max(3, int(round(2 * T.VERIFY_TOLERANCE_MM * px)) | 1)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (tol, tol))
        return cls(ink, _soft(ink), cv2.dilate(ink, kernel), kernel)


def _box(length: float) -> np.ndarray:
    """A centred averaging kernel *length* pixels long (fractional ends): a source pixel's footprint."""
    if length <= 1.0:
        return np.ones(1, np.float32)
    m = 2 * int(np.ceil((length - 1) / 2)) + 1
    k = np.ones(m, np.float32)
    k[0] = k[-1] = (length - (m - 2)) / 2
    return k / length


def _expected(zone: _Zone, lines: list[tuple[_Line, int, int]], placed: np.ndarray, explained: np.ndarray,
              channel: Channel, px: float) -> tuple[np.ndarray, float]:
    """The printed ink the channel keeps whatever its phase, and the page's measured weight.

    The model (a fax machine's scanner, a fax driver, a scanner): each source pixel (the channel's
    pitch) is ink when the print covers more than a share *theta* of it. *theta* is measured on the
    zone: the one at which the model gives as much ink as the page shows around the printed value
    (about 0.5 a fax driver, 0.6-0.7 a light setting or pale print, 0.3-0.4 a dark one). A part of
    the print is demanded where the model inks it at every sampling phase (a run of kept ink at
    least a source pixel long, drawn at _SUPERSAMPLE times the zone's resolution), at the lightest
    weight the estimate allows (+ VERIFY_CHANNEL_MARGIN): a 0.25 mm bar in a normal-mode fax
    (0.26 mm rows) may fall between two rows and vanish on a light page; a stem never does."""
    s = _SUPERSAMPLE
    bx, by = _box(channel.pitch_x_mm * px * s), _box(channel.pitch_y_mm * px * s)
    # A run of kept ink k source rows long holds k samples at any phase; the samples must make
    # VERIFY_CHANNEL_RESAMPLED_PX zone pixels to survive registration's bilinear resampling (one
    # fine-fax row, ~1 zone pixel, at half a pixel's phase becomes two rows at 50 %: gone), and
    # one more where the bilevel image was resampled (a row taken again from its neighbour).
    # Down the page only: the worst phase at every point of a long stroke at once is no model of
    # a stem (a rotated page changes the phase along it), and every loss seen was of a thin
    # horizontal stroke or a dot (the arms of an 'E', a hyphen, a full stop), whose height is
    # what a row's phase decides. Across, a stem keeps its demand.
    py = channel.pitch_y_mm * px
    run = (1, max(1, int(np.ceil((np.ceil(T.VERIFY_CHANNEL_RESAMPLED_PX / py - 1e-3) + channel.resampled) * py * s
                                 - 1e-3))))
    grid = np.asarray(T.VERIFY_CHANNEL_THETAS, np.float32)
    seen = [cv2.sepFilter2D(_line_fine(ln.text, ln.family, ln.size, px), cv2.CV_32F, bx, by,
                            borderType=cv2.BORDER_CONSTANT) for ln, _, _ in lines]
    # ink (zone pixels) the model gives at each weight
    inked = np.array([sum(int(np.count_nonzero(b > t)) for b in seen) for t in grid]) / (s * s)
    observed = int(np.count_nonzero(zone.ink[explained > 0]))
    theta = float(grid[int(np.argmin(np.abs(inked - observed)))])
    lightest = min(theta + T.VERIFY_CHANNEL_MARGIN, T.VERIFY_CHANNEL_LIGHTEST)
    kept = np.zeros_like(placed)
    rect = cv2.getStructuringElement(cv2.MORPH_RECT, (run[0], run[1]))
    for (ln, x, y), b in zip(lines, seen, strict=True):
        sure = cv2.morphologyEx((b > lightest).astype(np.uint8), cv2.MORPH_OPEN, rect)
        th, tw = ln.ink.shape
        # a zone pixel is demanded when the sure ink covers most of it
        small = cv2.resize(sure.astype(np.float32), (tw, th), interpolation=cv2.INTER_AREA) >= 0.5
        at = np.s_[y:y + th, x:x + tw]
        np.maximum(kept[at], small.astype(np.uint8), out=kept[at])
    return placed & kept, theta


def _missing(placed: np.ndarray, absent: np.ndarray, demanded: np.ndarray, part_lost: float) -> float:
    """The share of the *demanded* printed ink not on the page; 1.0 when a printed glyph part (a
    letter, an umlaut's dot) has more than *part_lost* of its demanded ink absent: an umlaut's
    dots are 2 % of a name's ink, but "Muller" is not "Müller"."""
    lost = absent & (demanded > 0)
    missing = float(lost.sum()) / max(1, int(demanded.sum()))
    n, labels, _ = parts(placed)
    if n > 1:
        lost_per = np.bincount(labels[lost], minlength=n)[1:]
        due = np.bincount(labels[demanded > 0], minlength=n)[1:]
        if ((due > 0) & (lost_per > part_lost * np.maximum(due, 1))).any():
            missing = 1.0
    return missing


def _absent_alone(zone: _Zone, placed: np.ndarray, demanded: np.ndarray) -> np.ndarray:
    """Printed pixels not on the page, each glyph part found only by the ink nearer to it than to
    any other part: once the channel demands only a thin stem of an 'r', the 'e' beside it (within
    the tolerance) would stand in for an 'r' that is not there ('Leite' for 'Leiter')."""
    absent = (placed > 0) & (zone.found == 0)
    n, labels, stats = parts(placed)
    if n <= 2:
        return absent
    # the part each pixel is nearest to (labels of the nearest printed pixel, in raster order)
    _, near = cv2.distanceTransformWithLabels((placed == 0).astype(np.uint8), cv2.DIST_L2, 3,
                                              labelType=cv2.DIST_LABEL_PIXEL)
    part_of = np.concatenate(([0], labels[placed > 0]))
    nearest = part_of[near]
    r = zone.kernel.shape[0] // 2 + 1
    h, w = placed.shape
    for i in np.unique(labels[demanded > 0]):
        x, y, bw, bh = (int(v) for v in stats[i, :4])
        x0, y0, x1, y1 = max(0, x - r), max(0, y - r), min(w, x + bw + r), min(h, y + bh + r)
        own = ((zone.ink[y0:y1, x0:x1] > 0) & (nearest[y0:y1, x0:x1] == i)).astype(np.uint8)
        mine = labels[y0:y1, x0:x1] == i
        absent[y0:y1, x0:x1][mine] = cv2.dilate(own, zone.kernel)[mine] == 0
    return absent


def _marks_gone(zone: _Zone, placed: np.ndarray, marks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each mark group (an umlaut's dots, an accent: the marks grown by the tolerance, labelled)
    and whether it is missing from the page. A mark is judged on ink no bare letter explains: at
    the tolerance that forgives a fax's blur, a normal-mode fax's 'o' (its top a row below the
    dots) would explain the dots of an 'ö' that is not there."""
    if not marks.any():
        return np.zeros(marks.shape, np.int32), np.zeros(0, bool)
    n, groups, _ = parts(cv2.dilate(marks, zone.kernel))
    bare = cv2.dilate(placed & (marks == 0), np.ones((3, 3), np.uint8))
    own = (zone.ink > 0) & (bare == 0)
    ink = np.bincount(groups[own], minlength=n)[1:]
    area = np.bincount(groups[marks > 0], minlength=n)[1:]
    return groups, ink < T.VERIFY_MARK_INK * np.maximum(area, 1)


def _judge(zone: _Zone, value: str, lines: Placed, style: Style, px: float,
           channel: Callable[[], Channel] | None = None) -> Verdict:
    """Whether *lines* (the printed value in *style*) explain a zone's ink, each searched around
    its place; with the page's *channel* (asked for only when printed ink is absent), only the
    printed ink the channel keeps is demanded."""
    if not lines:
        return Verdict("unclear", value, 0.0, 0.0, 1.0, style)
    ink, obs = zone.ink, zone.obs
    h, w = ink.shape
    sx, sy = _shift(style, px)
    placed = np.zeros_like(ink)
    found: list[tuple[_Line, int, int]] = []  # each line and where it matched
    worst = 1.0
    for ln in lines:
        tmpl = ln.ink
        th, tw = tmpl.shape
        x0, y0 = max(0, ln.x - sx), max(0, ln.y - sy)
        x1, y1 = min(w, ln.x + tw + sx), min(h, ln.y + th + sy)
        if x1 - x0 < tw or y1 - y0 < th:
            return Verdict("unclear", value, 0.0, 0.0, 1.0, style)
        t = _soft(tmpl)
        win = obs[y0:y1, x0:x1]
        # Cosine similarity of template and window, computed by hand: OpenCV's normed modes divide
        # by a window's near-zero variance on blank paper and report spurious peaks there.
        energy = cv2.matchTemplate(win * win, np.ones_like(t), cv2.TM_CCORR)
        t_energy = float((t * t).sum())
        res = cv2.matchTemplate(win, t, cv2.TM_CCORR) / (np.sqrt(np.maximum(energy, 0.0) * t_energy) + 1e-3)
        res[energy < 0.25 * t_energy] = 0.0  # (nearly) blank paper there: no match, whatever the ratio
        _, best, _, (bx, by) = cv2.minMaxLoc(res)
        worst = min(worst, float(best))
        if worst < T.VERIFY_MIN_MATCH:
            return Verdict("unclear", value, round(worst, 3), 0.0, 1.0, style)  # a line not found: no need to look closer
        at = np.s_[y0 + by:y0 + by + th, x0 + bx:x0 + bx + tw]
        np.maximum(placed[at], tmpl, out=placed[at])
        found.append((ln, x0 + bx, y0 + by))
    explained = cv2.dilate(placed, zone.kernel)
    extra = ((ink > 0) & (explained == 0)).astype(np.uint8)
    # Extra ink counts in groups: the edge of a printed letter a fax rendered a pixel wider is
    # not a change, a written letter is.
    n, labels, stats = parts(extra)
    area = stats[1:, cv2.CC_STAT_AREA]
    # A seam one pixel thick beside a printed stem (the fax drew a long line a pixel wider than
    # our rendering, past the tolerance) is no mark: a pen's stroke is thicker than that.
    seam = area < T.VERIFY_SEAM_THICK_PX * np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    big = (area >= T.VERIFY_EXTRA_BLOB_MM2 * px * px) & ~seam
    extra_mm2 = float(area[big].sum()) / (px * px)
    absent = (placed > 0) & (zone.found == 0)
    missing = _missing(placed, absent, placed, T.VERIFY_PART_LOST)
    theta, faded, demanded = 0.0, False, None
    if channel is not None and missing > T.VERIFY_MAX_MISSING:
        # The channel only forgives: printed ink it may lose is not demanded, nothing else changes.
        demanded, theta = _expected(zone, found, placed, explained, channel(), px)
        # (the kept ink survives at every phase: a part must show nearly all of it)
        missing = min(missing, _missing(placed, _absent_alone(zone, placed, demanded), demanded,
                                        T.VERIFY_CHANNEL_PART_LOST))
    if worst >= T.VERIFY_MIN_MATCH and missing <= T.VERIFY_MAX_MISSING and extra_mm2 <= T.VERIFY_EXTRA_MM2:
        # All as printed, so far: an umlaut's dots (an accent) must be on the page too. Where the
        # channel keeps them and they are not, the value is another; where it may have lost them,
        # 'Muller' printed from an edited e-mail PDF would look the same: not the print's to confirm.
        marks = np.zeros_like(ink)
        for ln, x, y in found:
            m = _line_marks(ln.text, ln.family, ln.size, px)
            if m is not None:
                at = np.s_[y:y + m.shape[0], x:x + m.shape[1]]
                np.maximum(marks[at], m, out=marks[at])
        groups, gone = _marks_gone(zone, placed, marks)
        if gone.any():
            if channel is not None and demanded is None:
                demanded, theta = _expected(zone, found, placed, explained, channel(), px)
            due = np.bincount(groups[(demanded > 0) & (marks > 0)], minlength=len(gone) + 1)[1:] \
                if demanded is not None else np.ones(len(gone), int)
            if (gone & (due > 0)).any():
                missing = 1.0
            else:
                faded = True
    state: State = "unclear"
    if worst >= T.VERIFY_MIN_MATCH and missing <= T.VERIFY_MAX_MISSING:
        # The printed value is on the page: with anything added it was changed by hand.
        state = "changed" if extra_mm2 > T.VERIFY_EXTRA_MM2 else ("unclear" if faded else "untouched")
    return Verdict(state, value, round(worst, 3), round(extra_mm2, 3), round(missing, 3), style, faded=faded,
                   theta=round(theta, 2))


def _ink_extent(ink: np.ndarray, px: float) -> tuple[int, int, int, int] | None:
    """The extent (x0, y0, x1, y1) of the zone's ink groups of a letter's part or more; specks
    of fax noise do not widen it."""
    _, _, stats = parts(ink)
    keep = stats[1:][stats[1:, cv2.CC_STAT_AREA] >= T.VERIFY_EXTRA_BLOB_MM2 * px * px]
    if not len(keep):
        return None
    x0, y0 = int(keep[:, cv2.CC_STAT_LEFT].min()), int(keep[:, cv2.CC_STAT_TOP].min())
    x1 = int((keep[:, cv2.CC_STAT_LEFT] + keep[:, cv2.CC_STAT_WIDTH]).max()) - 1
    y1 = int((keep[:, cv2.CC_STAT_TOP] + keep[:, cv2.CC_STAT_HEIGHT]).max()) - 1
    return x0, y0, x1, y1


def _ink_width(ink: np.ndarray) -> int:
    cols = np.flatnonzero(ink.any(axis=0))
    return int(cols[-1] - cols[0] + 1) if len(cols) else 0


def _redrawn_styles(ink: np.ndarray, spec: FieldSpec, value: str, px: float) -> dict[str, list[Style]]:
    """The renderings another program may have drawn *value* in, likeliest first: each base font
    at the size whose widest line is as wide as the ink, the nearest half point first (the sizes
    fillers offer) and a step either side (the fax and the registration stretch the ink by up
    to a percent); each alignment where lines differ in width. A font whose lines at that size
    would not be as high as the ink is left out: the ink holds other text."""
    bbox = _ink_extent(ink, px)
    if bbox is None:
        return {}
    width, height = bbox[2] - bbox[0] + 1, bbox[3] - bbox[1] + 1
    lo, hi = T.VERIFY_REDRAWN_SIZES
    out: dict[str, list[Style]] = {}
    for family in T.VERIFY_REDRAWN_FAMILIES:
        if base_font_file(family) is None:
            continue
        # From the font's advance widths first, then from the rendered ink (side bearings differ).
        mm_per_pt, name = 25.4 / 72, BASE_FONT_NAMES[family]
        widest = max((stringWidth(t, name, 10.0) * mm_per_pt * px for t in _wrap(spec, value, family, 10.0)), default=0)
        if widest <= 2:
            continue
        guess = round(10.0 * width / widest, 2)
        if not lo <= guess <= hi:
            continue
        probe = _redrawn(spec, value, Style(family, guess, "left", bbox), px)
        widest = max(_ink_width(ln.ink) for ln in probe)
        if widest <= 2:
            continue
        size = guess * width / widest
        # (crops are padded by a pixel each side)
        tall = (max(ln.y + ln.ink.shape[0] for ln in probe) - min(ln.y for ln in probe) - 2) * size / guess
        if abs(tall / height - 1) > T.VERIFY_REDRAWN_HEIGHT:
            continue
        nominal = round(size * 2) / 2
        sizes = [nominal] if abs(nominal - size) <= T.VERIFY_REDRAWN_NOMINAL * size else []
        for f in (1.0, 1 + T.VERIFY_REDRAWN_STEP, 1 - T.VERIFY_REDRAWN_STEP):
            if all(abs(size * f - s) > 0.02 for s in sizes):
                sizes.append(round(size * f, 2))
        aligns: tuple[Align, ...] = ("left", "centre", "right") if len(probe) > 1 else ("left",)
        out[family] = [Style(family, s, a, bbox) for a in aligns for s in sizes]
    return out


def compare(ink: np.ndarray, spec: FieldSpec, printed: str, px: float, margin_mm: float,
            ocr_text: str = "", channel: Callable[[], Channel] | None = None) -> Verdict:
    """Compare a registered zone's cleaned ink (1 = ink, box lines removed, only the box
    interior) with the value the packet printed into it: drawn as the print copy draws it, and
    when that does not explain the ink, as another program may have re-drawn it, unless OCR's
    reading of the zone (*ocr_text*, when there is one) is another text altogether. With the page's
    *channel* (a function: measuring it costs ~10 ms a page, and most pages never need it), printed
    ink the channel may lose is not demanded (:func:`_expected`)."""
    value, size, _ = prepared_value(spec, printed)
    zone = _Zone.of(ink, px)
    own = _judge(zone, value, _printed(spec, value, size, px, margin_mm), Style("Helvetica", size), px, channel)
    if own.state == "untouched":
        return own
    if ocr_text.strip() and Levenshtein.normalized_similarity(" ".join(ocr_text.split()), " ".join(value.split())) \
            < T.VERIFY_REDRAWN_MIN_SIMILARITY:
        return own  # someone else's data typed over the sheet, a value retyped: no font makes it the print
    best = _best_redrawn(zone, ink, spec, value, px, channel)
    return best if best is not None else own


def _best_redrawn(zone: _Zone, ink: np.ndarray, spec: FieldSpec, value: str, px: float,
                  channel: Callable[[], Channel] | None) -> Verdict | None:
    """The re-drawn rendering of *value* that explains the zone as untouched and matches it best,
    None if none does."""
    # The best fit over the fonts, not the first: at the verifier's tolerance Helvetica 8 may pass
    # on Times 9 ink, and agrees() then weighs OCR's reading against the wrong font. Each font's
    # likeliest rendering first; the other sizes only of the fonts that came close (drawing a
    # line costs 1-2 ms, the fonts that do not fit matched 0.1-0.2 worse than the one that does).
    styles = _redrawn_styles(ink, spec, value, px)
    first = {f: _judge(zone, value, _redrawn(spec, value, st[0], px), st[0], px, channel)
             for f, st in styles.items()}
    top = max((v.match for v in first.values()), default=0.0)
    best: Verdict | None = None
    for family, candidates in styles.items():
        if first[family].match < top - T.VERIFY_REDRAWN_FONT_MARGIN:
            continue
        for i, style in enumerate(candidates):
            v = first[family] if i == 0 else _judge(zone, value, _redrawn(spec, value, style, px), style, px,
                                                         channel)
            if v.state == "untouched":
                if best is None or v.match > best.match:
                    best = v
                break
    return best


def as_typed(ink: np.ndarray, spec: FieldSpec, text: str, px: float,
             channel: Callable[[], Channel] | None = None) -> Verdict | None:
    """*text* drawn again as a program types it (a base font at the size the ink's width gives,
    :func:`_redrawn_styles`) where that explains the zone's ink as ``untouched`` (the same rules as
    for a printed value), the best such rendering; None if no rendering does."""
    if not text.strip():
        return None
    return _best_redrawn(_Zone.of(ink, px), ink, spec, text, px, channel)


def _fit(obs: np.ndarray, spec: FieldSpec, value: str, style: Style, px: float, margin_mm: float) -> float:
    """How well *value*, drawn in *style* and each line placed where it matches best, explains
    the zone's ink (*obs*: blurred by :func:`_soft`): cosine similarity of the blurred images (0..1)."""
    h, w = obs.shape
    sx, sy = _shift(style, px)
    placed = np.zeros((h, w), np.float32)
    for ln in _place(spec, value, style, px, margin_mm):
        tmpl, x, y = ln.ink, ln.x, ln.y
        th, tw = tmpl.shape
        x0, y0 = max(0, x - sx), max(0, y - sy)
        x1, y1 = min(w, x + tw + sx), min(h, y + th + sy)
        if x1 - x0 < tw or y1 - y0 < th:
            return 0.0
        t = _soft(tmpl)
        res = cv2.matchTemplate(obs[y0:y1, x0:x1], t, cv2.TM_CCORR)
        _, _, _, (bx, by) = cv2.minMaxLoc(res)
        region = placed[y0 + by:y0 + by + th, x0 + bx:x0 + bx + tw]
        np.maximum(region, t, out=region)
    den = float(np.sqrt((obs * obs).sum() * (placed * placed).sum()))
    return float((obs * placed).sum()) / den if den > 0 else 0.0


def agrees(ink: np.ndarray, spec: FieldSpec, printed: str, ocr_text: str, px: float, margin_mm: float,
           style: Style | None = None) -> bool:
    """Whether OCR's reading of a zone the ink comparison found untouched is consistent with the
    printed value. Where they differ, both are drawn in the *style* the comparison found (the
    print copy's by default) and the one that explains the ink better wins: a misread (OCR's
    "sonrieberg" for the printed "sonneberg") fits the ink worse than the print; a letter the ink
    tolerance cannot tell apart (a stranger's "Möller" on a sheet made out for "Müller") fits it
    better than the print, and then the value is not the printed one."""
    value, size, _ = prepared_value(spec, printed)
    if style is None or style.bbox is None:
        style = Style("Helvetica", size)
    got = "\n".join(" ".join(line.split()) for line in ocr_text.splitlines() if line.strip())
    want = "\n".join(" ".join(line.split()) for line in value.splitlines() if line.strip())
    if got == want:
        return True
    if not got:
        return True  # nothing read against printed ink found whole: the print stands
    obs = _soft(ink)  # (blurred once for both fits)
    theirs = _fit(obs, spec, got.replace("\n", "\n" if spec.multiline else " "), style, px, margin_mm)
    ours = _fit(obs, spec, want, style, px, margin_mm)
    return ours > theirs + T.AGREE_FIT_MARGIN
