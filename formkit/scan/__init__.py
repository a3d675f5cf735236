"""Recognising faxed, scanned and photographed registration sheets (issue 5).

Stages, one module each: :mod:`.raster` (files to images), :mod:`.qr` (identity and corners),
:mod:`.register` (marks, homography into layout space), :mod:`.ticks` (tick boxes),
:mod:`.verify` (prefilled values compared with the print), :mod:`.ocr` (text zones, per-kind
rules from :mod:`formkit.fields`, the campaign's vocabulary from :mod:`.context`), composed by
:mod:`.reader`. Thresholds: :mod:`formkit.thresholds`.
"""

import cv2

# One thread for OpenCV: its pool split every call of a page (zone warps, blurs, labelling) over
# both cores, and the hand-over and spin-waiting cost more CPU than they saved; CPU time per fine
# fax page 0.235 -> 0.222 s (wall 0.53 -> 0.41 s) on the bench corpus under load, same readings.
# Pages are read one after the other; parallel work belongs to whole pages, not to one call.
cv2.setNumThreads(1)

from formkit.scan.raster import iter_image_pages, rasterize_pdf_page  # noqa: E402
from formkit.scan.reader import read_page  # noqa: E402

__all__ = ["iter_image_pages", "rasterize_pdf_page", "read_page"]
