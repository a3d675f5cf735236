"""A form page: registration marks, QR identity, header text, fields, boxes and small print.

Everything is drawn from the :class:`FormLayout` geometry, the same object the parser reads.
Writing areas stay white (a tinted background becomes a halftone pattern under a fax driver).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame

from formkit import fingerprint
from formkit.errors import RenderError
from formkit.geometry import Rect
from formkit.ident import FormIdentity
from formkit.layout.event import Event, Statements
from formkit.layout.models import FieldSpec, FormLayout, MeetingDatesBlock
from formkit.layout.rules import LABEL_GAP_MM, checkbox_label_pt, event_context, label_room
from formkit.layout.text import plain, render_text
from formkit.render import blocks
from formkit.render.fieldap import acroform
from formkit.render.fonts import BOLD, REGULAR
from formkit.render.qr import draw_qr

FIELD_FONT = "Helvetica"  # AcroForm appearance font: a base font every viewer has
MIN_FONT = 6.0
LINE_WIDTH = 0.8  # pt, field borders: thin enough to remove, thick enough to survive a fax


@dataclass
class FormOutcome:
    """What drawing one form page had to compromise on (shown in the packet manifest)."""

    warnings: list[str] = field(default_factory=list)


# Typographic punctuation common in office lists (Windows-1252 has it): its plain form is an
# equivalent, not a change worth a warning.
_PUNCT = str.maketrans({"„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'", "–": "-", "—": "-",
                        "…": "...", "€": "EUR", "‹": "<", "›": ">"})
# Letters NFKD does not decompose into a Latin-1 base.
_TRANSLIT = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Œ": "OE", "œ": "oe", "ı": "i"})


def to_latin1(value: str) -> tuple[str, bool]:
    """AcroForm values from reportlab must be Latin-1: transliterate the rest, never crash.

    Returns the value and whether a letter had to be replaced (typographic punctuation does not count).
    """
    value = value.translate(_PUNCT)
    try:
        value.encode("latin-1")
        return value, False
    except UnicodeEncodeError:
        pass
    out = []
    for ch in value.translate(_TRANSLIT):
        try:
            ch.encode("latin-1")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            base.encode("latin-1")
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out), True


def fit_font_size(f: FieldSpec, value: str) -> tuple[float, bool]:
    """Largest size <= the field's that fits the box; False when even MIN_FONT does not fit."""
    r = f.box
    width = (r.w - 2.5) * mm
    lines = value.split("\n") if f.multiline else [value]
    size = f.font_size
    while size >= MIN_FONT:
        if f.multiline:
            # Wrapped line count at this size must fit the height.
            needed = 0
            for line in lines:
                w = stringWidth(line, FIELD_FONT, size)
                needed += max(1, int(w // width) + (1 if w % width else 0))
            if needed * size * 1.16 <= (r.h - 1.5) * mm:
                return size, True
        elif stringWidth(lines[0], FIELD_FONT, size) <= width:
            return size, True
        size -= 0.5
    return MIN_FONT, False


def template_context(event: Event | None, statements: Statements | None) -> dict[str, Any]:
    return event_context(event, statements)


def identity(form: FormLayout, event: Event | None, recipient_id: str | None = None,
             values: Mapping[str, str] | None = None) -> FormIdentity:
    """The identity printed on *form*: the campaign is the id of the event it prints from, with the
    fingerprints of the form's geometry and, for a recipient's sheet, of the *values* prefilled."""
    if event is None:
        return FormIdentity(form.id, form.version, recipient_id)
    return FormIdentity(form.id, form.version, recipient_id, event.id, geometry=fingerprint.geometry(form),
                        prefill=fingerprint.prefill(form, values or {}) if recipient_id else "")


def _draw_marks(c: Canvas, form: FormLayout) -> None:
    c.setFillColorRGB(0, 0, 0)
    for r in form.marks.rects():
        x, y, w, h = r.to_pdf(form.height)
        c.rect(x, y, w, h, stroke=0, fill=1)


def _draw_label(c: Canvas, form: FormLayout, f: FieldSpec, label: str) -> None:
    r = f.box
    c.setFillColorRGB(0, 0, 0)
    if f.type == "checkbox":
        c.setFont(REGULAR, checkbox_label_pt(label, label_room(f)))
        c.drawString((r.x2 + LABEL_GAP_MM) * mm, (form.height - r.y - r.h / 2 - 1.4) * mm, label)
    elif f.label_width > 0:
        c.setFont(BOLD, 10)
        c.drawString((r.x - f.label_width) * mm, (form.height - r.y - min(r.h, 11) / 2 - 1.3) * mm, label)
    else:
        c.setFont(BOLD, 10)
        c.drawString(r.x * mm, (form.height - r.y + 1.6) * mm, label)


def draw_form(
    c: Canvas,
    form: FormLayout,
    event: Event | None,
    statements: Statements | None,
    values: dict[str, str] | None = None,
    recipient_id: str | None = None,
    fillable: bool = True,
) -> FormOutcome:
    """Draw one form page on *c* (the caller ends the page)."""
    values = values or {}
    outcome = FormOutcome()
    ctx = template_context(event, statements)
    ident = identity(form, event, recipient_id, values)

    _draw_marks(c, form)
    q = form.qr
    draw_qr(c, ident.payload(), q.x * mm, (form.height - q.y) * mm, q.size * mm)

    # Header text flows in its region; it must fit.
    hr = Rect(*form.header_rect)
    hx, hy, hw, hh = hr.to_pdf(form.height)
    frame = Frame(hx, hy, hw, hh, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)
    flow = header_flowables(form, ctx, event, statements)
    frame.addFromList(flow, c)
    if flow:
        raise RenderError(f"Formular „{form.id}“: der Kopftext passt nicht in header_rect {form.header_rect} "
                          f"(weniger Text im Kopf oder header_rect vergrößern)")

    for t in form.texts:
        c.setFont(BOLD if t.bold else REGULAR, t.size)
        c.drawString(t.at[0] * mm, (form.height - t.at[1]) * mm, plain(render_text(t.text, ctx)))

    af = acroform(c)
    for f in form.fields:
        label = plain(render_text(f.label, ctx))
        tooltip = plain(render_text(f.tooltip, ctx))
        _draw_label(c, form, f, label)
        x, y, w, h = f.box.to_pdf(form.height)
        c.setStrokeColorRGB(0, 0, 0)
        c.setLineWidth(LINE_WIDTH if f.type == "text" else 1.2)
        c.rect(x, y, w, h, stroke=1, fill=0)
        inset = 0.8 * mm
        raw = fingerprint.raw_value(f, values)
        if f.type == "checkbox":
            checked = raw.strip().lower() in {"1", "x", "yes", "ja", "true", "on"}
            if fillable:
                af.checkbox(
                    name=f.name, tooltip=tooltip, x=x + inset, y=y + inset, size=w - 2 * inset,
                    checked=checked, buttonStyle="cross", borderWidth=0, borderColor=None,
                    fillColor=None, textColor=(0, 0, 0), fieldFlags="", forceBorder=False,
                )
            elif checked:
                c.setLineWidth(1.6)
                c.line(x + inset, y + inset, x + w - inset, y + h - inset)
                c.line(x + inset, y + h - inset, x + w - inset, y + inset)
            continue
        value, size, warnings = prepared_value(f, raw)
        outcome.warnings.extend(warnings)
        if fillable:
            # The appearance draws the value where the print copy prints it (formkit.render.fieldap).
            placed = [((lx - f.box.x) * mm - inset, (f.box.y2 - ly) * mm - inset, line)
                      for lx, ly, line in value_lines(f, value, size)] if value else []
            af.placed_textfield(
                placed, name=f.name, tooltip=tooltip, value=value, x=x + inset, y=y + inset,
                width=w - 2 * inset, height=h - 2 * inset, fontName=FIELD_FONT, fontSize=size,
                borderWidth=0, borderColor=None, fillColor=None, textColor=(0, 0, 0),
                maxlen=f.max_length, fieldFlags="multiline" if f.multiline else "",
            )
        elif value:
            _draw_static_value(c, f, value, size, form.height)

    for b in form.boxes:
        x, y, w, h = b.box.to_pdf(form.height)
        c.setLineWidth(LINE_WIDTH)
        c.rect(x, y, w, h, stroke=1, fill=0)
        c.setFont(REGULAR, 7)
        c.drawString(x + 1.5 * mm, y + h - 3 * mm, b.label)

    fx, fy = form.footer_at
    c.setFont(REGULAR, 7)
    # Black, not grey: when the QR code is unreadable the scan reader reads the identity from
    # here (formkit.scan.smallprint), and a fax driver dithers grey 7-pt letters apart.
    c.setFillColorRGB(0, 0, 0)
    c.drawString(fx * mm, (form.height - fy) * mm, footer_line(form, ident.payload(), recipient_id))
    c.setFillColorRGB(0, 0, 0)
    return outcome


def footer_line(form: FormLayout, payload: str, recipient_id: str | None = None) -> str:
    """The small print at the sheet's foot: title, form, recipient and the QR code's payload (the
    scan reader reads the identity from it where the QR code is lost, formkit.scan.smallprint)."""
    who = f" · Empfänger-Nr. {recipient_id}" if recipient_id else ""
    return f"{form.title} · Formular {form.id} v{form.version}{who} · {payload}"


def header_flowables(form: FormLayout, ctx: dict[str, Any], event: Event | None,
                     statements: Statements | None) -> list[Any]:
    """The header's flowables, compact when the full form does not fit: with many meetings the
    dates go into three columns with numeric dates rather than off the header region; with long
    town names even that may not fit, and the header leaves the dates out (the sample layouts'
    venue labels give each meeting's date beside its check box)."""
    hw, hh = Rect(*form.header_rect).w * mm, Rect(*form.header_rect).h * mm
    flow: list[Any] = []
    for compact, dates in ((False, True), (True, True), (True, False)):
        flow = [f for block in form.header if dates or not isinstance(block, MeetingDatesBlock)
                for f in blocks.to_flowables(block, ctx, event, statements, hw, compact)]
        if _height(flow, hw, hh) <= hh:
            break
    return flow


def header_fits(form: FormLayout, event: Event | None, statements: Statements | None) -> bool:
    r = Rect(*form.header_rect)
    flow = header_flowables(form, template_context(event, statements), event, statements)
    return _height(flow, r.w * mm, r.h * mm) <= r.h * mm


def _height(flow: list[Any], width: float, avail: float) -> float:
    """Height the flowables take in a frame *width* wide (as reportlab's Frame stacks them)."""
    total = 0.0
    for i, f in enumerate(flow):
        _, h = f.wrap(width, avail)
        total += h + f.getSpaceAfter() + (f.getSpaceBefore() if i else 0.0)
    return total


def prepared_value(f: FieldSpec, raw: str) -> tuple[str, float, list[str]]:
    """The value as a text field of the sheet holds it (Latin-1, at most max_length characters)
    and the font size it is drawn in, with what had to give. The scan verifier renders the same
    (formkit.scan.verify), so this is the one place that decides it."""
    warnings = []
    value, changed = to_latin1(raw)
    if changed:
        warnings.append(f"{f.name}: Zeichen außerhalb von Latin-1 ersetzt")
    if len(value) > f.max_length:
        value = value[: f.max_length]
        warnings.append(f"{f.name}: auf {f.max_length} Zeichen gekürzt")
    size, fits = fit_font_size(f, value) if value else (f.font_size, True)
    if not fits:
        warnings.append(f"{f.name}: Text passt nicht vollständig ins Feld")
    return value, size, warnings


def wrap(f: FieldSpec, paragraphs: list[str], font: str, size: float) -> list[str]:
    """The words of each paragraph in lines as wide as *f*'s box holds in *font* at *size* (a
    word wider than that stands on a line of its own): how the print copy and PDF programs wrap."""
    width = (f.box.w - 2.5) * mm
    lines: list[str] = []
    for para in paragraphs:
        cur = ""
        for w in para.split(" "):
            trial = f"{cur} {w}".strip()
            if stringWidth(trial, font, size) <= width or not cur:
                cur = trial
            else:
                lines.append(cur)
                cur = w
        lines.append(cur)
    return lines


def value_lines(f: FieldSpec, value: str, size: float) -> list[tuple[float, float, str]]:
    """Where a print copy draws *value* in its box: (x, baseline y, text) per line, in layout mm
    from the top-left corner, in FIELD_FONT at *size*."""
    r = f.box
    width = (r.w - 2.5) * mm
    lines = wrap(f, value.split("\n") if f.multiline else [value], FIELD_FONT, size)
    if not f.multiline:
        lines = lines[:1] if stringWidth(value, FIELD_FONT, size) > width else [value]
    out = []
    for i, line in enumerate(lines):
        y = r.y + 1.2 + size / mm * 0.9 + i * size * 1.16 / mm
        if not f.multiline:
            y = r.y + r.h / 2 + size / mm * 0.35
        if y > r.y2:
            break
        out.append((r.x + 1.25, y, line))
    return out


def _draw_static_value(c: Canvas, f: FieldSpec, value: str, size: float, page_h: float) -> None:
    """Print a value into its box (print copies carry no form fields)."""
    c.setFont(FIELD_FONT, size)
    for x, y, line in value_lines(f, value, size):
        c.drawString(x * mm, (page_h - y) * mm, line)
