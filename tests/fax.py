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
