"""The CSV contract: column order, dialects, formula-injection safety without loss."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from formkit.export import COLUMNS, safe_cell, unsafe_cell, write_csv
from formkit.records import Provenance, Record

HOSTILE = ["=HYPERLINK(\"http://x\")", "+49 361 123", "-1+1", "@SUM(A1)", "\tTab", "\rCR", "'zitiert", "normal"]


def rec(**values: str) -> Record:
    return Record(provenance=Provenance("mail.eml#a.pdf", "ab" * 32, 1, "acroform", "registration", 1),
                  status="review", reason="E-Mail-Adresse ungültig", values=dict(values))


def test_column_order_is_the_contract(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    write_csv([rec(name="Anna")], out)
    header = out.read_text("utf-8").splitlines()[0].split(",")
    assert tuple(header[: len(COLUMNS)]) == ("source", "page", "status", "reason", "method", "recipient_id", "name",
                                             "institution", "address", "phone", "email", "venue")


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_injection_is_neutralised_losslessly(value: str) -> None:
    cell = safe_cell(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unsafe_cell(cell) == value


def test_rows_roundtrip_through_both_dialects(tmp_path: Path) -> None:
    records = [rec(name=v, institution="Gemeinde Öhringen; Süd", address="Markt 1\n98701 Ilmenau", phone=v)
               for v in HOSTILE]
    for dialect, delim, bom in (("rfc4180", ",", False), ("excel-de", ";", True)):
        out = tmp_path / f"{dialect}.csv"
        assert write_csv(records, out, dialect) == len(records)  # type: ignore[arg-type]
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == bom
        assert b"\r\n" in raw
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delim))
        assert [unsafe_cell(r["name"]) for r in rows] == HOSTILE
        assert {r["institution"] for r in rows} == {"Gemeinde Öhringen; Süd"}
        assert {r["address"] for r in rows} == {"Markt 1\n98701 Ilmenau"}
        assert all(not r[c].startswith(("=", "+", "-", "@")) for r in rows for c in r)
        assert rows[0]["page"] == "1" and rows[0]["status"] == "review"


@pytest.mark.parametrize("target", ["/proc/nope/x.csv", "/proc/x.csv"])
def test_unwritable_target_is_an_input_error_naming_it(target: str) -> None:
    from formkit.errors import InputError

    with pytest.raises(InputError, match=f"{target}: CSV-Datei lässt sich nicht schreiben"):
        write_csv([rec(name="Anna")], Path(target))


@pytest.mark.parametrize("value", ["＝HYPERLINK(\"http://x\")", "＋49 361", "－1", "＠SUM(A1)", "﹦1+1", "﹢1", "﹫x",
                                   "⁼1", "₊1", "−1", "➖1", "\u200b=1+1", "\ufeff@x", " =1", "\u00a0+1", "\n=1"])
def test_unicode_look_alikes_are_neutralised(value: str) -> None:
    cell = safe_cell(value)
    assert cell == "'" + value and unsafe_cell(cell) == value


@pytest.mark.parametrize("value", ["Anna Müller", "0361 12345", "Straße 1", "„Zitat“", "", "ＡＢＣ"])
def test_ordinary_values_stay_as_they_are(value: str) -> None:
    assert safe_cell(value) == value
