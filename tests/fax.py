"""Fax a PDF the way a fax driver does: Ghostscript's ``tiffg3`` device (test helper)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

FINE, NORMAL = (204, 196), (204, 98)


def fax_tiff(pdf: bytes, res: tuple[int, int] = FINE) -> bytes:
    """All pages of *pdf* as one G3 TIFF, as a fax machine receives them."""
    with tempfile.TemporaryDirectory(prefix="fk-fax-") as tmp:
        src, out = Path(tmp, "in.pdf"), Path(tmp, "out.tif")
        src.write_bytes(pdf)
        subprocess.run(["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffg3", f"-r{res[0]}x{res[1]}",
                        f"-sOutputFile={out}", str(src)], capture_output=True, check=True, timeout=120)
        return out.read_bytes()


def fax_tiff_toned(pdf: bytes, level: int, res: tuple[int, int] = FINE, angle: float = 0.0,
                   scale: float = 1.0) -> bytes:
    """The first page as a fax machine's scanner sends paper set lighter or darker: anti-aliased
    grey at the fax resolution, thresholded at *level* (85: thin, broken strokes; 175: heavy ones;
    the fax driver itself is about 128). *angle* (degrees) and *scale*: the black-and-white image
    then turned and scaled by the receiving software, each pixel taken from the nearest one."""
    import io

    import cv2
    import numpy as np
    from PIL import Image

    from tests.corpus import gs

    grey = np.asarray(gs(pdf, "pnggray", res, aa=True).convert("L"))
    bw_arr = np.where(grey < level, 0, 255).astype(np.uint8)
    if angle or scale != 1.0:
        h, w = bw_arr.shape
        a, aspect = np.radians(angle), res[1] / res[0]  # (the turn in paper space: rows are coarser)
        d = np.diag([1.0, aspect])
        m2 = d @ (np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) * scale) @ np.linalg.inv(d)
        c = np.array([w / 2, h / 2])
        m = np.hstack([m2, (c - m2 @ c).reshape(2, 1)])
        bw_arr = cv2.warpAffine(bw_arr, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=255)
    bw = Image.fromarray(bw_arr).convert("1")
    buf = io.BytesIO()
    bw.save(buf, format="TIFF", compression="group3", dpi=res)
    return buf.getvalue()


def fax_two_up(a: bytes, b: bytes) -> bytes:
    """A copier's "2 auf 1": page 1 of *a* and of *b* side by side at 70 % on one A4 landscape page,
    faxed fine (the fax machine takes the page upright), thresholded as a b/w scanner does."""
    import io

    import numpy as np
    from PIL import Image

    from tests.photo import grey_at

    px = 204 / 25.4
    pa, pb = grey_at(a, 204), grey_at(b, 204)
    w, h = round(pa.width * 0.7), round(pa.height * 0.7)
    page = Image.new("L", (round(297 * px), round(210 * px)), 255)
    page.paste(pa.resize((w, h), Image.Resampling.LANCZOS), (round(5 * px), round(1 * px)))
    page.paste(pb.resize((w, h), Image.Resampling.LANCZOS), (round(153 * px), round(1 * px)))
    page = page.rotate(90, expand=True)
    bw = Image.fromarray(np.where(np.asarray(page) < 150, 0, 255).astype(np.uint8)).convert("1")
    buf = io.BytesIO()
    bw.save(buf, format="TIFF", compression="group4", dpi=(204, 196))
    return buf.getvalue()
