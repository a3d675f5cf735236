"""Flow blocks of a layout page turned into reportlab flowables."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from formkit.errors import LayoutError
from formkit.layout.event import Event, Statements
from formkit.layout.models import (
    AgendaBlock,
    BulletsBlock,
    ContactsBlock,
    HeadingBlock,
    LetterBlock,
    MeetingDatesBlock,
    NotesBlock,
    ParagraphBlock,
    SpacerBlock,
    StatementBlock,
    VenuesBlock,
)
from formkit.layout.text import date_de, render_text, time_de
from formkit.render import styles
from formkit.render.fonts import BOLD, REGULAR

Block = Any


def _p(text: str, style: Any) -> Paragraph:
    return Paragraph(text, style)


def _esc(text: str) -> str:
    return render_text(text, {})


def _need_event(event: Event | None, block: Block) -> Event:
    if event is None:
        raise LayoutError(f"Block „{block.type}“ braucht Veranstaltungsdaten (Schlüssel 'event' im Layout)")
    return event


def _bullets(items: list[str], size: float = 10.5) -> list[Flowable]:
    style = styles.body(size, "left", 3.0)
    bstyle = style.clone("bullet", leftIndent=5 * mm, bulletIndent=1 * mm)
    return [Paragraph(item, bstyle, bulletText="•") for item in items]


def meeting_dates(event: Event, columns: int, width: float, compact: bool = False) -> Flowable:
    """The dates in *columns*; *compact* (a form header with many meetings): numeric dates, three
    columns, a smaller font, so that up to eight meetings fit where four did."""
    if compact:
        cells = [f"<b>{m.date.day}.{m.date.month}.{m.date.year}</b> {_esc(m.city)}" for m in event.meetings]
        style = styles.body(9.5, "left", 0)
        columns = 3 if len(cells) > 4 else columns
    else:
        cells = [f"<b>{date_de(m.date)}</b> in {_esc(m.city)}" for m in event.meetings]
        style = styles.body(11, "left", 0)
    paras = [_p(c, style) for c in cells]
    if columns == 1:
        rows = [[p] for p in paras]
        col_widths = [width]
    else:
        # Row-major, so the dates read in order: Sonneberg | Gotha, then Sondershausen | Schleiz.
        rows = [[paras[i + k] if i + k < len(paras) else "" for k in range(columns)]
                for i in range(0, len(paras), columns)]
        col_widths = [width / columns] * columns
    t = Table(rows, colWidths=col_widths, hAlign="LEFT")
    t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                           ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    return t


def agenda(event: Event, title: str, width: float) -> list[Flowable]:
    out: list[Flowable] = [_p(_esc(title), styles.heading(2))]
    body = styles.body(10.5, "left", 1.5)
    org = body.clone("org", fontSize=9.5, leading=12, textColor=(0.25, 0.25, 0.25))
    rows = []
    for item in event.agenda:
        cell: list[Flowable] = [_p(f"<b>{_esc(item.title)}</b>", body)]
        if item.note and not item.speakers:
            cell.append(_p(_esc(item.note), body))
        for sp in item.speakers:
            cell.append(_p(_esc(sp.name), body))
            cell.append(_p(_esc(sp.organisation), org))
        if item.note and item.speakers:
            cell.append(_p(f"<i>{_esc(item.note)}</i>", body))
        rows.append([_p(time_de(item.time), body), cell])
    t = Table(rows, colWidths=[25 * mm, width - 25 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 0), (-1, -2), 0.3, (0.75, 0.75, 0.75)),
    ]))
    out.append(t)
    if event.moderation:
        out.append(Spacer(1, 4 * mm))
        out.append(_p("<b>Moderation</b>", body))
        out.append(_p(_esc(event.moderation.name), body))
        out.append(_p(_esc(event.moderation.organisation), org))
    return out


def _together(parts: list[Flowable], width: float) -> Flowable:
    """Keep *parts* on one page: a one-cell table moves to the next page whole."""
    t = Table([[parts]], colWidths=[width], hAlign="LEFT")
    t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return t


def venues(event: Event, width: float) -> list[Flowable]:
    body = styles.body(10, "left", 1.5)
    label = body.clone("label", fontName=BOLD, fontSize=9, textColor=styles.DARK_BLUE, spaceBefore=3)
    out: list[Flowable] = []
    for m in event.meetings:
        part: list[Flowable] = [
            _p(f"<b>{date_de(m.date)} · {_esc(m.region)}</b>", styles.heading(3)),
            _p(_esc(m.invited), body),
            _p("Veranstaltungsort", label),
            _p(f"<b>{_esc(m.venue)}</b>", body),
            _p(f"{_esc(m.street)}, {_esc(m.postcode)} {_esc(m.city)} (Raum: {_esc(m.room)})", body),
            _p(f"<i>Hinweis:</i> {_esc(m.parking)}", body),
            Spacer(1, 3 * mm),
        ]
        out.append(_together(part, width))
    return out


def contacts(event: Event, width: float) -> Flowable:
    body = styles.body(9.5, "left", 0.5)
    cells = []
    for c in event.contacts:
        lines = [f"<b>{_esc(c.name)}</b>", _esc(c.organisation)]
        if c.unit:
            lines.append(_esc(c.unit))
        lines += [_esc(c.street), f"{_esc(c.postcode)} {_esc(c.city)}",
                  f"Telefon: {_esc(c.phone)}, E-Mail: {_esc(c.email)}"]
        cells.append([_p(line, body) for line in lines])
    n = max(len(cells), 1)
    t = Table([cells], colWidths=[width / n] * n, hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm)]))
    return t


def statement(statements: Statements, commune_name: str, programme_fallback: str) -> list[Flowable]:
    try:
        commune = statements.commune(commune_name)
    except KeyError:
        known = ", ".join(c.name for c in statements.communes)
        raise LayoutError(f"statement.commune: „{commune_name}“ unbekannt; vorhanden: {known}") from None
    title = styles.body(14, "left", 8).clone("st-title", leading=18, textColor=styles.DARK_BLUE)
    out: list[Flowable] = [
        _p(f"Leitgedanken der Modellkommune <b>{_esc(commune.name)}</b> zur Teilnahme am "
           f"{_esc(statements.programme or programme_fallback)}", title)
    ]
    prompt_style = styles.body(11, "left", 4).clone("prompt", fontName=BOLD, spaceBefore=8)
    for prompt in statements.prompts:
        out.append(_p(_esc(prompt.text), prompt_style))
        out.extend(_bullets([_esc(a) for a in commune.answers.get(prompt.id, [])], 10.5))
    return out


def to_flowables(
    block: Block,
    context: dict[str, Any],
    event: Event | None,
    statements: Statements | None,
    width: float,
    compact: bool = False,
) -> list[Flowable]:
    """One block as flowables; *width* is the frame width in points; *compact* for a crowded form header."""
    if isinstance(block, HeadingBlock):
        return [_p(render_text(block.text, context), styles.heading(block.level))]
    if isinstance(block, ParagraphBlock):
        return [_p(render_text(block.text, context), styles.body(block.size, block.align))]
    if isinstance(block, BulletsBlock):
        return _bullets([render_text(i, context) for i in block.items])
    if isinstance(block, SpacerBlock):
        return [Spacer(1, block.height * mm)]
    if isinstance(block, MeetingDatesBlock):
        return [meeting_dates(_need_event(event, block), block.columns, width, compact)]
    if isinstance(block, AgendaBlock):
        return agenda(_need_event(event, block), block.title, width)
    if isinstance(block, VenuesBlock):
        return venues(_need_event(event, block), width)
    if isinstance(block, ContactsBlock):
        return [contacts(_need_event(event, block), width)]
    if isinstance(block, NotesBlock):
        ev = _need_event(event, block)
        return [_p(_esc(block.title), styles.heading(2)), *_bullets([_esc(n) for n in ev.notes])]
    if isinstance(block, StatementBlock):
        if statements is None:
            raise LayoutError("Block „statement“ braucht Stellungnahmen (Schlüssel 'statements' im Layout)")
        return statement(statements, block.commune, event.programme if event else "")
    if isinstance(block, LetterBlock):
        raise LayoutError("Block „letter“ muss der erste Block seiner Seite sein")
    raise LayoutError(f"unbekannter Block: {block!r}")


__all__ = ["REGULAR", "to_flowables"]
