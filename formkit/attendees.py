"""The attendee list for the door (Teilnehmerliste): name, institution and a signature column.

Sorted by surname the way German lists are (DIN 5007-1: ä as a, ß as ss, case ignored); names are
printed "Nachname, Vorname" so the list reads in its own order.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from formkit.errors import InputError
from formkit.geometry import A4
from formkit.layout.event import Event, Meeting
from formkit.layout.text import date_de
from formkit.render import styles
from formkit.render.fonts import BOLD, REGULAR, register_fonts
from formkit.store import Store


@dataclass(frozen=True)
class Attendee:
    name: str
    institution: str = ""


def surname_first(name: str) -> str:
    """'Anna Müller' -> 'Müller, Anna'; 'Müller, Anna' stays; a single word stays."""
    name = " ".join(name.split())
    if "," in name or " " not in name:
        return name
    first, _, last = name.rpartition(" ")
    return f"{last}, {first}"


def sort_key(name: str) -> tuple[str, str]:
    text = surname_first(name).replace("ß", "ss").replace("ẞ", "SS")
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return (folded, text)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attendee(r: Attendee | Mapping[str, Any]) -> Attendee:
    if isinstance(r, Attendee):
        return r
    return Attendee(str(r.get("name") or ""), str(r.get("institution") or ""))


def render_attendee_list(records: Iterable[Attendee | Mapping[str, Any]], meeting: Meeting,
                         out_path: Path | None = None, title: str = "Teilnehmerliste",
                         subtitle: str = "") -> bytes:
    """Render the list; *records* are attendees or mappings with ``name`` and ``institution``.

    Writes *out_path* when given and returns the PDF bytes (deterministic: same input, same bytes).
    """
    register_fonts()
    people = sorted((_attendee(r) for r in records), key=lambda a: sort_key(a.name))
    buf = io.BytesIO()
    margins = (18.0, 15.0, 18.0, 20.0)  # top, right, bottom, left
    heading = f"{title} · Regionaltreffen {meeting.city} · {date_de(meeting.date)}"

    def decorate(c: Canvas, doc: Any) -> None:
        c.saveState()
        c.setFont(REGULAR, 8)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        c.drawString(margins[3] * mm, 10 * mm, heading)
        c.drawRightString((A4[0] - margins[1]) * mm, 10 * mm, f"Seite {doc.page}")
        c.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=(A4[0] * mm, A4[1] * mm), topMargin=margins[0] * mm,
                            rightMargin=margins[1] * mm, bottomMargin=margins[2] * mm, leftMargin=margins[3] * mm,
                            title=f"{title} {meeting.city}", author="formkit", creator="formkit",
                            invariant=1, pageCompression=1)
    body = styles.body(10, "left", 0)
    small = body.clone("att-small", fontSize=9, leading=11, textColor=(0.2, 0.2, 0.2))
    head_style = body.clone("att-head", fontName=BOLD, fontSize=9.5, textColor=(1, 1, 1))
    story: list[Any] = [
        Paragraph(_esc(title), styles.heading(1)),
        Paragraph(f"<b>Regionaltreffen {_esc(meeting.region)}</b> · {date_de(meeting.date)} · "
                  f"{_esc(meeting.venue)}, {_esc(meeting.street)}, {_esc(meeting.postcode)} {_esc(meeting.city)}, "
                  f"Raum {_esc(meeting.room)}", body),
    ]
    if subtitle:
        story.append(Paragraph(_esc(subtitle), small))
    story.append(Spacer(1, 3 * mm))
    count = "1 angemeldete Person" if len(people) == 1 else f"{len(people)} angemeldete Personen"
    story.append(Paragraph(f"{count} (Plätze: {meeting.capacity})", small))
    story.append(Spacer(1, 4 * mm))
    width = (A4[0] - margins[1] - margins[3]) * mm
    cols = [10 * mm, 55 * mm, width - 10 * mm - 55 * mm - 55 * mm, 55 * mm]
    rows: list[list[Any]] = [[Paragraph("Nr.", head_style), Paragraph("Name", head_style),
                              Paragraph("Institution", head_style), Paragraph("Unterschrift", head_style)]]
    for i, a in enumerate(people, 1):
        rows.append([Paragraph(str(i), body), Paragraph(f"<b>{_esc(surname_first(a.name))}</b>", body),
                     Paragraph(_esc(a.institution), small), ""])
    if not people:
        rows.append(["", Paragraph("(niemand angemeldet)", small), "", ""])
    table = Table(rows, colWidths=cols, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), styles.DARK_BLUE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [(1, 1, 1), (0.95, 0.96, 0.98)]),
        ("GRID", (0, 0), (-1, -1), 0.4, (0.6, 0.6, 0.6)),
        # Room to sign: a one-line row is about 10 mm high.
        ("TOPPADDING", (0, 1), (-1, -1), 9),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 9),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ]))
    story.append(table)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    data = buf.getvalue()
    if out_path is not None:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_path.with_suffix(out_path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(out_path)
    return data


def attendees_from_store(store: Store, meeting: Meeting, campaign: str | None = None) -> tuple[list[Attendee], str]:
    """Who belongs on the door list of *meeting* (of *campaign*), and a line saying on what basis.

    With a stored allocation (``formkit allocate``): the seated registrants. Without one: every
    record with status ``ok`` for this venue.
    """
    values = {f"{r.provenance.sha256}:{r.provenance.page}": r for r in store.records(campaign=campaign)
              if r.provenance.page}
    allocations = store.load_allocations(campaign)
    if allocations:
        keys = [a.key for a in allocations if a.meeting_id == meeting.id and a.outcome == "seat"]
        people = [Attendee(values[k].values.get("name", ""), values[k].values.get("institution", ""))
                  for k in keys if k in values]
        return people, "Grundlage: Platzvergabe (formkit allocate), nur Personen mit Platz"
    people = [Attendee(r.values.get("name", ""), r.values.get("institution", "")) for r in values.values()
              if r.status == "ok" and r.values.get("venue", "").casefold() == meeting.city.casefold()]
    return people, "Grundlage: alle geprüften Anmeldungen (noch keine Platzvergabe)"


def export_attendee_list(db: Path, venue: str, out_path: Path, event: Event) -> int:
    """``formkit export --venue CITY --format pdf``: the door list of one venue; returns the number of names."""
    meeting = event.meeting_for_venue(venue)
    if meeting is None:
        known = ", ".join(m.city for m in event.meetings)
        raise InputError(f"Veranstaltungsort „{venue}“ unbekannt; vorhanden: {known}")
    if not db.exists():
        raise InputError(f"{db}: Datenbank nicht gefunden (zuerst „formkit parse“ ausführen)")
    with Store(db) as store:
        people, basis = attendees_from_store(store, meeting, event.id)
    render_attendee_list(people, meeting, out_path, subtitle=basis)
    return len(people)
