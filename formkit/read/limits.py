"""Every limit the read side puts on hostile input, in one place.

Chosen far above any real returned form and far below harm (memory, time, recursion). The raster
limit (``MAX_PIXELS``) lives in :mod:`formkit.thresholds` beside the resolutions it bounds; the
per-file time and memory bounds of a worker live in :mod:`formkit.pipeline`, which owns the workers.
"""

from __future__ import annotations

MAX_FILE_BYTES = 100 * 1024 * 1024  # a returned form is < 1 MB; a fax of 20 pages < 10 MB
MAX_ZIP_MEMBERS = 200  # files of one ZIP archive (a zipped folder of returns); unpacked, MAX_FILE_BYTES in all
MAX_ZIP_DEPTH = 2  # ZIP archives inside a ZIP archive are unpacked this deep
SNIFF_BYTES = 1024  # the head of a file that decides its type (PDF allows junk before %PDF-)

# --- PDF structure (qpdf and our own walks) ---------------------------------------------------
MAX_PAGES = 100  # an invitation has 5 pages; a returned bundle of 100 pages is already odd
MAX_ANNOTS_PER_PAGE = 500  # our sheet has 10 widgets
MAX_FIELD_DEPTH = 16  # /Parent chain of a field or page (ours: 1)
MAX_STREAM_BYTES = 20_000_000  # decompressed size of one stream (a page's content: all its streams)
MAX_XOBJECTS = 1_000  # XObjects of one page looked at for images
MAX_CONTAINER = 1_000_000  # entries of one array or dictionary (qpdf's parser)
MAX_XOBJECT_DEPTH = 6  # nested form XObjects followed when looking for tick strokes
MAX_CONTENT_OPS = 200_000  # content-stream operators scanned per page for tick strokes
MAX_CONTENT_PARTS = 1_000  # streams in one page's /Contents array

# --- external tools and images ------------------------------------------------------------------
PDFTOTEXT_TIMEOUT_S = 30.0  # pdftotext of a whole returned PDF takes ~50 ms
RASTER_TIMEOUT_S = 120  # pdftoppm, one page (formkit.rasterise); the pipeline's per-file alarm is shorter still
MAX_IMAGE_PAGES = 50  # frames of a TIFF read by OCR
