"""The one way in: ``read_input`` gives per page a PageReading or a NotAForm of a typed kind;
``formkit parse`` (through the pipeline) and ``formkit debug`` both read through it."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.errors import InputError
from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.read.dispatch import read_input
from formkit.read.sniff import InputKind
from formkit.readings import NotAForm, NotFormKind, PageReading
from formkit.render.document import RenderOptions, render_to_bytes
from tests import returns
from tests.conftest import LAYOUTS
from tests.fax import fax_tiff
from tests.fill import fill_pypdf


def _not_a_form(pages: tuple[PageReading | NotAForm, ...]) -> NotAForm:
    (page,) = pages
    assert isinstance(page, NotAForm), page
    return page


def test_a_filled_sheet_is_an_acroform_reading(registry: LayoutRegistry, registration_pdf: bytes) -> None:
    vals = returns.values(1, "venue_schleiz")
    r = read_input(fill_pypdf(registration_pdf, vals), registry)
    assert r.kind is InputKind.PDF and r.page_count == 1
    (page,) = r.pages
    assert isinstance(page, PageReading) and page.method == "acroform"
    assert {k: f.value for k, f in page.fields.items()} == vals


def test_a_page_without_a_sheet_is_no_form(registry: LayoutRegistry) -> None:
    r = read_input(returns.blank_pages(3), registry)
    assert r.page_count == 3 and [p.kind for p in r.pages if isinstance(p, NotAForm)] == [NotFormKind.NO_FORM] * 3


def test_someone_elses_form_is_foreign(registry: LayoutRegistry) -> None:
    page = _not_a_form(read_input(returns.foreign_form(), registry).pages)
    assert page.kind is NotFormKind.FOREIGN and page.foreign and not page.recognised


def test_our_sheet_of_an_unknown_version_is_unreadable(tmp_path: Path, registry: LayoutRegistry) -> None:
    root = tmp_path / "layouts"
    shutil.copytree(LAYOUTS, root)
    f = root / "registration.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1), encoding="utf-8")
    sheet, _ = render_to_bytes("registration", LayoutRegistry(root), RenderOptions(recipient_id="LSZ-0011"))
    page = _not_a_form(read_input(fill_pypdf(sheet, returns.values(0)), registry).pages)
    assert page.kind is NotFormKind.UNREADABLE and page.recognised
    assert "unbekannte Formularversion" in page.reason


def test_an_image_page_without_ocr_gets_its_own_row(tmp_path: Path, registry: LayoutRegistry,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The OCR stages cannot be imported (as on an installation without OpenCV/Tesseract).
    monkeypatch.setitem(sys.modules, "formkit.scan", None)
    page = _not_a_form(read_input(returns.image_only_pdf(), registry).pages)
    assert page.kind is NotFormKind.OCR_UNAVAILABLE and not page.recognised and not page.foreign
    # The pipeline keys on the kind, not on the message: a rejected row of method "ocr" for the page.
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "scan.pdf").write_bytes(returns.image_only_pdf())
    db = tmp_path / "fk.sqlite"
    run([inbox], Options(db=db, layouts=LAYOUTS))
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT status, method, page, reason FROM records").fetchall()
    assert rows == [("rejected", "ocr", 1, page.reason)]


def test_what_is_no_input_says_why(registry: LayoutRegistry) -> None:
    with pytest.raises(InputError, match="leere Datei"):
        read_input(b"", registry)
    with pytest.raises(InputError, match="weder PDF noch Bild"):
        read_input(b"PK\x03\x04 ein Zip-Archiv", registry)
    with pytest.raises(InputError, match="beschädigte PDF-Datei|keine Seiten|ohne Seiten"):
        read_input(b"%PDF-1.4\n kaputt", registry)


def test_only_one_page_is_read(registry: LayoutRegistry) -> None:
    r = read_input(returns.blank_pages(3), registry, only=2)
    assert r.page_count == 3 and [p.page for p in r.pages] == [2]
    assert read_input(returns.blank_pages(3), registry, only=7).pages == ()


# --- formkit debug goes through the same dispatcher ---------------------------------------------


def test_debug_reads_a_filled_sheet_as_parse_does(tmp_path: Path, registry: LayoutRegistry,
                                                   registration_pdf: bytes) -> None:
    vals = returns.values(2, "venue_gotha")
    data = fill_pypdf(registration_pdf, vals)
    # A PDF under an image's name: what the file is decides, not its suffix (as in parse).
    path = tmp_path / "rueckmeldung.png"
    path.write_bytes(data)
    res = CliRunner().invoke(main, ["debug", str(path), "--layouts", str(LAYOUTS)])
    assert res.exit_code == 0, res.output
    assert "Seite 1: Formular" in res.output and "ausgefüllte Formularfelder" in res.output
    (page,) = read_input(data, registry).pages
    assert isinstance(page, PageReading)
    for f in page.fields.values():
        shown = f.state if f.state is not None else f.value.replace("\n", " / ")
        assert f"  {f.name:<22} {shown}" in res.output
    assert not list(tmp_path.glob("*.debug.png"))  # no page image: values came from the PDF itself


def test_debug_names_the_page_that_is_not_there(tmp_path: Path) -> None:
    path = tmp_path / "leer.pdf"
    path.write_bytes(returns.blank_pages(2))
    res = CliRunner().invoke(main, ["debug", str(path), "--page", "3", "--layouts", str(LAYOUTS)])
    assert res.exit_code != 0 and "Seite 3 gibt es nicht" in res.output
    res = CliRunner().invoke(main, ["debug", str(path), "--page", "2", "--layouts", str(LAYOUTS)])
    assert res.exit_code == 0 and res.output.strip() == "Seite 2: kein Anmeldebogen – keine Formularseite"


@pytest.mark.slow
def test_debug_draws_a_fax_even_under_a_pdf_name(tmp_path: Path, registration_pdf: bytes) -> None:
    vals = returns.values(3, "venue_sonneberg")
    path = tmp_path / "fax.pdf"  # a fax gateway's TIFF saved with the wrong suffix
    path.write_bytes(fax_tiff(fill_pypdf(registration_pdf, vals)))
    res = CliRunner().invoke(main, ["debug", str(path), "--layouts", str(LAYOUTS)])
    assert res.exit_code == 0, res.output
    assert "Texterkennung" in res.output and "Passgenauigkeit" in res.output
    assert "venue_sonneberg" in res.output and "ticked" in res.output
    assert (tmp_path / "fax.debug.png").is_file()


def test_a_cut_off_file_says_it_is_damaged_not_that_it_holds_no_form(tmp_path: Path, registry: LayoutRegistry) -> None:
    """A PDF cut off in transit (QA): not 'kein Anmeldeformular gefunden' as for a cover letter."""
    pdf = returns.blank_pages(3)  # the sheet would have come after these pages: it is cut off
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "abgeschnitten.pdf").write_bytes(pdf[: len(pdf) * 8 // 10])
    reading = read_input((inbox / "abgeschnitten.pdf").read_bytes(), registry)
    assert {p.kind for p in reading.pages if isinstance(p, NotAForm)} == {NotFormKind.DAMAGED}
    db = tmp_path / "s.sqlite"
    run([inbox], Options(db=db, layouts=LAYOUTS))
    (reason,) = sqlite3.connect(db).execute("SELECT reason FROM records").fetchone()
    assert reason.startswith("PDF-Datei beschädigt oder unvollständig")
    # An intact file without a sheet keeps the cover-letter reason.
    assert {p.kind for p in read_input(pdf, registry).pages if isinstance(p, NotAForm)} == {NotFormKind.NO_FORM}
