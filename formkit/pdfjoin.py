"""Joining reportlab-made PDFs page by page, streaming, without a PDF library.

reportlab writes simple files: numbered objects (no object streams), a classic xref table and a
flat page tree. That makes joining them cheap: every object of every part is copied verbatim,
renumbered (references are rewritten only in the dictionary, never inside stream data), the parts'
catalogs, page trees and info dictionaries are dropped, and one new page tree lists the chosen
pages in the chosen order. A part's AcroForm (at most one part may have one) is carried over.

Memory: one part at a time plus a list of page and object offsets (a few bytes per page), so a
print file of any length is written with constant memory. Files from other producers are refused
(:class:`ValueError`); this is not a general PDF merger.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

_OBJ = re.compile(rb"(\d+) 0 obj\n")
_REF = re.compile(rb"(\d+) 0 R\b")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_XREF = re.compile(rb"\nxref\n0 (\d+)\n")
_ROOT = re.compile(rb"/Root (\d+) 0 R")
_INFO = re.compile(rb"/Info (\d+) 0 R")


@dataclass
class Part:
    """A parsed reportlab PDF: its objects' bytes by number, its pages and AcroForm in order."""

    objects: dict[int, bytes]
    pages: list[int]
    acroform: int | None
    dropped: set[int]
    page_tree: int


def _dict_part(body: bytes) -> tuple[bytes, bytes]:
    m = _STREAM.search(body)
    if m is None:
        return body, b""
    return body[: m.end()], body[m.end():]


def parse(data: bytes) -> Part:
    """Split a reportlab PDF into objects (via its xref table) and find its pages."""
    m = _XREF.search(data, max(0, len(data) - 64 * 1024)) or _XREF.search(data)
    if not data.startswith(b"%PDF-") or m is None:
        raise ValueError("keine von reportlab erzeugte PDF-Datei (keine klassische xref-Tabelle)")
    count = int(m.group(1))
    table = data[m.end(): m.end() + 20 * count]
    offsets: list[tuple[int, int]] = []
    for num in range(1, count):
        entry = table[20 * num: 20 * num + 20]
        if entry[17:18] == b"n":
            offsets.append((int(entry[:10]), num))
    offsets.sort()
    objects: dict[int, bytes] = {}
    ends = [o for o, _ in offsets[1:]] + [m.start() + 1]
    for (start, num), end in zip(offsets, ends, strict=True):
        chunk = data[start:end]
        head = _OBJ.match(chunk)
        if head is None or int(head.group(1)) != num:
            raise ValueError(f"Objekt {num} nicht an seiner xref-Position")
        body = chunk[head.end():]
        cut = body.rfind(b"endobj")
        objects[num] = body[:cut].rstrip(b"\n") + b"\n"
    trailer = data[m.end() + 20 * count:]
    root_m, info_m = _ROOT.search(trailer), _INFO.search(trailer)
    if root_m is None:
        raise ValueError("kein /Root im Trailer")
    root = int(root_m.group(1))
    catalog = objects[root]
    pages_m = re.search(rb"/Pages (\d+) 0 R", catalog)
    if pages_m is None:
        raise ValueError("Katalog ohne /Pages")
    pages_obj = int(pages_m.group(1))
    kids_m = re.search(rb"/Kids \[([^\]]*)\]", objects[pages_obj])
    pages = [int(n) for n in _REF.findall(kids_m.group(1))] if kids_m else []
    for p in pages:
        if b"/Type /Pages" in _dict_part(objects[p])[0]:
            raise ValueError("verschachtelter Seitenbaum wird nicht unterstützt")
    acro_m = re.search(rb"/AcroForm (\d+) 0 R", catalog)
    dropped = {root, pages_obj} | ({int(info_m.group(1))} if info_m else set())
    return Part(objects, pages, int(acro_m.group(1)) if acro_m else None, dropped, pages_obj)


class Joiner:
    """Writes a PDF to *out* part by part; :meth:`close` writes the page tree and the xref table.

    Usage: ``j = Joiner(f, title)``; ``base = j.add(part)``; ``j.pages([...])``; ``j.close()``.
    """

    def __init__(self, out: IO[bytes], title: str = "", keywords: str = "") -> None:
        self._out = out
        self._pos = 0
        self._offsets: list[int] = [0, 0, 0]  # 1 catalog, 2 page tree, 3 info: written last
        self._kids: list[int] = []
        self._acroform: int | None = None
        self._title = title
        self._keywords = keywords
        self._digest = hashlib.md5(usedforsecurity=False)
        self._write(b"%PDF-1.4\n%\x93\x8c\x8b\x9e formkit\n")

    def _write(self, b: bytes) -> None:
        self._out.write(b)
        self._pos += len(b)

    def add(self, part: Part, keep_acroform: bool = True) -> dict[int, int]:
        """Copy *part*'s objects; returns its old→new object numbers (to pick pages with).

        With *keep_acroform* false, the part's AcroForm is not linked from the new catalog (for
        print copies, whose AcroForm reportlab writes even when it has no fields)."""
        mapping: dict[int, int] = {}
        nxt = len(self._offsets)
        for num in sorted(part.objects):
            if num not in part.dropped:
                mapping[num] = nxt
                nxt += 1

        def ref(m: re.Match[bytes]) -> bytes:
            old = int(m.group(1))
            if old == part.page_tree:
                return b"2 0 R"  # a page's /Parent: the new page tree
            if old not in mapping:
                raise ValueError(f"Verweis auf Objekt {old}, das nicht übernommen wird")
            return b"%d 0 R" % mapping[old]

        for num in sorted(mapping):
            head, stream = _dict_part(part.objects[num])
            body = _REF.sub(ref, head) + stream
            self._offsets.append(self._pos)
            self._digest.update(body)
            self._write(b"%d 0 obj\n" % mapping[num] + body + b"endobj\n")
        if part.acroform is not None and keep_acroform:
            if self._acroform is not None:
                raise ValueError("nur ein Teil darf ein AcroForm haben")
            self._acroform = mapping[part.acroform]
        return mapping

    def pages(self, new_numbers: Sequence[int]) -> None:
        self._kids.extend(new_numbers)

    def close(self) -> int:
        """Finish the file; returns the number of pages."""
        self._offsets[1] = self._pos
        acro = b" /AcroForm %d 0 R" % self._acroform if self._acroform is not None else b""
        self._write(b"1 0 obj\n<<\n/Type /Catalog /Pages 2 0 R /PageMode /UseNone" + acro + b"\n>>\nendobj\n")
        self._offsets[2] = self._pos
        kids = b" ".join(b"%d 0 R" % k for k in self._kids)
        self._write(b"2 0 obj\n<<\n/Type /Pages /Count %d /Kids [ %s ]\n>>\nendobj\n" % (len(self._kids), kids))
        self._offsets.append(self._pos)
        info_num = len(self._offsets) - 1
        title = self._title.encode("utf-16-be").hex().upper().encode()
        keywords = self._keywords.encode("utf-16-be").hex().upper().encode()
        self._write(b"%d 0 obj\n<<\n/Producer (formkit) /Creator (formkit) /Author (formkit) /Title <FEFF%s> "
                    b"/Keywords <FEFF%s>\n>>\nendobj\n" % (info_num, title, keywords))
        xref = self._pos
        lines = [b"xref\n0 %d\n" % len(self._offsets), b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % o for o in self._offsets[1:]]
        self._write(b"".join(lines))
        doc_id = self._digest.hexdigest().encode()
        self._write(b"trailer\n<<\n/ID [<%s><%s>]\n/Info %d 0 R\n/Root 1 0 R\n/Size %d\n>>\nstartxref\n%d\n%%%%EOF\n"
                    % (doc_id, doc_id, info_num, len(self._offsets), xref))
        return len(self._kids)
