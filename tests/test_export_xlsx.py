"""`formkit export --format xlsx`: a real workbook, typed cells, frozen and filtered header,
no formula ever (issue 13, part 5)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from formkit.cli import main
from formkit.export import ALL_COLUMNS
from formkit.export_xlsx import parse_date
from formkit.layout.loader import LayoutRegistry
from tests.office import parsed_store


def test_workbook_typed_frozen_filtered_and_formula_free(tmp_path: Path, registry: LayoutRegistry) -> None:
    db = parsed_store(tmp_path, registry, [
        {"name": "Anna Müller", "venue": "gotha", "institution": "Landratsamt Gotha", "date": "03.04.2018",
         "email": "anna@example.org", "phone": "03621 214-0"},
        {"name": '=HYPERLINK("http://evil","klick")', "venue": "gotha", "institution": "@SUMME(A1)",
         "date": "gestern", "phone": "+49 361 1"},
        {"name": "Bea Berg", "venue": "schleiz", "institution": "Stadt Schleiz", "date": "2018-04-05"},
    ])
    out = tmp_path / "anmeldungen.xlsx"
    res = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "xlsx", "-o", str(out),
                                    "--layouts", str(registry.root)])
    assert res.exit_code == 0, res.output
    assert "3 Zeile(n)" in res.output

    wb = openpyxl.load_workbook(out)
    ws = wb["Anmeldungen"]
    assert tuple(c.value for c in ws[1]) == ALL_COLUMNS
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(ALL_COLUMNS))}4"
    col = {name: i for i, name in enumerate(ALL_COLUMNS)}
    rows = {r[col["name"]].value: r for r in ws.iter_rows(min_row=2)}
    anna = rows["Anna Müller"]
    assert anna[col["page"]].value == 1 and anna[col["page"]].data_type == "n"
    assert anna[col["date"]].value == dt.datetime(2018, 4, 3)  # a real date cell
    assert anna[col["date"]].is_date and anna[col["date"]].number_format == "DD.MM.YYYY"
    assert anna[col["confidence"]].data_type == "n" and 0 < anna[col["confidence"]].value <= 1
    assert anna[col["status"]].value == "ok"
    assert ws.column_dimensions["A"].width >= len("anmeldung-0.pdf")
    assert 6 <= ws.column_dimensions[openpyxl.utils.get_column_letter(col["page"] + 1)].width <= 60
    # The hostile values are string cells as written (no apostrophe needed), never formulas.
    evil = rows['=HYPERLINK("http://evil","klick")']
    assert evil[col["institution"]].value == "@SUMME(A1)" and evil[col["institution"]].data_type == "s"
    assert evil[col["phone"]].value == "+49 361 1"
    assert evil[col["date"]].value == "gestern"
    for r in ws.iter_rows():
        for c in r:
            assert c.data_type != "f", (c.coordinate, c.value)
    with zipfile.ZipFile(out) as z:  # the file itself: no formula element in any sheet
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert rows["Bea Berg"][col["date"]].value == dt.datetime(2018, 4, 5)

    # The door lists of every meeting on a second sheet, in the printed list's order.
    door = wb["Teilnehmer"]
    assert [c.value for c in door[1]] == ["Ort", "Datum", "Nr.", "Name", "Institution"]  # read at the door: German
    people = [(r[0].value, r[2].value, r[3].value) for r in door.iter_rows(min_row=2)]
    assert [p[1:] for p in people if p[0] == "Gotha"] == [(1, '=HYPERLINK("http://evil","klick")'),
                                                          (2, "Müller, Anna")]
    assert ("Schleiz", 1, "Berg, Bea") in people
    assert door.freeze_panes == "A2" and door["B2"].is_date

    # Another reader (calamine, Rust) opens the same file and sees the typed values.
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Anmeldungen").to_python()
    assert dt.date(2018, 4, 3) in [r[col["date"]] for r in sheet]


def test_xlsx_needs_the_suffix_and_a_database(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["export", "--db", str(tmp_path / "x.sqlite"), "--format", "xlsx",
                               "-o", str(tmp_path / "a.csv")])
    assert res.exit_code == 2 and ".xlsx" in res.output
    res = runner.invoke(main, ["export", "--db", str(tmp_path / "x.sqlite"), "--format", "xlsx",
                               "-o", str(tmp_path / "a.xlsx")])
    assert res.exit_code == 4 and "nicht gefunden" in res.output


def test_parse_date() -> None:
    assert parse_date("3.4.18") == dt.date(2018, 4, 3)
    assert parse_date(" 03.04.2018 ") == dt.date(2018, 4, 3)
    assert parse_date("31.02.2018") is None and parse_date("morgen") is None and parse_date("") is None
