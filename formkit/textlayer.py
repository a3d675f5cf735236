"""The text layer of a flattened sheet (printed to PDF, "baked"): words and strokes in field zones.

A flattened sheet has no fields left, but its values are still text at known places, and its
ticks are glyphs or strokes inside the box. Zones come from the layout; thresholds from
:mod:`formkit.thresholds`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ContentStream, DictionaryObject, StreamObject

from formkit.errors import InputError, MissingToolError
from formkit.geometry import MM, Rect
from formkit.ident import FormIdentity
from formkit.layout.models import FieldSpec, FormLayout
from formkit.readings import FieldReading, PageReading
from formkit.thresholds import (
    TEXTLAYER_CONFIDENCE,
    TEXTLAYER_TICK_CONFIDENCE,
    TEXTLAYER_TICK_INSET,
    TEXTLAYER_ZONE_MARGIN_MM,
)

PDFTOTEXT_TIMEOUT_S = 30.0
MAX_XOBJECT_DEPTH = 6  # nested form XObjects followed when looking for tick strokes
MAX_CONTENT_OPS = 200_000  # content-stream operators scanned per page for tick strokes
_PATH_OPS = {b"m", b"l", b"c", b"v", b"y"}

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


def path_points(page: Any, reader: PdfReader) -> list[tuple[float, float]]:
    """Points (PDF user space) of every line/curve segment drawn on the page, form XObjects included.

    Rectangles (``re``) are left out: they are the printed borders and backgrounds of the boxes;
    a tick is drawn with lines or curves (or as a glyph, found in the text layer).
    """
    points: list[tuple[float, float]] = []
    budget = [MAX_CONTENT_OPS]

    def walk(content: Any, resources: Any, ctm: list[float], depth: int) -> None:
        try:
            ops = ContentStream(content, reader).operations
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
            return
        stack: list[list[float]] = []
        xobjects: Any = {}
        if isinstance(resources, DictionaryObject):
            xo = resources.get("/XObject")
            xobjects = xo.get_object() if xo is not None else {}
        for operands, op in ops:
            budget[0] -= 1
            if budget[0] <= 0:
                return
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q":
                ctm = stack.pop() if stack else ctm
            elif op == b"cm" and len(operands) == 6:
                ctm = _mult([float(v) for v in operands], ctm)
            elif op in _PATH_OPS and len(operands) >= 2:
                for i in range(0, len(operands) - 1, 2):
                    x, y = float(operands[i]), float(operands[i + 1])
                    points.append((ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]))
            elif op == b"Do" and operands and depth < MAX_XOBJECT_DEPTH:
                xobj = xobjects.get(operands[0]) if hasattr(xobjects, "get") else None
                xobj = xobj.get_object() if xobj is not None else None
                if isinstance(xobj, StreamObject) and xobj.get("/Subtype") == "/Form":
                    matrix = [float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    walk(xobj, xobj.get("/Resources", resources), _mult(matrix, ctm), depth + 1)

    contents = page.get_contents()
    if contents is not None:
        walk(contents, page.get("/Resources"), [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], 0)
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
