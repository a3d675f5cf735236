"""Text fields: cut the zone from the registered page, remove the printed box lines, run Tesseract.

One tesserocr API per process, created on first use and reused (a Tesseract start costs ~0.3 s;
pytesseract's process per call costs 0.1 s a zone). Tesseract is not thread-safe: a lock guards it.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from formkit import thresholds as T
from formkit.errors import MissingToolError

# Debian's OpenMP build of Tesseract is 4-5x slower on 2 cores without this (PITFALLS).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata/",
    "/usr/share/tesseract-ocr/4.00/tessdata/",
    "/usr/share/tessdata/",
    "/usr/local/share/tessdata/",
)

_api: Any = None
_lock = threading.Lock()


def tessdata_path() -> str:
    env = os.environ.get("TESSDATA_PREFIX")
    for cand in ((env,) if env else ()) + TESSDATA_CANDIDATES:
        if cand and Path(cand, "deu.traineddata").exists():
            return cand if cand.endswith("/") else cand + "/"
    raise MissingToolError(
        "Tesseract-Sprachdaten „deu“ fehlen (Debian: apt-get install tesseract-ocr-deu, "
        "oder TESSDATA_PREFIX setzen)"
    )


def _get_api() -> Any:
    global _api
    if _api is None:
        try:
            import tesserocr
        except ImportError as e:  # pragma: no cover - dependency of the package
            raise MissingToolError(f"tesserocr ist nicht installiert ({e})") from None
        api = tesserocr.PyTessBaseAPI(path=tessdata_path(), lang="deu", oem=tesserocr.OEM.LSTM_ONLY)
        api.SetVariable("tessedit_do_invert", "0")  # our crops are black on white: skip the inverted pass
        _api = api
    return _api


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float  # 0..1
    ink: float  # ink ratio of the cleaned zone
    crop: np.ndarray  # the cleaned crop that was read (uint8, white paper)


def remove_lines(ink: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Ink minus long horizontal and vertical runs (the printed field borders)."""
    kh = max(3, int(T.LINE_KERNEL_H_MM * px_per_mm))
    kv = max(3, int(T.LINE_KERNEL_V_MM * px_per_mm))
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kh, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, kv)))
    lines = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    return np.where(lines > 0, 0, ink).astype(np.uint8)


def clean_zone(ink: np.ndarray, px_per_mm: float) -> np.ndarray:
    """A registered zone (its box plus a margin, so the border lies fully inside) without the box
    lines and without noise: ink is kept only in word-sized clusters (letters grouped by a small
    dilation), so fax specks and the stubs of a removed line go, i-dots and umlauts stay."""
    z = remove_lines(np.ascontiguousarray(ink), px_per_mm)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(z, connectivity=8)
    specks = stats[:, cv2.CC_STAT_AREA] < T.SPECK_MM2 * px_per_mm * px_per_mm
    specks[0] = False
    if specks.any():
        z[specks[labels]] = 0
    kx = max(3, int(T.WORD_GAP_MM * px_per_mm)) | 1
    ky = max(3, int(T.WORD_GAP_MM * 0.6 * px_per_mm)) | 1
    grown = cv2.dilate(z, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, ky)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    if n <= 1:
        return z
    mass = np.bincount(labels.ravel(), weights=z.ravel(), minlength=n)
    keep = mass >= T.MIN_WORD_INK_MM2 * px_per_mm * px_per_mm
    keep[0] = False
    return (z & keep[labels].astype(np.uint8)).astype(np.uint8)


_JUNK = set("|.,_'’‘`\"-:;!¦[]()")


def _drop_junk(lines: list[list[tuple[str, float]]]) -> list[list[tuple[str, float]]]:
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


def read_zone(ink: np.ndarray, grey: np.ndarray, px_per_mm: float, multiline: bool, margin_mm: float) -> OcrResult:
    """OCR one registered zone (ink mask 1 = ink, and the registered grey it came from) that extends
    *margin_mm* beyond the printed box."""
    z = clean_zone(ink, px_per_mm)
    # Only what lies inside the box counts: stubs of the border and specks outside it do not.
    k = int(round((margin_mm + T.BOX_INNER_INSET_MM) * px_per_mm))
    z[:k, :] = 0
    z[-k:, :] = 0
    z[:, :k] = 0
    z[:, -k:] = 0
    ratio = float(z.mean()) if z.size else 0.0
    # Tesseract gets the grey strokes (their soft edges help at 200 dpi) where clean ink is.
    keep = cv2.dilate(z, np.ones((3, 3), np.uint8))
    img = np.where(keep > 0, grey, 255).astype(np.uint8)
    if ratio < T.FIELD_EMPTY_INK:
        return OcrResult("", T.EMPTY_FIELD_CONFIDENCE, ratio, img)
    # Only the inked part goes to Tesseract (its time grows with the area), with a white margin.
    ys, xs = np.nonzero(z)
    trimmed = img[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    pad = T.OCR_PAD_PX
    padded = cv2.copyMakeBorder(trimmed, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    import tesserocr

    lines: list[list[tuple[str, float]]] = []
    with _lock:
        api = _get_api()
        api.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK if multiline else tesserocr.PSM.SINGLE_LINE)
        # Raw grey bytes: SetImage(PIL) would encode and decode a BMP for every zone.
        h, w = padded.shape
        api.SetImageBytes(np.ascontiguousarray(padded, dtype=np.uint8).tobytes(), w, h, 1, w)
        api.SetSourceResolution(int(round(px_per_mm * 25.4)))
        api.Recognize()
        it = api.GetIterator()
        level, line_level = tesserocr.RIL.WORD, tesserocr.RIL.TEXTLINE
        cur: list[tuple[str, float]] = []
        if it is not None:
            while True:
                try:
                    word = it.GetUTF8Text(level)
                except RuntimeError:  # an empty word box: tesserocr raises instead of returning ""
                    word = ""
                if word:
                    cur.append((word.strip(), it.Confidence(level)))
                if it.IsAtFinalElement(line_level, level):
                    if cur:
                        lines.append(cur)
                    cur = []
                if not it.Next(level):
                    break
        if cur:
            lines.append(cur)
    lines = [[(_fix_capital_i(w), c) for w, c in ws] for ws in _drop_junk(lines)]
    sep = "\n" if multiline else " "
    value = sep.join(" ".join(w for w, _ in ws) for ws in lines)
    confs = [c for ws in lines for _, c in ws]
    # The weakest word decides: one misread word makes the whole value wrong.
    conf = (min(confs) if confs else 0) / 100.0
    return OcrResult(value, conf, ratio, img)
