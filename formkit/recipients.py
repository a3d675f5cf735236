"""Reading a mailing list (CSV) as exported by real offices into typed recipients.

Accepted input:

* delimiter ``;``, ``,`` or tab, sniffed from the header line;
* encoding UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252. The decision is made
  over the whole file, not from one byte: every line holding non-ASCII bytes votes for UTF-8 (it
  decodes strictly) or for Windows-1252 (it does not); the majority wins. A line that does not
  decode in the chosen encoding is reported as unreadable, the others are still used;
* German (ID, Anrede, Titel, Vorname, Nachname, Institution, Funktion, Straße/Strasse, PLZ, Ort,
  E-Mail) or English headers (id, salutation, title, first_name, last_name, institution, function,
  street, postcode, city, email), in any order, case, spacing, ``-``/``_`` insensitive; unknown
  columns are ignored.

Rows:

* completely empty rows (``;;;;`` at the end of an Excel export) are skipped without a report;
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
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from formkit.errors import InputError
from formkit.ident import is_valid_recipient_id

FIELDS = ("id", "salutation", "title", "first_name", "last_name", "institution", "function",
          "street", "postcode", "city", "email")

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
}

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
    line: int = 0
    id_assigned: bool = False

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

    def prefill_values(self) -> dict[str, str]:
        """What the packet prints into the registration sheet (the fields stay editable)."""
        values = {"name": self.full_name, "institution": self.institution_function,
                  "address": self.postal_address, "email": self.email}
        return {k: v for k, v in values.items() if v}


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


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise InputError("Kopfzeile ohne Trennzeichen (erwartet ';' oder ','): keine Spaltenüberschriften erkannt")
    return best


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


def read_recipients(path: Path) -> tuple[list[Recipient], list[RowError]]:
    """Read *path*; returns the usable recipients in list order and the rejected rows.

    Raises :class:`InputError` when the file as a whole is unusable (missing, no header).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: Datei nicht gefunden") from None
    except OSError as e:
        raise InputError(f"{path}: nicht lesbar ({e.strerror})") from None
    return parse_recipients(data, str(path))


def parse_recipients(data: bytes, source: str = "Empfängerliste") -> tuple[list[Recipient], list[RowError]]:
    """Like :func:`read_recipients`, from the file's bytes."""
    text, _enc, errors = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    header_idx = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_idx is None:
        raise InputError(f"{source}: die Datei ist leer")
    delimiter = _sniff_delimiter(lines[header_idx])

    recipients: list[Recipient] = []
    seen: dict[str, int] = {}
    columns: dict[int, str] | None = None
    for line_no, cells, problem in _logical_rows(text, delimiter):
        if problem is not None:
            errors.append(RowError(line_no, problem))
            continue
        assert cells is not None
        if columns is None:
            if not any(c.strip() for c in cells):
                continue
            columns = {}
            for i, name in enumerate(cells):
                key = HEADER_ALIASES.get(_header_key(name))
                if key and key not in columns.values():
                    columns[i] = key
            if not {"first_name", "last_name", "institution"} & set(columns.values()):
                raise InputError(
                    f"{source}: Zeile {line_no}: keine Spalte für Namen erkannt (erwartet z. B. "
                    "'Vorname', 'Nachname', 'Institution' oder 'first_name', 'last_name', 'institution')"
                )
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
        recipients.append(Recipient(id=rid, line=line_no, id_assigned=assigned, **values))
    if columns is None:
        raise InputError(f"{source}: keine Kopfzeile gefunden")
    errors.sort(key=lambda e: e.line)
    return recipients, errors
