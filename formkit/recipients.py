"""Reading a mailing list as offices keep it (CSV, Excel ``.xlsx``/``.xls``, LibreOffice ``.ods``)
into typed recipients.

Spreadsheets are recognised by their first bytes (a zip or OLE2 file), not by the file name, and read
with calamine: the first sheet or the one named; cells become text as the office sees them (a
number ``7907.0`` is ``7907``, a date ``01.03.2018``). CSV and sheets then go through the same rows,
header aliases and row errors. The header row is the first row naming a name column within the
first :data:`HEADER_SEARCH_ROWS` non-empty rows: a title line above it ("Verteiler 2018") is skipped.

Accepted CSV input:

* delimiter ``;``, ``,`` or tab, sniffed from the header line;
* encoding UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252. The decision is made
  over the whole file, not from one byte: every line holding non-ASCII bytes votes for UTF-8 (it
  decodes strictly) or for Windows-1252 (it does not); the majority wins. A line that does not
  decode in the chosen encoding is reported as unreadable, the others are still used;
* German (ID, Anrede, Titel, Vorname, Nachname, Institution, Funktion, Straße/Strasse, PLZ, Ort,
  E-Mail) or English headers (id, salutation, title, first_name, last_name, institution, function,
  street, postcode, city, email, phone), in any order, case, spacing, ``-``/``_`` insensitive;
  other columns are kept by their header in ``extra`` (a packet prefills a form field of that name
  or label).

Rows:

* completely empty rows (``;;;;`` at the end of an Excel export) are skipped without a report;
* a German postcode with four digits (Excel dropped the leading zero: ``7907``) is repaired to five
  (``07907``); the repair is kept in ``notes`` and shown as a warning in the packets' manifest;
* so is a phone number of digits only without its leading zero (a column typed as number:
  ``3661876`` -> ``03661876``; German numbers in national form start with 0);
* a row without first name, last name *and* institution is rejected ("kein Name");
* a given id must satisfy :func:`formkit.ident.is_valid_recipient_id`; otherwise the row is
  **rejected**, not sanitised: the id is printed in the QR code and must identify the returned
  sheet exactly, and a silently changed id (``../../x`` → ``x``) could collide with another one;
* ids are compared case-insensitively (``R1`` and ``r1`` would be one file on Windows or macOS);
  the second occurrence is rejected with the line of the first.

Assigned ids (where the id column is missing or the cell empty): ``X`` followed by 8 characters of
Crockford base32 (no I, L, O, U — easy to read off a fax) of the SHA-256 of the recipient's
identity — first name, last name, institution and e-mail, each trimmed, NFC-normalised and
case-folded, joined by U+001F. The id therefore does not depend on the row's position: it is the
same on every run of the same list, and stays when rows are added, removed, re-sorted, or when an
address or title is corrected. Two rows for the same person get the same id; the second is
reported as a duplicate.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from formkit.errors import InputError, os_reason
from formkit.ident import is_valid_recipient_id

if TYPE_CHECKING:
    from formkit.layout.models import FormLayout

FIELDS = ("id", "salutation", "title", "first_name", "last_name", "institution", "function",
          "street", "postcode", "city", "email", "phone")
HEADER_SEARCH_ROWS = 10  # title and note lines an office puts above the header row

# Normalised header (casefolded, without spaces, '-', '_', '.') -> field.
HEADER_ALIASES: dict[str, str] = {
    "id": "id", "nr": "id", "empfängernr": "id", "empfaengernr": "id", "recipientid": "id",
    "anrede": "salutation", "salutation": "salutation",
    "titel": "title", "title": "title", "akademischergrad": "title",
    "vorname": "first_name", "firstname": "first_name", "givenname": "first_name",
    "nachname": "last_name", "name": "last_name", "familienname": "last_name", "lastname": "last_name",
    "surname": "last_name", "familyname": "last_name",
    "institution": "institution", "organisation": "institution", "organization": "institution",
    "einrichtung": "institution", "behörde": "institution", "behoerde": "institution",
    "funktion": "function", "function": "function", "position": "function",
    "straße": "street", "strasse": "street", "street": "street", "anschrift": "street",
    "straßeundhausnummer": "street", "strasseundhausnummer": "street", "address": "street",
    "plz": "postcode", "postleitzahl": "postcode", "postcode": "postcode", "zip": "postcode",
    "zipcode": "postcode", "postalcode": "postcode",
    "ort": "city", "stadt": "city", "city": "city", "town": "city",
    "email": "email", "mail": "email", "emailadresse": "email", "emailaddress": "email",
    "telefon": "phone", "tel": "phone", "telefonnummer": "phone", "rufnummer": "phone", "phone": "phone",
    "phonenumber": "phone", "telephone": "phone", "fon": "phone",
}
_NAME_FIELDS = {"first_name", "last_name", "institution"}

_FEMALE = {"frau", "fr", "ms", "mrs", "miss", "w", "f", "weiblich", "female"}
_MALE = {"herr", "herrn", "hr", "mr", "m", "männlich", "maennlich", "male"}
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class RowError:
    """A rejected row: its 1-based line number in the file and a German reason."""

    line: int
    reason: str


@dataclass(frozen=True)
class Recipient:
    """One invitee. Empty strings for missing values; ``line`` is the 1-based line in the file."""

    id: str
    salutation: str = ""
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    institution: str = ""
    function: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    email: str = ""
    phone: str = ""
    line: int = 0
    id_assigned: bool = False
    # Columns without a known meaning, (header as written, value): a form field of that name prefills.
    extra: tuple[tuple[str, str], ...] = ()
    # Repairs made while reading (German, for the manifest), e.g. a postcode given its leading zero.
    notes: tuple[str, ...] = ()

    @property
    def gender(self) -> str | None:
        """"f", "m" or None (unknown, diverse, or no salutation given)."""
        key = self.salutation.casefold().rstrip(".").strip()
        if key in _FEMALE:
            return "f"
        if key in _MALE:
            return "m"
        return None

    @property
    def full_name(self) -> str:
        """Title, first and last name: "Dr. Anna Müller" (empty for an institution only)."""
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)

    @property
    def display_name(self) -> str:
        """The person's name, else the institution (for the manifest)."""
        return self.full_name or self.institution

    @property
    def address_lines(self) -> tuple[str, ...]:
        """DIN 5008 address block: institution, function, "Frau Dr. Anna Müller", street, "PLZ Ort".

        At most 5 logical lines (the address zone holds 6; the caller may wrap a long one).
        """
        lines: list[str] = []
        if self.institution:
            lines.append(self.institution)
        if self.function:
            lines.append(self.function)
        if self.full_name:
            g = self.gender
            form = "Frau" if g == "f" else "Herrn" if g == "m" else ""
            lines.append(f"{form} {self.full_name}".strip())
        if self.street:
            lines.append(self.street)
        place = f"{self.postcode} {self.city}".strip()
        if place:
            lines.append(place)
        return tuple(lines)

    @property
    def salutation_line(self) -> str:
        """"Sehr geehrte Frau Dr. Müller,", "Sehr geehrter Herr Weiß," or the neutral form."""
        g = self.gender
        if g is None or not self.last_name:
            return "Sehr geehrte Damen und Herren,"
        who = " ".join(p for p in (self.title, self.last_name) if p)
        return f"Sehr geehrte Frau {who}," if g == "f" else f"Sehr geehrter Herr {who},"

    @property
    def institution_function(self) -> str:
        """"Landratsamt Gotha, Leiterin Jugendamt" (for the registration sheet)."""
        return ", ".join(p for p in (self.institution, self.function) if p)

    @property
    def postal_address(self) -> str:
        """Street and place on two lines (for the multi-line address field)."""
        place = f"{self.postcode} {self.city}".strip()
        return "\n".join(p for p in (self.street, place) if p)

    def prefill_values(self, fields: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
        """What the packet prints into the registration sheet (the fields stay editable).

        *fields* are the sheet's text fields as (name, label): a list column whose header is a
        field's name or label ("Landkreis" for a field labelled "Landkreis:") prefills that field.
        """
        values = {"name": self.full_name, "institution": self.institution_function,
                  "address": self.postal_address, "email": self.email, "phone": self.phone}
        by_header = {_header_key(h): v for h, v in self.extra}
        for name, label in fields:
            if values.get(name):
                continue
            for key in (_header_key(name), _header_key(label.rstrip(": "))):
                if key in by_header:
                    values[name] = by_header[key]
                    break
        return {k: v for k, v in values.items() if v}


def sheet_prefill(r: Recipient, forms: Sequence[FormLayout] = ()) -> dict[str, str]:
    """What a packet prefills into *r*'s sheets (the fields stay editable in the e-mail PDF): the
    list's known columns, and any other column named like one of the forms' text fields. The
    packets print it and the scan reader verifies it: one rule for both."""
    return r.prefill_values([(f.name, f.label) for form in forms for f in form.fields if f.type == "text"])


def assigned_id(first_name: str, last_name: str, institution: str, email: str) -> str:
    """The stable id for a row without one (see the module docstring for the rule)."""
    key = "\x1f".join(_norm(v).casefold() for v in (first_name, last_name, institution, email))
    digest = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:5], "big")
    chars = []
    for _ in range(8):
        chars.append(_CROCKFORD[digest & 31])
        digest >>= 5
    return "X" + "".join(reversed(chars))


def _norm(value: str) -> str:
    """NFC (macOS exports decomposed umlauts), whitespace runs (incl. NBSP, newlines) to one space."""
    return _WS.sub(" ", unicodedata.normalize("NFC", value)).strip()


def _header_key(value: str) -> str:
    v = unicodedata.normalize("NFC", value).casefold().strip().lstrip("\ufeff")
    return re.sub(r"[\s\-_./]+", "", v)


def _decode(data: bytes) -> tuple[str, str, list[RowError]]:
    """Decode the file; returns (text, encoding name, unreadable lines).

    Unreadable lines are replaced by empty lines, so line numbers stay right.
    """
    if data.startswith(codecs.BOM_UTF8):
        enc, body = "utf-8-sig", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as e:
            raise InputError(f"UTF-16-Datei nicht lesbar: {e.reason}") from None
    else:
        enc, body = "", data
    raw_lines = body.split(b"\n")
    if not enc:
        utf8_votes = cp_votes = 0
        for raw in raw_lines:
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
                utf8_votes += 1
            except UnicodeDecodeError:
                cp_votes += 1
        enc = "cp1252" if cp_votes > utf8_votes else "utf-8"
    codec = "utf-8" if enc == "utf-8-sig" else enc
    out: list[str] = []
    errors: list[RowError] = []
    for i, raw in enumerate(raw_lines, start=1):
        try:
            out.append(raw.decode(codec))
        except UnicodeDecodeError:
            label = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}[codec]
            errors.append(RowError(i, f"Zeile nicht lesbar: keine gültige {label}-Kodierung wie der Rest der Datei"))
            out.append("")
    return "\n".join(out), enc, errors


def _sniff_delimiter(lines: list[str], source: str) -> str:
    """The delimiter of the first of the leading non-empty lines that has one (a title line has none)."""
    for line in [x for x in lines if x.strip()][:HEADER_SEARCH_ROWS]:
        counts = {d: line.count(d) for d in (";", ",", "\t")}
        best = max(counts, key=lambda d: counts[d])
        if counts[best]:
            return best
    raise InputError(f"{source}: Kopfzeile ohne Trennzeichen (erwartet ';' oder ',' bei CSV, oder eine "
                     "Excel-/LibreOffice-Tabelle): keine Spaltenüberschriften erkannt")


def _logical_rows(text: str, delimiter: str) -> Iterable[tuple[int, list[str] | None, str | None]]:
    """(first line of the record, cells) — or (line, None, reason) when csv cannot parse it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield start, None, f"Zeile nicht lesbar (CSV-Fehler: {e})"
            return  # the reader cannot resynchronise after a broken quote
        yield start, row, None
        start = reader.line_num + 1


# Spreadsheets by their first bytes: xlsx/ods are zip files, xls is an OLE2 compound file.
_SHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def is_spreadsheet(data: bytes) -> bool:
    return data.startswith(_SHEET_MAGIC)


def read_recipients(path: Path, sheet: str | None = None) -> tuple[list[Recipient], list[RowError]]:
    """Read *path* (CSV or spreadsheet); returns the usable recipients in list order and the rejected rows.

    *sheet* names the spreadsheet's sheet to read (default: the first). Raises :class:`InputError`
    naming the file when it is unusable as a whole (missing, no header, no such sheet).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: Datei nicht gefunden") from None
    except OSError as e:
        raise InputError(f"{path}: nicht lesbar ({os_reason(e)})") from None
    if is_spreadsheet(data):
        return parse_sheet(data, str(path), sheet)
    from formkit.read.sniff import sniff

    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))  # Excel's "Unicode text": NUL bytes
    if (kind := sniff(data)) is not None or (b"\x00" in data[:4096] and not utf16):
        # A returned sheet or a scan given as the list (or a list saved under the wrong name):
        # say what the file is rather than 'no delimiter in the header'.
        what = "ein PDF-Dokument" if kind is not None and not kind.is_image else "ein Bild" if kind else "keine Textdatei"
        raise InputError(f"{path}: ist {what}, keine Empfängerliste (erwartet CSV, Excel .xlsx/.xls oder "
                         "LibreOffice .ods)")
    if sheet is not None:
        raise InputError(f"{path}: --sheet gilt nur für Excel- oder LibreOffice-Tabellen, dies ist eine CSV-Datei")
    return parse_recipients(data, str(path))


def parse_recipients(data: bytes, source: str = "Empfängerliste") -> tuple[list[Recipient], list[RowError]]:
    """Like :func:`read_recipients`, from a CSV file's bytes."""
    text, _enc, errors = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not any(line.strip() for line in lines):
        raise InputError(f"{source}: die Datei ist leer")
    return _recipients(_logical_rows(text, _sniff_delimiter(lines, source)), source, errors)


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the office reads it: 7907.0 -> "7907", a date -> "01.03.2018"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%d.%m.%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def parse_sheet(data: bytes, source: str = "Empfängerliste",
                sheet: str | None = None) -> tuple[list[Recipient], list[RowError]]:
    """Recipients from an .xlsx/.xls/.ods file's bytes; row numbers are the sheet's row numbers."""
    from python_calamine import CalamineWorkbook  # imported here: the CSV path does not need it

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        if not names:
            raise InputError(f"{source}: die Tabelle hat kein Tabellenblatt")
        if sheet is None:
            chosen = names[0]
        else:
            matches = [n for n in names if n == sheet] or [n for n in names if n.casefold() == sheet.casefold()]
            if not matches:
                raise InputError(f"{source}: kein Tabellenblatt „{sheet}“ (vorhanden: {', '.join(names)})")
            chosen = matches[0]
        cells = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except InputError:
        raise
    except Exception as e:  # calamine raises its own error types for broken or foreign files
        raise InputError(f"{source}: keine lesbare Excel- oder LibreOffice-Tabelle ({e})") from None
    rows = ((i, [_cell_text(c) for c in row], None) for i, row in enumerate(cells, start=1))
    return _recipients(rows, f"{source} (Blatt „{chosen}“)", [])


def _header_columns(cells: list[str]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for i, name in enumerate(cells):
        key = HEADER_ALIASES.get(_header_key(name))
        if key and key not in columns.values():
            columns[i] = key
    return columns


def _repair_postcode(value: str) -> tuple[str, str | None]:
    """A four-digit German postcode lost its leading zero in a spreadsheet: 7907 -> 07907."""
    if len(value) == 4 and value.isdigit():
        return "0" + value, f"PLZ {value} ohne führende Null, zu 0{value} ergänzt"
    return value, None


def _repair_phone(value: str) -> tuple[str, str | None]:
    """A phone number typed as a number in a spreadsheet lost its leading zero: 3661876 -> 03661876.
    Only a bare run of 6-12 digits: anything written with a space, slash, dash or + was text."""
    if value.isdigit() and not value.startswith("0") and 6 <= len(value) <= 12:
        return "0" + value, f"Telefon {value} ohne führende Null, zu 0{value} ergänzt"
    return value, None


def _recipients(rows: Iterable[tuple[int, list[str] | None, str | None]], source: str,
                errors: list[RowError]) -> tuple[list[Recipient], list[RowError]]:
    """The rows of a CSV file or a sheet into recipients (the one place for header and row rules)."""
    recipients: list[Recipient] = []
    seen: dict[str, int] = {}
    columns: dict[int, str] | None = None
    extras: dict[int, str] = {}
    before_header = 0
    first_line = 0
    for line_no, cells, problem in rows:
        if problem is not None:
            errors.append(RowError(line_no, problem))
            continue
        assert cells is not None
        if columns is None:
            if not any(c.strip() for c in cells):
                continue
            found = _header_columns(cells)
            if not _NAME_FIELDS & set(found.values()):
                # A title line above the header, or no header at all.
                first_line = first_line or line_no
                before_header += 1
                if before_header < HEADER_SEARCH_ROWS:
                    continue
                break
            columns = found
            extras = {i: _norm(c) for i, c in enumerate(cells) if i not in columns and _norm(c)}
            continue
        values = {key: _norm(cells[i]) if i < len(cells) else "" for i, key in columns.items()}
        if not any(values.values()) and not any(c.strip() for c in cells):
            continue  # an empty row
        if not (values.get("first_name") or values.get("last_name") or values.get("institution")):
            errors.append(RowError(line_no, "kein Name: weder Vorname, Nachname noch Institution angegeben"))
            continue
        rid = values.pop("id", "")
        assigned = not rid
        if assigned:
            rid = assigned_id(values.get("first_name", ""), values.get("last_name", ""),
                              values.get("institution", ""), values.get("email", ""))
        elif not is_valid_recipient_id(rid):
            errors.append(RowError(line_no, f"ungültige ID {rid!r}: erlaubt sind bis zu 32 Buchstaben, "
                                            "Ziffern, '.', '_', '-' (nicht am Anfang, kein '..')"))
            continue
        first = seen.get(rid.casefold())
        if first is not None:
            what = "dieselbe Person (gleiche zugewiesene ID)" if assigned else f"doppelte ID {rid!r}"
            errors.append(RowError(line_no, f"{what} wie in Zeile {first}"))
            continue
        seen[rid.casefold()] = line_no
        notes: list[str] = []
        if "postcode" in values:
            values["postcode"], note = _repair_postcode(values["postcode"])
            if note:
                notes.append(note)
        if "phone" in values:
            values["phone"], note = _repair_phone(values["phone"])
            if note:
                notes.append(note)
        extra = tuple((h, _norm(cells[i])) for i, h in extras.items() if i < len(cells) and _norm(cells[i]))
        recipients.append(Recipient(id=rid, line=line_no, id_assigned=assigned, extra=extra, notes=tuple(notes),
                                    **values))
    if columns is None:
        if first_line:
            raise InputError(
                f"{source}: Zeile {first_line}: keine Spalte für Namen erkannt (erwartet z. B. "
                "'Vorname', 'Nachname', 'Institution' oder 'first_name', 'last_name', 'institution')"
            )
        raise InputError(f"{source}: keine Kopfzeile gefunden")
    errors.sort(key=lambda e: e.line)
    return recipients, errors
