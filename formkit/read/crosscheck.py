"""A text layer checked against what its page shows: OCR of the rendered page where the values are.

A flattened sheet's text layer gives exact characters only when its fonts map their glyphs to the
right ones. A subset font with a custom encoding and no (or a wrong) ``/ToUnicode`` map can give
normal letters that are not the ones drawn ('Herre' for the 'Hanna' on the page); nothing in the
text itself shows it. So each value the text layer would state sure is read once more by OCR from
the page as drawn (rendered by poppler, in the text layer's place for the field); the two must say
the same, else the field is capped below OCR_OK and the page says why. A filled form's field values
(the AcroForm path) are not a text layer and are not checked here.

What it costs and how often it flags a right value: thresholds.TEXTLAYER_CROSSCHECK_DPI.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from formkit import fields
from formkit import thresholds as T
from formkit.errors import FormkitError
from formkit.layout.models import FormLayout
from formkit.readings import FieldReading, PageReading

# The reason a person reads, with the fields' labels after it.
MISMATCH = "Textebene der PDF-Datei weicht vom Schriftbild ab (Schrift ohne richtige Zeichenzuordnung?) – bitte prüfen: "
UNCHECKED = "Textebene der PDF-Datei nicht gegen das Schriftbild geprüft (Texterkennung nicht verfügbar) – bitte prüfen: "


def agree(kind: str, layer: str, seen: str, multiline: bool) -> bool:
    """Does OCR of the drawn value confirm the text layer's? The same characters (white space
    collapsed, an e-mail's ``mailto:`` aside): a font that swaps two letters changes a character,
    and OCR of a clean render rarely makes the same change."""
    return fields.normalise(kind, layer, multiline) == fields.normalise(kind, seen, multiline)


def check(reading: PageReading, form: FormLayout, pdf: bytes, rotate: int = 0) -> PageReading:
    """*reading* (a text-layer page of *pdf*) with every value it states sure confirmed by OCR of the
    rendered page, or capped at TEXTLAYER_UNCONFIRMED_CONFIDENCE with a reason."""
    from formkit.records import labels

    todo = [s for s in form.fields if s.type == "text" and (r := reading.fields.get(s.name)) is not None
            and r.value.strip() and r.confidence >= T.OCR_OK]
    if not todo:
        return reading
    try:
        seen = _ocr(pdf, reading.page, rotate, form, [s.name for s in todo])
        why = MISMATCH
    except (ImportError, FormkitError):
        seen, why = {}, UNCHECKED
    bad = [s for s in todo if s.name not in seen
           or not agree(s.kind, reading.fields[s.name].value, seen[s.name], s.multiline)]
    if not bad:
        return reading
    capped: dict[str, FieldReading] = dict(reading.fields)
    for s in bad:
        r = capped[s.name]
        capped[s.name] = replace(r, confidence=min(r.confidence, T.TEXTLAYER_UNCONFIRMED_CONFIDENCE))
    return replace(reading, fields=capped, problems=(*reading.problems, why + labels(form, [s.name for s in bad])))


def _ocr(pdf: bytes, page_no: int, rotate: int, form: FormLayout, names: list[str]) -> dict[str, str]:
    """What OCR reads in each named field's zone of the page as poppler draws it."""
    from formkit.rasterise import render_page
    from formkit.scan import ocr

    fd, name = tempfile.mkstemp(prefix="formkit-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pdf)
        im = render_page(Path(name), page_no - 1, T.TEXTLAYER_CROSSCHECK_DPI, grey=True)
    finally:
        Path(name).unlink(missing_ok=True)
    if rotate % 360:
        im = im.rotate(rotate % 360, expand=True)  # shown turned clockwise: back to the page's own space
    grey = np.asarray(im.convert("L"))
    # Pixels per mm from the image itself: a page of another size than the layout's (a sheet
    # fitted onto Letter) scales with it, as the text layer's word boxes do.
    px_x, px_y = grey.shape[1] / form.width, grey.shape[0] / form.height
    px = (px_x + px_y) / 2
    m = T.ZONE_MARGIN_MM
    out: dict[str, str] = {}
    for n in names:
        spec = form.field(n)
        z = spec.box.inset(-m)
        x0, y0 = max(0, round(z.x * px_x)), max(0, round(z.y * px_y))
        x1, y1 = min(grey.shape[1], round(z.x2 * px_x)), min(grey.shape[0], round(z.y2 * px_y))
        crop = np.ascontiguousarray(grey[y0:y1, x0:x1])
        if crop.size == 0:
            continue
        ink = (crop < 128).astype(np.uint8)
        out[n] = ocr.read_zone(ink, crop, px, spec.multiline, m, kind=spec.kind, bilevel=False).text
    return out
