"""Prefilled packet sheets: values the packet printed are verified by ink, not read (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.readings import PageReading
from formkit.recipients import Recipient
from formkit.records import Context, Matcher, Provenance, assemble
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.scan import iter_image_pages, read_page
from formkit.scan.context import ReadContext
from formkit.thresholds import OCR_OK, VERIFIED_CONFIDENCE
from tests.fill import fill_pdftk, flatten_pdftk
from tests.prefilled import Pen, fax, sheet

# Umlauts, ß, a title, a function and a long institution: what the packets print.
KAETHE = Recipient(id="R0107", title="Dr.", first_name="Käthe", last_name="Großmann-Übel",
                   institution="Mehrgenerationenhaus Großbreitenbach", function="Koordinatorin",
                   street="Straße der Einheit 12", postcode="98701", city="Großbreitenbach",
                   email="k.grossmann@grossbreitenbach.de")
OTHER = Recipient(id="R0108", first_name="Uwe", last_name="Fuß", institution="Gemeinde Gotha",
                  street="Marktplatz 1", postcode="99867", city="Gotha", email="u.fuss@gotha.de")
# A two-line address with a short first line: the old e-mail PDF's top-placed appearance lost its
# letters' tops to the border on a normal-mode fax and read as "changed".
LOESSNER = Recipient(id="R0016", first_name="Christiane", last_name="Lößner", institution="Landratsamt Greiz",
                     function="Jugendamt", street="Dr.-Rathenau-Platz 11", postcode="07973", city="Greiz",
                     email="c.loessner@landkreis-greiz.de")
PREFILLED = ("name", "institution", "address", "email")


def _form(registry: LayoutRegistry) -> FormLayout:
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    return form


def _read(path: Path, registry: LayoutRegistry) -> PageReading:
    (im,) = list(iter_image_pages(path))
    r = read_page(im, 1, registry, ReadContext.build([KAETHE, OTHER, LOESSNER]))
    assert isinstance(r, PageReading), r
    return r


def _record(r: PageReading, registry: LayoutRegistry):  # type: ignore[no-untyped-def]
    ctx = Context(form=_form(registry), matcher=Matcher([KAETHE, OTHER, LOESSNER]))
    return assemble(r, Provenance("fax.tif", "0" * 64, 1, "ocr"), ctx)


def _verified_ok(r: PageReading, registry: LayoutRegistry):  # type: ignore[no-untyped-def]
    """Every value Käthe's packet printed is on *r* verified untouched, as printed, and her record
    needs no person; returns the record."""
    printed = KAETHE.prefill_values()
    for k in PREFILLED:
        assert r.fields[k].printed == "untouched", (k, r.fields[k])
        assert r.fields[k].value == printed[k]
        assert r.fields[k].confidence == VERIFIED_CONFIDENCE
    rec = _record(r, registry)
    assert rec.status == "ok", rec.reason
    return rec


@pytest.mark.parametrize("fillable", [False, True], ids=["print-copy", "email-pdf"])
def test_untouched_sheet_with_a_tick_needs_no_person(fillable: bool, tmp_path: Path,
                                                    registry: LayoutRegistry) -> None:
    pdf = Pen(_form(registry)).tick("venue_gotha").onto(sheet(registry, KAETHE, fillable))
    rec = _verified_ok(_read(fax(pdf, tmp_path / "fax.tif"), registry), registry)
    assert rec.values["venue"] == "Gotha"


def test_value_crossed_out_and_rewritten_goes_to_a_person(tmp_path: Path, registry: LayoutRegistry) -> None:
    form = _form(registry)
    pdf = Pen(form).tick("venue_schleiz").strike_and_write("institution", "Gemeinde Apolda") \
        .onto(sheet(registry, KAETHE, fillable=False))
    r = _read(fax(pdf, tmp_path / "fax.tif"), registry)
    inst = r.fields["institution"]
    assert inst.printed == "changed"
    assert inst.confidence < OCR_OK
    assert inst.value != KAETHE.prefill_values()["institution"]  # never the printed value
    assert inst.crop  # the person gets the zone to read
    assert r.fields["name"].printed == "untouched"  # the other fields stay confirmed
    rec = _record(r, registry)
    assert rec.status == "review"
    # The pen's line lies straight along the rows for more than a line kernel: the writer's stroke,
    # named as such (one reason a field; formkit.scan.ocr.zone_ink).
    assert inst.struck
    assert "Wert durchgestrichen oder Strich im Feld: Institution/Funktion" in rec.reason
    assert "Vordruck von Hand geändert" not in rec.reason


@pytest.mark.parametrize("fillable", [False, True], ids=["print-copy", "email-pdf"])
def test_a_character_added_is_a_change(fillable: bool, tmp_path: Path, registry: LayoutRegistry) -> None:
    printed = KAETHE.prefill_values()["name"]
    pdf = Pen(_form(registry)).tick("venue_gotha").append("name", printed, "n") \
        .onto(sheet(registry, KAETHE, fillable))
    r = _read(fax(pdf, tmp_path / "fax.tif"), registry)
    assert r.fields["name"].printed == "changed"
    assert r.fields["name"].confidence < OCR_OK
    rec = _record(r, registry)
    assert rec.status == "review" and "Vordruck von Hand geändert: Name/Vorname" in rec.reason


@pytest.mark.parametrize("field,new", [("institution", "Landratsamt Sömmerda"), ("email", "")],
                         ids=["retyped", "deleted"])
def test_a_printed_value_retyped_or_deleted_in_a_viewer_goes_to_a_person(field: str, new: str, tmp_path: Path,
                                                                         registry: LayoutRegistry) -> None:
    """The e-mail PDF filled in another program: a prefilled value overtyped (or emptied) there
    leaves no extra ink beside the print, the print is simply gone. OCR may read the new value
    well; it is still not the packet's value, and a person decides (seen by the bench corpus)."""
    pdf = flatten_pdftk(fill_pdftk(sheet(registry, KAETHE, fillable=True), {field: new, "venue_gotha": "1"}))
    r = _read(fax(pdf, tmp_path / "fax.tif"), registry)
    f = r.fields[field]
    assert f.printed == "differs" and f.confidence < OCR_OK, f
    assert r.fields["name"].printed == "untouched"
    rec = _record(r, registry)
    assert rec.status == "review"
    assert "anders gelesen als vorgedruckt: " in rec.reason


def test_another_persons_sheet_typed_over_is_read_not_verified(tmp_path: Path, registry: LayoutRegistry) -> None:
    """The QR names Käthe but the values printed are someone else's (a sheet prefilled for another
    recipient under her id): nothing matches, so nothing is confirmed from her list entry."""
    pdf, _ = render_to_bytes("registration", registry, RenderOptions(values=OTHER.prefill_values(),
                                                                     recipient_id=KAETHE.id, fillable=False))
    r = _read(fax(Pen(_form(registry)).tick("venue_gotha").onto(pdf), tmp_path / "fax.tif"), registry)
    for k in PREFILLED:
        assert r.fields[k].printed is None, (k, r.fields[k])
        assert r.fields[k].value != KAETHE.prefill_values()[k]


@pytest.mark.slow
@pytest.mark.parametrize("who", [KAETHE, LOESSNER], ids=["kaethe", "loessner"])
@pytest.mark.parametrize("fillable", [False, True], ids=["print-copy", "email-pdf"])
def test_untouched_normal_mode_fax(fillable: bool, who: Recipient, tmp_path: Path, registry: LayoutRegistry) -> None:
    """A tick-only packet through a normal-mode fax (204x98) needs no person. The e-mail PDF's
    appearance once drew a single line at the top of its box, where the border took the letters'
    tops (formkit.render.fieldap)."""
    pdf = Pen(_form(registry)).tick("venue_sonneberg").onto(sheet(registry, who, fillable=fillable))
    r = _read(fax(pdf, tmp_path / "fax.tif", mode="normal"), registry)
    assert all(r.fields[k].printed == "untouched" for k in PREFILLED), {k: r.fields[k] for k in PREFILLED}
    assert _record(r, registry).status == "ok"


@pytest.mark.slow
def test_parse_with_the_mailing_list_confirms_an_untouched_packet(tmp_path: Path, registry: LayoutRegistry) -> None:
    """Through the CLI and two worker processes: --recipients reaches the scan reader."""
    import csv

    from click.testing import CliRunner

    from formkit.cli import main
    from formkit.recipients import read_recipients
    from tests.conftest import ROOT

    listing = ROOT / "samples" / "recipients.csv"
    who = read_recipients(listing)[0][0]
    faxes = tmp_path / "faxe"
    faxes.mkdir()
    fax(Pen(_form(registry)).tick("venue_gotha").onto(sheet(registry, who, fillable=True)), faxes / "a.tif")
    changed = Pen(_form(registry)).tick("venue_gotha").append("name", who.prefill_values()["name"], " jun.")
    fax(changed.onto(sheet(registry, who, fillable=False)), faxes / "b.tif")
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(main, ["parse", str(faxes), "--db", str(tmp_path / "db.sqlite"), "--csv", str(out),
                                    "--recipients", str(listing), "--workers", "2",
                                    "--layouts", str(ROOT / "layouts")])
    assert res.exit_code == 0, res.output
    rows = {r["source"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["a.tif"]["status"] == "ok", rows["a.tif"]["reason"]
    assert rows["a.tif"]["name"] == who.prefill_values()["name"]
    assert rows["b.tif"]["status"] == "review"
    assert "Vordruck von Hand geändert: Name/Vorname" in rows["b.tif"]["reason"]
