"""Per-kind rules (formkit.fields): what OCR output becomes, what is plausible, what a record says."""

from __future__ import annotations

import pytest

from formkit import fields
from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout


@pytest.mark.parametrize("raw,clean", [
    ("j,mueller@gotha,de", "j.mueller@gotha.de"),
    ("j.mueller®gotha.de", "j.mueller@gotha.de"),
    ("j. mueller @ gotha.de", "j.mueller@gotha.de"),
    ("mailto:a.b@c.de", "a.b@c.de"),
    ("a.b(a)c.de", "a.b@c.de"),
    ("a®b®c.de", "a®b®c.de"),  # two look-alikes: which one is "@" is a person's call
])
def test_email_clean_up(raw: str, clean: str) -> None:
    assert fields.rules("email").clean(raw) == clean


def test_email_clean_up_never_makes_a_bad_address_valid() -> None:
    assert not fields.plausible("email", fields.rules("email").clean("a®b®c.de"))
    assert not fields.plausible("email", fields.rules("email").clean("j.mueller gotha.de"))


@pytest.mark.parametrize("kind,value,ok", [
    ("phone", "03647 412345", True), ("phone", "+49 (3647) 41-2345", True), ("phone", "0364", False),
    ("phone", "0364a 12345", False), ("phone", "(03647) 412345", True), ("phone", "93661 715328", False),
    ("phone", "715328", False), ("phone", "03639 95459 -", False), ("phone", "03639 95459-0", True),
    ("date", "12.04.2018", True), ("date", "1.4.", True), ("date", "32.04.2018", False), ("date", "12.13.2018", False),
    ("date", "12042018", False), ("date", "28.03.2918", False), ("date", "28.03.1998", True), ("date", "28.03.18", True),
    ("email", "k.schroeder@poessneck.de", True), ("email", "k..schroeder@poessneck.de", False),
    ("email", "k.schroeder@poessneck", False), ("email", "n.truebenbach@l.oelleda.de", False),
    ("email", "info@lra-sok.thueringen.de", True),
    ("name", "Schröder, Käthe", True), ("name", "Sch|röder", False), ("name", "4nna", False),
    ("text", "|||", True), ("address", "", True), ("phone", "", True),
    ("address", "Lutherstraße 94\n89548 Uhlstädt-Kirchhasel", True), ("address", "Am Markt 1\nD-99867 Gotha", True),
    ("address", "18.-März-Straße 50\n99867 Gotha", True),
    ("address", "Lutherstraße 94\n893548 Uhlstädt-Kirchhasel", False),  # a misread postcode: 6 digits
    ("address", "Hinter der Mauer 66\n89310 Bad L.obenstein", False),  # a speck read as a dot in a word
    ("address", "Am Anger 63\n97217. Triptis", False),  # a speck read as a sign after the postcode
    ("address", "Am Anger 63\nD-97217 Triptis", True),
    ("institution", "Diakonie Sömmerda e. V. / Leiter", True), ("institution", "Jugendamt L.obenstein", False),
])
def test_checks_by_kind(kind: str, value: str, ok: bool) -> None:
    assert fields.plausible(kind, value) is ok


def test_whitelists_for_digit_kinds_and_lowercase_email() -> None:
    assert set(fields.rules("phone").whitelist or "") >= set("0123456789 /-()+")
    assert set(fields.rules("date").whitelist or "") == set("0123456789.")
    # E-mail: lowercase only, so 'I'/'|' for 'l' and '‚' for '.' cannot come back; '@' itself allowed.
    email = set(fields.rules("email").whitelist or "")
    assert email >= set("abcdefghijklmnopqrstuvwxyz0123456789.-_@")
    assert not email & set("ABCDEFGHIJKLMNOPQRSTUVWXYZ|‚,®")
    for kind in ("name", "text", "address"):
        assert fields.rules(kind).whitelist is None
    assert fields.rules("unknown-kind") == fields.rules("text")


@pytest.mark.parametrize("raw,clean", [
    # What faxes made of the lone slash between institution and function (bench misreads).
    ("Familienzentrum Ilmenau : Sachbearbeiterin", "Familienzentrum Ilmenau / Sachbearbeiterin"),
    ("Stadtverwaltung Themar ’ Leiterin", "Stadtverwaltung Themar / Leiterin"),
    ("Diakonie Sömmerda e. V. /;Leiter", "Diakonie Sömmerda e. V. / Leiter"),
    ("Diakonie Eisenach e. V. /Leiter", "Diakonie Eisenach e. V. / Leiter"),
    ("Jugendamt/ Leiterin", "Jugendamt / Leiterin"),
    ("Diakonie Schmölln e. V", "Diakonie Schmölln e. V."),
    ("Verein e.V", "Verein e.V."),
    # Left alone: a slash typed without spaces, a colon at its word, a dash, a letter misread as '!'.
    ("Jugendamt/Leiterin", "Jugendamt/Leiterin"),
    ("Haus 3: Leitung", "Haus 3: Leitung"),
    ("Landratsamt - Jugendamt", "Landratsamt - Jugendamt"),
    ("Mehrgenerationenhaus !lmenau", "Mehrgenerationenhaus !lmenau"),
    ("Kinder e. V. Verein", "Kinder e. V. Verein"),
])
def test_institution_clean_up(raw: str, clean: str) -> None:
    assert fields.rules("institution").clean(raw) == clean


@pytest.mark.parametrize("raw,clean", [
    ("Müller. Grete", "Müller, Grete"),  # the comma a fax made a full stop of
    ("Wächtler. Kunibert", "Wächtler, Kunibert"),
    ("H. Müller", "H. Müller"),  # an initial keeps its dot
    ("Prof. Dr. Anna Müller", "Prof. Dr. Anna Müller"),  # titles keep theirs
    ("Dipl.-Ing. Hans Wurst", "Dipl.-Ing. Hans Wurst"),
    ("Zöllner, Ines", "Zöllner, Ines"),
    ("Dr Anna Müller", "Dr. Anna Müller"),  # a title's dot lost (Liberation Mono 10, heldout_office)
    ("Prof Dr Anna Müller", "Prof. Dr. Anna Müller"),
    ("Drößler, Anna", "Drößler, Anna"),  # a name starting so is no title
])
def test_name_clean_up(raw: str, clean: str) -> None:
    assert fields.rules("name").clean(raw) == clean


def test_record_reasons_come_from_the_kind(registry: LayoutRegistry) -> None:
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    reasons = {f.kind: fields.problem(f.kind, "nicht gültig") for f in form.fields if f.type == "text"}
    assert reasons["email"] == "E-Mail-Adresse ungültig"
    assert reasons["phone"] == "Telefonnummer ungültig"
    assert reasons["institution"] is None and reasons["name"] is None  # free text has no syntax


def test_normalise() -> None:
    assert fields.normalise("email", " mailto:a@b.de ") == "a@b.de"
    assert fields.normalise("address", " Markt 1 \n\n 99867  Gotha ", multiline=True) == "Markt 1\n99867 Gotha"
    assert fields.normalise("name", "Anna\u00a0 Müller") == "Anna Müller"


@pytest.mark.parametrize("read,known,same", [
    ("Müller, Anna", "Anna Müller", True),
    ("anna müller", "Anna Müller", True),
    ("Müller Anna", "Anna Müller", False),  # the comma of the turned order lost: not exactly right
    ("Möller, Anna", "Anna Müller", False),
    ("Anna Müller-Lüdenscheidt", "Anna Müller", False),
    ("Landratsamt Gotha, Jugendamt", "Landratsamt Gotha, Jugendamt", True),
    ("Landratsamt Gotha / Jugendamt", "Landratsamt Gotha, Jugendamt", True),  # both separate the function
    ("Diakonie Gotha e. V", "Diakonie Gotha e. V.", False),
    ("Dr. Müller, Anna", "Dr. Anna Müller", True),
    ("a.mueller@gotha.de", "a.mueller@gotha.de", True),
    ("a.mueller@gotha.de", "a.müller@gotha.de", False),
    ("", "Anna Müller", False),
])
def test_same_words(read: str, known: str, same: bool) -> None:
    assert fields.same_words(read, known) is same


def test_letters_a_filler_replaced_by_question_marks_are_a_reason() -> None:
    """QA: qpdf's appearances print 'J?rgen Wei?' for 'Jürgen Weiß'; the text layer read it and it was ok."""
    assert fields.problem("name", "J?rgen Wei?-?hler") == \
        "Name: Zeichen nicht lesbar („J?rgen“, vom ausfüllenden Programm ersetzt)"
    assert fields.problem("institution", "Diakonie M?hlhausen") is not None
    assert fields.problem("address", "Felchtaer Str. 3\n99974 M\ufffdhlhausen") is not None
    assert fields.problem("name", "Jürgen Weiß") is None
    assert fields.problem("institution", "Was nun? Beratung e. V.") is None  # a question mark after a word
