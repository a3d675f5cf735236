"""The debug view: the registered page with what the recogniser saw drawn on it.

Expected marks (blue squares) and where they were found (red crosses), every field zone, tick
scores and states, OCR text with its confidence. Used by ``formkit debug``.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from formkit import thresholds as T
from formkit.readings import PageReading
from formkit.scan.reader import Analysis
from formkit.scan.register import apply

_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
STATE_COLOUR = {"ticked": (0, 160, 0), "empty": (200, 0, 0), "uncertain": (230, 140, 0)}


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(_FONT, size)
    except OSError:
        return ImageFont.load_default()


def draw_overlay(a: Analysis) -> Image.Image:
    r = a.result
    if a.registered is None or a.registration is None or not isinstance(r, PageReading):
        raise ValueError("no registered page to draw on")
    px = T.REG_PX_PER_MM
    im = Image.fromarray(a.registered).convert("RGB")
    d = ImageDraw.Draw(im)
    small, big = _font(int(2.2 * px)), _font(int(3.0 * px))
    layout = a.registration.layout

    def rect(b: object, colour: tuple[int, int, int], width: int = 2) -> None:
        x, y, w, h = (getattr(b, k) for k in ("x", "y", "w", "h"))
        d.rectangle([x * px, y * px, (x + w) * px, (y + h) * px], outline=colour, width=width)

    for mr in layout.marks.rects():
        rect(mr, (0, 90, 255), 3)
    found = [m for m in a.registration.marks_px if m is not None]
    if found:
        for x, y in apply(a.registration.H, np.array(found, dtype=np.float64)):
            cx, cy, s = x * px, y * px, 2.5 * px
            d.line([cx - s, cy - s, cx + s, cy + s], fill=(255, 0, 0), width=3)
            d.line([cx - s, cy + s, cx + s, cy - s], fill=(255, 0, 0), width=3)
    rect(layout.qr.box, (0, 90, 255), 2)
    for spec in layout.fields:
        f = r.fields.get(spec.name)
        if f is None:
            continue
        b = spec.box
        if f.state is not None:
            colour = STATE_COLOUR[f.state]
            rect(b, colour, 4)
            rect(b.inset(T.TICK_INSET_MM), colour, 1)
            d.text(((b.x2 + 60) * px, b.y * px), f"{f.state} {f.score:.0%} ({f.confidence:.2f})", fill=colour,
                   font=small)
            continue
        colour = (0, 150, 0) if f.confidence >= T.OCR_OK else (230, 0, 140)
        rect(b, colour, 2)
        text = f.value.replace("\n", " ⏎ ") or "(leer)"
        d.text((b.x * px + 4, (b.y2 - 0.3) * px - 2.4 * px), f"{text}  [{f.confidence:.2f}]", fill=colour, font=small)
    head = (f"{r.identity.payload()}  Passgenauigkeit {r.fit_error_mm:.2f} mm"
            + ("  PRÜFEN: " + "; ".join(r.problems) if r.problems else ""))
    d.text((8 * px, 3 * px), head[:160], fill=(200, 0, 0) if r.problems else (0, 120, 0), font=big)
    return im
