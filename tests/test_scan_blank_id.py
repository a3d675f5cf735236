"""A blank sheet that carries a recipient id is read like a stranger's sheet (issue 11).

Every real packet prints the recipient's data into the sheet. A sheet with a recipient id and
nothing printed happens when the list had no data for that person when the packets were made, or
got it afterwards: its identity then carries the prefill fingerprint of "nothing printed". Decided:
the mailing list neither verifies nor confirms anything on such a sheet, not even values typed
exactly as the list has them (the list's entry is not what the paper says, and typing the list's
words is what a colleague filling in for the person does too); the values are OCR's alone, and
the id stays on the record so that the review shows whom the sheet was sent to. ``bench scan``
reports these returns as „Bogen mit Nr.“.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from formkit import fingerprint
from formkit.ident import FormIdentity
from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.readings import FieldReading, PageReading
from formkit.recipients import Recipient, sheet_prefill
from formkit.records import Context, Matcher, Provenance, assemble
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.scan import iter_image_pages, read_page
from formkit.scan.context import ReadContext
from tests.fill import fill_pypdf
from tests.prefilled import fax

ANNA = Recipient(id="R0207", first_name="Anna", last_name="Wöhler", institution="Gemeinde Gotha",
                 function="Bürgermeisterin", street="Marktplatz 1", postcode="99867", city="Gotha",
                 email="a.woehler@gotha.de")
OTHER = Recipient(id="R0208", first_name="Uwe", last_name="Fuß", institution="Landratsamt Sonneberg",
                  street="Bahnhofstraße 2", postcode="96515", city="Sonneberg", email="u.fuss@sonneberg.de")


def _form(registry: LayoutRegistry) -> FormLayout:
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    return form


def _reading(form: FormLayout, prefill_fp: str, confidence: float) -> PageReading:
    values = {**sheet_prefill(ANNA, [form]), "phone": "03621 12345", "date": "03.04.2018"}
    fields = {f.name: FieldReading(f.name, values.get(f.name, ""), confidence, "ocr") for f in form.fields
              if f.type == "text"}
    fields.update({f.name: FieldReading(f.name, "1" if f.name == "venue_gotha" else "", 0.99, "ocr",
                                        state="ticked" if f.name == "venue_gotha" else "empty")
                   for f in form.fields if f.type == "checkbox"})
    ident = FormIdentity(form.id, form.version, ANNA.id, "lsz-2018", prefill=prefill_fp)
    return PageReading(1, "ocr", ident, fields)


def test_the_list_confirms_only_what_the_sheet_says_was_printed(registry: LayoutRegistry) -> None:
    form = _form(registry)
    ctx = Context(form=form, matcher=Matcher([ANNA, OTHER]))
    prov = Provenance("fax.tif", "0" * 64, 1, "ocr")
    # The packet printed Anna's data: values read with doubt but letter for letter the print are confirmed ...
    packet = assemble(_reading(form, fingerprint.prefill(form, sheet_prefill(ANNA, [form])), 0.5), prov, ctx)
    assert "Name/Vorname" not in packet.reason and "Institution/Funktion" not in packet.reason, packet.reason
    # ... the same values on a sheet that printed nothing are not: a person reads them, and the id is kept.
    blank = assemble(_reading(form, fingerprint.prefill(form, {}), 0.5), prov, ctx)
    assert blank.status == "review"
    assert "unsicher gelesen: Name/Vorname, Institution/Funktion, Anschrift" in blank.reason, blank.reason
    assert blank.recipient_id == ANNA.id


@pytest.mark.slow
def test_blank_sheet_with_an_id_reads_as_if_the_list_did_not_know_the_id(tmp_path: Path,
                                                                        registry: LayoutRegistry) -> None:
    form = _form(registry)
    blank, _ = render_to_bytes("registration", registry, RenderOptions(recipient_id=ANNA.id))
    values = {**sheet_prefill(ANNA, [form]), "phone": "03621 12345", "date": "03.04.2018", "venue_gotha": "1"}
    (image,) = list(iter_image_pages(fax(fill_pypdf(blank, values), tmp_path / "fax.tif")))
    full = ReadContext.build([ANNA, OTHER], forms=[form])
    with_list = read_page(image, 1, registry, full)
    # The same vocabulary, but no entry for any id: what a stranger's sheet gets.
    without = read_page(image, 1, registry, ReadContext(words=full.words))
    assert isinstance(with_list, PageReading) and isinstance(without, PageReading)
    assert with_list.identity.recipient_id == ANNA.id
    for name, r in with_list.fields.items():
        assert r.printed is None, (name, r)
        assert (r.value, r.confidence) == (without.fields[name].value, without.fields[name].confidence), name
    prov = Provenance("fax.tif", "0" * 64, 1, "ocr")
    known = assemble(with_list, prov, Context(form=form, matcher=Matcher([ANNA, OTHER])))
    unknown = assemble(without, prov, Context(form=form, matcher=Matcher([OTHER])))
    assert (known.status, known.reason) == (unknown.status, unknown.reason)
    assert known.recipient_id == ANNA.id
