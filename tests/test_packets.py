"""Personalised packets from a mailing list: print file, fillable PDFs, manifest (issue 3)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from formkit import packets
from formkit.cli import main
from formkit.ident import parse_payload
from formkit.packets import PacketSummary, fit_address, make_packets, slugify

ROOT = Path(__file__).resolve().parents[1]
LONG_INSTITUTION = ("Landesarbeitsgemeinschaft der Kinder- und Jugendhilfeeinrichtungen in freier "
                    "Trägerschaft im Freistaat Thüringen e.V.")
GERMAN = (
    "ID;Anrede;Titel;Vorname;Nachname;Institution;Funktion;Straße;PLZ;Ort;E-Mail\r\n"
    "R0001;Frau;Dr.;Anna;Müller;Landratsamt Gotha;Leiterin Jugendamt;18.-März-Straße 50;99867;Gotha;anna.mueller@kreis-gth.de\r\n"
    "R0002;Herr;;Jörg;Weiß;Kirchenkreis Sonneberg;Superintendent;Kirchstraße 3;96515;Sonneberg;j.weiss@ekmd.de\r\n"
    f"R0003;;;Kim;Bauer;{LONG_INSTITUTION};Vorstand;Johannesstraße 19;99084;Erfurt;kim@lag.de\r\n"
    "../../x;Herr;;Eve;Evil;;;;;;\r\n"
    ";;;;;;;;;;\r\n"
    "R0002;Frau;;Doppelt;Dabei;;;;;;\r\n"
    ";Frau;;Heike;Zöllner;Landratsamt Unstrut-Hainich-Kreis;;Lindenbühl 28;99974;Mühlhausen;h.z@uhk.de\r\n"
)
ENGLISH = (
    "email,first_name,last_name,salutation,title,institution,function,street,postcode,city,id\r\n"
    "a@b.de,Käthe,Großmann,Ms,Prof. Dr.,Ernst-Abbe-Hochschule Jena,,Carl-Zeiss-Promenade 2,07745,Jena,E-01\r\n"
    "o@b.de,Björn,Öhlschläger,Mr,,Landratsamt Kyffhäuserkreis,Dezernent,Markt 8,99706,Sondershausen,E-02\r\n"
)


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PacketSummary]:
    base = tmp_path_factory.mktemp("de")
    src = base / "liste.csv"
    src.write_bytes(GERMAN.encode("cp1252"))
    out = base / "sub" / "out"
    chunk, packets.CHUNK = packets.CHUNK, 3  # several parts joined into print.pdf
    try:
        return out, make_packets(src, out, layouts_dir=ROOT / "layouts" / "lsz-2018", workers=1)
    finally:
        packets.CHUNK = chunk


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PacketSummary]:
    base = tmp_path_factory.mktemp("en")
    src = base / "list.csv"
    src.write_bytes(b"\xef\xbb\xbf" + ENGLISH.encode("utf-8"))
    out = base / "out"
    return out, make_packets(src, out, layouts_dir=ROOT / "layouts" / "lsz-2018", workers=2)


def manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def qr_ids(pdf: Path, page: int) -> list[str]:
    png = subprocess.run(["pdftoppm", "-r", "150", "-f", str(page), "-l", str(page), "-png", str(pdf)],
                         check=True, capture_output=True).stdout
    found = [parse_payload(b.text) for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    return [f.recipient_id for f in found if f is not None and f.recipient_id]


def test_manifest_rows_in_list_order_with_errors(german: tuple[Path, PacketSummary]) -> None:
    out, summary = german
    rows = manifest(out)
    assert list(rows[0]) == ["line", "id", "name", "file", "pages", "print_pages", "status", "reason"]
    assert [r["line"] for r in rows] == ["2", "3", "4", "5", "7", "8"]
    ok = [r for r in rows if r["status"] != "fehler"]
    assert [r["id"] for r in ok[:3]] == ["R0001", "R0002", "R0003"]
    assert ok[3]["id"].startswith("X") and ok[3]["file"].startswith(ok[3]["id"] + "-zoellner-heike")
    assert ok[0]["file"] == "R0001-mueller-anna.pdf" and ok[1]["file"] == "R0002-weiss-joerg.pdf"
    bad = {r["line"]: r["reason"] for r in rows if r["status"] == "fehler"}
    assert "ungültige ID" in bad["5"] and "doppelte ID" in bad["7"]
    assert summary.failed == 2 and summary.packets == 4


def test_hostile_id_stays_inside_outdir(german: tuple[Path, PacketSummary]) -> None:
    out, _ = german
    base = out.parent.parent
    pdfs = sorted(p.relative_to(base) for p in base.rglob("*.pdf"))
    assert all(p.parent == out.relative_to(base) for p in pdfs), pdfs
    assert not any("evil" in p.name or p.name.startswith("x") for p in pdfs)


def test_print_pdf_packets_start_on_odd_pages(german: tuple[Path, PacketSummary]) -> None:
    out, summary = german
    reader = PdfReader(out / "print.pdf")
    assert len(reader.pages) == summary.print_pages
    spans = [tuple(int(x) for x in r["print_pages"].split("-")) for r in manifest(out) if r["print_pages"]]
    assert [a % 2 for a, _ in spans] == [1] * len(spans)
    assert spans[-1][1] in (len(reader.pages), len(reader.pages) - 1)
    for (a, b), (nxt, _) in zip(spans, spans[1:] + [(len(reader.pages) + 1, 0)], strict=True):
        assert nxt - a == (b - a + 1) + (b - a + 1) % 2  # packet plus one blank page when odd
        for blank in range(b + 1, nxt):
            assert reader.pages[blank - 1].extract_text().strip() == ""
    # Print copies carry no form fields (names of different packets would collide).
    assert not reader.get_fields()
    # Each packet's own letter: its salutation on its first page.
    first = [reader.pages[a - 1].extract_text() for a, _ in spans]
    assert "Sehr geehrte Frau Dr. Müller," in first[0]
    assert "Sehr geehrter Herr Weiß," in first[1]
    assert "Sehr geehrte Damen und Herren," in first[2]
    # The common pages are shared XObjects but read like the directly rendered ones.
    assert "Seite 2" in reader.pages[1].extract_text() and "Seite 4" in reader.pages[spans[1][0] + 2].extract_text()
    check = subprocess.run(["qpdf", "--check", str(out / "print.pdf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_fillable_file_prefilled_and_editable(german: tuple[Path, PacketSummary]) -> None:
    out, _ = german
    reader = PdfReader(out / "R0001-mueller-anna.pdf")
    assert len(reader.pages) == 5
    fields = reader.get_fields() or {}
    values = {k: v.get("/V") for k, v in fields.items()}
    assert values["name"] == "Dr. Anna Müller"
    assert values["institution"] == "Landratsamt Gotha, Leiterin Jugendamt"
    assert values["address"] == "18.-März-Straße 50\n99867 Gotha"
    assert values["email"] == "anna.mueller@kreis-gth.de"
    assert all(int(fields[k].get("/Ff", 0)) & 1 == 0 for k in ("name", "institution", "address", "email"))
    meta = reader.metadata or {}
    found = parse_payload(str(meta.get("/Keywords", "")))
    assert found is not None and (found.layout_id, found.recipient_id) == ("registration", "R0001")
    assert "Seite 2" in reader.pages[1].extract_text() and "Seite 4" in reader.pages[3].extract_text()
    check = subprocess.run(["qpdf", "--check", str(out / "R0001-mueller-anna.pdf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    form_text = reader.pages[-1].extract_text()
    assert "Empfänger-Nr. R0001" in form_text
    assert "Sehr geehrte Frau Dr. Müller," in reader.pages[0].extract_text()


def test_qr_on_rendered_pages_gives_the_id(german: tuple[Path, PacketSummary]) -> None:
    out, _ = german
    assert qr_ids(out / "R0002-weiss-joerg.pdf", 5) == ["R0002"]
    second = next(r for r in manifest(out) if r["id"] == "R0002")
    last = int(second["print_pages"].split("-")[1])
    assert qr_ids(out / "print.pdf", last) == ["R0002"]


def test_long_institution_is_reported_not_silently_cut(german: tuple[Path, PacketSummary]) -> None:
    out, _ = german
    row = next(r for r in manifest(out) if r["id"] == "R0003")
    assert row["status"] == "warnung" and "Anschrift" in row["reason"]
    reader = PdfReader(out / row["file"])
    letter = reader.pages[0].extract_text()
    assert "Landesarbeitsgemeinschaft der Kinder- und" in letter and "Freistaat Thüringen e.V." in letter
    lines, warnings = fit_address((" ".join(["Jugendhilfeeinrichtung"] * 60),))
    assert warnings and "gekürzt" in warnings[-1]


def test_english_list_with_workers(english: tuple[Path, PacketSummary]) -> None:
    out, summary = english
    assert summary.failed == 0 and summary.packets == 2
    files = [r["file"] for r in manifest(out)]
    assert files == ["E-01-grossmann-kaethe.pdf", "E-02-oehlschlaeger-bjoern.pdf"]
    fields = PdfReader(out / files[1]).get_fields() or {}
    assert fields["name"]["/V"] == "Björn Öhlschläger"
    assert fields["address"]["/V"] == "Markt 8\n99706 Sondershausen"
    assert "Sehr geehrte Frau Prof. Dr. Großmann," in PdfReader(out / files[0]).pages[0].extract_text()
    assert len(PdfReader(out / "print.pdf").pages) == 12


def test_output_is_deterministic(english: tuple[Path, PacketSummary], tmp_path: Path) -> None:
    out, _ = english
    src = tmp_path / "list.csv"
    src.write_bytes(b"\xef\xbb\xbf" + ENGLISH.encode("utf-8"))
    again = make_packets(src, tmp_path / "out", layouts_dir=ROOT / "layouts" / "lsz-2018", workers=1)
    assert again.print_pdf is not None
    assert again.print_pdf.read_bytes() == (out / "print.pdf").read_bytes()
    assert (tmp_path / "out" / "manifest.csv").read_bytes() == (out / "manifest.csv").read_bytes()


def test_slugify_is_ascii_and_bounded() -> None:
    assert slugify("Weiß, Jörg") == "weiss-joerg"
    assert slugify("Ærø Łódź") == "aeroe-lodz"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("???") == "einladung"
    assert len(slugify("Müller-" * 30)) <= 40


def test_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "good.csv"
    shutil.copy(ROOT / "samples" / "recipients-en.csv", good)
    res = runner.invoke(main, ["packets", str(good), "-o", str(tmp_path / "a"), "--workers", "1",
                               "--campaign", "lsz-2018"])
    assert res.exit_code == 0, res.output
    assert "7 Pakete" in res.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Vorname;Nachname;ID\nAnna;Ahn;A1\n;;A2\n")
    res = runner.invoke(main, ["packets", str(bad), "-o", str(tmp_path / "b"), "--campaign", "lsz-2018"])
    assert res.exit_code == 2
    assert "Zeile 3" in res.output and "kein Name" in res.output
    assert (tmp_path / "b" / "A1-ahn-anna.pdf").exists()
    res = runner.invoke(main, ["packets", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "c"), "--campaign",
                               "lsz-2018"])
    assert res.exit_code == 4 and "nicht gefunden" in res.output
    assert runner.invoke(main, ["packets", "--help"]).exit_code == 0


def test_manifest_cells_are_never_formulas(tmp_path: Path) -> None:
    src = tmp_path / "liste.csv"
    src.write_text("ID;Vorname;Nachname;Institution\r\nR0100;=HYPERLINK(\"x\");Mallory;@Amt\r\n", encoding="utf-8")
    out = tmp_path / "out"
    make_packets(src, out, layouts_dir=ROOT / "layouts" / "lsz-2018", workers=1)
    row = manifest(out)[0]
    assert row["name"] == "'=HYPERLINK(\"x\") Mallory"  # kept whole, behind an apostrophe
