"""A hostile inbox made on the spot: bombs, absurd pages, odd names and folders (test and bench helper).

Used by the tests of issue 10 and by ``make bench`` (peak memory of `formkit parse` on it).
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from tests import returns


def image_page_pdf(side_pt: float) -> bytes:
    """One square page covered by a small image: an image-only page for the OCR path."""
    im = Image.new("L", (120, 120), 255)
    im.paste(0, (10, 10, 60, 60))
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(side_pt, side_pt), invariant=1)
    c.drawImage(ImageReader(im), 0, 0, side_pt, side_pt)
    c.showPage()
    c.save()
    return buf.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims *width* x *height* pixels, with almost no data (a pixel bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b"")


def tiff_claiming(width: int, height: int) -> bytes:
    """A one-strip G4 TIFF claiming *width* x *height* (a 1 kB file that decodes to 10^10 px)."""
    entries = [(256, 4, width), (257, 4, height), (258, 3, 1), (259, 3, 4), (262, 3, 0), (273, 4, 8 + 2 + 12 * 9 + 4),
               (277, 3, 1), (278, 4, height), (279, 4, 16)]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", t, ty, 1, v) for t, ty, v in entries)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\x00" * 16


def write_hostile_inbox(folder: Path) -> list[str]:
    """Write the batch into *folder*; returns the names written (a few more are folders and links)."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "riesenseite.pdf": image_page_pdf(14400),  # 200 in: 1.6 billion px at 200 dpi
        "grosse-seite.pdf": image_page_pdf(40 * 72),  # rendered, fitted into the pixel bound
        "pixelbombe.png": png_claiming(100_000, 100_000),
        "pixelbombe.tif": tiff_claiming(200_000, 200_000),
        "entpackbombe.pdf": returns.decompression_bomb(),
        "verschachtelt.pdf": returns.deep_nesting(),
        "viele-seiten.pdf": returns.blank_pages(2000),
        "verschluesselt.pdf": returns.encrypted(returns.blank_pages(1)),
        "leer.pdf": b"",
        "kein-pdf.pdf": b"PK\x03\x04 eine docx",
        "abgeschnitten.pdf": returns.image_only_pdf()[:500],
        os.fsdecode(b"name-\xff\xfe.pdf"): b"%PDF-1.4 kaputt",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "ordner.pdf").mkdir(exist_ok=True)  # an empty folder that looks like a PDF
    link = folder / "schleife"
    if not link.is_symlink():
        link.symlink_to(link)  # a link to itself
    (folder / "post.mbox").write_bytes(
        b"From a@example.de Tue Apr 10 09:15:00 2018\nFrom: a@example.de\nSubject: x\n\nohne Anhang\n\n"
        b"From_kaputt\nFrom: b@example.de\nSubject: y\n\nauch ohne\n")
    return sorted(files) + ["ordner.pdf", "schleife", "post.mbox"]
