"""The text layer of a flattened sheet (printed to PDF, "baked"): words and strokes in field zones.

A flattened sheet has no fields left, but its values are still text at known places, and its
ticks are glyphs or strokes inside the box. Zones come from the layout; thresholds from
:mod:`formkit.thresholds`.
"""

from __future__ import annotations

import base64
import binascii
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from typing import Any

import pikepdf

from formkit.errors import InputError, MissingToolError
from formkit.geometry import MM, Rect
from formkit.ident import PREFIXES, FormIdentity
from formkit.layout.models import FieldSpec, FormLayout
from formkit.readings import FieldReading, PageReading
from formkit.thresholds import (
    TEXTLAYER_CONFIDENCE,
    TEXTLAYER_FOOTER_TOLERANCE_MM,
    TEXTLAYER_TICK_CONFIDENCE,
    TEXTLAYER_TICK_INSET,
    TEXTLAYER_ZONE_MARGIN_MM,
)

PDFTOTEXT_TIMEOUT_S = 30.0
MAX_XOBJECT_DEPTH = 6  # nested form XObjects followed when looking for tick strokes
MAX_CONTENT_OPS = 200_000  # content-stream operators scanned per page for tick strokes
MAX_CONTENT_PARTS = 1_000  # streams in one page's /Contents array
_PATH_OPS = {"m", "l", "c", "v", "y"}
_WALK_OPS = "q Q cm m l c v y Do"  # parsed by qpdf; everything else is skipped in C++
# Errors qpdf (and its Python binding) raise for damaged objects; never for our own limits.
PDF_ERRORS = (pikepdf.PdfError, RuntimeError, ValueError, KeyError, TypeError, AttributeError, IndexError,
              NotImplementedError)


class StreamLimitError(Exception):
    """A stream that would decode to more than the allowed number of bytes (decompression bomb)."""


# --- bounded stream data ------------------------------------------------------------------------

# Worst-case expansion (decoded bytes per encoded byte) of filters left to qpdf: a stream is
# handed to qpdf's unbounded decoder only when raw size x these factors stays under the limit.
_EXPANSION = {"/LZWDecode": 2_800, "/LZW": 2_800, "/RunLengthDecode": 64, "/RL": 64,
              "/FlateDecode": 1_100, "/Fl": 1_100, "/ASCIIHexDecode": 1, "/AHx": 1,
              "/ASCII85Decode": 4, "/A85": 4}


def _filters(stream: Any) -> tuple[list[str], list[Any]]:
    f = stream.get("/Filter")
    names = [] if f is None else [str(f)] if isinstance(f, pikepdf.Name) else [str(x) for x in f]
    p = stream.get("/DecodeParms")
    parms = [p] * len(names) if not isinstance(p, pikepdf.Array) else list(p)
    return names, parms


def _inflate(raw: bytes, limit: int) -> bytes:
    d = zlib.decompressobj()
    try:
        out = d.decompress(raw, limit + 1)
        over = len(out) > limit or bool(d.unconsumed_tail)  # a tail is left only when the limit was hit
    except zlib.error:
        # Damaged Flate data: keep what decodes (as qpdf and pypdf do), in bounded chunks.
        d, parts, size, over = zlib.decompressobj(), [], 0, False
        for i in range(0, len(raw), 4096):
            try:
                part = d.decompress(raw[i:i + 4096], limit + 1 - size)
            except zlib.error:
                break
            parts.append(part)
            size += len(part)
            if size > limit or d.unconsumed_tail:
                over = True
                break
        out = b"".join(parts)
    if over:
        raise StreamLimitError(f"Datenstrom entpackt größer als {limit} Byte")
    return out


def stream_bytes(stream: Any, limit: int) -> bytes | None:
    """The decoded data of a stream, never more than ``limit`` bytes (else StreamLimitError).

    Flate, ASCIIHex and ASCII85 are decoded here with a bounded zlib; other filters only when their
    worst-case expansion of the raw size stays under the limit. None when the data cannot be decoded.
    """
    length = stream.get("/Length")
    if isinstance(length, int) and length > limit:
        raise StreamLimitError(f"Datenstrom mit /Length {length} Byte")
    names, parms = _filters(stream)
    if len(names) > 4:
        return None
    data = bytes(stream.read_raw_bytes())
    if len(data) > limit:
        raise StreamLimitError(f"Datenstrom mit {len(data)} Byte")
    for k, name in enumerate(names):
        parm = parms[k] if k < len(parms) else None
        predictor = parm.get("/Predictor", 1) if isinstance(parm, pikepdf.Dictionary) else 1
        if name in ("/FlateDecode", "/Fl") and predictor in (None, 1):
            data = _inflate(data, limit)
        elif name in ("/ASCIIHexDecode", "/AHx"):
            hexa = re.sub(rb"\s+", b"", data.split(b">", 1)[0])
            try:
                data = binascii.unhexlify(hexa + b"0" * (len(hexa) % 2))
            except binascii.Error:
                return None
        elif name in ("/ASCII85Decode", "/A85"):
            a85 = data.strip().removeprefix(b"<~").split(b"~>", 1)[0]
            z = a85.count(b"z")
            if (len(a85) - z) * 4 // 5 + 4 * z > limit:  # 'z' stands for four zero bytes
                raise StreamLimitError(f"Datenstrom entpackt größer als {limit} Byte")
            try:
                data = base64.a85decode(a85, ignorechars=b" \t\n\r\x0b\x0c")
            except ValueError:
                return None
        else:
            if k != 0:
                return None  # qpdf decodes whole filter chains only
            bound = len(data)
            for n in names:
                bound *= _EXPANSION.get(n, limit + 1)
            if bound > limit:
                return None  # cannot prove it small: not decoded (real content streams are Flate)
            return bytes(stream.read_bytes())
        if len(data) > limit:
            raise StreamLimitError(f"Datenstrom entpackt größer als {limit} Byte")
    return data


def content_bytes(page: Any, limit: int) -> bytes | None:
    """A page's /Contents (one stream or an array of them) decoded, at most ``limit`` bytes in all."""
    contents = page.get("/Contents")
    if contents is None:
        return None
    if isinstance(contents, pikepdf.Stream):
        return stream_bytes(contents, limit)
    if not isinstance(contents, pikepdf.Array):
        return None
    parts: list[bytes] = []
    left = limit
    for k in range(min(len(contents), MAX_CONTENT_PARTS)):
        part = contents[k]
        if not isinstance(part, pikepdf.Stream):
            continue
        data = stream_bytes(part, left)
        if data is None:
            continue
        parts.append(data)
        left -= len(data) + 1
        if left < 0:
            raise StreamLimitError(f"Seiteninhalt größer als {limit} Byte")
    return b"\n".join(parts)


@dataclass(frozen=True)
class Word:
    text: str
    x0: float  # mm, layout space (top-left origin)
    y0: float
    x1: float
    y1: float

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)


def pdftotext_words(data: bytes, first: int, last: int) -> dict[int, list[Word]]:
    """Words with their boxes (mm) per 1-based page, from poppler's ``pdftotext -bbox``."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise MissingToolError("pdftotext (poppler-utils) ist nicht installiert")
    try:
        proc = subprocess.run([exe, "-q", "-f", str(first), "-l", str(last), "-bbox", "-", "-"],
                              input=data, capture_output=True, timeout=PDFTOTEXT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise InputError("Textebene nicht in der Zeit lesbar (pdftotext)") from None
    out: dict[int, list[Word]] = {}
    text = proc.stdout.decode("utf-8", "replace")
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text)
    try:
        root = ET.fromstring(text) if text.strip() else None
    except ET.ParseError:
        return out
    if root is None:
        return out
    k = 1.0 / MM
    for i, page_el in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page")):
        words = []
        for w in page_el.iter("{http://www.w3.org/1999/xhtml}word"):
            words.append(Word(w.text or "", float(w.get("xMin", 0)) * k, float(w.get("yMin", 0)) * k,
                              float(w.get("xMax", 0)) * k, float(w.get("yMax", 0)) * k))
        out[first + i] = words
    return out


def unrotate(words: list[Word], rotate: int, width_mm: float, height_mm: float) -> list[Word]:
    """Word boxes from pdftotext's view of a page shown turned by ``/Rotate`` back to the page's own
    (unrotated) space, where the layout and the drawn strokes are; ``width_mm``/``height_mm``: the
    unrotated page. ``rotate`` is a multiple of 90 (clockwise, as in PDF)."""
    r = rotate % 360
    out = []
    for w in words:
        if r == 90:  # shown x runs down the page, shown y runs from its right edge
            x0, y0, x1, y1 = w.y0, height_mm - w.x1, w.y1, height_mm - w.x0
        elif r == 180:
            x0, y0, x1, y1 = width_mm - w.x1, height_mm - w.y1, width_mm - w.x0, height_mm - w.y0
        elif r == 270:
            x0, y0, x1, y1 = width_mm - w.y1, w.x0, width_mm - w.y0, w.x1
        else:
            x0, y0, x1, y1 = w.x0, w.y0, w.x1, w.y1
        out.append(Word(w.text, x0, y0, x1, y1))
    return out


def footer_problem(words: list[Word], form: FormLayout) -> str | None:
    """Why the text does not sit where the layout put it, or None: our footer (the ``FK2:``/``FK1:`` word and
    the start of its line) must be at ``form.footer_at`` within TEXTLAYER_FOOTER_TOLERANCE_MM. A sheet
    scaled onto other paper, shifted or turned would put every value into the wrong zone."""
    tol = TEXTLAYER_FOOTER_TOLERANCE_MM
    fx, fy = form.footer_at
    marks = [w for w in words if any(w.text.startswith(f"{p}:") or f"·{p}:" in w.text for p in PREFIXES)]
    if not marks:
        return "Textebene: Fußzeile mit Formularkennung nicht gefunden, Lage der Werte ungeprüft"
    for fk in marks:
        if max(fk.y0 - fy, fy - fk.y1, 0.0) > tol:
            continue
        line = [w for w in words if abs(w.center[1] - fk.center[1]) <= tol and w.x0 <= fk.x0]
        if abs(min(w.x0 for w in line) - fx) <= tol:
            return None
    fk = marks[0]
    return (f"Textebene liegt nicht an der Stelle des Layouts (Fußzeile bei {fk.x0:.0f}/{fk.y0:.0f} mm "
            f"statt Zeile {fy:.0f} mm ab {fx:.0f} mm): Seite skaliert, verschoben oder gedreht, Werte bitte prüfen")


def words_in(words: list[Word], box: Rect, margin: float) -> list[Word]:
    zone = Rect(box.x - margin, box.y - margin, box.w + 2 * margin, box.h + 2 * margin)
    return [w for w in words if zone.contains(*w.center)]


def join_lines(words: list[Word], multiline: bool) -> str:
    """Words of one zone as text: lines top to bottom, words left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.center[1], w.x0)):
        if lines and abs(lines[-1][0].center[1] - w.center[1]) < max(0.4 * (w.y1 - w.y0), 0.5):
            lines[-1].append(w)
        else:
            lines.append([w])
    texts = [" ".join(w.text for w in sorted(line, key=lambda w: w.x0)) for line in lines]
    return ("\n" if multiline else " ").join(texts)


def _mult(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def path_points(page: Any, pdf: pikepdf.Pdf, limit: int) -> list[tuple[float, float]]:
    """Points (PDF user space) of every line/curve segment drawn on the page, form XObjects included.

    ``page`` is the page dictionary. Rectangles (``re``) are left out: they are the printed borders
    and backgrounds of the boxes; a tick is drawn with lines or curves (or as a glyph, found in the
    text layer). Every stream is decoded within ``limit`` bytes; one that is larger is skipped.
    """
    points: list[tuple[float, float]] = []
    budget = [MAX_CONTENT_OPS]

    def walk(data: bytes | None, resources: Any, ctm: list[float], depth: int) -> None:
        if not data:
            return
        try:
            ops = pikepdf.parse_content_stream(pikepdf.Stream(pdf, data), _WALK_OPS)
        except PDF_ERRORS:
            return
        stack: list[list[float]] = []
        xobjects: Any = None
        if isinstance(resources, pikepdf.Dictionary):
            xobjects = resources.get("/XObject")
        for ins in ops:
            budget[0] -= 1
            if budget[0] <= 0:
                return
            operands: Any = ins.operands
            name = str(ins.operator)
            if name == "q":
                stack.append(ctm)
            elif name == "Q":
                ctm = stack.pop() if stack else ctm
            elif name == "cm" and len(operands) == 6:
                ctm = _mult([float(v) for v in operands], ctm)
            elif name in _PATH_OPS and len(operands) >= 2:
                for i in range(0, len(operands) - 1, 2):
                    x, y = float(operands[i]), float(operands[i + 1])
                    points.append((ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]))
            elif name == "Do" and operands and depth < MAX_XOBJECT_DEPTH:
                xobj = xobjects.get(operands[0]) if isinstance(xobjects, pikepdf.Dictionary) else None
                if isinstance(xobj, pikepdf.Stream) and xobj.get("/Subtype") == "/Form":
                    matrix = xobj.get("/Matrix")
                    m = [float(v) for v in matrix] if isinstance(matrix, pikepdf.Array) and len(matrix) == 6 \
                        else [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
                    try:
                        sub = stream_bytes(xobj, limit)
                    except StreamLimitError:
                        continue
                    walk(sub, xobj.get("/Resources", resources), _mult(m, ctm), depth + 1)

    try:
        data = content_bytes(page, limit)
    except StreamLimitError:
        return points
    walk(data, page.get("/Resources"), [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], 0)
    return points


def read_textlayer(words: list[Word], points_mm: list[tuple[float, float]], form: FormLayout,
                   page_no: int, ident: FormIdentity) -> PageReading:
    readings: dict[str, FieldReading] = {}
    for spec in form.fields:
        if spec.type == "checkbox":
            readings[spec.name] = _tick_from_layer(spec, words, points_mm)
        else:
            text = join_lines(words_in(words, spec.box, TEXTLAYER_ZONE_MARGIN_MM), spec.multiline)
            readings[spec.name] = FieldReading(spec.name, text, TEXTLAYER_CONFIDENCE, "textlayer")
    return PageReading(page=page_no, method="textlayer", identity=ident, fields=readings)


def _tick_from_layer(spec: FieldSpec, words: list[Word], points_mm: list[tuple[float, float]]) -> FieldReading:
    box = spec.box
    zone = box.inset(min(box.w, box.h) * TEXTLAYER_TICK_INSET)
    glyphs = [w for w in words if zone.contains(*w.center)]
    strokes = sum(1 for p in points_mm if zone.contains(*p))
    ticked = bool(glyphs) or strokes >= 2
    return FieldReading(spec.name, "1" if ticked else "", TEXTLAYER_TICK_CONFIDENCE, "textlayer",
                        "ticked" if ticked else "empty", float(strokes + 10 * len(glyphs)))
