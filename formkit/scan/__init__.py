"""Recognising faxed, scanned and photographed registration sheets (issue 5).

Stages, one module each: :mod:`.raster` (files to images), :mod:`.qr` (identity and corners),
:mod:`.register` (marks, homography into layout space), :mod:`.ticks` (tick boxes),
:mod:`.verify` (prefilled values compared with the print), :mod:`.ocr` (text zones, per-kind
rules from :mod:`formkit.fields`, the campaign's vocabulary from :mod:`.context`), composed by
:mod:`.reader`. Thresholds: :mod:`formkit.thresholds`.
"""

from formkit.scan.raster import iter_image_pages, rasterize_pdf_page
from formkit.scan.reader import read_page

__all__ = ["iter_image_pages", "rasterize_pdf_page", "read_page"]
