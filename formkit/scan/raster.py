"""Raster input: image files (TIFF fax, PNG, JPEG) and image-only PDF pages to PIL images.

Every image leaves here in mode "L" with square pixels and ``info["dpi"] = (d, d)``: a
normal-mode fax (204x98 dpi, pixels twice as tall as wide) is stretched to 204x204.
"""

from __future__ import annotations

import functools
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from formkit import thresholds as T
from formkit.errors import InputError
from formkit.rasterise import render_page

IMAGE_SUFFIXES = {".tif", ".tiff", ".png", ".jpg", ".jpeg"}


def _dpi(im: Image.Image) -> tuple[float, float] | None:
    raw = im.info.get("dpi")
    if raw and len(raw) == 2:
        try:
            x, y = float(raw[0]), float(raw[1])
        except (TypeError, ValueError):
            return None
        lo, hi = T.TAGGED_DPI_RANGE
        if lo <= x <= hi and lo <= y <= hi and max(x, y) / min(x, y) <= T.TAGGED_DPI_MAX_RATIO:
            return x, y
    return None


def normalise(im: Image.Image, dpi: tuple[float, float] | None = None) -> Image.Image:
    """Grey, square pixels, ``info["dpi"]`` set (estimated from an A4 width when missing)."""
    dpi = dpi or _dpi(im)
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        bg.alpha_composite(im.convert("RGBA"))
        im = bg
    bilevel = im.mode == "1"
    grey = im.convert("L")
    if dpi is None:
        d = grey.width / (T.ASSUMED_PAGE_WIDTH_MM / 25.4)
        dpi = (d, d)
    dx, dy = dpi
    if abs(dx - dy) / max(dx, dy) > 0.02:
        # Stretch the coarser axis to the finer resolution (normal-mode fax: 98 -> 204 dpi rows).
        d = max(dx, dy)
        size = (round(grey.width * d / dx), round(grey.height * d / dy))
        if size[0] * size[1] > T.MAX_PIXELS:  # checked before the resize allocates it
            raise InputError(f"Bild zu groß nach dem Entzerren auf quadratische Pixel ({size[0]}×{size[1]} Pixel)")
        # A fax stays black and white (nearest: each 98-dpi row becomes two rows, as printed).
        grey = _stretch_nearest(grey, size) if bilevel else grey.resize(size, Image.Resampling.BILINEAR)
        dx = dy = d
    grey.info["dpi"] = (dx, dy)
    return grey


@functools.lru_cache(maxsize=16)
def _nearest_index(n: int, m: int) -> np.ndarray:
    """For each of *m* pixels along an axis stretched from *n*, the source pixel Pillow's NEAREST
    resize takes: asked of Pillow itself (a one-pixel-wide image of indices), so the rounding is
    exactly its own."""
    col = Image.fromarray(np.arange(n, dtype=np.int32).reshape(n, 1))
    return np.asarray(col.resize((1, m), Image.Resampling.NEAREST)).reshape(m)


def _stretch_nearest(grey: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``grey.resize(size, NEAREST)`` pixel for pixel, as a gather of whole rows and columns: a
    fine-mode fax (204x196 -> 204x204 dpi) in 0.6 ms instead of 2.6 ms."""
    arr = np.asarray(grey)
    if size[1] != arr.shape[0]:
        arr = np.take(arr, _nearest_index(arr.shape[0], size[1]), axis=0)
    if size[0] != arr.shape[1]:
        arr = np.take(arr, _nearest_index(arr.shape[1], size[0]), axis=1)
    return Image.fromarray(np.ascontiguousarray(arr))  # uint8, 2-D: mode "L"


def _guard(im: Image.Image, where: str) -> None:
    if im.width * im.height > T.MAX_PIXELS:
        raise InputError(
            f"{where}: Bild zu groß ({im.width}×{im.height} Pixel, höchstens {T.MAX_PIXELS:,} erlaubt); "
            "bitte mit geringerer Auflösung scannen"
        )


def iter_image_pages(path: Path) -> Iterator[Image.Image]:
    """The frames of a TIFF (fax G3/G4, multi-page), PNG or JPEG, one page at a time."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            src = Image.open(path)
    except FileNotFoundError:
        raise InputError("Datei nicht gefunden") from None
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise InputError(f"kein lesbares Bild ({type(e).__name__})") from None
    with src:
        for n, frame in enumerate(ImageSequence.Iterator(src), start=1):
            _guard(frame, f"Seite {n}")
            try:
                frame.load()
            except (OSError, ValueError) as e:
                raise InputError(f"Seite {n}: Bilddaten beschädigt ({type(e).__name__})") from None
            # No copy of the frame first: normalise's convert makes a new image (~2 ms a fax page).
            yield normalise(frame, _dpi(frame))


def _embedded_image(path: Path, page_index: int) -> Image.Image | None:
    """The page's single full-page image at its native resolution, if that is what the page is.

    None (the page is then rendered by :func:`formkit.rasterise.render_page`) whenever the image cannot be taken as it is: an
    error in the image decoder, or a resolution derived from image and page size that no scanner or
    fax writes (an image stored sideways and turned by the drawing matrix gives 277x148 dpi).
    """
    try:
        return _native_image(path, page_index)
    except InputError:
        raise
    except Exception:  # noqa: BLE001 -- any decoder failure: render the page instead
        return None


def _native_image(path: Path, page_index: int) -> Image.Image | None:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    page = reader.pages[page_index]
    images = list(page.images)
    if len(images) != 1:
        return None
    im = images[0].image
    if im is None:
        return None
    _guard(im, f"Seite {page_index + 1}")
    box = page.mediabox
    w_in, h_in = float(box.width) / 72.0, float(box.height) / 72.0
    if w_in <= 0 or h_in <= 0:
        return None
    rot = int(page.get("/Rotate", 0) or 0) % 360
    if rot:
        im = im.rotate(-rot, expand=True)
    # Resolution from how the image fills the page (a wrapped fax keeps 204x196 or 204x98).
    dpi = (im.width / w_in, im.height / h_in)
    if min(dpi) < 50 or not _plausible_dpi(dpi, im.mode == "1"):
        return None
    return normalise(im, dpi)


def _plausible_dpi(dpi: tuple[float, float], bilevel: bool) -> bool:
    """Square pixels (fine-mode fax 204x196 included), or a bilevel normal-mode fax (204x98)."""
    ratio = dpi[0] / dpi[1]
    if abs(ratio - 1.0) <= T.EMBEDDED_DPI_RATIO_TOLERANCE:
        return True
    normal = T.FAX_NORMAL_DPI[0] / T.FAX_NORMAL_DPI[1]
    return bilevel and abs(ratio / normal - 1.0) <= T.EMBEDDED_DPI_RATIO_TOLERANCE


def rasterize_pdf_page(path: Path, page_index: int) -> Image.Image:
    """An image-only PDF page (fax-to-mail gateways wrap TIFFs in PDFs) as an image."""
    if not path.exists():
        raise InputError("Datei nicht gefunden")
    im = _embedded_image(path, page_index)
    if im is not None:
        return im
    page = render_page(path, page_index, T.PDF_RASTER_DPI)
    return normalise(page, page.info["dpi"])


def to_png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()
