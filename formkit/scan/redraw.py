"""A typed reading confirmed by drawing it again, independently of any OCR model.

A value typed into a sheet is printed text in some font. Where OCR is unsure of its reading, the
reading is drawn again in the base font, size and place that explain the zone's ink
(:func:`formkit.scan.verify.as_typed`: every ink group explained, nothing of the drawing missing,
umlaut dots where the channel keeps them) and then weighed against its near rivals: the same text
with one visually close character changed, dropped or put in (``l``/``I``/``1``, ``o``/``ö``/``0``,
``rn``/``m`` …, :func:`rivals`) and the zone's other readings (the thickened second pass, the
witness). The reading is confirmed only where it explains the ink clearly better than every
rival (:data:`formkit.thresholds.REDRAW_MARGIN`): then a person has nothing to add to it.

Rivals are drawn glyph by glyph at the PDF's advance widths (a PDF places each glyph by its width,
no kerning), the glyphs cached: a rival costs a composition, not a rendering. A rival whose width
differs from the reading's is tried both at the reading's spacing and spread to the reading's
width (the font's size was fitted to the reading, not to the rival): it gets the better score.

A fax sets each glyph on its own (its origin on the device's pixel grid, its outline hinted):
each glyph of the reading, and each changed glyph of a rival, is placed where it explains the ink
best within a pixel (:class:`_Fit`), and the ink is weighed at two blurs (:func:`_evidence`).

A font none of the base fonts resembles explains no reading as untouched, or leaves rivals as
close as the reading: nothing is confirmed, the reading keeps OCR's confidence.

Cost: a confirmed field has all its rivals drawn and weighed (230-700 rivals, 400-1200 drawings),
0.15-0.55 s CPU a field on bench seed 2018 (the 29 calls of its corpus replayed: 2.9 s; main
before: 6.0 s). Windows are summed as stacks of strided views (:func:`_windows`, :func:`_sums`) in
the order a window's own ``sum()`` takes them: the same floats as one window at a time. A rival is
weighed at the second blur only where the first left it below the least evidence so far.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw
from reportlab.pdfbase.pdfmetrics import stringWidth

from formkit import thresholds as T
from formkit.layout.models import FieldSpec
from formkit.render.fonts import BASE_FONT_NAMES
from formkit.scan import verify
from formkit.scan.rivals import latin1, rivals

_LEVEL = 0.5
_S = 4  # glyphs are drawn at this many times the zone's resolution: a quarter pixel's phase


@dataclass(frozen=True)
class Check:
    """The outcome of drawing a reading again: *confirmed*, and the evidence for the bench."""

    confirmed: bool
    margin: float = 0.0  # the reading's score minus its best rival's (cosine of blurred ink, 0..1)
    rival: str = ""  # the rival that came closest
    family: str = ""  # the base font that explained the ink
    size: float = 0.0
    why: str = ""  # why not confirmed (empty when confirmed)
    extra_mm2: float = 0.0  # the drawing's unexplained ink and missing share (verify.Verdict)
    missing: float = 0.0
    seconds: float = 0.0


# --- drawing glyph by glyph ----------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _glyph(ch: str, family: str, size_pt: float, px: float, phase: int) -> tuple[np.ndarray, int, int]:
    """One glyph's coverage (float32 0..1) at the zone's resolution, its pen *phase* quarters of a
    pixel right of a whole pixel, and its crop's top-left corner relative to that whole pixel."""
    font = verify._font(family, max(4, int(round(size_pt * 25.4 / 72 * px * _S))))
    left, top, right, bottom = font.getbbox(ch, anchor="ls")
    x0, y0 = int(np.floor((left + phase) / _S)) - 1, int(np.floor(top / _S)) - 1
    x1, y1 = int(np.ceil((right + phase) / _S)) + 1, int(np.ceil(bottom / _S)) + 1
    im = Image.new("L", ((x1 - x0) * _S, (y1 - y0) * _S), 0)
    ImageDraw.Draw(im).text((phase - x0 * _S, -y0 * _S), ch, fill=255, font=font, anchor="ls")
    cover = cv2.resize(np.asarray(im), (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    cover.flags.writeable = False
    return cover, x0, y0


@lru_cache(maxsize=2048)
def _width(c: str, family: str) -> float:
    """A glyph's advance at 1 pt, from the PDF font's widths (points)."""
    return stringWidth(c, BASE_FONT_NAMES[family], 1.0)


def _advances(text: str, family: str, size_pt: float, px: float) -> list[float]:
    """Each glyph's advance in zone pixels."""
    k = size_pt * 25.4 / 72 * px
    return [_width(c, family) * k for c in text]


@dataclass(frozen=True)
class _Drawn:
    """A line drawn: its ink blurred (float32) as verify's matching sees ink, its crop's top-left
    relative to the pen (zone pixels), and its advance width."""

    soft: np.ndarray
    dx: int
    dy: int
    width: float


def _pens(text: str, family: str, size_pt: float, px: float, spread: float = 1.0) -> list[float]:
    """Each glyph's pen position (zone pixels from the line's start) at the PDF's advances (times
    *spread*), and the line's end last."""
    pens, x = [], 0.0
    for a in _advances(text, family, size_pt, px):
        pens.append(x)
        x += a * spread
    return pens + [x]


def _shared(own: str, cand: str) -> tuple[int, int]:
    """How many glyphs *own* and *cand* share at the start, and then at the end."""
    k = 0
    while k < min(len(own), len(cand)) and own[k] == cand[k]:
        k += 1
    m = 0
    while m < min(len(own), len(cand)) - k and own[-1 - m] == cand[-1 - m]:
        m += 1
    return k, m


def _like(own: str, pens: list[float], cand: str, family: str, size_pt: float, px: float) -> list[float]:
    """The pens of *cand*, a rival of the reading *own* drawn at *pens*: the glyphs both share at
    the start and at the end stay where the reading has them (the end ones moved by the whole
    pixels the changed part is wider or narrower, from REDRAW_SPACING_PX), the changed part laid
    out from its start. A
    rival then differs from the reading where its text does, not by a quarter pixel's rounding
    all along the line."""
    k, m = _shared(own, cand)
    mid = _pens(cand[k:len(cand) - m], family, size_pt, px)
    delta = pens[k] + mid[-1] - pens[len(own) - m]
    # A difference in width smaller than a glyph's place varies on a fax is no evidence either way
    # (it would only blur the shapes' evidence): the end then stays where the reading has it.
    delta = round(delta) if abs(delta) >= T.REDRAW_SPACING_PX else 0
    return pens[:k] + [pens[k] + p for p in mid[:-1]] + [p + delta for p in pens[len(own) - m:]]


def _draw(text: str, family: str, size_pt: float, px: float, pens: list[float] | None = None,
          dys: list[int] | None = None) -> _Drawn | None:
    """*text* composed glyph by glyph at *pens* (:func:`_pens` by default); ink where a fax's
    threshold (half coverage) puts it, blurred as :func:`formkit.scan.verify._soft`."""
    if pens is None:
        pens = _pens(text, family, size_pt, px)
    parts = []
    x0 = y0 = 1 << 30
    x1 = y1 = -(1 << 30)
    for i, (c, p) in enumerate(zip(text, pens, strict=False)):
        if c.isspace():
            continue
        whole = math.floor(p)
        ink, gx, gy = _ink_glyph(c, family, size_pt, px, int((p - whole) * _S))
        gx, gy = whole + gx, gy + (dys[i] if dys else 0)
        parts.append((ink, gx, gy))
        h, w = ink.shape
        x0, y0, x1, y1 = min(x0, gx), min(y0, gy), max(x1, gx + w), max(y1, gy + h)
    if not parts:
        return None
    # the glyphs' ink (each thresholded: the threshold of the greatest coverage is the union of the inks)
    canvas = np.zeros((y1 - y0 + 4, x1 - x0 + 4), np.float32)
    for ink, gx, gy in parts:
        at = canvas[gy - y0 + 2:gy - y0 + 2 + ink.shape[0], gx - x0 + 2:gx - x0 + 2 + ink.shape[1]]
        np.maximum(at, ink, out=at)
    return _Drawn(cv2.GaussianBlur(canvas, (0, 0), 1.0), x0 - 2, y0 - 2, pens[len(text)] if len(pens) > len(text) else 0.0)


@lru_cache(maxsize=8192)
def _ink_glyph(ch: str, family: str, size_pt: float, px: float, phase: int) -> tuple[np.ndarray, int, int]:
    """One glyph's ink (float32 0/1) where a fax's threshold (half coverage) puts it, cropped as :func:`_glyph`."""
    cover, gx, gy = _glyph(ch, family, size_pt, px, phase)
    ink = (cover >= _LEVEL).astype(np.float32)
    ink.flags.writeable = False
    return ink, gx, gy


class _Page:
    """The zone's blurred ink, padded so that any drawing near the reading's place fits."""

    def __init__(self, obs: np.ndarray, pad: int) -> None:
        self.obs = cv2.copyMakeBorder(obs, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0.0)
        self.pad = pad

    def best(self, d: _Drawn, pen: tuple[int, int], rx: int, ry: int) -> tuple[tuple[int, int], float]:
        """The pen within (rx, ry) px of *pen* where *d* explains the ink best (least squared error:
        the drawing's own energy is the same everywhere, so the highest correlation), and the score
        2<ink, drawing> - |drawing|^2 there (higher: better)."""
        x, y = pen[0] + d.dx + self.pad - rx, pen[1] + d.dy + self.pad - ry
        h, w = d.soft.shape
        if x < 0 or y < 0 or y + h + 2 * ry > self.obs.shape[0] or x + w + 2 * rx > self.obs.shape[1]:
            return pen, float("-inf")
        # (a handful of offsets: plain products are faster than matchTemplate's transform here)
        top, at = max((float((self.obs[y + j:y + j + h, x + i:x + i + w] * d.soft).sum()), (i, j))
                      for i in range(2 * rx + 1) for j in range(2 * ry + 1))
        return (pen[0] + at[0] - rx, pen[1] + at[1] - ry), 2 * top - float((d.soft * d.soft).sum())


@lru_cache(maxsize=8192)
def _soft_glyph(ch: str, family: str, size_pt: float, px: float, phase: int) -> tuple[np.ndarray, int, int, float]:
    """One glyph's ink as a fax's threshold puts it (half coverage), blurred as the zone's ink is,
    its crop's top-left corner relative to its whole pixel (:func:`_glyph`), and its energy (the
    sum of its squares: the same wherever it is placed)."""
    cover, gx, gy = _glyph(ch, family, size_pt, px, phase)
    ink = cv2.copyMakeBorder((cover >= 0.5).astype(np.float32), 3, 3, 3, 3, cv2.BORDER_CONSTANT, value=0.0)
    soft = cv2.GaussianBlur(ink, (0, 0), 1.0)
    soft.flags.writeable = False
    return soft, gx - 3, gy - 3, float((soft * soft).sum())


def _windows(a: np.ndarray, y: int, x: int, h: int, w: int, ny: int, nx: int) -> np.ndarray:
    """The *h* x *w* windows of the C-contiguous float32 *a* whose top-left corners are *ny* rows
    from *y* and *nx* columns from *x*, as a view (ny, nx, h, w): no copy. The caller keeps them
    inside *a*."""
    assert a.dtype == np.float32 and a.flags.c_contiguous
    s0, s1 = a.strides
    return np.ndarray((ny, nx, h, w), np.float32, a, (y * a.shape[1] + x) * 4, (s0, s1, s0, s1))


def _sums(stack: np.ndarray) -> list[float]:
    """The sum of each window of a (ny, nx, h, w) stack, in float32 as ``window.sum()`` takes it
    (each window's pixels a contiguous run, summed in the same order): one call for all."""
    ny, nx, h, w = stack.shape
    return stack.reshape(ny * nx, h * w).sum(axis=1).tolist()  # type: ignore[no-any-return]


class _Fit:
    """Each glyph of a line placed where it explains the zone's ink best, within
    REDRAW_GLYPH_REACH_PX of its PDF pen and a pixel up or down. A fax renders each glyph on its own
    (its origin rounded to the device's pixel grid, its outline hinted) and the page is then warped
    onto the zone's grid: overlaid, single glyphs sat a pixel left or right of the line drawn at the
    PDF's advances, and the misfit weighed as much as an 'e' against a 'c' (clean fine faxes, Times
    and Helvetica 10: margins 0.5-0.6). The reading's glyphs and a rival's changed glyphs are
    placed by the same rule: each drawing at its own best."""

    def __init__(self, page: _Page, family: str, size_pt: float, px: float, pen: tuple[int, int]) -> None:
        self.page, self.family, self.size, self.px, self.pen = page, family, size_pt, px, pen
        self.seen: dict[tuple[str, int], tuple[float, int]] = {}
        steps = int(round(T.REDRAW_GLYPH_REACH_PX * _S))
        self.steps = [i / _S for i in range(-steps, steps + 1)]  # each tried a row up, level and down

    def place(self, ch: str, p: float) -> tuple[float, int]:
        """The best pen (zone pixels from the line's pen) and vertical move of *ch* set at *p*."""
        key = (ch, int(round(p * _S)))
        if key in self.seen:
            return self.seen[key]
        obs, pad = self.page.obs, self.page.pad
        # every move's window first, then one product per glyph drawn (its quarter pixel's phase)
        # over the block of its windows: the moves are then scored in their order, as one by one
        tried: list[tuple[float, float, int, float, int, int, int]] = []  # (dx, q, dy, energy, phase, x, y)
        blocks: dict[int, tuple[np.ndarray, int, int, int, int]] = {}  # phase: soft and the corners' extent
        oh, ow = obs.shape
        for dx in self.steps:
            q = p + dx
            whole = math.floor(q)
            phase = int((q - whole) * _S)
            soft, gx, gy, energy = _soft_glyph(ch, self.family, self.size, self.px, phase)
            x = self.pen[0] + whole + gx + pad
            h, w = soft.shape
            if x < 0 or x + w > ow:
                continue
            for dy in (-1, 0, 1):
                y = self.pen[1] + gy + dy + pad
                if y < 0 or y + h > oh:
                    continue
                tried.append((dx, q, dy, energy, phase, x, y))
                b = blocks.get(phase)
                blocks[phase] = (soft, x, y, x, y) if b is None else (soft, min(b[1], x), min(b[2], y), max(b[3], x), max(b[4], y))
        sums: dict[int, tuple[list[float], int, int, int]] = {}
        for phase, (soft, xa, ya, xb, yb) in blocks.items():
            # (every window of the block lies inside the page: its corners' extent is that of inside ones)
            h, w = soft.shape
            sums[phase] = _sums(_windows(obs, ya, xa, h, w, yb - ya + 1, xb - xa + 1) * soft), xa, ya, xb - xa + 1
        best, at = float("-inf"), (p, 0)
        for dx, q, dy, energy, phase, x, y in tried:
            got, xa, ya, nx = sums[phase]
            # least squared error: 2<ink, glyph> - |glyph|^2; ties go to the smaller move
            score = 2 * got[(y - ya) * nx + x - xa] - energy - 1e-6 * (abs(dx) + abs(dy))
            if score > best:
                best, at = score, (q, dy)
        self.seen[key] = at
        return at

    def line(self, text: str, pens: list[float], keep: dict[int, tuple[float, int]] | None = None
             ) -> tuple[list[float], list[int]]:
        """*text*'s pens and vertical moves, each glyph placed (:meth:`place`) but those in *keep*
        (index: pen, move), and the line's end as in *pens*."""
        out, dys = [], []
        for i, (c, p) in enumerate(zip(text, pens, strict=False)):
            q, dy = (keep[i] if keep and i in keep else (p, 0) if c.isspace() else self.place(c, p))
            out.append(q)
            dys.append(dy)
        return out + pens[len(text):], dys


class _Extent:
    """The reading's drawing on one extent (the box around it and a rival, at the line's pen),
    and what every rival on that extent compares with: the zone's ink and the reading blurred
    further, and the reading's error over each window. Most rivals of a line share the reading's
    extent: each is drawn, blurred and weighed once, not once per rival."""

    def __init__(self, own: _Drawn, pen: tuple[int, int], x0: int, y0: int, x1: int, y1: int) -> None:
        self.a = np.zeros((y1 - y0, x1 - x0), np.float32)
        y, x = pen[1] + own.dy - y0, pen[0] + own.dx - x0
        self.a[y:y + own.soft.shape[0], x:x + own.soft.shape[1]] = own.soft
        self.blurred: dict[float, tuple[np.ndarray, np.ndarray]] = {}  # sigma: (the ink with its margin, a)
        self.err: dict[tuple[float, int, int, int, int], float] = {}  # (sigma, window): the reading's error


def _evidence(page: _Page, own: _Drawn, rival: _Drawn, pen: tuple[int, int], min_energy: float,
              memo: dict[tuple[int, int, int, int], _Extent] | None = None, enough: float = float("inf")) -> float:
    """Where the zone's ink lies on the way from *rival* to *own*, both drawn at *pen*: 1 where it
    looks like own, 0 like the rival, 0.5 halfway. Only where the drawings differ counts (the
    pixels where they agree say nothing), and there each drawing may move a pixel either way on
    its own (a glyph's place on a fax is a pixel off ours now and then): each is judged where it
    fits best. The ink is weighed at each blur of REDRAW_EVIDENCE_SIGMAS_PX, and the blur that
    tells the two apart best counts: a dot or a comma's tail shows at the finest, a stroke the
    fax's hinting set a pixel off (an 'e''s bar against a 'c') costs little at the coarser. A blur
    at which the drawings differ by less than *min_energy* (squared blurred ink) tells nothing;
    at none: 0, the rival cannot be ruled out. *memo* (one per *own* and *pen*) keeps what the
    rivals on one extent share (:class:`_Extent`). Once a blur gives at least *enough*, the
    others are not weighed: the evidence is then known to be at least that (the caller wants only
    the least evidence over all rivals, and this rival's cannot be it)."""
    x0, y0 = pen[0] + min(own.dx, rival.dx) - 1, pen[1] + min(own.dy, rival.dy) - 1
    x1 = pen[0] + max(own.dx + own.soft.shape[1], rival.dx + rival.soft.shape[1]) + 1
    y1 = pen[1] + max(own.dy + own.soft.shape[0], rival.dy + rival.soft.shape[0]) + 1
    ext = memo.get((x0, y0, x1, y1)) if memo is not None else None
    if ext is None:
        ext = _Extent(own, pen, x0, y0, x1, y1)
        if memo is not None:
            memo[x0, y0, x1, y1] = ext
    a = ext.a
    b = np.zeros_like(a)
    y, x = pen[1] + rival.dy - y0, pen[0] + rival.dx - x0
    b[y:y + rival.soft.shape[0], x:x + rival.soft.shape[1]] = rival.soft
    diff = a - b
    apart = float((diff * diff).sum())  # (the drawings' difference at the blur they are drawn with)
    if apart <= 1e-6:
        return 0.0
    # where the drawings differ (cv2.boundingRect: the extent of np.nonzero, without the indices)
    cx, cy, cw, ch = cv2.boundingRect((np.abs(diff) > 0.05).astype(np.uint8))
    if not cw:  # differing by less everywhere: the two cannot be told apart
        return 0.0
    r0, r1 = max(1, cy - 2), min(a.shape[0] - 1, cy + ch - 1 + 3)
    c0, c1 = max(1, cx - 2), min(a.shape[1] - 1, cx + cw - 1 + 3)
    X, Y = x0 + page.pad, y0 + page.pad
    g = 4  # the ink's margin for a further blur
    if X - g < 0 or Y - g < 0 or Y + a.shape[0] + g > page.obs.shape[0] or X + a.shape[1] + g > page.obs.shape[1]:
        return 0.0
    best = 0.0
    for sigma in T.REDRAW_EVIDENCE_SIGMAS_PX:
        if sigma > 1.0:  # (the drawings and the ink are blurred at 1 px already)
            extra = float(np.sqrt(sigma ** 2 - 1.0))
            if sigma not in ext.blurred:
                near = page.obs[Y - g:Y + a.shape[0] + g, X - g:X + a.shape[1] + g]
                ext.blurred[sigma] = (cv2.GaussianBlur(near, (0, 0), extra),
                                      cv2.GaussianBlur(a, (0, 0), extra, borderType=cv2.BORDER_CONSTANT))
            (o, sa), oy, ox = ext.blurred[sigma], g, g  # (the ink blurred with its margin: o[g:-g, g:-g] is the extent's)
            sb = cv2.GaussianBlur(b, (0, 0), extra, borderType=cv2.BORDER_CONSTANT)
            energy = float(((sa - sb) ** 2).sum())
        else:
            o, sa, sb, oy, ox = page.obs, a, b, Y, X  # (the extent's ink is page.obs[Y:, X:])
            energy = apart
        if energy < min_energy:
            continue

        def err(t: np.ndarray, o: np.ndarray = o, oy: int = oy, ox: int = ox) -> float:
            # the least squared difference over the ink moved a pixel either way (all nine at once)
            d = _windows(o, oy + r0 - 1, ox + c0 - 1, r1 - r0, c1 - c0, 3, 3) - t[r0:r1, c0:c1]
            return min(_sums(d * d))

        key = (sigma, r0, r1, c0, c1)
        if key not in ext.err:
            ext.err[key] = err(sa)
        best = max(best, 0.5 + (err(sb) - ext.err[key]) / (2 * energy))
        if best >= enough:
            break
    return best


def _locate(obs: np.ndarray, d: _Drawn, top: int, reach: int) -> tuple[int, int] | None:
    """The pen position (x, y) where the drawn line matches the zone best (cosine, blank paper no
    match), its crop's top searched *reach* px around *top*."""
    h, w = d.soft.shape
    oh, ow = obs.shape
    y0, y1 = max(0, top - reach), min(oh, top + h + reach)
    if y1 - y0 < h or ow < w:
        return None
    win = obs[y0:y1]
    energy = cv2.matchTemplate(win * win, np.ones_like(d.soft), cv2.TM_CCORR)
    t_energy = float((d.soft * d.soft).sum())
    res = cv2.matchTemplate(win, d.soft, cv2.TM_CCORR) / (np.sqrt(np.maximum(energy, 0.0) * t_energy) + 1e-3)
    _, _, _, (bx, by) = cv2.minMaxLoc(res)
    return bx - d.dx, y0 + by - d.dy


# --- the rule ----------------------------------------------------------------------------------


def confirm(ink: np.ndarray, spec: FieldSpec, text: str, px: float, others: Iterable[str] = (),
            channel: Callable[[], verify.Channel] | None = None, fax: bool = True) -> Check:
    """Does drawing *text* again (OCR's reading of the zone whose cleaned ink is *ink*, 1 = ink)
    explain the ink as typed, and clearly better than every near rival and every other reading
    (*others*)? Nothing is confirmed on a page with coarse rows (the page's *channel*: a
    normal-mode fax). Where umlaut dots may be lost on the way, a bare vowel with an umlaut twin
    is not confirmed ('Kruger' faxed from 'Krüger' looks the same) in the words of names,
    institutions and addresses on a *fax*, unless the line's own dots came through (a light fine
    fax lost the dots of 'Krüger', bench seed 2018; an e-mail address spells umlauts out)."""
    t0 = time.perf_counter()

    def no(why: str, **kw: object) -> Check:
        return Check(False, why=why, seconds=time.perf_counter() - t0, **kw)  # type: ignore[arg-type]

    if not text.strip() or not latin1(text):
        return no("nicht zeichenbar")
    # (asked first: drawing the reading in every base font is the dear part)
    if channel is not None and channel().pitch_y_mm > T.REDRAW_FINE_PITCH_MM:
        # A normal-mode fax's rows are too coarse to tell look-alikes apart: its umlaut dots may be
        # lost, and on seed 2021 a wrong digit beat the right one by 0.64 ('03612 677077', replay).
        return no("Zeilen des Fax zu grob (Normalmodus)")
    twins = any(c in _TWINS for c in text)
    # on a fine fax a bare vowel in a word stands only where the line's own dots came through whole
    dots_needed = fax and spec.kind in _WORDS and twins
    others = list(others)
    if dots_needed and any(_dotted_there(text, o) for o in others):
        # another reading saw dots over a bare vowel: a lost umlaut the line's other dots cannot rule
        # out ('Kruger, Müge' on a light fax whose 'Müge' kept its dots, bench seed 2018)
        return no("Umlautpunkte können im Fax verloren sein")
    verdict = verify.as_typed(ink, spec, text, px, channel)
    if verdict is None or verdict.state != "untouched" or verdict.faded:
        return no("Zeichnung erklärt die Tinte nicht")
    seen = {"extra_mm2": verdict.extra_mm2, "missing": verdict.missing}
    if verdict.extra_mm2 > T.REDRAW_EXTRA_MM2 or verdict.missing > T.REDRAW_MAX_MISSING:
        return no("Zeichnung erklärt die Tinte nicht ganz", **seen)
    style = verdict.style
    assert style.bbox is not None
    family, size = style.family, style.size
    lines = verify._wrap(spec, text, family, size)
    if len(lines) != len([ln for ln in text.split("\n") if ln.strip()]):
        return no("Zeilen anders umbrochen", **seen)
    obs = verify._soft(ink)
    x0, y0, x1, _ = style.bbox
    pitch = size * T.VERIFY_REDRAWN_LEADING * 25.4 / 72 * px
    page = _Page(obs, int(4 * px))
    other_lines = [o.split("\n") for o in others if o and o != text]
    worst, rival = 1.0, ""
    first = _draw(lines[0], family, size, px)
    if first is None:
        return no("nicht zeichenbar", **seen)
    top = y0 - first.dy  # the first line's top at the ink's top (as verify._redrawn)
    min_energy = T.REDRAW_MIN_ENERGY_PX * _DOT
    dots: list[float] = []
    for n, line in enumerate(lines):
        own = _draw(line, family, size, px)
        if own is None:
            return no("nicht zeichenbar", **seen)
        found = _locate(obs, own, top + own.dy + int(round(n * pitch)), int(T.VERIFY_REDRAWN_SHIFT_MM * px))
        if found is None:
            return no("Zeile nicht gefunden", **seen)
        # the reading's pen where it explains the ink best, a pixel either way
        pen, _ = page.best(own, found, 1, 1)
        fit = _Fit(page, family, size, px, pen)
        own_pens, own_dys = fit.line(line, _pens(line, family, size, px))
        placed = _draw(line, family, size, px, own_pens, own_dys)
        assert placed is not None
        own = placed
        if dots_needed:
            kept = _dots_kept(ink, line, family, size, px, pen, own_pens, own_dys)
            if kept is not None:
                dots.append(kept)
                if kept < T.REDRAW_DOTS_FOUND:
                    return no("Umlautpunkte können im Fax verloren sein", margin=round(kept, 4), family=family,
                              size=size, **seen)
        memo: dict[tuple[int, int, int, int], _Extent] = {}
        cands = [o[n] for o in other_lines if len(o) == len(lines) and o[n] != line] + rivals(line)
        for cand in cands:
            # the glyphs the rival shares with the reading stay where the reading's were placed
            k, m = _shared(line, cand)
            like = _like(line, own_pens, cand, family, size, px)
            keep = {i: (like[i], own_dys[i]) for i in range(k)}
            keep.update({len(cand) - m + j: (like[len(cand) - m + j], own_dys[len(line) - m + j]) for j in range(m)})
            d = _draw(cand, family, size, px, *fit.line(cand, like, keep))
            if d is None:
                continue
            drawn = [d]
            width = _pens(cand, family, size, px)[-1]
            if abs(width - own.width) >= T.REDRAW_SPACING_PX and width > 0:
                spread = _draw(cand, family, size, px, *fit.line(cand, _pens(cand, family, size, px, own.width / width)))
                if spread is not None:
                    drawn.append(spread)
            # the rival at its own spacing and spread to the reading's width: the one nearer the ink.
            # Only the least evidence over all rivals counts: a drawing's is weighed only as far as
            # it could be below the least so far (_evidence's *enough*); the margin and the rival
            # found are the same as with every one weighed in full.
            ev = float("inf")
            for g in drawn:
                ev = min(ev, _evidence(page, own, g, pen, min_energy, memo, min(ev, worst)))
            if ev < worst:
                worst, rival = ev, cand
                if worst < T.REDRAW_MARGIN:
                    return no("ein anderer Text passt fast so gut", margin=round(worst, 4), rival=rival,
                              family=family, size=size, **seen)
    if dots_needed and not dots:
        return no("Umlautpunkte können im Fax verloren sein", margin=round(worst, 4), rival=rival, family=family,
                  size=size, **seen)
    return Check(True, round(worst, 4), rival, family, size, seconds=time.perf_counter() - t0, **seen)  # type: ignore[arg-type]


def _dots_kept(ink: np.ndarray, line: str, family: str, size_pt: float, px: float, pen: tuple[int, int],
               pens: list[float], dys: list[int]) -> float | None:
    """The least share of a dotted glyph's dots (i, j, ä, ö, ü and capitals) the zone's ink holds
    (within a pixel) where the glyph was placed; None where the line has no dots. A fax that keeps
    every dot of a line kept an umlaut's too: a bare vowel there is bare. A light fax that lost
    the dots of 'Krüger' kept those of 'Müge' only in part (bench seed 2018)."""
    found = cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8))
    least: float | None = None
    for i, c in enumerate(line):
        bare = _DOTLESS.get(c)
        if bare is None:
            continue
        whole = int(np.floor(pens[i]))
        phase = int((pens[i] - whole) * _S)
        full, gx, gy = _glyph(c, family, size_pt, px, phase)
        base, bx, by = _glyph(bare, family, size_pt, px, phase)
        dot = full >= 0.5
        # the bare glyph's ink on the full glyph's crop: what is left is the dots
        ys, xs = np.nonzero(base >= 0.5)
        ys, xs = ys + by - gy, xs + bx - gx
        keep = (ys >= 0) & (ys < dot.shape[0]) & (xs >= 0) & (xs < dot.shape[1])
        grown = np.zeros_like(dot)
        grown[ys[keep], xs[keep]] = True
        dot &= ~cv2.dilate(grown.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        if not dot.any():
            continue
        ys, xs = np.nonzero(dot)
        ys, xs = ys + pen[1] + gy + dys[i], xs + pen[0] + whole + gx
        inside = (ys >= 0) & (ys < ink.shape[0]) & (xs >= 0) & (xs < ink.shape[1])
        share = float(found[ys[inside], xs[inside]].sum()) / len(ys)
        least = share if least is None else min(least, share)
    return least


def _dotted_there(text: str, other: str) -> bool:
    """Has *other* an umlaut where *text* has its bare vowel (lines aligned by position)?"""
    return any(a in _TWINS and _DOTLESS.get(b) == a for ta, tb in zip(text.split("\n"), other.split("\n"), strict=False)
               for a, b in zip(ta, tb, strict=False))


# dotted glyphs and the same glyph without its dots
_DOTLESS = {"i": "\u0131", "j": "\u0237", "ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"}
_TWINS = set("aouAOU")  # bare vowels with an umlaut twin
_WORDS = ("name", "institution", "address")  # kinds whose words may carry umlauts
# The energy of one isolated ink pixel blurred as verify._soft blurs (sigma 1 px): 1 / (4 pi).
_DOT = 1.0 / (4 * np.pi)
