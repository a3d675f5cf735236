"""DIN 5008 (form B) cover letter: window-envelope address field, information block, fold marks.

Positions follow DIN 5008 form B for a DL window envelope: address field 20 mm from the left
and 45 mm from the top, 85 x 45 mm (17.7 mm additional/return zone, 27.3 mm address zone);
information block from 125 mm; fold marks at 105 and 210 mm, punch mark at 148.5 mm.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from formkit.geometry import Rect
from formkit.layout.event import Event
from formkit.layout.text import date_short_de, render_text
from formkit.render import styles
from formkit.render.fonts import BOLD, REGULAR

ADDRESS_FIELD = Rect(20.0, 45.0, 85.0, 45.0)
RETURN_ZONE_BOTTOM = 45.0 + 17.7
INFO_BLOCK_X = 125.0
INFO_BLOCK_Y = 50.0
FOLD_MARKS = (105.0, 210.0)
PUNCH_MARK = 148.5
BODY_TOP = 98.5  # subject line starts here (form B)
MAX_ADDRESS_LINES = 6
LETTERHEAD_X2 = 190.0  # the letterhead's rule ends here


def _esc(s: str) -> str:
    return render_text(s, {})


def _fit_line(c: Canvas, text: str, font: str, size: float, width_pt: float) -> tuple[str, float]:
    """Shrink the font down to 7 pt to fit; beyond that, shorten with an ellipsis (never overflow)."""
    while size > 7.0 and c.stringWidth(text, font, size) > width_pt:
        size -= 0.25
    if c.stringWidth(text, font, size) <= width_pt:
        return text, size
    # The longest prefix that fits with the ellipsis, by bisection (widths grow with the prefix):
    # cutting one character at a time was quadratic, 8 s for a 10,000-character name.
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if c.stringWidth(text[:mid] + "…", font, size) <= width_pt:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + "…", size


def draw_letter_head(
    c: Canvas, event: Event, page_h: float, address_lines: list[str], letter_date_text: str | None = None
) -> None:
    """Letterhead, return address, recipient address, information block and marks."""
    def y(top_mm: float) -> float:
        return (page_h - top_mm) * mm

    s = event.sender
    # Letterhead (top 45 mm): organisation and unit each on one line up to the rule's end at 190 mm,
    # an office's longer name in a smaller size rather than cut.
    head_pt = (LETTERHEAD_X2 - 25.0) * mm
    c.setFillColorRGB(*styles.DARK_BLUE)
    text, size = _fit_line(c, s.organisation, BOLD, 12, head_pt)
    c.setFont(BOLD, size)
    c.drawString(25 * mm, y(20), text)
    c.setFillColorRGB(0.25, 0.25, 0.25)
    if s.unit:
        text, size = _fit_line(c, s.unit, REGULAR, 9, head_pt)
        c.setFont(REGULAR, size)
        c.drawString(25 * mm, y(25), text)
    c.setStrokeColorRGB(*styles.DARK_BLUE)
    c.setLineWidth(0.8)
    c.line(25 * mm, y(29), LETTERHEAD_X2 * mm, y(29))
    c.setFillColorRGB(0, 0, 0)

    # Return address, small and underlined, at the bottom of the additional zone.
    ret = f"{event.ministry_short} · {s.street} · {s.postcode} {s.city}"
    c.setFont(REGULAR, 7)
    c.drawString(25 * mm, y(RETURN_ZONE_BOTTOM - 2.5), ret)
    c.setLineWidth(0.3)
    c.setStrokeColorRGB(0, 0, 0)
    c.line(25 * mm, y(RETURN_ZONE_BOTTOM - 1.6), 25 * mm + c.stringWidth(ret, REGULAR, 7), y(RETURN_ZONE_BOTTOM - 1.6))

    # Address zone: up to 6 lines, never wider than the window.
    width_pt = (ADDRESS_FIELD.x2 - 25.0 - 2.0) * mm
    top = RETURN_ZONE_BOTTOM + 4.0
    for i, line in enumerate(address_lines[:MAX_ADDRESS_LINES]):
        text, size = _fit_line(c, line, REGULAR, 10, width_pt)
        c.setFont(REGULAR, size)
        c.drawString(25 * mm, y(top + i * 4.4), text)

    # Information block.
    info = [
        ("Ansprechperson", event.contacts[0].name if event.contacts else ""),  # any contact, any gender
        ("Telefon", event.contacts[0].phone if event.contacts else (s.phone or "")),
        ("Telefax", s.fax or ""),
        ("E-Mail", event.contacts[0].email if event.contacts else (s.email or "")),
        ("Datum", letter_date_text or date_short_de(event.letter.date)),
    ]
    row = INFO_BLOCK_Y
    for label, value in info:
        if not value:
            continue
        c.setFont(REGULAR, 7.5)
        c.setFillColorRGB(0.3, 0.3, 0.3)
        c.drawString(INFO_BLOCK_X * mm, y(row), label)
        c.setFillColorRGB(0, 0, 0)
        text, size = _fit_line(c, value, REGULAR, 9, 65 * mm)
        c.setFont(REGULAR, size)
        c.drawString(INFO_BLOCK_X * mm, y(row + 3.6), text)
        row += 8.0

    # Fold marks and punch mark on the left edge.
    c.setLineWidth(0.3)
    c.setStrokeColorRGB(0.4, 0.4, 0.4)
    for fold in FOLD_MARKS:
        c.line(4 * mm, y(fold), 9 * mm, y(fold))
    c.line(4 * mm, y(PUNCH_MARK), 11 * mm, y(PUNCH_MARK))
    c.setStrokeColorRGB(0, 0, 0)


def letter_flowables(event: Event, salutation: str | None) -> list[Flowable]:
    """Subject, salutation, body, closing and signature of the cover letter."""
    letter = event.letter
    body = styles.body(10, "left", 4.5)
    subj = body.clone("subject", fontName=BOLD, fontSize=11, leading=13.5, spaceAfter=10)
    out: list[Flowable] = [
        Paragraph(_esc(letter.subject), subj),
        Paragraph(_esc(salutation or letter.salutation), body),
    ]
    out += [Paragraph(_esc(p), body) for p in letter.paragraphs]
    out.append(Paragraph(_esc(letter.closing), body))
    out.append(Spacer(1, 10 * mm))
    out.append(Paragraph(_esc(letter.signatory), body.clone("sig", spaceAfter=0)))
    out.append(Paragraph(_esc(letter.signatory_title), body.clone("sigt", fontSize=9.5, leading=12)))
    return out
