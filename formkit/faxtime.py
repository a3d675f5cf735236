"""The receipt time a fax server wrote into its TIFF (tag 306 DateTime), for a fax saved as a file.

An e-mail names its time in the Date header; a fax that a fax server (HylaFAX, a multifunction
device's fax-to-folder) stored as a TIFF names it in the image file. Without it a late fax, or a
fax of last campaign's sheet, was taken as on time. Only fax TIFFs are read: bilevel, CCITT
compressed (G3/G4 or modified Huffman). A scanner's TIFF (grey, LZW or JPEG) names the time of the
scan, which for a letter scanned days later is not its receipt; a TIFF that a document converter
made from a PDF (its Software tag names Ghostscript, ImageMagick …: a fax driver's output, a "print
to fax" file) names when it was made, not when a fax arrived. The time is the server's local
time, taken as the office's; a time in the future or before fax servers wrote TIFFs is ignored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from formkit.records import OFFICE_TZ

_TIFF_MAGIC = (b"II*\x00", b"MM\x00*")
_DATETIME = 306
_COMPRESSION = 259
_SOFTWARE = 305
# Programs that write DateTime as the time they rendered the file (lower case, matched as a part).
_CONVERTERS = ("ghostscript", "imagemagick", "graphicsmagick", "pdftoppm", "poppler", "libvips")
_CCITT = {2, 3, 4}  # modified Huffman, T.4 (G3), T.6 (G4)
_FORMATS = ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S")
_EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
_SLACK = dt.timedelta(days=1)  # a fax server's clock a little ahead of this machine's


def fax_received(path: Path, now: dt.datetime | None = None) -> dt.datetime | None:
    """The receipt time of the fax TIFF at *path* (aware, office time zone), or None."""
    try:
        with path.open("rb") as f:
            if f.read(4) not in _TIFF_MAGIC:
                return None
        with Image.open(path) as img:
            tags = img.getexif()
            if tags.get(_COMPRESSION) not in _CCITT:
                return None
            stamp = tags.get(_DATETIME)
            software = str(tags.get(_SOFTWARE, "")).lower()
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        return None
    if any(name in software for name in _CONVERTERS):
        return None
    return parse_stamp(stamp, now)


def parse_stamp(stamp: object, now: dt.datetime | None = None) -> dt.datetime | None:
    """A TIFF DateTime ("YYYY:MM:DD HH:MM:SS", some servers write '-' or '/') as office time."""
    if not isinstance(stamp, str):
        return None
    text = stamp.strip().rstrip("\x00")
    for fmt in _FORMATS:
        try:
            t = dt.datetime.strptime(text, fmt).replace(tzinfo=OFFICE_TZ)
        except ValueError:
            continue
        latest = (now or dt.datetime.now(dt.UTC)) + _SLACK
        return t if _EARLIEST <= t <= latest else None
    return None
