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
import struct
from pathlib import Path
from typing import BinaryIO

from formkit.records import OFFICE_TZ

_TIFF_MAGIC = (b"II*\x00", b"MM\x00*")
_MAX_TAGS = 256
_MAX_TEXT = 256
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
            tags = first_ifd(f)
    except OSError:
        return None
    if tags.get(_COMPRESSION) not in _CCITT:
        return None
    software = str(tags.get(_SOFTWARE, "")).lower()
    if any(name in software for name in _CONVERTERS):
        return None
    return parse_stamp(tags.get(_DATETIME), now)


def first_ifd(f: BinaryIO) -> dict[int, int | str]:
    """Tags of a TIFF's first image directory that are a number (SHORT/LONG) or text (ASCII),
    read with bounded reads at checked offsets: a hostile file (the limits tests' 200 000 x 200 000
    pixel TIFF) yields what it holds or nothing, never an error, and no image is decoded."""
    head = f.read(8)
    if len(head) < 8 or head[:4] not in _TIFF_MAGIC:
        return {}
    order = "<" if head[:2] == b"II" else ">"

    def at(offset: int, size: int) -> bytes:
        f.seek(offset)
        return f.read(size)

    count = at(struct.unpack_from(order + "I", head, 4)[0], 2)
    if len(count) < 2:
        return {}
    n = min(struct.unpack(order + "H", count)[0], _MAX_TAGS)
    entries = f.read(12 * n)
    out: dict[int, int | str] = {}
    for i in range(len(entries) // 12):
        tag, kind, num = struct.unpack_from(order + "HHI", entries, 12 * i)
        value = entries[12 * i + 8:12 * i + 12]
        if kind == 3 and num >= 1:  # SHORT: the first value in the entry itself
            out[tag] = struct.unpack_from(order + "H", value)[0]
        elif kind == 4 and num >= 1:  # LONG
            out[tag] = struct.unpack_from(order + "I", value)[0]
        elif kind == 2 and 0 < num <= _MAX_TEXT:  # ASCII: in the entry up to 4 bytes, else at an offset
            text = value[:num] if num <= 4 else at(struct.unpack(order + "I", value)[0], num)
            out[tag] = text.split(b"\x00", 1)[0].decode("latin-1")
    return out


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
