"""Text fields: cut the zone from the registered page, remove the printed box lines, run Tesseract.

One tesserocr API per process, created on first use and reused (a Tesseract start costs ~0.3 s;
pytesseract's process per call costs 0.1 s a zone). Tesseract is not thread-safe: a lock guards it.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from formkit import fields
from formkit import thresholds as T
from formkit.errors import MissingToolError
from formkit.geometry import Rect
from formkit.render.ruling import Rule, lines_in
from formkit.scan import witness
from formkit.scan.calibration import calibrated

# Debian's OpenMP build of Tesseract is 4-5x slower on 2 cores without this (PITFALLS).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata/",
    "/usr/share/tesseract-ocr/4.00/tessdata/",
    "/usr/share/tessdata/",
    "/usr/local/share/tessdata/",
)

_apis: dict[tuple[str, frozenset[str]], Any] = {}
_lock = threading.Lock()
_words_dir: tempfile.TemporaryDirectory[str] | None = None


def tessdata_path() -> str:
    env = os.environ.get("TESSDATA_PREFIX")
    for cand in ((env,) if env else ()) + TESSDATA_CANDIDATES:
        if cand and Path(cand, "deu.traineddata").exists():
            return cand if cand.endswith("/") else cand + "/"
    raise MissingToolError(
        "Tesseract-Sprachdaten „deu“ fehlen (Debian: apt-get install tesseract-ocr-deu, "
        "oder TESSDATA_PREFIX setzen)"
    )


@functools.lru_cache(maxsize=4)
def has_model(lang: str) -> bool:
    """Is Tesseract's model *lang* installed beside ``deu``?"""
    return Path(tessdata_path(), f"{lang}.traineddata").exists()


def _get_api(words: frozenset[str] = frozenset(), lang: str = "deu") -> Any:
    """The API for a model and vocabulary (none: the plain model). User words are an init-time setting
    of Tesseract, so each vocabulary has its own API (one per campaign: a start costs ~0.3 s)."""
    global _words_dir
    key = (lang, words)
    api = _apis.get(key)
    if api is None:
        try:
            import tesserocr
        except ImportError as e:  # pragma: no cover - dependency of the package
            raise MissingToolError(f"tesserocr ist nicht installiert ({e})") from None
        variables = {}
        if words:
            if _words_dir is None:
                _words_dir = tempfile.TemporaryDirectory(prefix="formkit-words-")
            path = Path(_words_dir.name, f"{len(_apis)}.user-words")
            path.write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
            variables["user_words_file"] = str(path)
        api = tesserocr.PyTessBaseAPI(path=tessdata_path(), lang=lang, oem=tesserocr.OEM.LSTM_ONLY,
                                      variables=variables, set_only_non_debug_params=False)
        api.SetVariable("tessedit_do_invert", "0")  # our crops are black on white: skip the inverted pass
        if len(_apis) >= 5:  # campaigns seldom change within a run; keep memory bounded
            _apis.pop(next(k for k in _apis if k[1])).End()
        _apis[key] = api
    return api


@dataclass(frozen=True)
class Levers:
    """The reading's measured levers (issue 11), each switchable so that ``make bench`` can
    measure today's pipeline beside the improved one in the same run.

    Each left out alone (bench corpus seed 2018, typed faxes and scans, list members/strangers,
    name+institution exact): drop_low fine 80/73 -> 80/70 %, normal 67/53 -> 53/40 %;
    user_words fine members 80 -> 73 %; snap normal strangers 53 -> 47 %; verify (with the list
    agreement it carries) fine members' fields to review 13 -> 53 %; grey_interior,
    kind_rules and symbol_confidence changed no name/institution figure on this corpus
    (grey_interior: +16 points on grey scans in the issue's corpus; kind_rules: phone/date
    whitelists and e-mail clean-up).

    The fax levers, each left out alone (zone harness over the bench corpus, seeds 2018 / 77,
    name+institution exact, fine list/strangers and normal list/strangers, with every other lever
    on: 90/100, 73/73 % and 97/97, 87/71 %): smooth 97/90, 80/73 and 93/93, 73/64 % (e-mail
    exact on normal faxes 47/80 -> 33/40 % on seed 2018); second_pass 87/90, 67/67 and 97/97,
    80/71 %; keep_marks 83/100, 67/73 and 97/97, 80/71 % with two confidently wrong names
    ('Zöllner Ines'); domain_words changed nothing with the mailing list (its institutions'
    words are in the list) and, without a list, institution exact fine members 87 -> 90 %,
    normal 67 -> 73 %.

    witness alone (bench seed 2018, FK_BENCH_WITHOUT=witness): strangers' typed sheets to a person
    fine 100 -> 68 %, normal 100 -> 87 %, scans 100 -> 50 %; confident errors 0 of 532 -> 0 of 582.

    edge_ink alone (FK_BENCH_WITHOUT=edge_ink, seed 2018): one text field more to a person
    (strangers' normal faxes 44 -> 45 of 90), no record, sure fields 580 -> 579, none wrong either
    way; on text typed flush with a box line (bench.heldout_campaigns) it keeps a cut glyph ('39610'
    for 99610, a comma's tail) from being stated sure.

    lost_mark alone (FK_BENCH_WITHOUT=lost_mark, seeds 2018/2019/2021/2022/2023): one field of
    2,835 capped, the sure wrong 'Volkssolidarität Ohrdruf Bürgermeister' (seed 2023); no record moved.
    """

    drop_low: bool = True  # drop ink groups lower than LOW_GROUP_MM after clean_zone
    grey_interior: bool = True  # grey scans: Tesseract sees the box interior, not the ink mask
    kind_rules: bool = True  # whitelist and clean-up by the field's kind (formkit.fields)
    user_words: bool = True  # the campaign's vocabulary as Tesseract user words
    verify: bool = True  # prefilled values compared with the print (formkit.scan.verify)
    symbol_confidence: bool = True  # field confidence from symbol confidences
    snap: bool = True  # an unsure word snapped to the only vocabulary word near it
    smooth: bool = True  # fax zones softened (Gaussian, OCR_SMOOTH_MM) before Tesseract
    second_pass: bool = True  # an unsure fax field read again from a thickened image
    keep_marks: bool = True  # small punctuation beside a word survives the noise removal
    domain_words: bool = True  # general words of administration and social work (verwaltung.txt) as user words
    agree: bool = True  # fields that state one fact twice confirm or question each other (scan.agree)
    calibrate: bool = True  # the confidence mapped per kind (formkit.scan.calibration)
    witness: bool = True  # unsure digits and addresses confirmed by a second model (scan.witness)
    edge_ink: bool = True  # a value running into the box's side line is in doubt (ink_at_side)
    strokes: bool = True  # a long straight line that is none of the form's own is the writer's (FormLines)
    # A normal-mode fax read with the grey filled in between its rows (fill_rows). Off: it raised a
    # wrong date to 0.953 on bench seed 2019 ('20.02.2018' for 20.03., 0.834 without); see COARSE_ROWS_PX.
    coarse_rows: bool = False
    redraw: bool = True  # an unsure typed reading confirmed by drawing it again (formkit.scan.redraw)
    look_alike: bool = True  # a sure reading that is no word while a look-alike is (formkit.scan.lexicon)
    case_doubt: bool = True  # a small c/o/s/v/w/x/z opening a name's word may be a capital (fields.case_in_doubt)
    lost_mark: bool = True  # a letter-high mark beside the writing that the noise removal took (lost_mark)


ALL = Levers()
BASELINE = Levers(**{f: False for f in Levers.__dataclass_fields__})


DOMAIN_WORDS_FILE = Path(__file__).with_name("verwaltung.txt")


@functools.lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """General German words of public administration, social work and addresses (the package's
    ``verwaltung.txt``): what any campaign's returners write beside their names and places."""
    lines = DOMAIN_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@functools.lru_cache(maxsize=8)
def vocabulary(words: frozenset[str], domain: bool) -> frozenset[str]:
    return words | domain_words() if domain else words


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float  # 0..1
    ink: float  # ink ratio of the cleaned zone
    crop: np.ndarray  # the cleaned crop that was read (uint8, white paper)
    symbol_min: float = 1.0  # the least sure character (0..1)
    snapped: bool = False  # a word was replaced by a vocabulary word (formkit.scan.context.snap_word)
    others: tuple[str, ...] = ()  # the zone's other readings (second pass, witness) where they differ
    # ink runs into the box's side line or past it: a glyph may be cut (ink_at_side, ink_beyond); or
    # a small letter may be a capital (fields.case_in_doubt): a doubt with a named cause
    edge: bool = False


def _runs(ink: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Runs of ink at least *k* long along *axis* (1: horizontal, 0: vertical): the opening of
    *ink* (uint8 0/1) with a line of k pixels, computed only on the rows (columns) that can hold
    one. An opening with a line treats each row (column) alone, and one with fewer than k // 2
    ink pixels (less than k at the image's edge, where the border does not erode) keeps nothing;
    only a few rows and columns of a text zone have more (its borders, the middle of a line of
    letters). The same result as opening the whole zone, in less than half the time."""
    need = min(ink.shape[axis], k // 2)
    sums = cv2.reduce(ink, axis, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()  # per row (column)
    keep = np.flatnonzero(sums >= need)
    out = np.zeros_like(ink)
    if keep.size:
        line = cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1) if axis == 1 else (1, k))
        part = np.ascontiguousarray(np.take(ink, keep, axis=1 - axis))
        opened = cv2.morphologyEx(part, cv2.MORPH_OPEN, line)
        if axis == 1:
            out[keep] = opened
        else:
            out[:, keep] = opened
    return out


def _line_runs(ink: np.ndarray, px_per_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """The long horizontal and the long vertical runs of *ink* (0/1 each)."""
    kh = max(3, int(T.LINE_KERNEL_H_MM * px_per_mm))
    kv = max(3, int(T.LINE_KERNEL_V_MM * px_per_mm))
    return _runs(ink, kh, 1), _runs(ink, kv, 0)


def _without(ink: np.ndarray, lines: np.ndarray) -> np.ndarray:
    grown = cv2.dilate(lines, np.ones((3, 3), np.uint8))
    return cv2.subtract(ink, grown)  # 0/1 minus 0/1, saturated: ink where no line is


def remove_lines(ink: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Ink minus long horizontal and vertical runs (the printed field borders)."""
    h, v = _line_runs(ink, px_per_mm)
    return _without(ink, cv2.bitwise_or(h, v))


@dataclass(frozen=True)
class FormLines:
    """Where the form's own straight lines lie in a zone (:func:`formkit.render.ruling.ruled_lines`),
    in zone pixels: the rows of the horizontal ones, the columns of the vertical ones, and how far
    (pixels) a band of long runs may lie from one and still be it (FORM_LINE_TOLERANCE_MM)."""

    rows: tuple[float, ...]
    cols: tuple[float, ...]
    tolerance: float

    @classmethod
    def of(cls, rules: tuple[Rule, ...], zone: Rect, px_per_mm: float) -> FormLines:
        """The lines of *rules* through *zone* (a zone of the page cut by
        :func:`formkit.scan.register.warp_rect`: pixel i is layout point zone.x + (i + 0.5) / px)."""
        # Kept: every page of a form asks the same for each of its fields (by the rules' identity:
        # hashing their tuple cost more than the lookup saves; ruling.ruled_lines keeps one per layout).
        key = (id(rules), zone, px_per_mm)
        kept = _form_lines.get(key)
        if kept is not None and kept[0] is rules:
            return kept[1]
        if len(_form_lines) >= 512:
            _form_lines.clear()
        made = _lines_in_zone(rules, zone, px_per_mm)
        _form_lines[key] = (rules, made)
        return made


_form_lines: dict[tuple[int, Rect, float], tuple[tuple[Rule, ...], FormLines]] = {}


def _lines_in_zone(rules: tuple[Rule, ...], zone: Rect, px_per_mm: float) -> FormLines:
    tol = T.FORM_LINE_TOLERANCE_MM
    near = lines_in(rules, zone.inset(-tol))
    return FormLines(tuple((r.at - zone.y) * px_per_mm - 0.5 for r in near if r.axis == "h"),
                     tuple((r.at - zone.x) * px_per_mm - 0.5 for r in near if r.axis == "v"),
                     tol * px_per_mm)


def _bands(rows: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive numbers in sorted *rows*, as (first, last)."""
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _stray(runs: np.ndarray, axis: int, own: tuple[float, ...], tolerance: float) -> np.ndarray | None:
    """The bands of long runs along *axis* (1: horizontal, 0: vertical) whose middle lies farther
    than *tolerance* from every one of the form's own lines (*own*: rows or columns), or None.
    A band is a run of neighbouring rows (columns) holding runs: a printed border 2-4 rows thick
    on a fax, a pen's line through a value 1-3."""
    # (numpy's any, then plain Python over the few rows: 80 us a zone; cv2.reduce's row maximum
    # alone took 1 ms, numpy's split and vector arithmetic over the bands 2-4 times this)
    rows = np.flatnonzero(runs.view(bool).any(axis=axis)).tolist()
    out: np.ndarray | None = None
    for first, last in _bands(rows):
        if any(abs((first + last) / 2 - at) <= tolerance for at in own):
            continue
        if out is None:
            out = np.zeros_like(runs)
        if axis == 1:
            out[first:last + 1] = runs[first:last + 1]
        else:
            out[:, first:last + 1] = runs[:, first:last + 1]
    return out


def parts(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected parts of a 0/1 mask: count, labels, stats. 16-bit labels where they cannot
    overflow (at most one part per 2x2 pixels): a third of the time of 32-bit ones on a zone."""
    h, w = mask.shape
    ltype = cv2.CV_16U if ((h + 1) // 2) * ((w + 1) // 2) < 65535 else cv2.CV_32S
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=ltype)
    return n, labels, stats


def _beside(groups: np.ndarray, words: np.ndarray, labels: np.ndarray, stats: np.ndarray, px_per_mm: float,
            ky: int) -> np.ndarray:
    """Which of *groups* (a mask over the labels) lie within LOW_GROUP_NEAR_MM of a group of
    *words*: a comma, a full stop or a hyphen belongs to the word beside it. The candidates are
    few, so each is looked at inside its own bounding box only."""
    near = max(3, int(T.LOW_GROUP_NEAR_MM * px_per_mm)) | 1
    out = np.zeros(len(groups), dtype=bool)
    cand = np.flatnonzero(groups)
    if not cand.size:
        return out
    # Only the window of the candidates' boxes and the kernel's reach around them is gathered and
    # grown (pure speed: the pixels looked at are the same; a zone's candidates are a few commas).
    box = stats[cand, :4]
    rx, ry = near // 2, ky // 2
    x0, y0 = max(0, int(box[:, 0].min()) - rx), max(0, int(box[:, 1].min()) - ry)
    x1 = min(labels.shape[1], int((box[:, 0] + box[:, 2]).max()) + rx)
    y1 = min(labels.shape[0], int((box[:, 1] + box[:, 3]).max()) + ry)
    win = labels[y0:y1, x0:x1]
    member = np.take(words.astype(np.uint8), win)  # (a gather from uint8: 2.5x faster than from bool)
    beside = cv2.dilate(member, cv2.getStructuringElement(cv2.MORPH_RECT, (near, ky)))
    for i in cand:
        x, y, w, h = (int(v) for v in stats[i, :4])
        x, y = x - x0, y - y0
        out[i] = bool(beside[y:y + h, x:x + w][win[y:y + h, x:x + w] == i].any())
    return out


def clean_zone(ink: np.ndarray, px_per_mm: float, drop_low: bool = False, keep_marks: bool = False) -> np.ndarray:
    """A registered zone (its box plus a margin, so the border lies fully inside) without the box
    lines and without noise: ink is kept only in word-sized clusters (letters grouped by a small
    dilation), so fax specks and the stubs of a removed line go, i-dots and umlauts stay.

    *drop_low*: groups lower than LOW_GROUP_MM are what line removal leaves of a border (a stub,
    a dotted remainder) and go too, unless they stand next to a letter-high group: a comma, a
    full stop or a hyphen belong to the word beside them (normal-mode faxes: NI exact +10
    points, issue 11).

    *keep_marks*: a group too light to be a word (below MIN_WORD_INK_MM2) but heavier than
    MARK_MIN_MM2 stays when it stands within LOW_GROUP_NEAR_MM of a word-sized group: on light
    faxes a comma is 4-6 px, and dropping it made 'Zöllner Ines' of 'Zöllner, Ines' with
    confidence 0.95-0.96 (the comma gone, nothing told OCR it was there)."""
    return _clean(ink, px_per_mm, drop_low, keep_marks)[0]


def _clean(ink: np.ndarray, px_per_mm: float, drop_low: bool, keep_marks: bool,
           own: FormLines | None = None, keep_raw: list[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`clean_zone`, and with *own* the long straight lines that are none of the form's own
    lines (the writer's strokes: 0/1, None when there are none). Every long line is removed from
    the cleaned ink all the same: OCR reads the letters, as without a stroke. *keep_raw* receives
    the ink without lines before the noise removal (for :func:`lost_mark`)."""
    ink = np.ascontiguousarray(ink)
    h_runs, v_runs = _line_runs(ink, px_per_mm)
    z = _without(ink, cv2.bitwise_or(h_runs, v_runs))
    if keep_raw is not None:
        keep_raw.append(z.copy())
    strokes = None
    if own is not None:
        h_stray = _stray(h_runs, 1, own.rows, own.tolerance)
        v_stray = _stray(v_runs, 0, own.cols, own.tolerance)
        if h_stray is not None or v_stray is not None:
            strokes = h_stray if v_stray is None else (v_stray if h_stray is None else cv2.bitwise_or(h_stray, v_stray))
    return _words(z, px_per_mm, drop_low, keep_marks), strokes


def _grown_to_words(z: np.ndarray, px_per_mm: float) -> tuple[np.ndarray, int]:
    """*z* dilated so that a word's letters join (WORD_GAP_MM wide, 0.6 of it high), and the
    kernel's height: the word groups of :func:`_words` and :func:`lost_mark`."""
    kx = max(3, int(T.WORD_GAP_MM * px_per_mm)) | 1
    ky = max(3, int(T.WORD_GAP_MM * 0.6 * px_per_mm)) | 1
    return cv2.dilate(z, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, ky))), ky


def _words(z: np.ndarray, px_per_mm: float, drop_low: bool, keep_marks: bool) -> np.ndarray:
    """The noise removal of :func:`clean_zone` on ink without lines."""
    # Pure speed (the result is the same as labelling and masking whole arrays, 6.2 -> 2.8 ms a
    # zone): 16-bit labels (parts) and per-pixel work only on the ink pixels (idx, about a tenth
    # of the zone) instead of every pixel.
    n, labels, stats = parts(z)
    flat = z.reshape(-1)
    idx = np.flatnonzero(flat.view(bool))  # z is 0/1; numpy's bool path is 3x faster
    specks = stats[:, cv2.CC_STAT_AREA] < T.SPECK_MM2 * px_per_mm * px_per_mm
    specks[0] = False
    if specks.any():
        drop = specks[labels.reshape(-1)[idx]]
        flat[idx[drop]] = 0
        idx = idx[~drop]
    grown, ky = _grown_to_words(z, px_per_mm)
    n, labels, stats = parts(grown)
    if n <= 1:
        return z
    lab = labels.reshape(-1)[idx]  # the word group of each ink pixel
    mass = np.bincount(lab, minlength=n)
    keep = mass >= T.MIN_WORD_INK_MM2 * px_per_mm * px_per_mm
    keep[0] = False
    if keep_marks:
        marks = ~keep & (mass >= T.MARK_MIN_MM2 * px_per_mm * px_per_mm)
        marks[0] = False
        if marks.any() and keep.any():
            keep = keep | _beside(marks, keep, labels, stats, px_per_mm, ky)
    if drop_low:
        tall = keep & (stats[:, cv2.CC_STAT_HEIGHT] - (ky - 1) >= T.LOW_GROUP_MM * px_per_mm)
        low = keep & ~tall
        if low.any():
            keep = tall | _beside(low, tall, labels, stats, px_per_mm, ky)
    out = np.zeros_like(z)
    out.reshape(-1)[idx] = keep[lab]
    return out


def _inset_px(px_per_mm: float, margin_mm: float) -> int:
    """Pixels from a zone's edge (cut *margin_mm* beyond the box) to the box's interior."""
    return int(round((margin_mm + T.BOX_INNER_INSET_MM) * px_per_mm))


def _inside(z: np.ndarray, px_per_mm: float, margin_mm: float) -> np.ndarray:
    k = _inset_px(px_per_mm, margin_mm)
    z[:k, :] = 0
    z[-k:, :] = 0
    z[:, :k] = 0
    z[:, -k:] = 0
    return z


def interior(ink: np.ndarray, px_per_mm: float, margin_mm: float, levers: Levers = ALL) -> np.ndarray:
    """The cleaned ink inside the printed box of a zone cut *margin_mm* beyond it: only what
    lies inside counts, stubs of the border and specks outside it do not."""
    return _inside(clean_zone(ink, px_per_mm, drop_low=levers.drop_low, keep_marks=levers.keep_marks),
                   px_per_mm, margin_mm)


@dataclass(frozen=True)
class ZoneInk:
    """A zone's ink inside its box: *text* without any long straight line (what OCR reads, as
    :func:`interior`), and the writer's long straight *strokes* that are none of the form's lines
    (a line through a value), None when there are none."""

    text: np.ndarray
    strokes: np.ndarray | None = None
    raw: np.ndarray | None = None  # the line-free ink inside the box before the noise removal (lost_mark)
    px_per_mm: float = 0.0

    @functools.cached_property
    def lost_mark(self) -> bool:
        """A letter-high mark beside the writing that the noise removal took (:func:`lost_mark`);
        computed when asked: only a reading it could cap asks (a few ms a zone)."""
        return self.raw is not None and lost_mark(self.raw, self.text, self.px_per_mm)

    @property
    def struck(self) -> bool:
        return self.strokes is not None

    @property
    def seen(self) -> np.ndarray:
        """Everything written inside the box, strokes included: what a comparison with the print sees."""
        return self.text if self.strokes is None else cv2.bitwise_or(self.text, self.strokes)


def zone_ink(ink: np.ndarray, px_per_mm: float, margin_mm: float, own: FormLines | None,
             levers: Levers = ALL) -> ZoneInk:
    """:func:`interior`, and with the form's own lines *own* the writer's strokes inside the box:
    a long straight line farther than the tolerance from each of the form's lines, at least
    STROKE_MIN_MM of it inside the box (a thin strike-through of a printed value was taken for a
    border and removed, and the value confirmed as printed: issue 11)."""
    raw: list[np.ndarray] = []
    text, strokes = _clean(ink, px_per_mm, levers.drop_low, levers.keep_marks, own if levers.strokes else None,
                           keep_raw=raw if levers.lost_mark else None)
    text = _inside(text, px_per_mm, margin_mm)
    if strokes is not None:
        strokes = _inside(strokes, px_per_mm, margin_mm)
        if int(strokes.sum()) < T.STROKE_MIN_MM * px_per_mm:
            strokes = None
    return ZoneInk(text, strokes, _inside(raw[0], px_per_mm, margin_mm) if raw else None, px_per_mm)


def lost_mark(raw: np.ndarray, kept: np.ndarray, px_per_mm: float) -> bool:
    """Did the noise removal take a mark as high as a letter that stands beside the writing?

    A thin slash or dash on a light fax falls apart into single pixels; each is dropped as a speck,
    and what stays of it is too light for a word: 'Volkssolidarität Ohrdruf Bürgermeister' was
    read 0.95 for '… Ohrdruf / Bürgermeister' (Courier 10, fine fax, bench seed 2023), and OCR,
    never shown the slash, left no gap for :func:`unread_ink_between` to find. *raw*: the zone's
    ink without the box lines, before the noise removal; *kept*: what OCR is shown. A group of
    *raw* (grown as the word groups are) with nothing kept, at least MIN_WORD_INK_MM2 of ink and
    LOW_GROUP_MM high, with kept writing level with it on either side (a line's last word before
    it: 'Zum Sportplatz' read 0.96 for '… Sportplatz 3', the light '3' removed, Courier 9, bench
    seed 2027), is such a mark; fax specks are a pixel or two and seldom stack a letter high."""
    lost = raw.astype(bool) & ~kept.astype(bool)
    if int(lost.sum()) < T.MIN_WORD_INK_MM2 * px_per_mm * px_per_mm:
        return False
    grown, ky = _grown_to_words(raw, px_per_mm)
    n, labels, stats = parts(grown)
    if n <= 2:
        return False
    lab = labels.reshape(-1)
    mass = np.bincount(lab[raw.reshape(-1).view(bool)], minlength=n)
    held = np.bincount(lab[kept.reshape(-1).view(bool)], minlength=n)
    high = stats[:, cv2.CC_STAT_HEIGHT] - (ky - 1) >= T.LOW_GROUP_MM * px_per_mm
    cand = np.flatnonzero(high & (held == 0) & (mass >= T.MIN_WORD_INK_MM2 * px_per_mm * px_per_mm))
    for c in cand[cand > 0]:
        x, y, w, h = (int(v) for v in stats[c, :4])
        band = kept[y:y + h]
        if band[:, :x].any() or band[:, x + w:].any():
            return True
    return False


_JUNK = set("|.,_'’‘`\"-:;!¦[]()")


def _drop_junk(lines: list[list[tuple[str, float, float]]]) -> list[list[tuple[str, float, float]]]:
    """Leading/trailing "words" of punctuation only and low confidence are noise, not text
    (a speck read as "." or "|" after the name); "e. V." keeps its dots, they belong to letters."""
    out = []
    for words in lines:
        ws = list(words)
        while ws and set(ws[-1][0]) <= _JUNK and ws[-1][1] < T.JUNK_WORD_CONF:
            ws.pop()
        while ws and set(ws[0][0]) <= _JUNK and ws[0][1] < T.JUNK_WORD_CONF:
            ws.pop(0)
        if ws:
            out.append(ws)
    return out


_II = re.compile(r"^([„(\"]?)I[Ii!](?=[a-zäöüß])")


def _fix_capital_i(word: str) -> str:
    """In sans-serif print "I" and "l" are one glyph: "IImenau"/"Iimenau" are "Ilmenau" (no German
    word starts with "II" or "Ii"). The word keeps Tesseract's (low) confidence."""
    return _II.sub(r"\1Il", word)


def unread_ink_between(boxes: list[tuple[int, int, int, int]], ink: np.ndarray, px_per_mm: float) -> bool:
    """Is there a mark (at least UNREAD_INK_MIN_MM2 of ink) in a gap between two consecutive word
    boxes (x1, y1, x2, y2) of one line, inside the line's height? Fax specks are smaller."""
    min_px = T.UNREAD_INK_MIN_MM2 * px_per_mm * px_per_mm
    ordered = sorted(boxes)
    for (_, ay1, ax2, ay2), (bx1, by1, _, by2) in zip(ordered, ordered[1:], strict=False):
        left, right = ax2 + 1, bx1 - 1
        top, bottom = min(ay1, by1), max(ay2, by2) + int(0.4 * px_per_mm)  # a comma hangs below the line
        if right - left < 1 or bottom <= top:
            continue
        if int(ink[max(0, top):bottom, left:right].sum()) >= min_px:
            return True
    return False


def ink_at_side(z: np.ndarray, k: int, px_per_mm: float) -> bool:
    """Does the cleaned ink *z* of a zone reach the first or last column or row of the box's
    interior (*k* px from the zone's edge), i.e. run into one of the box's lines? Then a glyph may
    have lost a stem, a descender (a comma read as a full stop) or an umlaut's dots to the line
    removal (T.EDGE_INK_MIN_MM)."""
    if z.shape[0] <= 2 * k + 1 or z.shape[1] <= 2 * k + 1:
        return False
    min_px = T.EDGE_INK_MIN_MM * px_per_mm
    return any(int(line.sum()) >= min_px for line in (z[:, k], z[:, -k - 1], z[k, :], z[-k - 1, :]))


def ink_beyond(ink: np.ndarray, z: np.ndarray, px_per_mm: float, margin_mm: float,
               far: np.ndarray | None = None) -> bool:
    """Does the writing run on past the box's right line? Ink in the zone's outer strip beyond
    that line (*ink*: the zone's mask, cut *margin_mm* beyond the box), level with the writing
    inside (*z*, the cleaned interior: its inked rows), leaving out any column through most of the
    interior (the box's own line, a little off): a word processor's text wider than the box
    ('Fachbereich Sozial' read sure for 'Sozialwesen', bench.heldout_fonts). What lies beyond is
    never read (T.BEYOND_INK_MIN_MM2). Below the box is not looked at: a normal-mode fax's bottom
    line spreads into that strip in broken rows (41 fields of the bench capped for nothing).
    *far*: the ink of a strip right of the zone, cut at the zone's rows (reader: up to
    T.BEYOND_FAR_MM past the zone, where the form prints nothing): a line wider than its box that
    crosses the line in a word gap has its next word more than the zone's margin beyond it
    ('Frühe' read 0.97 for 'Frühe Hilfen', DejaVu Sans Bold 16 pt, bench.heldout_office)."""
    k = _inset_px(px_per_mm, margin_mm)
    strip = int(round((margin_mm - T.BEYOND_LINE_CLEAR_MM) * px_per_mm))
    h, w = ink.shape
    if strip < 1 or h <= 2 * k + 1 or w <= 2 * k + 1 or z.shape != ink.shape:
        return False
    right = ink[k:h - k, w - strip:] > 0
    if far is not None and far.shape[0] == h and far.shape[1] > 0:
        right = np.hstack([right, far[k:h - k] > 0])
    right[:, right.sum(axis=0) >= T.BEYOND_LINE_SHARE * right.shape[0]] = False  # the box's own line
    level = np.any(z[k:h - k], axis=1)  # the rows with writing: specks above or below do not count
    right &= level[:, None]
    return int(right.sum()) >= T.BEYOND_INK_MIN_MM2 * px_per_mm * px_per_mm


@dataclass(frozen=True)
class _Pass:
    """One Tesseract reading of a prepared zone image."""

    text: str
    confidence: float  # the weakest word's confidence, 0..1 (Tesseract's own)
    symbol_min: float  # the least sure character, 0..1
    snapped: bool
    unread: bool = False  # ink between two words that no word holds (unread_ink_between)
    near_known: bool = False  # a word one or two letters from a vocabulary word (context.near_known)
    cap: float = 1.0  # a limit set by a check of the reading (a second pass that disagreed …)

    def stated(self, kind: str, levers: Levers) -> float:
        """The field's confidence as stated: the weakest word (capped by the weakest character),
        calibrated for *kind* (formkit.scan.calibration), then capped where the reading itself
        says doubt — the caps are stated values and come after the calibration."""
        s = self.confidence
        if levers.symbol_confidence and self.text:
            s = min(s, self.symbol_min + T.SYMBOL_CONF_MARGIN)
        if levers.calibrate:
            s = calibrated(kind, s)
        if self.unread:
            s = min(s, T.UNREAD_INK_CONFIDENCE)
        if self.near_known:
            s = min(s, T.NEAR_WORD_CONFIDENCE)
        return min(s, self.cap)

    def score(self, kind: str, levers: Levers) -> float:
        """How far the reading can be trusted on its own: as stated, an implausible value (by its
        kind) low. Chooses between two readings of one zone."""
        s = self.stated(kind, levers)
        return min(s, T.IMPLAUSIBLE_CONFIDENCE) if self.text and not fields.plausible(kind, self.text) else s


def _recognise(padded: np.ndarray, px_per_mm: float, multiline: bool, rules: fields.KindRules,
               vocab: frozenset[str], levers: Levers, lang: str = "deu") -> _Pass:
    """Tesseract on one prepared zone image (white paper, a white margin around the ink)."""
    import tesserocr

    whitelist = rules.whitelist if levers.kind_rules else None
    lines: list[list[tuple[str, float, float]]] = []
    with _lock:
        api = _get_api(vocab, lang)
        api.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK if multiline else tesserocr.PSM.SINGLE_LINE)
        api.SetVariable("tessedit_char_whitelist", whitelist or "")
        # Raw grey bytes: SetImage(PIL) would encode and decode a BMP for every zone.
        h, w = padded.shape
        api.SetImageBytes(np.ascontiguousarray(padded, dtype=np.uint8).tobytes(), w, h, 1, w)
        api.SetSourceResolution(int(round(px_per_mm * 25.4)))
        api.Recognize()
        it = api.GetIterator()
        sym, word_level, line_level = tesserocr.RIL.SYMBOL, tesserocr.RIL.WORD, tesserocr.RIL.TEXTLINE
        cur: list[tuple[str, float, float]] = []
        text, wconf, smin = "", 0.0, 100.0
        line_boxes: list[list[tuple[int, int, int, int]]] = []
        cur_boxes: list[tuple[int, int, int, int]] = []
        if it is not None:
            while True:
                if it.IsAtBeginningOf(word_level) and text:
                    cur.append((text, wconf, smin))
                    text, smin = "", 100.0
                if it.IsAtBeginningOf(line_level) and cur_boxes:
                    line_boxes.append(cur_boxes)
                    cur_boxes = []
                if it.IsAtBeginningOf(line_level) and cur:
                    lines.append(cur)
                    cur = []
                if it.IsAtBeginningOf(word_level):
                    wconf = it.Confidence(word_level)
                    box = it.BoundingBox(word_level)
                    if box is not None:
                        cur_boxes.append(box)
                try:
                    ch = it.GetUTF8Text(sym)
                except RuntimeError:  # an empty box: tesserocr raises instead of returning ""
                    ch = ""
                if ch:
                    text += ch
                    smin = min(smin, it.Confidence(sym))
                if not it.Next(sym):
                    break
        if text:
            cur.append((text, wconf, smin))
        if cur:
            lines.append(cur)
        if cur_boxes:
            line_boxes.append(cur_boxes)
    # Ink between two words that no word's box holds is a sign OCR left out (a comma in
    # "Zöllner, Ines", a hyphen, a dropped letter): the words may each be sure, the value is not.
    unread = any(unread_ink_between(boxes, padded < 128, px_per_mm) for boxes in line_boxes)
    lines2 = [[(_fix_capital_i(w.strip()), c, sc) for w, c, sc in ws] for ws in _drop_junk(lines)]
    # A dotless 'ı' is the model's reading of an i whose dot the fax lost ('Henrıke', 'Volkssolıdarıtät'),
    # sometimes of an r or n ('Landıatsamt'): read as i, the value stays in doubt (DOTLESS_CONFIDENCE).
    dotless = any("ı" in w for ws in lines2 for w, _, _ in ws)
    if dotless:
        lines2 = [[(w.replace("ı", "i"), c, sc) for w, c, sc in ws] for ws in lines2]
    snapped = near = False
    if vocab and levers.snap:
        from formkit.scan.context import judge_word

        for ws in lines2:
            for j, (w, c, sc) in enumerate(ws):
                new, close = judge_word(w, vocab, sc < T.SNAP_MAX_SYMBOL_CONF)
                if new != w:
                    ws[j], snapped = (new, c, sc), True
                near = near or close
    sep = "\n" if multiline else " "
    value = sep.join(" ".join(w for w, _, _ in ws) for ws in lines2)
    if levers.kind_rules:
        # Line by line (a single-line field is one line: its clean-up sees the whole value).
        value = "\n".join(rules.clean(line) for line in value.split("\n"))
    confs = [c for ws in lines2 for _, c, _ in ws]
    syms = [sc for ws in lines2 for _, _, sc in ws]
    # The weakest word decides: one misread word makes the whole value wrong.
    conf = (min(confs) if confs else 0) / 100.0
    return _Pass(value, conf, (min(syms) if syms else 0) / 100.0, snapped, unread, near,
                 T.DOTLESS_CONFIDENCE if dotless else 1.0)


def fill_rows(grey: np.ndarray, rows_px: float) -> np.ndarray:
    """A zone of a fax sent in rows *rows_px* zone pixels apart (a normal-mode fax: 2.1), whose
    rows were repeated to square pixels (:mod:`formkit.scan.raster`), with the grey filled in
    between the sampled rows: a vertical box of ROW_FILL rows (a box one row wide over rows held
    would interpolate linearly between their centres), so a slanted stroke is a ramp, not a
    staircase. Zones of finer channels (below COARSE_ROWS_PX) are returned as they are."""
    if rows_px < T.COARSE_ROWS_PX:
        return grey
    width = T.ROW_FILL * rows_px
    r = int(np.ceil((width - 1) / 2))
    k = np.ones(2 * r + 1, np.float32)
    if r:
        k[0] = k[-1] = (width - 1) / 2 - (r - 1)  # the box's fractional ends
    return cv2.filter2D(grey, -1, (k / k.sum()).reshape(-1, 1), borderType=cv2.BORDER_REPLICATE)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _kept(p: _Pass, known: str) -> bool:
    """Is *p* word for word the list's entry *known* (not snapped to it)? Of two readings of a zone
    such a one is kept."""
    return bool(known) and not p.snapped and fields.same_words(p.text, known)


def _thicken(img: np.ndarray) -> np.ndarray:
    """Strokes one pixel thicker (grey minimum filter): closes the breaks of thin fax strokes."""
    return cv2.erode(img, np.ones((2, 2), np.uint8))


def read_zone(ink: np.ndarray, grey: np.ndarray, px_per_mm: float, multiline: bool, margin_mm: float,
              kind: str = "text", words: frozenset[str] = frozenset(), bilevel: bool = True,
              levers: Levers = ALL, inner: np.ndarray | None = None, known: str = "",
              outcome: Callable[[str, bool, float], float] | None = None, rows_mm: float = 0.0,
              far: np.ndarray | None = None) -> OcrResult:
    """OCR one registered zone (ink mask 1 = ink, and the registered grey it came from) that extends
    *margin_mm* beyond the printed box. *kind* chooses whitelist and clean-up (formkit.fields),
    *words* is the campaign's vocabulary (user words, for kinds that take one); *inner* is the
    zone's :func:`interior` when the caller has it already; *known* is what the mailing list says
    of the person in the sheet's QR code (it chooses between two readings, nothing more).
    *outcome* is the confidence the caller will state for a reading (of its text, snapped flag and
    the confidence returned here; never lower for a higher one): a pass that could not change it
    is not made. The witness, where the caller caps or overrides what it would add (a prefilled
    value verified, a page not trusted, a print changed); the second pass, where the first reading
    is word for word *known* (it then stays the reading) and the caller states the same whatever
    the confidence (the print verified). Same readings, fewer Tesseract calls. *rows_mm* is the
    source's row pitch (:attr:`formkit.scan.verify.Channel.pitch_y_mm`; 0: the zone's own pixels):
    a fax sent in coarser rows is read with the grey filled in between them (:func:`fill_rows`).
    *far* is the ink right of the zone, at its rows (:func:`ink_beyond`)."""
    rules = fields.rules(kind)
    z = interior(ink, px_per_mm, margin_mm, levers) if inner is None else inner  # only read here
    ratio = float(z.mean()) if z.size else 0.0
    k = _inset_px(px_per_mm, margin_mm)
    grey_scan = not bilevel and levers.grey_interior
    if grey_scan:
        # Grey scans: the box interior as scanned; soft strokes the ink mask would cut stay whole
        # (grey scans NI exact 69 -> 92 % together with the vocabulary, issue 11).
        img = np.full_like(grey, 255)
        img[k:-k, k:-k] = grey[k:-k, k:-k]
    else:
        if levers.coarse_rows:
            grey = fill_rows(grey, rows_mm * px_per_mm)
        # Tesseract gets the grey strokes (their soft edges help at 200 dpi) where clean ink is.
        keep = cv2.dilate(z, np.ones((3, 3), np.uint8))
        outside = cv2.threshold(keep, 0, 255, cv2.THRESH_BINARY_INV)[1]  # 255 where not kept
        img = cv2.max(grey, outside)  # grey where kept, else 255
    if ratio < T.FIELD_EMPTY_INK and int(z.sum()) < T.FIELD_EMPTY_INK_MM2 * px_per_mm * px_per_mm:
        return OcrResult("", T.EMPTY_FIELD_CONFIDENCE, ratio, img)
    # Only the inked part goes to Tesseract (its time grows with the area), with a white margin.
    x0, y0, w0, h0 = cv2.boundingRect(z)  # the ink's extent (np.nonzero over the zone: 50x slower)
    g = int(T.OCR_TRIM_PAD_MM * px_per_mm) if grey_scan else 0
    trimmed = img[max(0, y0 - g):y0 + h0 + g, max(0, x0 - g):x0 + w0 + g]
    pad = T.OCR_PAD_PX
    padded = cv2.copyMakeBorder(trimmed, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    fax = bilevel and not grey_scan
    sharp = padded
    if fax and levers.smooth and not rules.sharp:
        padded = cv2.GaussianBlur(padded, (0, 0), T.OCR_SMOOTH_MM * px_per_mm)
    vocab = vocabulary(words, levers.domain_words) if levers.user_words and rules.vocabulary else frozenset()
    first = _recognise(padded, px_per_mm, multiline, rules, vocab, levers)
    best = first
    readings = [first.text]
    reread_differs = False  # the thickened zone read otherwise: a doubt no witness settles
    if fax and levers.second_pass and rules.reread and first.score(kind, levers) < T.OCR_OK \
            and not (outcome is not None and _kept(first, known)
                     and outcome(first.text, first.snapped, 0.0) == outcome(first.text, first.snapped, 1.0)):
        # Thin or broken strokes are the usual cause of an unsure fax reading: read a thickened copy.
        # (the unsmoothed zone: thickening the smoothed one read 2-4 fields fewer exactly on the bench)
        again = _recognise(_thicken(sharp), px_per_mm, multiline, rules, vocab, levers)
        readings.append(again.text)
        if again.text != first.text:
            reread_differs = True
            # The reading that is word for word the list's entry of this person, else the surer one;
            # either way the two disagreed: below OCR_OK (the reader's list agreement may lift it).
            agree = [p for p in (first, again) if _kept(p, known)]
            best = agree[0] if agree else (again if again.score(kind, levers)
                                            > first.score(kind, levers) + T.SECOND_PASS_MARGIN else first)
            best = dc_replace(best, cap=min(best.cap, T.SECOND_PASS_CONFIDENCE))
    # A value running into the box's side line: its first or last glyph may be cut (both models
    # then read the cut glyph alike), so it is capped and never witnessed.
    edge = levers.edge_ink and (ink_at_side(z, k, px_per_mm) or ink_beyond(ink, z, px_per_mm, margin_mm, far))
    if edge:
        best = dc_replace(best, cap=min(best.cap, T.EDGE_INK_CONFIDENCE))
    # A small letter that may be a capital of the same shape (fields.case_in_doubt): a named doubt,
    # capped and never witnessed or redrawn (the other model and the drawing see the same blur).
    case = levers.case_doubt and fields.case_in_doubt(kind, best.text)
    if case:
        best = dc_replace(best, cap=min(best.cap, T.CASE_DOUBT_CONFIDENCE))
        edge = True
    stated = best.stated(kind, levers)
    digits = rules.witness == "digits"

    def witnessed() -> np.ndarray:
        """The zone the witness reads: the smoothed fax zone, as it was measured, also for digits read sharp."""
        return padded if not (fax and levers.smooth and rules.sharp) else \
            cv2.GaussianBlur(sharp, (0, 0), T.OCR_SMOOTH_MM * px_per_mm)

    if levers.witness and rules.witness and best.text and stated < T.OCR_OK \
            and stated >= (T.WITNESS_FROM if digits else T.WITNESS_EXACT_FROM) \
            and not (best.snapped or best.near_known or best.unread or reread_differs or edge) \
            and fields.plausible(kind, best.text) and has_model(T.WITNESS_MODEL) \
            and not (outcome is not None and outcome(best.text, best.snapped, stated)
                     == outcome(best.text, best.snapped, max(stated, T.WITNESS_CONFIDENCE))):
        # An unsure reading confirmed by a model trained apart from ``deu`` (formkit.scan.witness);
        # never one whose doubt has a named cause (a word near a known one, ink left unread, a
        # second reading of the thickened zone that differs: '03609 886785' / '036509 886785' for
        # 03600 …, and the witness sided with the first, bench seed 2020).
        other = _recognise(witnessed(), px_per_mm, multiline, rules, frozenset(), levers, T.WITNESS_MODEL)
        readings.append(other.text)
        if digits:
            confirmed = min(other.confidence, other.symbol_min) >= T.WITNESS_SURE and other.text == best.text
        else:
            confirmed = other.text == best.text or (stated >= T.WITNESS_TEXT_FROM
                                                    and witness.agrees(best.text, other.text, exact=False))
        if confirmed:
            stated = max(stated, T.WITNESS_CONFIDENCE)
    elif levers.witness and digits and kind in T.WITNESS_DOUBT_KINDS and stated >= T.OCR_OK and has_model(T.WITNESS_MODEL) \
            and not (outcome is not None and outcome(best.text, best.snapped, stated)
                     == outcome(best.text, best.snapped, min(stated, T.WITNESS_DOUBT_CONFIDENCE))):
        # A sure date is read by the witness too: a digit the fax made into another ('17.03.2018' for
        # 17.04. at 0.97) is read alike by deu's passes but not always by eng. Other digits: a doubt.
        other = _recognise(witnessed(), px_per_mm, multiline, rules, frozenset(), levers, T.WITNESS_MODEL)
        readings.append(other.text)
        if _digits(other.text) != _digits(best.text):
            stated = min(stated, T.WITNESS_DOUBT_CONFIDENCE)
    others = tuple(dict.fromkeys(t for t in readings if t != best.text))
    return OcrResult(best.text, stated, ratio, img, best.symbol_min, best.snapped, others, edge)
