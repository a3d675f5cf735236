"""Excel export of records (and the door lists): a real workbook an office opens and filters.

Sheet „Anmeldungen“ has the CSV contract's columns in the same order (:data:`formkit.export.ALL_COLUMNS`),
typed: page and scores as numbers, the receipt time as a date-time (office time, Excel has no time
zones), a registration date written as a date where it reads as one. The header row is frozen and
filtered, column widths follow the content. No cell is ever a formula: every text cell is stored
with the string type, which Excel and LibreOffice never evaluate; the values are written as read,
without the apostrophe the CSV puts before a formula sign (a phone number '+49 …' stays as it is).

Sheet „Teilnehmer“ (when door lists are given): per meeting the people on its door list, sorted
as the printed list.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from formkit.attendees import Attendee, sort_key, surname_first
from formkit.errors import InputError, os_reason
from formkit.export import ALL_COLUMNS, check_writable, plain_row
from formkit.layout.event import Meeting
from formkit.records import OFFICE_TZ, Record

RECORDS_SHEET = "Anmeldungen"
DOOR_SHEET = "Teilnehmer"
# The door list is read by people at the door, not by programs: German headers.
DOOR_COLUMNS = ("Ort", "Datum", "Nr.", "Name", "Institution")
MIN_WIDTH, MAX_WIDTH = 6, 60
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
_GERMAN_DATE = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4}|\d{2})\s*$")
# Characters an xlsx file cannot hold (openpyxl refuses them): shown as U+FFFD, never dropped silently.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse_date(text: str) -> dt.date | None:
    """"03.04.2018", "3.4.18" or "2018-04-03" as a date; None for anything else."""
    m = _GERMAN_DATE.match(text)
    try:
        if m:
            day, month, year = int(m[1]), int(m[2]), int(m[3])
            return dt.date(year + 2000 if year < 100 else year, month, day)
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _typed(column: str, rec: Record, text: str) -> Any:
    """The cell value of one column: a number, date or date-time where the column holds one."""
    if not text:
        return None
    p = rec.provenance
    if column == "page" and p.page:
        return p.page
    if column == "confidence" and rec.confidence is not None:
        return round(rec.confidence, 3)
    if column == "match_score" and rec.match:
        return round(rec.match.score, 1)
    if column == "received" and p.received:
        t = p.received.astimezone(OFFICE_TZ) if p.received.tzinfo else p.received
        return t.replace(tzinfo=None)
    if column == "date":
        return parse_date(text) or text
    return text


def _cell(ws: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        cell = WriteOnlyCell(ws, _ILLEGAL.sub("\ufffd", value))
        cell.data_type = "s"  # never "f": openpyxl would store a text starting with '=' as a formula
        return cell
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).split("\n")), default=0)


def _sheet(wb: Any, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """A write-only sheet (openpyxl's streaming writer: no cell objects kept): widths, frozen
    header and filter are set before the rows, so the rows are measured first."""
    from openpyxl.utils import get_column_letter

    rows = list(rows)
    widths = [len(h) for h in header]
    for values in rows:
        for c, value in enumerate(values):
            widths[c] = max(widths[c], _width(value))
    ws = wb.create_sheet(title)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(w + 2, MIN_WIDTH), MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    ws.append([_cell(ws, h) for h in header])
    for values in rows:
        ws.append([_cell(ws, v) for v in values])
    return len(rows)


def write_xlsx(records: Iterable[Record], target: Path,
               door_lists: Sequence[tuple[Meeting, Sequence[Attendee]]] = ()) -> int:
    """Write the workbook to *target* (replaced atomically); returns the number of record rows."""
    from openpyxl import Workbook  # imported here: only this export needs it

    check_writable(target, "Excel-Datei")
    wb = Workbook(write_only=True)

    def record_rows() -> Iterable[list[Any]]:
        for rec in records:
            # Typed string cells (see _cell) are never evaluated: the values go in as read, without
            # the CSV's apostrophe before a formula sign, which would alter '+49 …' numbers.
            texts = plain_row(rec)
            yield [_typed(col, rec, texts[col]) for col in ALL_COLUMNS]

    n = _sheet(wb, RECORDS_SHEET, ALL_COLUMNS, record_rows())
    if door_lists:
        door_rows: list[list[Any]] = []
        for meeting, people in door_lists:
            ordered = sorted(people, key=lambda a: sort_key(a.name))
            for i, a in enumerate(ordered, start=1):
                door_rows.append([meeting.city, meeting.date, i, surname_first(a.name), a.institution])
        _sheet(wb, DOOR_SHEET, DOOR_COLUMNS, door_rows)
    # Reproducible files: the same records give the same workbook content, whenever written.
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = "formkit"
    tmp = target.with_name(target.name + ".part")
    try:
        wb.save(tmp)
        tmp.replace(target)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise InputError(f"{target}: Excel-Datei lässt sich nicht schreiben ({os_reason(e)})") from None
    return n


def export_workbook(db: Path, target: Path, events: Sequence[Any] = (), venue: str | None = None,
                    campaign: str | None = None) -> int:
    """``formkit export --format xlsx``: the stored records (of one venue or campaign, if given) and,
    for each loaded campaign's event, the door list of every meeting (of that venue). Returns the
    number of record rows."""
    from formkit.attendees import attendees_from_store
    from formkit.store import Store

    if not db.exists():
        raise InputError(f"{db}: Datenbank nicht gefunden (zuerst „formkit parse“ ausführen)")
    with Store(db) as store:
        doors: list[tuple[Meeting, Sequence[Attendee]]] = []
        for event in events:
            if campaign is not None and event.id != campaign:
                continue
            for meeting in event.meetings:
                if venue is None or meeting.city.casefold() == venue.casefold():
                    doors.append((meeting, attendees_from_store(store, meeting, event.id)[0]))
        return write_xlsx(store.records(venue=venue, campaign=campaign), target, doors)
