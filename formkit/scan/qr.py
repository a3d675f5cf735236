"""Finding and decoding the sheet's QR code (zxing-cpp), with its corners in image pixels."""

from __future__ import annotations

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


def find_qr(grey: np.ndarray) -> list[QRFound]:
    """All QR codes on a grey page; median-filtered copies are tried when none decodes (fax noise)."""
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
