"""Finding and decoding the sheet's QR code (zxing-cpp), with its corners in image pixels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from formkit import thresholds as T


@dataclass(frozen=True)
class QRFound:
    text: str
    # Outer corners of the symbol (without quiet zone) in image pixels, in the symbol's own order:
    # top-left, top-right, bottom-right, bottom-left as the code reads upright.
    corners: np.ndarray  # shape (4, 2), float
    modules: int  # modules per side (21 + 4 * (version - 1))
    orientation: int  # degrees the code is rotated in the image, as zxing reports it


def _decode(grey: np.ndarray) -> list[QRFound]:
    out = []
    for r in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode):  # type: ignore[arg-type]
        if not r.valid:
            continue
        p = r.position
        pts = np.array([[p.top_left.x, p.top_left.y], [p.top_right.x, p.top_right.y],
                        [p.bottom_right.x, p.bottom_right.y], [p.bottom_left.x, p.bottom_left.y]],
                       dtype=np.float64)
        extra = r.extra if isinstance(r.extra, dict) else {}
        try:
            version = int(extra.get("Version", "0"))
        except (TypeError, ValueError):
            version = 0
        modules = 21 + 4 * (version - 1) if version > 0 else 0
        out.append(QRFound(r.text, pts, modules, int(r.orientation)))
    return out


def find_qr(grey: np.ndarray, near: Sequence[tuple[int, int, int, int]] = (),
            wanted: Callable[[str], bool] | None = None) -> list[QRFound]:
    """All QR codes on a grey page; median-filtered copies are tried when none decodes (fax noise).

    *near*: windows (x0, y0, x1, y1, image pixels) where the code is expected. The first window
    holding a code *wanted* accepts answers alone (a tenth of the time of the whole page, 10 ->
    1 ms on a fine fax); otherwise the whole page is searched as without a hint. The windows start
    on multiples of QR_WINDOW_ALIGN_PX, so zxing's binarizer blocks and row scan fall on the same
    pixels as on the whole page and the code's corners come out the same. (Pages decoded from a
    reduced copy, wider than QR_MAX_WIDTH_PX, take no hint.)
    """
    a = T.QR_WINDOW_ALIGN_PX
    for x0, y0, x1, y1 in near if grey.shape[1] <= T.QR_MAX_WIDTH_PX else ():
        x0, y0 = max(0, x0) // a * a, max(0, y0) // a * a
        x1, y1 = min(grey.shape[1], x1), min(grey.shape[0], y1)
        if x1 - x0 < 2 * a or y1 - y0 < 2 * a:
            continue
        found = _decode(np.ascontiguousarray(grey[y0:y1, x0:x1]))
        if any(wanted is None or wanted(f.text) for f in found):
            shift = np.array([x0, y0], dtype=np.float64)
            return [QRFound(f.text, f.corners + shift, f.modules, f.orientation) for f in found]
    scale = 1.0
    img = grey
    if grey.shape[1] > T.QR_MAX_WIDTH_PX:
        scale = T.QR_MAX_WIDTH_PX / grey.shape[1]
        img = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    found = _decode(img)
    for size in T.QR_MEDIANS:
        if found:
            break
        found = _decode(cv2.medianBlur(img, size))
    if scale != 1.0:
        found = [QRFound(f.text, f.corners / scale, f.modules, f.orientation) for f in found]
    return found
