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


def fax_tiff_toned(pdf: bytes, level: int, res: tuple[int, int] = FINE) -> bytes:
    """The first page as a fax machine's scanner sends paper set lighter or darker: anti-aliased
    grey at the fax resolution, thresholded at *level* (85: thin, broken strokes; 175: heavy ones;
    the fax driver itself is about 128)."""
    import io

    import numpy as np
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="fk-fax-") as tmp:
        src, out = Path(tmp, "in.pdf"), Path(tmp, "out.png")
        src.write_bytes(pdf)
        subprocess.run(["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pnggray", f"-r{res[0]}x{res[1]}",
                        "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", "-dFirstPage=1", "-dLastPage=1",
                        f"-sOutputFile={out}", str(src)], capture_output=True, check=True, timeout=120)
        grey = np.asarray(Image.open(out).convert("L"))
    bw = Image.fromarray(np.where(grey < level, 0, 255).astype(np.uint8)).convert("1")
    buf = io.BytesIO()
    bw.save(buf, format="TIFF", compression="group3", dpi=res)
    return buf.getvalue()
