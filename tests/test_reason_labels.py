"""Reasons name fields by the labels the sheet prints, never by their keys (QA of issue 9); the
review page still turns them (and reasons stored before, with keys) into its sentences."""

from __future__ import annotations

from dataclasses import replace

from formkit.ident import FormIdentity
from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.readings import FieldReading, PageReading
from formkit.records import Context, Provenance, assemble
from formkit.review.reasons import FieldView, record_reasons


def _form(registry: LayoutRegistry) -> FormLayout:
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    return form


def _record(form: FormLayout, low: dict[str, float], missing: set[str] = frozenset(),  # type: ignore[assignment]
            changed: set[str] = frozenset()):  # type: ignore[assignment,no-untyped-def]
    values = {"name": "Käthe Groß", "institution": "Landratsamt Gotha", "address": "Markt 1\n99867 Gotha",
              "phone": "03621 123", "email": "k.gross@example.de", "date": "12.03.2018"}
    fields = {}
    for spec in form.fields:
        if spec.name in missing:
            continue
        if spec.type == "checkbox":
            ticked = spec.value == "Gotha"
            fields[spec.name] = FieldReading(spec.name, "1" if ticked else "", 0.99, "ocr",
                                             "ticked" if ticked else "empty", 0.0)
        else:
            r = FieldReading(spec.name, values.get(spec.name, ""), low.get(spec.name, 0.99), "ocr")
            fields[spec.name] = replace(r, printed="changed") if spec.name in changed else r
    reading = PageReading(1, "ocr", FormIdentity("registration", 1, None), fields)
    return assemble(reading, Provenance("fax.tif", "0" * 64, 1, "ocr"), Context(form=form))


def test_reasons_name_fields_by_their_printed_labels(registry: LayoutRegistry) -> None:
    form = _form(registry)
    rec = _record(form, {"date": 0.5, "email": 0.6}, missing={"phone"}, changed={"institution"})
    assert rec.status == "review"
    parts = rec.reason.split("; ")
    assert "Telefon nicht gelesen" in parts
    assert "Vordruck von Hand geändert: Institution/Funktion" in parts
    assert "unsicher gelesen: E-Mail, Datum" in parts
    for key in ("phone", "email", "date", "institution"):
        assert key not in rec.reason, rec.reason


def test_review_turns_label_reasons_into_sentences(registry: LayoutRegistry) -> None:
    form = _form(registry)
    rec = _record(form, {"date": 0.5, "email": 0.6}, missing={"phone"}, changed={"institution"})
    readings = {r.name: FieldView(r.value, r.confidence, r.state, r.score) for r in rec.readings}
    assert record_reasons(form, rec.reason, readings) == [
        "Telefon: nicht gelesen", "Institution/Funktion: Vordruck von Hand geändert",
        "E-Mail unsicher gelesen (60 %)", "Datum unsicher gelesen (50 %)"]


def test_review_still_reads_reasons_stored_with_keys(registry: LayoutRegistry) -> None:
    form = _form(registry)
    readings = {"email": FieldView("k.gross@example.de", 0.6)}
    assert record_reasons(form, "Feld phone nicht gelesen; unsicher gelesen: email, date", readings) == [
        "Telefon: nicht gelesen", "E-Mail unsicher gelesen (60 %)", "Datum: etwas geschrieben, aber nicht lesbar"]


def test_a_label_with_a_comma_stays_one_field(registry: LayoutRegistry) -> None:
    form = _form(registry)
    fields = [f.model_copy(update={"label": "Name, Vorname:"}) if f.name == "name" else f for f in form.fields]
    form = form.model_copy(update={"fields": fields})
    rec = _record(form, {"name": 0.5, "phone": 0.7})
    assert "unsicher gelesen: Name, Vorname, Telefon" in rec.reason
    readings = {r.name: FieldView(r.value, r.confidence) for r in rec.readings}
    assert record_reasons(form, rec.reason, readings) == [
        "Name, Vorname unsicher gelesen (50 %)", "Telefon unsicher gelesen (70 %)"]
