"""A phone photo of a printed sheet (test and benchmark helper): perspective, uneven light, a desk.

Made from the PDF with Ghostscript's grey renderer; the perspective is a true homography (a camera's,
without lens distortion), the light falls off towards one corner, the focus is soft, and the JPEG
names no resolution, as a phone's does.
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageFilter

from tests.corpus import gs


def grey_at(pdf: bytes, dpi: int) -> Image.Image:
    """Page 1 of *pdf* in grey at *dpi*, anti-aliased (a scanner's or camera's view of the print)."""
    return gs(pdf, "pnggray", (dpi, dpi), aa=True).convert("L")


def photo(pdf: bytes, rng: random.Random) -> bytes:
    """A phone photo of the sheet on a desk: perspective, light falling off to one corner, the desk
    around the page, soft focus, JPEG without a resolution."""
    page = grey_at(pdf, 170)
    w, h = page.size
    canvas_w, canvas_h = int(w * 1.18), int(h * 1.12)
    desk = Image.new("L", (canvas_w, canvas_h), 70)
    desk.paste(page, ((canvas_w - w) // 2, (canvas_h - h) // 2))
    # perspective (a homography, as a camera makes it): the top edge narrower than the bottom, the
    # phone held below the page's centre and a little turned
    d = [rng.uniform(0.02, 0.045) * canvas_w for _ in range(4)]
    src = [(0, 0), (canvas_w, 0), (canvas_w, canvas_h), (0, canvas_h)]  # corners of the photo
    dst = [(d[0], d[1] * 0.4), (canvas_w - d[2], d[3] * 0.3), (canvas_w + d[1] * 0.2, canvas_h),
           (-d[0] * 0.2, canvas_h - d[3] * 0.3)]  # where the desk's corners land in it
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):  # PIL maps output (x, y) back to input (u, v)
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    m = np.array(rows, dtype=np.float64)
    coeffs = np.linalg.solve(m[:, :8], m[:, 8])
    warped = desk.transform((canvas_w, canvas_h), Image.Transform.PERSPECTIVE, tuple(coeffs),
                            Image.Resampling.BICUBIC, fillcolor=70)
    a = np.asarray(warped).astype(np.float32)
    yy, xx = np.mgrid[0:canvas_h, 0:canvas_w]
    light = 1.0 - 0.38 * ((xx / canvas_w) * 0.6 + (yy / canvas_h) * 0.4)
    a = np.clip(a * light + rng.uniform(-4, 4), 0, 255)
    img = Image.fromarray(a.astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.8))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=82)
    return buf.getvalue()
