"""The sheet's identity from its small print, for a page whose QR code cannot be decoded.

The footer line at ``footer_at`` ends with the same payload as the QR code
(``… · FK3:lsz-2018:registration:1:c980e:R0042:dada6``). Once the marks have registered the page,
the footer strip is cut out in layout space and read by Tesseract with a whitelist of the
payload's alphabet; :func:`formkit.ident.parse_payload` finds the identity in what it read.
The result is only a candidate: the caller resolves it through the one resolver and still sends
the record to a person (the QR code was unreadable, and 7-pt print through a fax is weak).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from formkit import thresholds as T
from formkit.geometry import Rect
from formkit.ident import FormIdentity, parse_payload
from formkit.layout.models import FormLayout
from formkit.scan import register

# Every character a payload can hold (ident.py): prefixes, ids, hashes, separators. The prose
# before the payload is read with the same whitelist; its garbage is no payload.
PAYLOAD_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:._-"
# The strip around the footer's baseline (layout mm): 7-pt text sits ~2.5 mm above it.
FOOTER_ABOVE_MM, FOOTER_BELOW_MM = 4.0, 1.8
FOOTER_PX_PER_MM = 12.0  # the footer's letters are 1.3 mm high: more pixels than a field zone

_api: Any = None
_lock = threading.Lock()


def _get_api() -> Any:
    global _api
    if _api is None:
        import tesserocr

        from formkit.scan.ocr import tessdata_path

        _api = tesserocr.PyTessBaseAPI(path=tessdata_path(), lang="eng", oem=tesserocr.OEM.LSTM_ONLY,
                                       psm=tesserocr.PSM.SINGLE_LINE) if _has_eng() else \
            tesserocr.PyTessBaseAPI(path=tessdata_path(), lang="deu", oem=tesserocr.OEM.LSTM_ONLY,
                                    psm=tesserocr.PSM.SINGLE_LINE)
        _api.SetVariable("tessedit_char_whitelist", PAYLOAD_ALPHABET)
        _api.SetVariable("load_system_dawg", "0")  # ids and hashes are no words
        _api.SetVariable("load_freq_dawg", "0")
    return _api


def _has_eng() -> bool:
    from pathlib import Path

    from formkit.scan.ocr import tessdata_path

    return Path(tessdata_path(), "eng.traineddata").exists()


def footer_strip(flat: np.ndarray, h: np.ndarray, layout: FormLayout) -> np.ndarray:
    """The footer line of a registered page (grey, layout space at FOOTER_PX_PER_MM)."""
    fx, fy = layout.footer_at
    rect = Rect(max(0.0, fx - 2.0), fy - FOOTER_ABOVE_MM, layout.width - max(0.0, fx - 2.0) - 2.0,
                FOOTER_ABOVE_MM + FOOTER_BELOW_MM)
    return register.warp_rect(flat, h, rect, FOOTER_PX_PER_MM)


def read_text(strip: np.ndarray) -> str:
    """Tesseract's reading of a footer strip, whitelisted to the payload's alphabet."""
    pad = T.OCR_PAD_PX
    img = np.full((strip.shape[0] + 2 * pad, strip.shape[1] + 2 * pad), 255, np.uint8)
    img[pad:pad + strip.shape[0], pad:pad + strip.shape[1]] = strip
    with _lock:
        api = _get_api()
        hgt, wid = img.shape
        api.SetImageBytes(np.ascontiguousarray(img).tobytes(), wid, hgt, 1, wid)
        api.SetSourceResolution(int(round(FOOTER_PX_PER_MM * 25.4)))
        return str(api.GetUTF8Text() or "")


def read_identity(flat: np.ndarray, h: np.ndarray, layout: FormLayout) -> FormIdentity | None:
    """The identity printed in the footer of the page registered by *h* as *layout*, or None."""
    text = read_text(footer_strip(flat, h, layout))
    # Tesseract splits the payload at a colon now and then: the payload has no spaces.
    return parse_payload(text.replace(" ", "")) or parse_payload(text)
