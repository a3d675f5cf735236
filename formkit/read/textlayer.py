"""Reading a text-layer page of a flattened sheet (printed to PDF, "baked"): words and strokes in zones.

A flattened sheet has no fields left, but its values are still text at known places, and its
ticks are glyphs or strokes inside the box. Zones come from the layout; thresholds from
:mod:`formkit.thresholds`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from typing import Any

import pikepdf

from formkit.campaign import Campaigns, Unresolved
from formkit.errors import InputError, MissingToolError
from formkit.geometry import MM, Rect
from formkit.ident import PAYLOAD_BYTES, PREFIXES, FormIdentity, parse_payload
from formkit.layout.models import FieldSpec, FormLayout
from formkit.read import crosscheck
from formkit.read.limits import MAX_CONTENT_OPS, MAX_STREAM_BYTES, MAX_XOBJECT_DEPTH, PDFTOTEXT_TIMEOUT_S
from formkit.read.open import PDF_ERRORS, StreamLimitError, content_bytes, inherited, stream_bytes
from formkit.read.triage import NO_FORM_PAGE, TextPage
from formkit.readings import FieldReading, NotAForm, NotFormKind, PageReading
from formkit.thresholds import (
    TEXTLAYER_CONFIDENCE,
    TEXTLAYER_FOOTER_TOLERANCE_MM,
    TEXTLAYER_TICK_CONFIDENCE,
    TEXTLAYER_TICK_INSET,
    TEXTLAYER_UNMAPPED_CONFIDENCE,
    TEXTLAYER_ZONE_MARGIN_MM,
)

_PATH_OPS = {"m", "l", "c", "v", "y"}
# pdftotext writes a glyph without a Unicode mapping as its raw code, a control character that XML
# forbids (one such glyph made the whole page unparseable): each becomes U+FFFD, kept in the word.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
UNMAPPED = "\ufffd"

_WALK_OPS = "q Q cm m l c v y Do"  # parsed by qpdf; everything else is skipped in C++


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
    text = _XML_INVALID.sub(UNMAPPED, re.sub(r"<!DOCTYPE[^>]*>", "", text))
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
            conf = TEXTLAYER_UNMAPPED_CONFIDENCE if UNMAPPED in text else TEXTLAYER_CONFIDENCE
            readings[spec.name] = FieldReading(spec.name, text, conf, "textlayer")
    return PageReading(page=page_no, method="textlayer", identity=ident, fields=readings)


def _tick_from_layer(spec: FieldSpec, words: list[Word], points_mm: list[tuple[float, float]]) -> FieldReading:
    box = spec.box
    zone = box.inset(min(box.w, box.h) * TEXTLAYER_TICK_INSET)
    glyphs = [w for w in words if zone.contains(*w.center)]
    strokes = sum(1 for p in points_mm if zone.contains(*p))
    ticked = bool(glyphs) or strokes >= 2
    return FieldReading(spec.name, "1" if ticked else "", TEXTLAYER_TICK_CONFIDENCE, "textlayer",
                        "ticked" if ticked else "empty", float(strokes + 10 * len(glyphs)))


# --- the text-layer pages of one PDF --------------------------------------------------------------


def _page_box(page: Any) -> tuple[float, float, float, float]:
    """(left, top, width, height) of the page's media box in PDF user space."""
    mb = inherited(page, "/MediaBox")
    if isinstance(mb, pikepdf.Array) and len(mb) == 4:
        x0, y0, x1, y1 = (float(v) for v in mb)
        return min(x0, x1), max(y0, y1), abs(x1 - x0), abs(y1 - y0)
    return 0.0, 792.0, 612.0, 792.0  # PDF's default: US Letter


def _rotation(page: Any) -> int:
    """The page's /Rotate (inherited), 0 when missing or not a number."""
    value = inherited(page, "/Rotate")
    try:
        return int(value) % 360 if value is not None else 0
    except (TypeError, ValueError):
        return 0


def read_text_pages(data: bytes, pdf: pikepdf.Pdf, todo: list[TextPage], campaigns: Campaigns,
                    kw: list[FormIdentity]) -> dict[int, PageReading | NotAForm]:
    """Each page of *todo* read from its text layer, or why it is no (readable) sheet of ours.

    A page whose content stream did not show our identity is ours only when its words do.
    *kw*: the identities in the document's /Keywords (they name the recipient of a sheet whose
    footer does not).
    """
    out: dict[int, PageReading | NotAForm] = {}
    if not todo:
        return out
    words_by_page = pdftotext_words(data, min(t.page for t in todo), max(t.page for t in todo))
    for t in todo:
        page_no, ident = t.page, t.identity
        words = words_by_page.get(page_no, [])
        page = pdf.pages[page_no - 1].obj
        if ident is None:
            text = " ".join(w.text for w in words)
            found = PAYLOAD_BYTES.search(text.encode("utf-8", "replace"))
            ident = parse_payload(found.group().decode("ascii")) if found else None
        if ident is None:
            out[page_no] = NotAForm(page_no, NO_FORM_PAGE)
            continue
        form = campaigns.resolve(ident)
        if isinstance(form, Unresolved):
            out[page_no] = NotAForm(page_no, form.reason, kind=NotFormKind.UNREADABLE)
            continue
        if ident.recipient_id is None:
            same = [k for k in kw if (k.campaign, k.layout_id, k.version) == (ident.campaign, ident.layout_id,
                                                                              ident.version) and k.recipient_id]
            if same:
                ident = same[0]
        left, top, width, height = _page_box(page)
        try:
            pts = [((x - left) / MM, (top - y) / MM) for x, y in path_points(page, pdf, MAX_STREAM_BYTES)]
        except RecursionError:
            pts = []
        # pdftotext gives boxes in the page as shown (turned by /Rotate); strokes and layout are unturned.
        words = unrotate(words, _rotation(page), width / MM, height / MM)
        reading = read_textlayer(words, pts, form, page_no, ident)
        # Characters from the fonts' maps, checked against the glyphs drawn (formkit.read.crosscheck).
        reading = crosscheck.check(reading, form, data, _rotation(page))
        problem = footer_problem(words, form)
        out[page_no] = replace(reading, problems=(*reading.problems, problem)) if problem else reading
    return out
