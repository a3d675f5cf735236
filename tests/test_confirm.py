"""Confirmation and waiting-list letters (text checked in the PDF), the print file, the CSV, and the
attendee list for the door."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from formkit.allocate import Allocation
from formkit.attendees import Attendee, render_attendee_list, sort_key, surname_first
from formkit.cli import main
from formkit.confirm import Addressee, display_name, render_letters, split_address
from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.render.document import render_to_bytes
from tests.fill import fill_pypdf

TODAY = dt.date(2018, 4, 13)


def text_of(data: bytes | Path) -> str:
    raw = data.read_bytes() if isinstance(data, Path) else data
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def seat(key: str, meeting: str, outcome: str = "seat", position: int = 1) -> Allocation:
    return Allocation(key, meeting, meeting.capitalize(), outcome, position,  # type: ignore[arg-type]
                      dt.datetime(2018, 4, 2, 9, tzinfo=dt.UTC), "received", False, "")


ANNA = Addressee("a" * 64 + ":1", "Müller, Anna", "Landratsamt Greiz, Jugendamt", "Dr.-Rathenau-Platz 11, 07973 Greiz",
                 "anna@example.org")
JOERG = Addressee("b" * 64 + ":1", "Jörg Weiß", "Stadt Suhl", "Markt 1\n98527 Suhl", "j@example.org",
                  recipient_id="R0042")
EVIL = Addressee("c" * 64 + ":2", "{{ 7 * 7 }} =cmd", "Amt <b>X</b> & Co", "", "=HYPERLINK()")


@pytest.fixture
def letters(tmp_path: Path, registry: LayoutRegistry):  # type: ignore[no-untyped-def]
    people = [(JOERG, seat(JOERG.key, "gotha", "waitlist", 3)), (ANNA, seat(ANNA.key, "schleiz")),
              (EVIL, seat(EVIL.key, "sonneberg", position=7)),
              (Addressee("d" * 64 + ":1", "Offen, Otto"), seat("d" * 64 + ":1", "gotha", "pending"))]
    return render_letters(registry, people, tmp_path / "briefe", TODAY), tmp_path / "briefe"


def test_confirmation_letter_names_person_venue_date_address_room(letters, registry: LayoutRegistry) -> None:  # type: ignore[no-untyped-def]
    result, out = letters
    letter = next(x for x in result.letters if x.addressee is ANNA)
    assert letter.path == out / f"R{'a' * 8}-anna-mueller.pdf"
    text = flat(text_of(letter.path))
    assert "Teilnahmebestätigung: Regionaltreffen am 3. Mai 2018 in Schleiz" in text
    assert "Guten Tag Anna Müller," in text
    assert "Donnerstag, 3. Mai 2018, 9.30 Uhr bis 13.00 Uhr" in text
    assert "Ort: Landratsamt Schleiz, Oschitzer Straße 4, 07907 Schleiz" in text
    assert "Raum: Kreistagssaal, Neubau, Konferenzraum 237" in text
    assert "Parkmöglichkeiten gibt es in den Nebenstraßen" in text
    assert "Anlage: Programm" in text and "Programm:" in text and "Ende der Veranstaltung" in text
    # Window address (DIN 5008): institution, name, street, postcode + place on their own lines.
    lines = text_of(letter.path).splitlines()
    i = lines.index("Landratsamt Greiz, Jugendamt")
    assert lines[i:i + 4] == ["Landratsamt Greiz, Jugendamt", "Anna Müller", "Dr.-Rathenau-Platz 11", "07973 Greiz"]
    assert "13.04.2018" in text  # letter date in the information block
    assert "Warteliste" not in text


def test_waitlist_letter_and_print_file_and_csv(letters) -> None:  # type: ignore[no-untyped-def]
    result, out = letters
    wl = next(x for x in result.letters if x.addressee is JOERG)
    assert wl.path.name == "R0042-joerg-weiss.pdf"
    text = flat(text_of(wl.path))
    assert "Regionaltreffen am 27. April 2018 in Gotha: Warteliste" in text
    assert "Warteliste gesetzt (Platz 3)" in text and "alle 40 Plätze" in text
    assert "Teilnahmebestätigung:" not in text
    # Pending records get no letter; every letter is in the print file, in venue order.
    assert result.count("seat") == 2 and result.count("waitlist") == 1
    assert [k for k, _ in result.skipped] == ["d" * 64 + ":1"]
    pages = sum(len(PdfReader(x.path).pages) for x in result.letters)
    printed = PdfReader(out / "print.pdf")
    assert len(printed.pages) == pages
    print_text = flat(text_of(out / "print.pdf"))
    assert print_text.index("in Sonneberg") < print_text.index("in Gotha: Warteliste") < print_text.index("in Schleiz")
    with (out / "confirmations.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["letter"], r["venue"], r["name"]) for r in rows] == [
        ("Teilnahmebestätigung", "Sonneberg", "{{ 7 * 7 }} =cmd"),
        ("Warteliste", "Gotha", "Jörg Weiß"),
        ("Teilnahmebestätigung", "Schleiz", "Müller, Anna"),
    ]
    assert rows[1]["position"] == "3" and rows[1]["file"] == "R0042-joerg-weiss.pdf"
    assert rows[0]["email"] == "'=HYPERLINK()"  # no formula in a spreadsheet
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [x.path.name for x in result.letters] + ["print.pdf", "confirmations.csv"])


def test_values_are_text_never_templates_or_markup(letters) -> None:  # type: ignore[no-untyped-def]
    result, _ = letters
    evil = next(x for x in result.letters if x.addressee is EVIL)
    text = flat(text_of(evil.path))
    assert "49" not in text
    assert "{{ 7 * 7 }} =cmd" in text  # printed exactly as written
    assert "Amt <b>X</b> & Co" in text


def test_letters_are_deterministic(tmp_path: Path, registry: LayoutRegistry) -> None:
    people = [(ANNA, seat(ANNA.key, "schleiz"))]
    a = render_letters(registry, people, tmp_path / "a", TODAY)
    b = render_letters(registry, people, tmp_path / "b", TODAY)
    assert a.letters[0].path.read_bytes() == b.letters[0].path.read_bytes()
    assert (tmp_path / "a" / "print.pdf").read_bytes() == (tmp_path / "b" / "print.pdf").read_bytes()


def test_name_and_address_helpers() -> None:
    assert display_name("Müller,  Anna") == "Anna Müller"
    assert display_name("Anna Müller") == "Anna Müller"
    assert split_address("Bahnhofstr. 66, 96515 Sonneberg") == ["Bahnhofstr. 66", "96515 Sonneberg"]
    assert split_address("Postfach 1, Gebäude 2") == ["Postfach 1, Gebäude 2"]
    assert split_address(" Markt 1 \n\n 98527  Suhl ") == ["Markt 1", "98527 Suhl"]


# --- attendee list ------------------------------------------------------------------------------


def test_attendee_list_sorted_by_surname_with_signature_column(tmp_path: Path, registry: LayoutRegistry) -> None:
    ev = registry.get("confirmation").event
    assert ev is not None
    people = [{"name": "Zander, Zoe", "institution": "Ilm-Kreis"},
              Attendee("Anna Östreich", "Stadt Weimar"),
              {"name": "Ärmel, Paul", "institution": "Landratsamt Gotha"},
              {"name": "Bauer, Berta", "institution": "Stadt Erfurt"},
              {"name": "Straße, Sven", "institution": "Sömmerda"}]
    out = tmp_path / "liste.pdf"
    data = render_attendee_list(people, ev.meeting("gotha"), out)
    assert out.read_bytes() == data
    text = text_of(data)
    order = ["Ärmel, Paul", "Bauer, Berta", "Östreich, Anna", "Straße, Sven", "Zander, Zoe"]
    positions = [text.index(n) for n in order]
    assert positions == sorted(positions)
    assert "Teilnehmerliste" in text and "Unterschrift" in text and "Institution" in text
    assert "27. April 2018" in text and "Landratsamt Gotha, 18.-März-Str. 50" in flat(text)
    assert "5 angemeldete Personen (Plätze: 40)" in text
    assert render_attendee_list(people, ev.meeting("gotha")) == data  # deterministic
    # One person is „1 angemeldete Person“ (a venue with one registration in bench.heldout_campaigns).
    assert "1 angemeldete Person (Plätze: 40)" in text_of(render_attendee_list(people[:1], ev.meeting("gotha")))


def test_attendee_sort_rules() -> None:
    assert surname_first("Anna Maria Müller") == "Müller, Anna Maria"
    assert sorted(["Zorn", "öl", "Ober", "Muß", "Mus"], key=sort_key) == ["Mus", "Muß", "Ober", "öl", "Zorn"]


def test_attendee_list_many_pages_repeat_header(tmp_path: Path, registry: LayoutRegistry) -> None:
    ev = registry.get("confirmation").event
    assert ev is not None
    people = [Attendee(f"Person{i:03d}, Test", "Landratsamt") for i in range(60)]
    reader = PdfReader(io.BytesIO(render_attendee_list(people, ev.meeting("sonneberg"))))
    assert len(reader.pages) >= 3
    assert all("Unterschrift" in p.extract_text() for p in reader.pages)


# --- CLI on a parsed store ----------------------------------------------------------------------


def test_cli_confirm_from_parsed_store(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1] / "layouts" / "lsz-2018"
    layouts = tmp_path / "layouts"
    shutil.copytree(root, layouts)
    ev = layouts / "event.yaml"
    ev.write_text(ev.read_text(encoding="utf-8").replace("capacity: 60\n  - id: gotha", "capacity: 1\n  - id: gotha",
                                                         1), encoding="utf-8")
    registry = LayoutRegistry(layouts)
    assert registry.get("confirmation").event.meeting("sonneberg").capacity == 1  # type: ignore[union-attr]
    blank, _ = render_to_bytes("registration", registry)
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    for fn, name in (("1.eml.pdf", "Erste, Emma"), ("2.pdf", "Zweiter, Zeno")):
        (inbox / fn).write_bytes(fill_pypdf(blank, {
            "name": name, "institution": "Landratsamt Sonneberg", "address": "Bahnhofstraße 66\n96515 Sonneberg",
            "email": "e@example.org", "phone": "03675 871-0", "venue_sonneberg": "1", "date": "02.04.2018"}))
    os.utime(inbox / "1.eml.pdf", (1522652400, 1522652400))
    os.utime(inbox / "2.pdf", (1522656000, 1522656000))
    db = tmp_path / "formkit.sqlite"
    run([inbox], Options(db=db, layouts=layouts))
    res = CliRunner().invoke(main, ["confirm", "--db", str(db), "-o", str(tmp_path / "briefe"), "--sources",
                                    str(inbox), "--layouts", str(layouts), "--date", "2018-04-13"])
    assert res.exit_code == 0, res.output
    assert "1 Teilnahmebestätigung(en), 1 Wartelistenbrief(e)" in res.output
    files = sorted(p.name for p in (tmp_path / "briefe").iterdir())
    assert "print.pdf" in files and "confirmations.csv" in files
    first = next(f for f in files if f.endswith("-emma-erste.pdf"))
    second = next(f for f in files if f.endswith("-zeno-zweiter.pdf"))
    assert "Teilnahmebestätigung: Regionaltreffen am 26. April 2018 in Sonneberg" in flat(
        text_of(tmp_path / "briefe" / first))
    assert "Warteliste gesetzt (Platz 1)" in flat(text_of(tmp_path / "briefe" / second))
    assert str(tmp_path / "briefe" / "print.pdf") in res.output


def test_export_attendee_list_from_store_before_and_after_allocation(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1] / "layouts" / "lsz-2018"
    layouts = tmp_path / "layouts"
    shutil.copytree(root, layouts)
    ev_file = layouts / "event.yaml"
    ev_file.write_text(ev_file.read_text(encoding="utf-8").replace("capacity: 40", "capacity: 2"), encoding="utf-8")
    registry = LayoutRegistry(layouts)
    event = registry.get("confirmation").event
    assert event is not None
    blank, _ = render_to_bytes("registration", registry)
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    people = [("1.pdf", "Zorn, Zacharias", "venue_gotha"), ("2.pdf", "Ahrens, Anke", "venue_gotha"),
              ("3.pdf", "Mayer, Max", "venue_gotha"), ("4.pdf", "Schleizer, Sabine", "venue_schleiz")]
    for i, (fn, name, box) in enumerate(people):
        (inbox / fn).write_bytes(fill_pypdf(blank, {"name": name, "institution": f"Amt {i}", box: "1",
                                                    "email": "p@example.org"}))
        os.utime(inbox / fn, (1522652400 + i * 60, 1522652400 + i * 60))
    db = tmp_path / "formkit.sqlite"
    run([inbox], Options(db=db, layouts=layouts))

    from formkit.allocate import run_allocation
    from formkit.attendees import export_attendee_list
    from formkit.errors import InputError
    from formkit.store import Store

    out = tmp_path / "liste.pdf"
    assert export_attendee_list(db, "gotha", out, event) == 3  # no allocation yet: every ok record
    text = text_of(out)
    assert [text.index(n) for n in ("Ahrens, Anke", "Mayer, Max", "Zorn, Zacharias")] == sorted(
        text.index(n) for n in ("Ahrens, Anke", "Mayer, Max", "Zorn, Zacharias"))
    assert "Schleizer" not in text and "noch keine Platzvergabe" in text
    with Store(db) as store:
        run_allocation(store, event, [inbox])
    assert export_attendee_list(db, "Gotha", out, event) == 2  # the seated ones: first two received
    text = text_of(out)
    assert "Zorn, Zacharias" in text and "Ahrens, Anke" in text and "Mayer, Max" not in text
    with pytest.raises(InputError, match="unbekannt"):
        export_attendee_list(db, "Erfurt", out, event)


def test_salutation_from_mailing_list_only_for_the_invitee(tmp_path: Path, registry: LayoutRegistry) -> None:
    from formkit.confirm import addressees_from_store
    from formkit.recipients import Recipient
    from formkit.render.document import RenderOptions
    from formkit.store import Store

    inbox = tmp_path / "in"
    inbox.mkdir()
    for rid, name in (("R0001", "Müller, Anna"), ("R0002", "Vertreter, Volker")):
        sheet, _ = render_to_bytes("registration", registry, RenderOptions(recipient_id=rid))
        (inbox / f"{rid}.pdf").write_bytes(fill_pypdf(sheet, {"name": name, "institution": "LRA",
                                                              "venue_gotha": "1", "email": "a@example.org"}))
    db = tmp_path / "db.sqlite"
    run([inbox], Options(db=db, layouts=registry.root))
    invitees = [Recipient("R0001", salutation="Frau", title="Dr.", first_name="Anna", last_name="Müller"),
                Recipient("R0002", salutation="Herr", first_name="Jörg", last_name="Weiß")]
    with Store(db) as store:
        people = {a.recipient_id: a for a in addressees_from_store(store, invitees).values()}
    assert people["R0001"].salutation == "Sehr geehrte Frau Dr. Müller,"
    assert people["R0002"].salutation is None  # a deputy registered: the neutral form is used


def _words(pdf: Path, page: int = 1) -> list[tuple[str, float, float]]:
    """Words of a page with their right edge and top, in points (poppler's pdftotext -bbox)."""
    import re
    import subprocess

    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(w, float(x1), float(y0)) for y0, x1, w in
            re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html)]


def test_long_organiser_block_is_printed_whole_inside_the_letterhead(tmp_path: Path) -> None:
    """An office's longer sender (organisation and unit) fits the letterhead's width in a smaller
    size; it was cut at 80 characters without a word (held-out campaigns, qa4)."""
    import yaml

    from tests.campaign_kit import make_campaign

    folder = make_campaign(tmp_path, "lang-2022", 3)
    event = folder / "event.yaml"
    data = yaml.safe_load(event.read_text(encoding="utf-8"))
    org = ("Thüringer Ministerium für Bildung, Jugend und Sport – Abteilung Kinder, Jugend, Familie und "
           "Gleichstellung")
    unit = ("Referat 34 – Familienförderung, Familienbildung und Mehrgenerationenhäuser (Geschäftsstelle "
            "Landesfamilienrat und Servicestelle)")
    data["sender"].update(organisation=org, unit=unit)
    data["contacts"] = [{"name": "Jörg Müßiggang", "organisation": "Servicestelle Familienbildung e. V.",
                         "street": "Löberstraße 34", "postcode": "99096", "city": "Erfurt",
                         "phone": "0361 2225-115", "email": "j.muessiggang@familienbildung.de"}]
    event.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "einladung.pdf"
    res = CliRunner().invoke(main, ["render", "invitation", "--layouts", str(folder), "-o", str(out)])
    assert res.exit_code == 0, res.output
    words = _words(out)
    head = [(w, x1) for w, x1, top in words if top < 30 * 72 / 25.4]
    # The information block names the first contact, here Jörg Müßiggang: not „Ansprechpartnerin“.
    assert "Ansprechperson" in [w for w, _, _ in words] and "Ansprechpartnerin" not in [w for w, _, _ in words]
    assert " ".join(w for w, _ in head).replace("&amp;", "&") == f"{org} {unit}"
    assert max(x1 for _, x1 in head) <= 190 * 72 / 25.4 + 0.5  # the rule under the letterhead ends at 190 mm


def test_door_list_default_file_name_is_one_safe_file_for_a_town_with_a_slash(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """`export --format pdf --venue „Bad Frankenhausen/Kyffhäuser“` without -o wrote into a folder
    „teilnehmerliste-bad frankenhausen/“ (held-out campaigns, qa4); the file is named as letters
    are, and the message names the meeting's town as the event spells it."""
    import yaml

    from tests.campaign_kit import make_campaign

    folder = make_campaign(tmp_path, "kyff-2022", 2)
    event = folder / "event.yaml"
    data = yaml.safe_load(event.read_text(encoding="utf-8"))
    data["meetings"][1]["city"] = "Bad Frankenhausen/Kyffhäuser"
    event.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    blank, _ = render_to_bytes("registration", LayoutRegistry(folder))
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "a.pdf").write_bytes(fill_pypdf(blank, {"name": "Anke Ahrens", "institution": "Amt",
                                                     f"venue_{data['meetings'][1]['id']}": "1"}))
    db = tmp_path / "formkit.sqlite"
    run([inbox], Options(db=db, layouts=folder))
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "pdf", "--venue",
                                    "bad frankenhausen/kyffhäuser", "--layouts", str(folder)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("teilnehmerliste-bad-frankenhausen-kyffhaeuser.pdf: Teilnehmerliste "
                                 "Bad Frankenhausen/Kyffhäuser (kyff-2022), 1 Person"), res.output
    assert "Ahrens" in text_of(tmp_path / "teilnehmerliste-bad-frankenhausen-kyffhaeuser.pdf")
