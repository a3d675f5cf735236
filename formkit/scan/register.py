"""Registration: find the marks (and QR corners) on a page image and map it into layout space.

The page is described by a homography H from image pixels to layout millimetres, fitted by
least squares through the 4 solid corner marks and the QR symbol's 4 corners; the fit's mean
residual (mm) says how far to trust it. Orientation (0/90/180/270°) needs no separate step:
the QR's corners come in the code's own reading order, so the correspondences already carry it.
Without a readable QR the marks alone register the page and the QR's place decides up/down.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import cv2
import numpy as np

from formkit import thresholds as T
from formkit.geometry import Rect
from formkit.layout.models import FormLayout

Points = np.ndarray  # (n, 2) float64


@dataclass
class Ink:
    """A page image prepared for measuring: flattened grey (paper = 255) and its ink mask."""

    grey: np.ndarray  # uint8, as given
    flat: np.ndarray  # uint8, background removed (paper white everywhere, shadows gone)
    ink: np.ndarray  # uint8 0/1
    px_per_mm: float  # from the file's resolution (an estimate until registration measures it)
    bilevel: bool


@dataclass
class Candidate:
    center: tuple[float, float]
    size: float  # px, mean of width and height
    fill: float


@dataclass
class Registration:
    layout: FormLayout
    H: np.ndarray  # 3x3, image px -> layout mm
    fit_error_mm: float
    max_error_mm: float
    marks_px: list[tuple[float, float] | None]  # per layout mark, where it was found in the image
    qr_used: bool
    problems: list[str] = field(default_factory=list)


def prepare(grey: np.ndarray, dpi: float) -> Ink:
    """Flatten uneven lighting (photo shadows, scanner vignetting) and threshold to an ink mask."""
    # Distinct grey values of a sample (counted, not sorted) and the mask as a view of the
    # comparison (no copy): ~3 ms less a fax page than np.unique and astype.
    bilevel = int(np.count_nonzero(np.bincount(grey[:: 7, :: 7].ravel(), minlength=256))) <= 2
    if bilevel:
        ink = (grey < 128).view(np.uint8)
        flat = remove_streaks(grey, ink, dpi / 25.4)
    else:
        # Background = closing (max of paper around) on a reduced copy, larger than any mark.
        px_mm = dpi / 25.4
        f = max(1, int(round(px_mm / 2)))  # work at ~2 px/mm
        small = cv2.resize(grey, (max(1, grey.shape[1] // f), max(1, grey.shape[0] // f)),
                           interpolation=cv2.INTER_AREA)
        k = max(3, int(T.BACKGROUND_KERNEL_MM * px_mm / f) | 1)
        bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
        bg = cv2.GaussianBlur(bg, (0, 0), k / 4)
        bg = cv2.resize(bg, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
        bg = np.maximum(bg, 40)  # a black frame edge is not paper: keep the ratio sane
        flat = np.clip(grey.astype(np.float32) * (255.0 / bg), 0, 255).astype(np.uint8)
        ink = (flat < int(T.INK_LEVEL * 255)).astype(np.uint8)
    return Ink(grey=grey, flat=flat, ink=ink, px_per_mm=dpi / 25.4, bilevel=bilevel)


def remove_streaks(grey: np.ndarray, ink: np.ndarray, px_mm: float) -> np.ndarray:
    """A fax's line errors: long horizontal runs at most 2 rows thick that reach the side of the
    page, painted white.

    Printed rules are thicker (0.8 pt = 2-3 fax rows) and stay; the streak's crossing through a
    letter leaves a one-row gap that Tesseract ignores. A line error runs on to the end of its
    row (a G3 row is coded as a whole; the corpus's streaks do too); a thin pen line drawn
    through a value ends where the writer lifted the pen, and stays for the text zones to see
    (a 0.4-pt strike-through is 2 fax rows: erased here, it was confirmed as the print)."""
    k = int(T.STREAK_MIN_MM * px_mm)
    edge = int(np.ceil(T.STREAK_EDGE_MM * px_mm))
    # Only rows holding enough ink for a streak are examined (a row sum is ~1 ms a page; the
    # morphology over the whole page was 25 ms).
    rows = np.nonzero(cv2.reduce(ink, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() >= k)[0]
    if rows.size == 0:
        return grey
    out = grey
    bands = np.split(rows, np.nonzero(np.diff(rows) > 1)[0] + 1)
    for band in bands:
        y0, y1 = max(0, int(band[0]) - 3), min(ink.shape[0], int(band[-1]) + 4)
        sub = np.ascontiguousarray(ink[y0:y1])
        runs = cv2.morphologyEx(sub, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
        if not runs.any():
            continue
        thick = cv2.morphologyEx(runs, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))
        streak = np.where(cv2.dilate(thick, np.ones((3, 3), np.uint8)) > 0, 0, runs)
        if streak.any():
            streak = _at_side(streak, edge)
        if streak.any():
            if out is grey:
                out = grey.copy()
            out[y0:y1][streak > 0] = 255
            rows_hit = np.nonzero(streak.any(axis=1))[0]
            _erase_garbage(out, ink, y0 + int(rows_hit[0]), y0 + int(rows_hit[-1]) + 1, px_mm)
    return out


def _erase_garbage(out: np.ndarray, ink: np.ndarray, r0: int, r1: int, px_mm: float) -> None:
    """The rows of random bits a decoder draws beside a line error (rows *r0*..*r1* erased): in the
    rows near it whose ink reaches every part of the page's width, the ink groups that lie wholly
    inside those rows are painted white in *out* (letters crossing them keep their strokes)."""
    reach = int(np.ceil(T.STREAK_GARBAGE_MM * px_mm))
    g0, g1 = max(0, r0 - reach), min(ink.shape[0], r1 + reach)
    parts = np.array_split(np.arange(ink.shape[1]), T.STREAK_GARBAGE_SEGMENTS)
    wide = [y for y in range(g0, g1) if y < r0 or y >= r1
            if all(ink[y, p[0]:p[-1] + 1].any() for p in parts)]
    if not wide:
        return
    rows = sorted({*wide, *range(r0, r1)})
    b0, b1 = rows[0], rows[-1] + 1  # the garbage band, with the erased run
    w0, w1 = max(0, b0 - reach), min(ink.shape[0], b1 + reach)  # room to see what crosses it
    window = (np.ascontiguousarray(ink[w0:w1]) & (out[w0:w1] < 128)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(window, connectivity=8)
    top = stats[:, cv2.CC_STAT_TOP] + w0
    inside = (top >= b0) & (top + stats[:, cv2.CC_STAT_HEIGHT] <= b1)
    inside[0] = False
    out[w0:w1][inside[labels]] = 255


def _at_side(streak: np.ndarray, edge: int) -> np.ndarray:
    """The parts of *streak* (0/1) that reach within *edge* pixels of the left or right side."""
    if not (streak[:, :edge + 1].any() or streak[:, -edge - 1:].any()):
        return np.zeros_like(streak)  # the usual case: no labelling (a skewed border's thin steps)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(streak, connectivity=8)
    w = streak.shape[1]
    x0, x1 = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_LEFT] + stats[:, cv2.CC_STAT_WIDTH]
    side = (x0 <= edge) | (x1 >= w - edge)
    side[0] = False
    return side[labels].astype(np.uint8)


def mark_candidates(ink: np.ndarray, min_px: float, max_px: float,
                    window: tuple[int, int, int, int] | None = None) -> list[Candidate]:
    """Solid, roughly square blobs between *min_px* and *max_px* on a side.

    Components are labelled on a half-resolution copy (marks are >= 40 px; 4x fewer pixels);
    each survivor's centre is then measured at full resolution. *window* (x0, y0, x1, y1, image
    pixels) looks only there: a blob the window's edge cuts is left out (it is not whole there),
    every other one is found exactly as on the whole page.
    """
    f = 2 if min_px >= 16 else 1
    hh, ww = ink.shape
    x0, y0, x1, y1 = window if window is not None else (0, 0, ww, hh)
    # Start on the half-resolution grid of the whole page, so that the same pixels are sampled.
    x0, y0 = max(0, x0) // f * f, max(0, y0) // f * f
    x1, y1 = min(ww, x1), min(hh, y1)
    if x1 <= x0 or y1 <= y0:
        return []
    small = np.ascontiguousarray(ink[y0:y1:f, x0:x1:f])
    n, _, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    st = stats[1:].astype(np.int64)
    whole = np.ones(len(st), dtype=bool)
    if x0 > 0:
        whole &= st[:, 0] > 0
    if y0 > 0:
        whole &= st[:, 1] > 0
    if x1 < ww:
        whole &= st[:, 0] + st[:, 2] < small.shape[1]
    if y1 < hh:
        whole &= st[:, 1] + st[:, 3] < small.shape[0]
    st = st * np.array([f, f, f, f, f * f]) + np.array([x0, y0, 0, 0, 0])
    w, h, area = st[:, 2], st[:, 3], st[:, 4]
    keep = (whole & (w >= min_px) & (h >= min_px) & (w <= max_px * 1.25) & (h <= max_px * 1.25)
            & (np.maximum(w, h) <= T.MARK_MAX_ASPECT * np.maximum(1, np.minimum(w, h)))
            & (area >= T.MARK_MIN_FILL * w * h))
    out = []
    for row in st[keep]:
        x, y, w, h, area = (int(v) for v in row)
        fill = area / float(w * h)
        sub = ink[y:y + h + f, x:x + w + f]
        ys, xs = np.nonzero(sub)
        if xs.size == 0:
            continue
        # Pixel centres: +0.5 makes the centroid a coordinate in the continuous image plane.
        out.append(Candidate((x + float(xs.mean()) + 0.5, y + float(ys.mean()) + 0.5), (w + h) / 2.0, fill))
    return out


def qr_symbol_corners(layout: FormLayout, modules: int) -> Points:
    """Layout (mm) of the QR symbol's outer corners: TL, TR, BR, BL (quiet zone of 4 modules)."""
    q = layout.qr.box
    m = q.w / (modules + 8)
    r = Rect(q.x + 4 * m, q.y + 4 * m, q.w - 8 * m, q.h - 8 * m)
    return np.array([[r.x, r.y], [r.x2, r.y], [r.x2, r.y2], [r.x, r.y2]], dtype=np.float64)


def _affine(src: Points, dst: Points) -> np.ndarray:
    """Least-squares affine map src -> dst as a 3x3 matrix."""
    a = np.hstack([src, np.ones((len(src), 1))])
    sol, *_ = np.linalg.lstsq(a, dst, rcond=None)
    m = np.eye(3)
    m[:2, :] = sol.T
    return m


def apply(h: np.ndarray, pts: Points) -> Points:
    p = np.hstack([pts, np.ones((len(pts), 1))]) @ h.T
    return p[:, :2] / p[:, 2:3]


def _fit(src: Points, dst: Points) -> tuple[np.ndarray, np.ndarray]:
    """Homography (>= 5 points; exact with 4) or affine (3); returns H and per-point residuals (mm)."""
    if len(src) >= 4:
        h, _ = cv2.findHomography(src, dst, 0)
        if h is None:
            h = _affine(src, dst)
    else:
        h = _affine(src, dst)
    res = np.linalg.norm(apply(h, src) - dst, axis=1)
    return h, res


def _residual_check(src: Points, dst: Points) -> np.ndarray:
    """Residuals that mean something: with exactly 4 points a homography is exact, so use affine."""
    if len(src) == 4:
        return np.linalg.norm(apply(_affine(src, dst), src) - dst, axis=1)
    return _fit(src, dst)[1]


def register_with_qr(page: Ink, layout: FormLayout, qr_corners: Points, modules: int) -> Registration:
    """Predict the marks from the QR, find them near the prediction, fit marks + QR corners."""
    q_mm = qr_symbol_corners(layout, modules)
    to_img = _affine(q_mm, qr_corners)  # layout mm -> image px, from the QR alone
    px_mm = float(np.mean([np.linalg.norm(qr_corners[i] - qr_corners[(i + 1) % 4]) for i in range(4)])
                  / (q_mm[1, 0] - q_mm[0, 0]))
    size = layout.marks.size * px_mm
    lo, hi = T.MARK_SIZE_TOLERANCE
    centers_mm = np.array(layout.marks.centers(), dtype=np.float64)
    predicted = apply(to_img, centers_mm)
    radius = T.MARK_SEARCH_RADIUS_MM * px_mm
    # Marks are looked for only around their predictions (a window that holds every blob whose
    # centre is within the radius, whole): the same candidates as labelling the whole page, in an
    # eighth of its pixels (10 -> 2 ms a fine fax page).
    reach = radius + 1.25 * size * hi + 6
    found: list[tuple[float, float] | None] = []
    for p in predicted:
        if not np.all(np.isfinite(p)):
            found.append(None)
            continue
        window = (int(p[0] - reach), int(p[1] - reach), int(np.ceil(p[0] + reach)), int(np.ceil(p[1] + reach)))
        best = None
        best_d = radius
        for c in mark_candidates(page.ink, size * lo, size * hi, window):
            d = float(np.hypot(c.center[0] - p[0], c.center[1] - p[1]))
            if d < best_d:
                best, best_d = c, d
        found.append(best.center if best else None)
    found = _far_marks(page, found, centers_mm, q_mm, qr_corners, size)
    problems = []
    src = [np.array(f) for f in found if f is not None]
    dst = [centers_mm[i] for i, f in enumerate(found) if f is not None]
    src_a = np.vstack([np.array(src).reshape(-1, 2), qr_corners])
    dst_a = np.vstack([np.array(dst).reshape(-1, 2), q_mm])
    h, res = _fit(src_a, dst_a)
    missing = [i for i, f in enumerate(found) if f is None]
    if missing and not _cut_off_at_edge(missing, h, centers_mm, size, page.ink.shape, float(res.max())):
        problems.append(_missing_marks(len(missing)))
    return Registration(layout, h, float(res.mean()), float(res.max()), found, True, problems)


def _far_marks(page: Ink, found: list[tuple[float, float] | None], centers_mm: Points, q_mm: Points,
               qr_corners: Points, size: float) -> list[tuple[float, float] | None]:
    """The marks the QR's prediction missed, looked for again farther away (a photo's perspective:
    the bottom marks lie 15-18 mm from where an affine map from a 25 mm QR puts them). The marks
    found and the QR corners predict the rest anew; every mark-sized solid square within
    T.MARK_WIDE_SEARCH_MM of that is tried, and a choice is taken only when all four marks and the
    QR's corners then fit one homography within T.WIDE_MARK_MAX_RESIDUAL_MM (a square 10 mm off
    the true mark leaves >= 0.5 mm; the form's nearest other solid squares are >= 40 mm away)."""
    missing = [i for i, f in enumerate(found) if f is None]
    have = [i for i, f in enumerate(found) if f is not None]
    if not missing or len(have) < 2:
        return found
    src = np.vstack([np.array([found[i] for i in have], dtype=np.float64), qr_corners])
    dst = np.vstack([centers_mm[have], q_mm])
    to_img = _affine(dst, src)
    px_mm = float(np.linalg.norm(to_img[:2, :2], ord=2))
    predicted = apply(to_img, centers_mm[missing])
    lo, hi = T.MARK_SIZE_TOLERANCE
    candidates = mark_candidates(page.ink, size * lo, size * hi)
    radius = T.MARK_WIDE_SEARCH_MM * px_mm
    options = [[c.center for c in sorted(candidates, key=lambda c: float(np.hypot(*np.subtract(c.center, p))))[:3]
                if float(np.hypot(*np.subtract(c.center, p))) < radius] for p in predicted]
    best: tuple[float, tuple[tuple[float, float], ...]] | None = None
    all_mm = np.vstack([centers_mm, q_mm])
    for combo in itertools.product(*options):
        trial = list(found)
        for i, c in zip(missing, combo, strict=True):
            trial[i] = c
        _, res = _fit(np.vstack([np.array(trial, dtype=np.float64), qr_corners]), all_mm)
        if float(res.max()) <= T.WIDE_MARK_MAX_RESIDUAL_MM and (best is None or float(res.max()) < best[0]):
            best = (float(res.max()), combo)
    if best is None:
        return found
    out = list(found)
    for i, c in zip(missing, best[1], strict=True):
        out[i] = c
    return out


def _cut_off_at_edge(missing: list[int], h: np.ndarray, centers_mm: Points, size_px: float,
                     shape: tuple[int, ...], max_res_mm: float) -> bool:
    """Is the one missing mark explained by the page edge? A fax skewed and shifted by a few mm
    cuts a corner mark off (5 of 64 fine faxes of the bench); the other three marks and the QR
    corners still over-determine the fit, and its residuals show whether it holds. A mark that
    should lie wholly on the page but was not found (covered, smudged) is not explained."""
    if len(missing) != 1 or max_res_mm > T.EDGE_MARK_MAX_RESIDUAL_MM:
        return False
    (x, y), = apply(np.linalg.inv(h), centers_mm[missing])
    half = size_px / 2
    rows, cols = shape[0], shape[1]
    return bool(x - half < 0 or y - half < 0 or x + half > cols or y + half > rows)


def _missing_marks(n: int) -> str:
    return f"{n} von 4 Passmarken nicht gefunden: Lage nur ungefähr bestimmt"


def _cyclic(points: list[Candidate]) -> list[Candidate]:
    c = np.mean([p.center for p in points], axis=0)
    return sorted(points, key=lambda p: np.arctan2(p.center[1] - c[1], p.center[0] - c[0]))


def _layout_mark_candidates(page: Ink, layout: FormLayout) -> list[Candidate]:
    """Squares of *layout*'s mark size on the page (a little wider tolerance than with a QR code)."""
    size = layout.marks.size * page.px_per_mm
    lo, hi = T.MARK_SIZE_TOLERANCE
    return mark_candidates(page.ink, size * lo * 0.9, size * hi * 1.1)


def register_marks_only(page: Ink, layouts: list[FormLayout]) -> Registration | None:
    """No readable QR: find four candidates forming a layout's mark rectangle; up/down from the QR area."""
    best: tuple[float, Registration] | None = None
    for layout in layouts:
        cands = _layout_mark_candidates(page, layout)
        if len(cands) < 4 or len(cands) > 16:
            continue
        # Layout order TL, TR, BR, BL is cyclic around the centre like the sorted candidates.
        c_mm = layout.marks.centers()
        tl, tr, bl, br = (np.array(c_mm[0]), np.array(c_mm[1]), np.array(c_mm[2]), np.array(c_mm[3]))
        ring_mm = np.array([tl, tr, br, bl])
        for combo in itertools.combinations(cands, 4):
            ring = _cyclic(list(combo))
            src = np.array([p.center for p in ring])
            for shift in range(4):
                dst = np.roll(ring_mm, shift, axis=0)
                res = _residual_check(src, dst)
                if res.mean() > T.FIT_REJECT_MM:
                    continue
                h, _ = _fit(src, dst)
                qr_ink = _qr_ink(page, h, layout)
                # An empty QR corner: upside down, or the code was covered or cut off. Such a fit
                # counts only when no orientation shows the code; the printed boxes (border ink,
                # not point-symmetric) then tell up from down, and must be there (checked below).
                score = (2.0 if qr_ink >= T.MARKS_ONLY_QR_INK else 0.0) + qr_ink + 2 * _border_ink(page, h, layout)
                if best is None or score > best[0]:
                    marks: list[tuple[float, float] | None] = [None] * 4
                    for k in range(4):
                        # np.roll: dst[k] = ring_mm[(k - shift) % 4]; ring_mm is TL, TR, BR, BL
                        idx_ring = (k - shift) % 4
                        layout_idx = [0, 1, 3, 2][idx_ring]
                        marks[layout_idx] = ring[k].center
                    best = (score, Registration(layout, h, float(res.mean()), float(res.max()),
                                                marks, False, []))
    if best is None:
        return _three_marks(page, layouts)
    border = _border_ink(page, np.asarray(best[1].H), best[1].layout)
    if border < T.MARKS_ONLY_BORDER_INK:
        return None  # four squares in the corners, but not our printed boxes between them
    return best[1]


def _three_marks(page: Ink, layouts: list[FormLayout]) -> Registration | None:
    """No QR and only three marks (a smudge ran into the fourth, a corner torn off): three marks
    fix an affine map exactly, so they prove nothing alone; the distances between them must be
    the layout's at the file's resolution (THREE_MARKS_SCALE) and the printed field borders must
    carry ink (MARKS_ONLY_BORDER_INK). The result is untrusted (a mark missing): values go to review."""
    px_mm = page.px_per_mm
    best: tuple[float, Registration] | None = None
    for layout in layouts:
        cands = _layout_mark_candidates(page, layout)
        if len(cands) < 3 or len(cands) > 8:
            continue
        centers = np.array(layout.marks.centers(), dtype=np.float64)
        for missing in range(4):
            idx = [i for i in range(4) if i != missing]
            want = centers[idx]
            for combo in itertools.permutations(cands, 3):
                src = np.array([c.center for c in combo])
                ok = True
                for a, b in ((0, 1), (1, 2), (0, 2)):
                    d_img = float(np.linalg.norm(src[a] - src[b])) / px_mm
                    d_mm = float(np.linalg.norm(want[a] - want[b]))
                    if abs(d_img - d_mm) > T.THREE_MARKS_SCALE * d_mm:
                        ok = False
                        break
                if not ok:
                    continue
                h = _affine(src, want)
                border = _border_ink(page, h, layout)
                if border < T.MARKS_ONLY_BORDER_INK or (best is not None and border <= best[0]):
                    continue
                marks: list[tuple[float, float] | None] = [None] * 4
                for k, i in enumerate(idx):
                    marks[i] = combo[k].center
                best = (border, Registration(layout, h, 0.0, 0.0, marks, False,
                                             [_missing_marks(1)]))
    return best[1] if best else None


def _sample_ink(page: Ink, h: np.ndarray, pts_mm: Points) -> np.ndarray:
    """Ink (0/1, max over a 3x3 neighbourhood) at layout points, through the inverse of *h*."""
    pts = apply(np.linalg.inv(h), pts_mm)
    hh, ww = page.ink.shape
    out = np.zeros(len(pts))
    ok = (pts[:, 0] >= 1) & (pts[:, 0] < ww - 1) & (pts[:, 1] >= 1) & (pts[:, 1] < hh - 1)
    p = pts[ok].astype(int)
    acc = np.zeros(len(p))
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            acc = np.maximum(acc, page.ink[p[:, 1] + dy, p[:, 0] + dx])
    out[ok] = acc
    return out


def _border_ink(page: Ink, h: np.ndarray, layout: FormLayout) -> float:
    """Share of points on the printed field borders that carry ink: ~1 for this layout's sheet."""
    pts = []
    for f in layout.fields:
        b = f.box
        for t in np.linspace(0.1, 0.9, 9):
            pts += [(b.x + t * b.w, b.y), (b.x + t * b.w, b.y2), (b.x, b.y + t * b.h), (b.x2, b.y + t * b.h)]
    return float(_sample_ink(page, h, np.array(pts)).mean())


def _qr_ink(page: Ink, h: np.ndarray, layout: FormLayout) -> float:
    """Ink share inside where the QR should be: ~0.5 when the page is the right way up."""
    q = layout.qr.box.inset(layout.qr.box.w * 0.15)
    inv = np.linalg.inv(h)
    xs = np.linspace(q.x, q.x2, 24)
    ys = np.linspace(q.y, q.y2, 24)
    grid = np.array([[x, y] for y in ys for x in xs])
    pts = apply(inv, grid)
    hh, ww = page.ink.shape
    ok = (pts[:, 0] >= 0) & (pts[:, 0] < ww) & (pts[:, 1] >= 0) & (pts[:, 1] < hh)
    if not ok.any():
        return 0.0
    p = pts[ok].astype(int)
    return float(page.ink[p[:, 1], p[:, 0]].mean()) * ok.mean()


def warp(img: np.ndarray, h: np.ndarray, layout: FormLayout, px_per_mm: float, border: int = 255) -> np.ndarray:
    """The page in layout space at *px_per_mm* (upright, A4 = 1680x2376 px at 8 px/mm)."""
    return warp_rect(img, h, Rect(0, 0, layout.width, layout.height), px_per_mm, border)


def warp_rect(img: np.ndarray, h: np.ndarray, rect: Rect, px_per_mm: float, border: int = 255) -> np.ndarray:
    """Only *rect* of the layout, registered: pixel (0, 0) is the rect's top-left corner.

    Pixel (i, j) of the result is layout point (rect.x + (i + 0.5) / px, rect.y + (j + 0.5) / px),
    the same grid as :func:`warp` over the whole page, so crops of both agree.
    """
    s = np.array([[px_per_mm, 0, -rect.x * px_per_mm - 0.5], [0, px_per_mm, -rect.y * px_per_mm - 0.5],
                  [0, 0, 1.0]])
    half = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1.0]])  # source pixel index -> continuous
    size = (int(round(rect.w * px_per_mm)), int(round(rect.h * px_per_mm)))
    return cv2.warpPerspective(img, s @ h @ half, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=border)
