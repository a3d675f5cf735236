"""Prefilled values on light and dark faxes: verify demands only the printed ink the channel keeps.

A light normal-mode fax (98-dpi rows, paper set lighter, the image turned and scaled by the
receiving software) loses the arms of an 'E', the dot of '.de', sometimes an umlaut's dots. The
verifier measures the page's weight and row pitch and does not demand what that channel can
lose; ink the channel cannot explain (a letter, dots or a bar added by hand) still makes the field
"changed", and an umlaut's dots the channel may have lost are not the print's to confirm.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.readings import PageReading
from formkit.recipients import Recipient
from formkit.records import Context, Matcher, Provenance, Record, assemble
from formkit.scan import iter_image_pages, read_page
from formkit.scan.context import ReadContext
from formkit.thresholds import OCR_OK, VERIFIED_CONFIDENCE
from tests.fax import FINE, NORMAL, fax_tiff_toned
from tests.prefilled import Pen, sheet

# An 'E', '.de', 'e. V.,' and umlauts: what a light normal-mode fax loses first.
URSULA = Recipient(id="R0200", first_name="Ursula", last_name="Köhler", institution="Diakonie Gößnitz e. V.",
                   function="Leiter", street="Straße der Einheit 51", postcode="99474", city="Gößnitz",
                   email="u.koehler@goessnitz.de")
JAEHNIG = Recipient(id="R0201", first_name="Käthe", last_name="Jähnig", institution="Familienzentrum Zeulenroda",
                    function="Bürgermeister", street="Marktplatz 72", postcode="63389", city="Zeulenroda",
                    email="k.jaehnig@zeulenroda.de")
PEOPLE = [URSULA, JAEHNIG]
PREFILLED = ("name", "institution", "address", "email")
LIGHT, DRIVER, DARK = 85, 128, 175  # the scanner's threshold (grey level) of a fax_tiff_toned page
# The receiving software turned and scaled the black-and-white image: rows drop out or double.
TURNED = {"angle": 1.5, "scale": 0.95}


def _form(registry: LayoutRegistry) -> FormLayout:
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    return form


def _read(pdf: bytes, level: int, res: tuple[int, int], tmp_path: Path, registry: LayoutRegistry,
          turned: bool = True) -> PageReading:
    path = tmp_path / "fax.tif"
    path.write_bytes(fax_tiff_toned(pdf, level, res, **(TURNED if turned else {})))
    (im,) = list(iter_image_pages(path))
    r = read_page(im, 1, registry, ReadContext.build(PEOPLE))
    assert isinstance(r, PageReading), r
    return r


def _record(r: PageReading, registry: LayoutRegistry) -> Record:
    ctx = Context(form=_form(registry), matcher=Matcher(PEOPLE))
    return assemble(r, Provenance("fax.tif", "0" * 64, 1, "ocr"), ctx)


def _all_verified(r: PageReading, who: Recipient) -> None:
    printed = who.prefill_values()
    for k in PREFILLED:
        f = r.fields[k]
        assert (f.printed, f.value, f.confidence) == ("untouched", printed[k], VERIFIED_CONFIDENCE), (k, f)


@pytest.mark.parametrize("who", PEOPLE, ids=["E-arms", "dot-de"])
@pytest.mark.parametrize("fillable", [False, True], ids=["print-copy", "email-pdf"])
def test_untouched_tick_only_packet_on_a_light_normal_fax_needs_no_person(who: Recipient, fillable: bool,
                                                                         tmp_path: Path,
                                                                         registry: LayoutRegistry) -> None:
    """Before the channel model each of these went to a person („anders gelesen als vorgedruckt“):
    the fax lost the 'E' of 'Einheit' or the '.' of 'e. V.' and '.de'."""
    pdf = Pen(_form(registry)).tick("venue_gotha").onto(sheet(registry, who, fillable))
    r = _read(pdf, LIGHT, NORMAL, tmp_path, registry)
    _all_verified(r, who)
    rec = _record(r, registry)
    assert rec.status == "ok", rec.reason
    assert rec.values["venue"] == "Gotha"


@pytest.mark.parametrize("level,res", [(DARK, NORMAL), (DARK, FINE), (DRIVER, NORMAL), (LIGHT, FINE)],
                         ids=["dark-normal", "dark-fine", "driver-normal", "light-fine"])
def test_untouched_tick_only_packet_on_other_faxes_needs_no_person(level: int, res: tuple[int, int],
                                                                   tmp_path: Path, registry: LayoutRegistry) -> None:
    pdf = Pen(_form(registry)).tick("venue_gotha").onto(sheet(registry, URSULA, fillable=False))
    r = _read(pdf, level, res, tmp_path, registry)
    _all_verified(r, URSULA)
    assert _record(r, registry).status == "ok"


def _changed(r: PageReading, registry: LayoutRegistry, field: str, label: str) -> None:
    f = r.fields[field]
    assert f.printed == "changed" and f.confidence < OCR_OK, f
    rec = _record(r, registry)
    assert rec.status == "review" and f"Vordruck von Hand geändert: {label}" in rec.reason, rec.reason


@pytest.mark.parametrize("level", [LIGHT, DARK], ids=["light", "dark"])
def test_a_character_added_on_a_normal_fax_is_a_change(level: int, tmp_path: Path, registry: LayoutRegistry) -> None:
    printed = URSULA.prefill_values()["name"]
    pdf = Pen(_form(registry)).tick("venue_gotha").append("name", printed, "n").onto(sheet(registry, URSULA, False))
    _changed(_read(pdf, level, NORMAL, tmp_path, registry), registry, "name", "Name/Vorname")


@pytest.mark.parametrize("level", [LIGHT, DARK], ids=["light", "dark"])
def test_umlaut_dots_added_by_hand_on_a_normal_fax_are_a_change(level: int, tmp_path: Path,
                                                               registry: LayoutRegistry) -> None:
    """'Ursula' made 'Ürsula'... the dots over its 'u' (index 3: 'Ursüla') by a pen."""
    printed = URSULA.prefill_values()["name"]
    assert printed[3] == "u"
    pdf = Pen(_form(registry)).tick("venue_gotha").dots("name", printed, 3).onto(sheet(registry, URSULA, False))
    _changed(_read(pdf, level, NORMAL, tmp_path, registry), registry, "name", "Name/Vorname")


def test_a_letter_changed_by_hand_on_a_light_normal_fax_is_a_change(tmp_path: Path, registry: LayoutRegistry) -> None:
    """An 'a' written over the 'e' of 'Köhler'."""
    printed = URSULA.prefill_values()["name"]
    pdf = Pen(_form(registry)).tick("venue_gotha").overwrite("name", printed, printed.index("e"), "a") \
        .onto(sheet(registry, URSULA, False))
    _changed(_read(pdf, LIGHT, NORMAL, tmp_path, registry), registry, "name", "Name/Vorname")


@pytest.mark.parametrize("level,res,turned,state", [(LIGHT, NORMAL, True, "faded"), (DARK, NORMAL, False, "differs"),
                                                    (DRIVER, FINE, False, "differs")],
                         ids=["light-normal-turned", "dark-normal", "fine"])
def test_umlaut_dots_missing_from_the_page_go_to_a_person(level: int, res: tuple[int, int], turned: bool, state: str,
                                                          tmp_path: Path, registry: LayoutRegistry) -> None:
    """'Köhler' printed as 'Kohler' (the value changed in a program before printing, emulated by
    paper-white over the dots): every other letter in its place, and at the tolerance that forgives
    a fax's blur the 'o' explains where the dots were. Where the channel may have lost the dots
    (98-dpi rows, light, resampled) the field is "faded", where it keeps them the print is not on
    the page ("differs"): never the printed value confirmed, never ok."""
    printed = URSULA.prefill_values()["name"]
    pdf = Pen(_form(registry)).tick("venue_gotha").white_out("name", printed, printed.index("ö")) \
        .onto(sheet(registry, URSULA, False))
    r = _read(pdf, level, res, tmp_path, registry, turned)
    f = r.fields["name"]
    assert f.printed == state and f.confidence < OCR_OK, f
    rec = _record(r, registry)
    assert rec.status == "review"
    why = {"faded": "Umlaut- oder Akzentzeichen im Fax nicht erkennbar, Vordruck sonst unverändert: Name/Vorname",
           "differs": "anders gelesen als vorgedruckt: Name/Vorname"}
    assert why[state] in rec.reason, rec.reason
    assert r.fields["institution"].printed == "untouched"  # the other fields stay confirmed


@pytest.mark.parametrize("field", ["institution", "email"])
@pytest.mark.parametrize("level", [LIGHT, 70], ids=["light", "lighter"])
def test_a_last_letter_missing_on_a_light_normal_fax_is_never_the_print(field: str, level: int, tmp_path: Path,
                                                                       registry: LayoutRegistry) -> None:
    """'Leite' for 'Leiter', '.d' for '.de': no letter after it shows the missing advance, and on a
    light, turned normal-mode fax the channel keeps only the stem of an 'r' or the bow of an 'e'.
    The model says that much survives at every phase, so it must be there: the print is not."""
    printed = URSULA.prefill_values()[field]
    pdf = Pen(_form(registry)).tick("venue_gotha").cover(field, printed, len(printed) - 1) \
        .onto(sheet(registry, URSULA, False))
    f = _read(pdf, level, NORMAL, tmp_path, registry).fields[field]
    assert f.printed != "untouched" and f.confidence < OCR_OK, f
