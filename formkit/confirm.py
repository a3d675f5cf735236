"""Personal letters after the allocation: a Teilnahmebestätigung for every seated registrant and a
waiting-list letter for the others, one PDF each, a combined print file and a CSV of who got what.

The letters are layouts (``layouts/confirmation.yaml``, ``layouts/waitlist.yaml``): a DIN 5008
letter head (the ``letter`` block, addressed to the registrant) followed by templated blocks. The
template context is the event data plus ``recipient``, ``meeting``, ``allocation`` and ``today``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from formkit.allocate import Allocation
from formkit.errors import LayoutError
from formkit.export import safe_cell
from formkit.filenames import slugify
from formkit.geometry import A4
from formkit.layout import rules
from formkit.layout.event import Event, Meeting
from formkit.layout.loader import LayoutRegistry, LoadedLayout
from formkit.layout.text import date_short_de
from formkit.recipients import Recipient
from formkit.render.document import RenderOptions, RenderResult, new_canvas, render_layout
from formkit.store import Store

CONFIRMATION_LAYOUT = "confirmation"
WAITLIST_LAYOUT = "waitlist"
CSV_COLUMNS = ("id", "letter", "file", "name", "institution", "email", "venue", "date", "position",
               "received", "received_source", "record_key")
LETTER_DE = {"seat": "Teilnahmebestätigung", "waitlist": "Warteliste"}


@dataclass(frozen=True)
class Addressee:
    """The registrant as the returned sheet names them (values after review corrections)."""

    key: str  # record key in the store
    name: str
    institution: str = ""
    address: str = ""
    email: str = ""
    recipient_id: str | None = None
    salutation: str | None = None  # from the mailing list, where the packet carried an id

    @property
    def id(self) -> str:
        """Recipient id where known, else a short, stable id from the record key."""
        if self.recipient_id:
            return self.recipient_id
        sha, _, page = self.key.partition(":")
        return f"R{sha[:8]}" + (f"-{page}" if page and page != "1" else "")

    @property
    def display_name(self) -> str:
        """'Müller, Anna' (as written on the sheet) -> 'Anna Müller'."""
        return display_name(self.name)

    @property
    def address_lines(self) -> tuple[str, ...]:
        lines = [self.display_name] if self.display_name else []
        if self.institution:
            lines.insert(0, self.institution)
        lines += split_address(self.address)
        return tuple(lines)


def display_name(name: str) -> str:
    name = " ".join(name.split())
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        if last and first:
            return f"{first} {last}"
    return name


_PLACE = re.compile(r"\b\d{5}\s+\S")


def split_address(address: str) -> list[str]:
    """Address lines for the window: newlines as written, or 'Straße 1, 99084 Erfurt' split at the comma."""
    lines = [" ".join(line.split()) for line in address.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) == 1 and "," in lines[0]:
        head, _, tail = lines[0].rpartition(",")
        if _PLACE.match(tail.strip()):
            lines = [head.strip(), tail.strip()]
    return lines


def letter_context(event: Event, addressee: Addressee, meeting: Meeting, allocation: Allocation,
                   today: dt.date) -> dict[str, Any]:
    recipient = {
        "id": addressee.id,
        "name": addressee.name,
        "display_name": addressee.display_name,
        "institution": addressee.institution,
        "address": addressee.address,
        "email": addressee.email,
        "salutation": addressee.salutation or _salutation(addressee),
    }
    return rules.letter_context(recipient, meeting, allocation.outcome, allocation.position, today)


def _salutation(addressee: Addressee) -> str:
    # The sheet does not say how a person wants to be addressed: a neutral, personal form.
    return f"Guten Tag {addressee.display_name}," if addressee.display_name else "Sehr geehrte Damen und Herren,"


def draw_letter(c: Canvas, registry: LayoutRegistry, loaded: LoadedLayout, context: dict[str, Any],
                address_lines: Sequence[str], today: dt.date) -> RenderResult:
    """Draw a letter layout with the registrant's *context*; its ``letter`` block draws the head."""
    options = RenderOptions(address_lines=tuple(address_lines), context=context, letter_date=date_short_de(today))
    return render_layout(c, loaded, registry, options)


@dataclass(frozen=True)
class Letter:
    addressee: Addressee
    allocation: Allocation
    meeting: Meeting
    path: Path

    @property
    def kind(self) -> str:
        return LETTER_DE[self.allocation.outcome]


@dataclass
class ConfirmResult:
    letters: list[Letter] = field(default_factory=list)
    print_file: Path | None = None
    csv_file: Path | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (record key, reason)

    def count(self, outcome: str) -> int:
        return sum(1 for x in self.letters if x.allocation.outcome == outcome)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def render_letters(registry: LayoutRegistry, people: Sequence[tuple[Addressee, Allocation]],
                   out_dir: Path, today: dt.date | None = None) -> ConfirmResult:
    """One PDF per seated or waiting registrant, ``print.pdf`` with all of them, ``confirmations.csv``.

    Pending and non-participating records get no letter (listed in ``skipped``).
    """
    today = today or dt.date.today()
    layouts = {"seat": registry.get(CONFIRMATION_LAYOUT), "waitlist": registry.get(WAITLIST_LAYOUT)}
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ConfirmResult()
    order = {"seat": 0, "waitlist": 1}
    chosen = [(a, al) for a, al in people if al.outcome in order]
    for a, al in people:
        if al.outcome not in order:
            result.skipped.append((a.key, al.note or al.outcome))
    # Print order: by venue (as in the event), seats before the waiting list, then by name.
    event = layouts["seat"].event
    if event is None:
        raise LayoutError(f"{layouts['seat'].path}: Veranstaltungsdaten (event) fehlen")
    meeting_order = {m.id: i for i, m in enumerate(event.meetings)}
    chosen.sort(key=lambda p: (meeting_order.get(p[1].meeting_id or "", 99), order[p[1].outcome],
                               p[1].position or 0, p[0].key))
    print_buf = io.BytesIO()
    print_canvas = new_canvas(print_buf, "Teilnahmebestätigungen und Wartelistenbriefe")
    used: set[str] = set()
    for addressee, allocation in chosen:
        loaded = layouts[allocation.outcome]
        if allocation.meeting_id is None:
            result.skipped.append((addressee.key, "kein Veranstaltungsort"))
            continue
        meeting = event.meeting(allocation.meeting_id)
        ctx = letter_context(event, addressee, meeting, allocation, today)
        name = f"{addressee.id}-{slugify(addressee.display_name or addressee.institution, fallback='ohne-name')}"
        while name in used:
            name += "-2"
        used.add(name)
        path = out_dir / f"{name}.pdf"
        buf = io.BytesIO()
        c = new_canvas(buf, f"{loaded.layout.title} – {addressee.display_name}")
        draw_letter(c, registry, loaded, ctx, addressee.address_lines, today)
        c.save()
        _atomic_write(path, buf.getvalue())
        draw_letter(print_canvas, registry, loaded, ctx, addressee.address_lines, today)
        result.letters.append(Letter(addressee, allocation, meeting, path))
    if not result.letters:
        print_canvas.setFont("Helvetica", 11)
        print_canvas.drawString(25 * mm, (A4[1] - 30) * mm, "Keine Briefe: niemand hat einen Platz oder Wartelistenplatz.")
        print_canvas.showPage()
    print_canvas.save()
    result.print_file = out_dir / "print.pdf"
    _atomic_write(result.print_file, print_buf.getvalue())
    result.csv_file = out_dir / "confirmations.csv"
    _write_csv(result.csv_file, result.letters)
    return result


def _write_csv(path: Path, letters: Sequence[Letter]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for x in letters:
        al = x.allocation
        row = [x.addressee.id, x.kind, x.path.name, x.addressee.name, x.addressee.institution, x.addressee.email,
               x.meeting.city, x.meeting.date.isoformat(), str(al.position or ""),
               al.received.isoformat() if al.received else "", al.received_source, x.addressee.key]
        w.writerow([safe_cell(v) for v in row])
    _atomic_write(path, buf.getvalue().encode("utf-8"))


def addressees_from_store(store: Store, recipients: Sequence[Recipient] = ()) -> dict[str, Addressee]:
    """Record key -> the registrant as the (possibly corrected) record names them.

    With the mailing list, a record whose sheet carried a recipient id gets that recipient's
    salutation ("Sehr geehrte Frau Dr. Müller,"); name and address stay as written on the sheet.
    """
    by_id = {r.id.casefold(): r for r in recipients}
    out = {}
    for rec in store.records():
        p = rec.provenance
        if not p.page:
            continue
        v = rec.values
        key = f"{p.sha256}:{p.page}"
        out[key] = Addressee(key=key, name=v.get("name", ""), institution=v.get("institution", ""),
                             address=v.get("address", ""), email=v.get("email", "") or p.sender,
                             recipient_id=rec.recipient_id or None,
                             salutation=_salutation_from_list(by_id.get(rec.recipient_id.casefold()), v))
    return out


def _salutation_from_list(recipient: Recipient | None, values: dict[str, str]) -> str | None:
    # Only when the person who wrote the sheet is the invitee (a deputy may have registered).
    if recipient is None or not recipient.last_name:
        return None
    if recipient.last_name.casefold() not in values.get("name", "").casefold():
        return None
    return recipient.salutation_line


def render_sample_letter(registry: LayoutRegistry, name: str, out: Path) -> RenderResult:
    """`formkit render confirmation|waitlist`: the letter for a sample registrant at the first meeting."""
    loaded = registry.get(name)
    if loaded.event is None:
        raise LayoutError(f"{loaded.path}: Veranstaltungsdaten (event) fehlen")
    outcome = "waitlist" if name == WAITLIST_LAYOUT else "seat"
    ctx = rules.sample_letter_context(loaded.event, outcome)
    buf = io.BytesIO()
    c = new_canvas(buf, f"{loaded.layout.title} (Muster)")
    result = draw_letter(c, registry, loaded, ctx, rules.SAMPLE_ADDRESS, loaded.event.letter.date)
    c.save()
    out.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(out, buf.getvalue())
    return result
