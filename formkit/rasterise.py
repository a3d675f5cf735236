"""The one PDF rasteriser: a page to a PIL image through pdf2image (poppler), bounded in pixels.

The scan reader (image-only pages) and the review page (page images) both render here. The
page's size is read before anything is rendered: a page whose pixel count at the wanted
resolution would pass :data:`thresholds.MAX_PIXELS` is rendered at a lower resolution, and
refused when even :data:`thresholds.MIN_RASTER_DPI` would pass it (a 14400 pt MediaBox at
200 dpi is 1.6 billion pixels: 4.7 GB in pdftoppm before the bound).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from PIL import Image

from formkit import thresholds as T
from formkit.errors import InputError, MissingToolError
from formkit.read.limits import RASTER_TIMEOUT_S

NO_POPPLER = "pdftoppm/pdfinfo fehlen (Debian: apt-get install poppler-utils)"


def page_size_in(path: Path, page_index: int) -> tuple[float, float]:
    """Width and height (inches) of the page's crop box, the area poppler renders."""
    from pypdf import PdfReader

    try:
        page = PdfReader(str(path)).pages[page_index]
        box = page.cropbox
        unit = float(page.user_unit or 1.0)
        w, h = abs(float(box.width)) * unit / 72.0, abs(float(box.height)) * unit / 72.0
    except IndexError:
        raise InputError(f"Seite {page_index + 1} gibt es nicht") from None
    except Exception as e:  # noqa: BLE001 -- any parser failure on a hostile file
        raise InputError(f"Seite {page_index + 1}: Seitengröße nicht lesbar ({type(e).__name__})") from None
    if not (w > 0 and h > 0 and math.isfinite(w * h)):
        raise InputError(f"Seite {page_index + 1}: ungültige Seitengröße")
    return w, h


def bounded_dpi(size_in: tuple[float, float], dpi: int, page_no: int) -> int:
    """*dpi*, or less so that the page stays within MAX_PIXELS; an InputError below MIN_RASTER_DPI."""
    w, h = size_in
    fit = math.sqrt(T.MAX_PIXELS / (w * h))
    if fit >= dpi:
        return dpi
    if fit < T.MIN_RASTER_DPI:
        limit = f"{T.MAX_PIXELS:,}".replace(",", ".")
        raise InputError(f"Seite {page_no}: Seite zu groß zum Rastern ({w * 25.4:.0f} × {h * 25.4:.0f} mm, "
                         f"bei {T.MIN_RASTER_DPI} dpi über {limit} Pixel)")
    return math.floor(fit)


def render_page(path: Path, page_index: int, dpi: int, grey: bool = True) -> Image.Image:
    """Page *page_index* (0-based) of the PDF at *path*, at *dpi* or less (see :func:`bounded_dpi`).

    The image's ``info["dpi"]`` is the resolution used. Errors name the page, not the path (the
    caller's row already names the input, relative to what the user gave).
    """
    import pdf2image
    from pdf2image.exceptions import PDFPageCountError, PDFPopplerTimeoutError, PopplerNotInstalledError

    d = bounded_dpi(page_size_in(path, page_index), dpi, page_index + 1)
    n = page_index + 1
    try:
        # An absolute path: a relative one starting with "-" would be read as an option.
        images = pdf2image.convert_from_path(os.path.abspath(path), dpi=d, first_page=n, last_page=n,
                                             grayscale=grey, single_file=True, timeout=RASTER_TIMEOUT_S)
    except PopplerNotInstalledError:
        raise MissingToolError(NO_POPPLER) from None
    except PDFPopplerTimeoutError:
        raise InputError(f"Seite {n}: Rastern dauerte zu lange (über {RASTER_TIMEOUT_S} s)") from None
    except (PDFPageCountError, OSError, ValueError) as e:
        raise InputError(f"Seite {n}: PDF-Seite nicht rasterbar ({type(e).__name__})") from None
    if not images:
        raise InputError(f"Seite {n}: PDF-Seite nicht rasterbar (keine Ausgabe von pdftoppm)")
    im = images[0]
    if im.width * im.height > T.MAX_PIXELS:  # the page size lied (pypdf and poppler disagree)
        raise InputError(f"Seite {n}: Bild zu groß ({im.width}×{im.height} Pixel)")
    im.info["dpi"] = (d, d)
    return im
