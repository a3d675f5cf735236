"""Record assembly: low-confidence OCR values, the mailing list as an independent check."""

from __future__ import annotations

from formkit.ident import FormIdentity
from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.read.dispatch import read_pdf
from formkit.readings import FieldReading, PageReading
from formkit.recipients import Recipient, sheet_prefill
from formkit.records import Context, Matcher, Provenance, Record, assemble
from formkit.render.document import RenderOptions, render_to_bytes
from tests.fill import fill_pypdf

ANNA = Recipient(id="R0042", title="Dr.", first_name="Anna", last_name="Müller", institution="Landratsamt Gotha",
                 function="Jugendamt", street="18.-März-Str. 50", postcode="99867", city="Gotha",
                 email="a.mueller@example.de")


def _reading(form: FormLayout, values: dict[str, tuple[str, float]], recipient_id: str | None) -> PageReading:
    fields = {}
    for spec in form.fields:
        value, conf = values.get(spec.name, ("", 0.98))
        if spec.type == "checkbox":
            fields[spec.name] = FieldReading(spec.name, value, conf, "ocr", "ticked" if value else "empty", 0.0)
        else:
            fields[spec.name] = FieldReading(spec.name, value, conf, "ocr")
    return PageReading(1, "ocr", FormIdentity("registration", 1, recipient_id), fields)


def _assemble(registry: LayoutRegistry, values: dict[str, tuple[str, float]], rid: str | None):  # type: ignore[no-untyped-def]
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    ctx = Context(form=form, matcher=Matcher([ANNA]))
    return assemble(_reading(form, values, rid), Provenance("fax.tif", "0" * 64, 1, "ocr"), ctx)


def test_low_confidence_value_equal_to_what_the_packet_printed_is_confirmed(registry: LayoutRegistry) -> None:
    values = {"name": ("Dr. Anna Müller", 0.55), "institution": ("Landratsamt Gotha, Jugendamt", 0.61),
              "address": ("18.-März-Str. 50\n99867 Gotha", 0.70), "venue_gotha": ("1", 0.99)}
    rec = _assemble(registry, values, "R0042")
    assert rec.status == "ok", rec.reason
    assert rec.values["name"] == "Dr. Anna Müller" and rec.confidence == 0.55  # the machine's own figure stays


def test_low_confidence_value_that_differs_still_goes_to_review(registry: LayoutRegistry) -> None:
    values = {"name": ("Dr. Anna Mül1er", 0.55), "institution": ("Landratsamt Gotha, Jugendamt", 0.61),
              "venue_gotha": ("1", 0.99)}
    rec = _assemble(registry, values, "R0042")
    assert rec.status == "review" and "unsicher gelesen: Name/Vorname" in rec.reason
    assert rec.values["name"] == "Dr. Anna Mül1er"  # never replaced by the list's value
    assert rec.match is not None and rec.match.recipient_id == "R0042"


def test_without_recipient_id_nothing_is_confirmed(registry: LayoutRegistry) -> None:
    rec = _assemble(registry, {"name": ("Dr. Anna Müller", 0.55), "venue_gotha": ("1", 0.99)}, None)
    assert rec.status == "review" and "unsicher gelesen: Name/Vorname" in rec.reason


def test_ink_but_nothing_read_goes_to_review(registry: LayoutRegistry) -> None:
    values = {"name": ("Dr. Anna Müller", 0.98), "institution": ("Landratsamt Gotha, Jugendamt", 0.97),
              "phone": ("", 0.0), "venue_gotha": ("1", 0.99)}
    rec = _assemble(registry, values, None)
    assert rec.status == "review" and "unsicher gelesen: Telefon" in rec.reason
    # A clean empty zone (the recogniser's empty confidence) is not a reason to look.
    values["phone"] = ("", 0.95)
    assert _assemble(registry, values, None).status == "ok"


def test_a_packet_back_with_another_persons_name_goes_to_a_person(registry: LayoutRegistry) -> None:
    """QA: a colleague filled in Björn Weiß's packet with her own name; it was ok under his id."""
    bjoern = Recipient(id="A002", first_name="Björn", last_name="Weiß", institution="Landratsamt Sonneberg",
                       street="Bahnhofstraße 66", postcode="96515", city="Sonneberg", email="b.weiss@lkson.de")
    form = registry.form("registration").layout
    printed = sheet_prefill(bjoern, [form])
    blank, _ = render_to_bytes("registration", registry, RenderOptions(recipient_id="A002", values=printed))
    ctx = Context(form=form, matcher=Matcher([bjoern]))

    def record(**changes: str) -> Record:
        page = read_pdf(fill_pypdf(blank, {**printed, "venue_gotha": "1", "date": "10.04.2018", **changes}),
                        registry).pages[0]
        assert isinstance(page, PageReading)
        return assemble(page, Provenance("x.pdf", "0" * 64, 1, "acroform"), ctx)

    assert record().status == "ok"
    assert record(name="Weiß, Björn").status == "ok"  # the order turned: the same person
    assert record(email="bjoern.weiss@lkson.de").status == "ok"  # an updated address is no other person
    other = record(name="Sabine Kaiser", email="s.kaiser@lkson.de")
    assert other.status == "review" and "anderer Name als im Vordruck (Paket für „Björn Weiß“)" in other.reason


def test_a_date_outside_the_campaigns_signing_days_goes_to_a_person(registry: LayoutRegistry) -> None:
    """'12.03.2016' on a sheet of the 2018 round (a misread 8, a slip of the pen): never ok."""
    from formkit.campaign import Campaign

    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    signing = Campaign.of_registry(registry).policies.signing
    assert signing is not None and signing[0].year == signing[1].year == 2018
    base = {"name": ("Dr. Anna Müller", 0.99), "institution": ("Landratsamt Gotha, Jugendamt", 0.99),
            "address": ("18.-März-Str. 50\n99867 Gotha", 0.99), "phone": ("03621 214", 0.99),
            "email": ("a.mueller@example.de", 0.99), "venue_gotha": ("1", 0.99)}
    prov = Provenance("fax.tif", "0" * 64, 1, "ocr")
    for day, ok in (("26.03.2018", True), ("12.03.2016", False), ("26.3.18", True), ("04.06.2018", False)):
        reading = _reading(form, {**base, "date": (day, 0.99)}, None)
        rec = assemble(reading, prov, Context(form=form, signing=signing))
        assert (rec.status == "ok") is ok, (day, rec.reason)
        assert ("liegt außerhalb der Anmeldezeit" in rec.reason) is not ok


def test_a_printed_name_not_read_is_not_called_missing(registry: LayoutRegistry) -> None:
    """bench heldout_fonts, paket-H007: a fax streak through the printed name; nothing read, the
    print „changed“. „Name fehlt“ beside „Vordruck von Hand geändert: Name/Vorname“ misled: the
    name is on the page."""
    from dataclasses import replace

    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    reading = _reading(form, {"name": ("", 0.0), "venue_gotha": ("1", 0.99)}, "R0042")
    reading = replace(reading, fields={**reading.fields, "name": replace(reading.fields["name"], printed="changed")})
    rec = assemble(reading, Provenance("fax.tif", "0" * 64, 1, "ocr"), Context(form=form, matcher=Matcher([ANNA])))
    assert rec.status == "review" and "Vordruck von Hand geändert: Name/Vorname" in rec.reason
    assert "Name fehlt" not in rec.reason
    # An empty name field with nothing printed in it is still missing.
    assert "Name fehlt" in _assemble(registry, {"venue_gotha": ("1", 0.99)}, None).reason
