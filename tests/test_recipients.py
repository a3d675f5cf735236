"""Reading mailing lists as offices export them (issue 3)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from formkit.errors import InputError
from formkit.recipients import Recipient, assigned_id, parse_recipients, read_recipients

GERMAN = (
    "Nachname;Vorname;Anrede;Titel;ID;Institution;Funktion;Strasse;PLZ;Ort;E-Mail;Telefon\r\n"
    "Müller;Anna;Frau;Dr.;R0001;Landratsamt Gotha;Leiterin Jugendamt;18.-März-Straße 50;99867;Gotha;anna.mueller@kreis-gth.de;0361\r\n"
    "Weiß;Jörg;Herr;;R0002;Kirchenkreis Sonneberg;;Kirchstraße 3;96515;Sonneberg;;\r\n"
    "Großmann;Käthe;;Prof. Dr.;;Verein „Kinderhilfe“ e.V.;;Markt 1;07907;Schleiz;k@x.de;\r\n"
)
ENGLISH = (
    "Email , First Name,last_name,salutation,TITLE,institution,function,street,postcode,city,id,extra\r\n"
    "a@b.de,Anna,Müller,Ms,Dr.,Landratsamt Gotha,,Weg 1,99867,Gotha,E1,x\r\n"
    "j@w.de,Jörg,Weiß,Mr,,,,Gasse 2,07743,Jena,E2,y\r\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_german_headers_semicolon_windows_1252(tmp_path: Path) -> None:
    path = write(tmp_path, "liste.csv", GERMAN.encode("cp1252"))
    rs, errors = read_recipients(path)
    assert errors == []
    assert [r.id for r in rs[:2]] == ["R0001", "R0002"]
    anna, joerg, kaethe = rs
    assert (anna.last_name, anna.first_name, anna.street, anna.city, anna.line) == (
        "Müller", "Anna", "18.-März-Straße 50", "Gotha", 2)
    assert kaethe.institution == "Verein „Kinderhilfe“ e.V."
    assert anna.full_name == "Dr. Anna Müller"
    assert anna.salutation_line == "Sehr geehrte Frau Dr. Müller,"
    assert joerg.salutation_line == "Sehr geehrter Herr Weiß,"
    assert kaethe.salutation_line == "Sehr geehrte Damen und Herren,"  # no salutation given
    assert anna.address_lines == ("Landratsamt Gotha", "Leiterin Jugendamt", "Frau Dr. Anna Müller",
                                  "18.-März-Straße 50", "99867 Gotha")
    assert joerg.address_lines[1] == "Herrn Jörg Weiß"


def test_english_headers_comma_utf8_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "list.csv", b"\xef\xbb\xbf" + ENGLISH.encode("utf-8"))
    rs, errors = read_recipients(path)
    assert errors == []
    assert [(r.id, r.full_name, r.email) for r in rs] == [("E1", "Dr. Anna Müller", "a@b.de"),
                                                         ("E2", "Jörg Weiß", "j@w.de")]
    assert rs[0].salutation_line == "Sehr geehrte Frau Dr. Müller,"
    assert rs[1].salutation_line == "Sehr geehrter Herr Weiß,"


def test_utf8_without_bom_and_decomposed_umlauts() -> None:
    text = unicodedata.normalize("NFD", "Vorname;Nachname\nJörg;Weiß\n")
    rs, errors = parse_recipients(text.encode("utf-8"))
    assert errors == [] and rs[0].first_name == "Jörg" and rs[0].last_name == "Weiß"


def test_encoding_is_decided_by_the_whole_file_not_one_byte() -> None:
    # Mostly UTF-8, one line in Windows-1252: that line is reported, the others are read.
    data = ("Vorname;Nachname\nJörg;Weiß\nKäthe;Groß\n".encode() + "Ute;Bär\n".encode("cp1252")
            + "Ölaf;Süß\n".encode())
    rs, errors = parse_recipients(data)
    assert [r.last_name for r in rs] == ["Weiß", "Groß", "Süß"]
    assert [e.line for e in errors] == [4] and "Kodierung" in errors[0].reason
    # Mostly Windows-1252: the file is read as such (a UTF-8 line would be mojibake, not guessed).
    rs, errors = parse_recipients("Vorname;Nachname\nJörg;Weiß\nKäthe;Groß\n".encode("cp1252"))
    assert errors == [] and [r.last_name for r in rs] == ["Weiß", "Groß"]


def test_bad_rows_are_reported_with_line_and_reason() -> None:
    data = (b"ID;Vorname;Nachname;Institution\n"
            b"../../x;Eva;Evil;\n"       # 2: hostile id → rejected, not sanitised
            b";;;\n"                      # 3: empty row → skipped silently
            b"R1;;;\n"                    # 4: no name at all
            b"R1;Anna;Ahn;\n"             # 5
            b"r1;Bea;Bor;\n"              # 6: duplicate (case-insensitive: one file on Windows)
            b";;;Jugendamt Gotha\n"       # 7: institution only is fine
            b"a b;Carl;Cor;\n")  # 8: space in id
    rs, errors = parse_recipients(data)
    assert [(r.line, r.id) for r in rs][0] == (5, "R1")
    assert rs[1].institution == "Jugendamt Gotha" and rs[1].id.startswith("X")
    assert [e.line for e in errors] == [2, 4, 6, 8]
    assert "ungültige ID" in errors[0].reason and "../../x" in errors[0].reason
    assert "kein Name" in errors[1].reason
    assert "doppelte ID" in errors[2].reason and "Zeile 5" in errors[2].reason
    assert "ungültige ID" in errors[3].reason


def test_broken_quote_is_an_unreadable_line() -> None:
    rs, errors = parse_recipients(b'Vorname;Nachname\nAnna;Ahn\n"Bea;Bor\n')
    assert [r.last_name for r in rs] == ["Ahn"]
    assert errors and errors[0].line == 3 and "nicht lesbar" in errors[0].reason


def test_assigned_ids_are_stable_and_independent_of_position() -> None:
    a = parse_recipients(b"Vorname;Nachname\nAnna;Ahn\nBea;Bor\n")[0]
    b = parse_recipients(b"Nachname;Vorname;Ort\nBor;Bea;Jena\nNeu;Nils;Gera\nAhn;Anna;Gera\n")[0]
    ids_a = {r.last_name: r.id for r in a}
    ids_b = {r.last_name: r.id for r in b}
    assert ids_a["Ahn"] == ids_b["Ahn"] and ids_a["Bor"] == ids_b["Bor"]
    assert ids_a["Ahn"] == assigned_id("Anna", "Ahn", "", "")
    assert len(set(ids_b.values())) == 3
    # The same person twice is a duplicate, reported with the first line.
    rs, errors = parse_recipients(b"Vorname;Nachname\nAnna;Ahn\nANNA; Ahn \n")
    assert len(rs) == 1 and errors[0].line == 3 and "Zeile 2" in errors[0].reason


def test_file_without_name_columns_or_empty_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        parse_recipients(b"foo;bar\n1;2\n")
    with pytest.raises(InputError):
        parse_recipients(b"\n\n")
    with pytest.raises(InputError):
        read_recipients(tmp_path / "missing.csv")


def test_salutation_variants() -> None:
    def line(sal: str, title: str = "", last: str = "Weiß") -> str:
        return Recipient(id="a", salutation=sal, title=title, last_name=last).salutation_line

    assert line("Herrn", "Prof. Dr.") == "Sehr geehrter Herr Prof. Dr. Weiß,"
    assert line("Fr.") == "Sehr geehrte Frau Weiß,"
    assert line("divers") == "Sehr geehrte Damen und Herren,"
    assert line("Frau", last="") == "Sehr geehrte Damen und Herren,"


def test_sample_lists_read_cleanly() -> None:
    root = Path(__file__).resolve().parents[1] / "samples"
    de, de_err = read_recipients(root / "recipients.csv")
    en, en_err = read_recipients(root / "recipients-en.csv")
    assert de_err == [] and en_err == [] and len(de) >= 20 and len(en) >= 5
    assert any(not r.salutation for r in de)
    assert [r.full_name for r in en] == [r.full_name for r in de[: len(en)]]


def test_a_pdf_or_binary_given_as_the_list_says_what_it_is(tmp_path: Path) -> None:
    """QA: a PDF saved as .xlsx gave 'Kopfzeile ohne Trennzeichen'."""
    pdf = tmp_path / "verteiler.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    with pytest.raises(InputError, match="ist ein PDF-Dokument, keine Empfängerliste"):
        read_recipients(pdf)
    blob = tmp_path / "verteiler.csv"
    blob.write_bytes(b"ID;Name\x00\x01\x02" * 10)
    with pytest.raises(InputError, match="keine Textdatei"):
        read_recipients(blob)
    utf16 = tmp_path / "unicode.txt"  # Excel's "Unicode text" export: UTF-16 with BOM, tab-separated
    utf16.write_bytes("ID\tVorname\tNachname\tE-Mail\nR1\tAnna\tMüller\ta@b.de\n".encode("utf-16"))
    people, errors = read_recipients(utf16)
    assert [p.last_name for p in people] == ["Müller"] and not errors
