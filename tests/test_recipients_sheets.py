"""Mailing lists as offices keep them: Excel and LibreOffice sheets, repaired postcodes, every
list column that names a form field prefilled, and an empty list refused (issue 13, part 1)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from pypdf import PdfReader

from formkit.cli import main
from formkit.errors import InputError
from formkit.layout.loader import LayoutRegistry
from formkit.packets import make_packets
from formkit.recipients import parse_recipients, read_recipients
from tests.office import registration

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = ROOT / "layouts" / "lsz-2018"
HEADER = ["ID", "Anrede", "Vorname", "Nachname", "Institution", "Straße", "PLZ", "Ort", "E-Mail", "Telefon", "Datum"]
ROWS = [
    # Excel keeps numbers: the postcode lost its leading zero, the phone is a number too.
    ["R0001", "Frau", "Anna", "Müller", "Landratsamt Schleiz", "Oschitzer Straße 4", 7907, "Schleiz",
     "anna.mueller@lra-soc.de", "03663 4880", dt.date(2018, 4, 3)],
    ["R0002", "Herr", "Jörg", "Weiß", "Landratsamt Gotha", "18.-März-Str. 50", "99867", "Gotha",
     "j.weiss@kreis-gth.de", 36212140, None],
    [None, None, None, None, None, None, None, None, None, None, None],  # an empty row: skipped
    ["R0003", "Frau", None, None, None, "Markt 1", 7743, "Jena", None, None, None],  # no name: a row error
]


def write_xlsx(path: Path, rows: list[list[object]], title: str | None = "Verteiler Regionaltreffen 2018",
               sheet: str = "Verteiler", first: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if first is not None:  # another sheet in front of the list
        ws.title = first
        ws.append(["Notizen"])
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    if title:
        ws.append([title])
        ws.append([])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                if isinstance(value, int):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                elif value is None:
                    cell = TableCell()
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def test_xlsx_below_a_title_line(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "verteiler.xlsx", [HEADER, *ROWS])
    rs, errors = read_recipients(path)
    assert [r.id for r in rs] == ["R0001", "R0002"]
    anna, joerg = rs
    assert anna.line == 4  # the sheet's row number (title, empty row, header above it)
    assert (anna.postcode, anna.phone) == ("07907", "03663 4880")
    assert anna.notes == ("PLZ 7907 ohne führende Null, zu 07907 ergänzt",)
    assert anna.address_lines[-1] == "07907 Schleiz"
    # A phone column typed as number lost its leading zero too: repaired, with a warning.
    assert joerg.phone == "036212140" and joerg.notes == ("Telefon 36212140 ohne führende Null, zu 036212140 ergänzt",)
    assert [(e.line, e.reason.split(":")[0]) for e in errors] == [(7, "kein Name")]
    # A column without a known meaning prefills the form field of that name or label.
    assert dict(anna.extra) == {"Datum": "03.04.2018"}
    assert anna.prefill_values([("date", "Datum:"), ("phone", "Telefon:")])["date"] == "03.04.2018"
    assert "date" not in anna.prefill_values()


def test_ods_named_sheet(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "verteiler.ods", {
        "Hinweise": [["Bitte nicht ändern"]],
        "Liste 2018": [["Einladungsliste"], ["Vorname", "Nachname", "PLZ", "Ort"], ["Käthe", "Großmann", 7745, "Jena"]],
    })
    with pytest.raises(InputError) as e:  # the first sheet holds no list
        read_recipients(path)
    assert "verteiler.ods" in e.value.message and "Hinweise" in e.value.message
    rs, errors = read_recipients(path, sheet="liste 2018")
    assert errors == [] and [(r.first_name, r.postcode, r.line) for r in rs] == [("Käthe", "07745", 3)]
    with pytest.raises(InputError) as e:
        read_recipients(path, sheet="Fehlt")
    assert "verteiler.ods" in e.value.message and "„Fehlt“" in e.value.message and "Liste 2018" in e.value.message


def test_xlsx_same_errors_as_csv(tmp_path: Path) -> None:
    rows = [["Nr", "Vorname", "Nachname"], ["A1", "Anna", "Ahn"], ["A1", "Bert", "Bohn"], ["../x", "Eve", "Evil"]]
    rs, errors = read_recipients(write_xlsx(tmp_path / "l.xlsx", rows, title=None))
    assert [r.id for r in rs] == ["A1"]
    assert [e.line for e in errors] == [3, 4]
    assert "doppelte ID" in errors[0].reason and "ungültige ID" in errors[1].reason
    with pytest.raises(InputError) as e:
        read_recipients(write_xlsx(tmp_path / "x.xlsx", [["Spalte A", "Spalte B"], ["1", "2"]], title=None))
    assert "x.xlsx" in e.value.message and "keine Spalte für Namen" in e.value.message


def test_a_broken_spreadsheet_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(InputError) as e:
        read_recipients(path)
    assert "kaputt.xlsx" in e.value.message and "Tabelle" in e.value.message


def test_packets_from_xlsx_prefill_phone_and_warn_about_postcode(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "verteiler.xlsx", [HEADER, *ROWS[:2]], sheet="Einladungen", first="Deckblatt")
    out = tmp_path / "pakete"
    summary = make_packets(path, out, layouts_dir=LAYOUTS, workers=1, sheet="Einladungen")
    assert (summary.packets, summary.failed, summary.warned) == (2, 0, 2)
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert rows["R0001"]["status"] == "warnung"
    assert "PLZ 7907 ohne führende Null, zu 07907 ergänzt" in rows["R0001"]["reason"]
    fields = PdfReader(out / rows["R0001"]["file"]).get_fields() or {}
    assert fields["phone"]["/V"] == "03663 4880"
    assert fields["date"]["/V"] == "03.04.2018"  # a column named like a field's label
    assert "07907 Schleiz" in fields["address"]["/V"]
    fields = PdfReader(out / rows["R0002"]["file"]).get_fields() or {}
    assert fields["phone"]["/V"] == "036212140"
    assert "Telefon 36212140 ohne führende Null, zu 036212140 ergänzt" in rows["R0002"]["reason"]
    assert PdfReader(out / "print.pdf").get_num_pages() > 0


@pytest.mark.parametrize("kind", ["xlsx-header-only", "xlsx-empty-rows", "csv-header-only", "all-rows-bad"])
def test_an_empty_list_is_an_error_without_print_file(tmp_path: Path, kind: str) -> None:
    if kind == "xlsx-header-only":
        src = write_xlsx(tmp_path / "leer.xlsx", [HEADER])
    elif kind == "xlsx-empty-rows":
        src = write_xlsx(tmp_path / "leer.xlsx", [HEADER, [None] * 11, [None] * 11])
    elif kind == "csv-header-only":
        src = tmp_path / "leer.csv"
        src.write_text("Vorname;Nachname;PLZ\r\n;;\r\n;;\r\n", encoding="utf-8")
    else:
        src = tmp_path / "leer.csv"
        src.write_text("Vorname;Nachname;PLZ\r\n;;99084\r\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["packets", str(src), "-o", str(out), "--workers", "1",
                                    "--layouts", str(LAYOUTS)])
    assert res.exit_code == 4, res.output
    assert src.name in res.output
    assert ("kein Name" in res.output) if kind == "all-rows-bad" else ("keine Empfänger" in res.output)
    assert not (out / "print.pdf").exists()


def test_parse_matches_against_an_xlsx_list(tmp_path: Path, registry: LayoutRegistry) -> None:
    lst = write_xlsx(tmp_path / "verteiler.xlsx", [HEADER, *ROWS[:2]])
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "a.pdf").write_bytes(registration(registry, "Jörg Weiß", "gotha", institution="Landratsamt Gotha"))
    out = tmp_path / "a.csv"
    res = CliRunner().invoke(main, ["parse", str(inbox), "--db", str(tmp_path / "db.sqlite"), "--csv", str(out),
                                    "--recipients", str(lst), "--layouts", str(LAYOUTS)])
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["match_id"] == "R0002"


def test_phone_without_leading_zero_is_repaired_only_when_digits_alone() -> None:
    data = ("Vorname;Nachname;Telefon\nA;Eins;3661876\nB;Zwei;03661 876\nC;Drei;+49 3661 876\n"
            "D;Vier;3661 876\nE;Fünf;110\n").encode()
    rs, errors = parse_recipients(data)
    assert errors == []
    assert [(r.phone, r.notes) for r in rs] == [
        ("03661876", ("Telefon 3661876 ohne führende Null, zu 03661876 ergänzt",)),
        ("03661 876", ()), ("+49 3661 876", ()), ("3661 876", ()), ("110", ())]
