"""Early checks of a campaign folder (QA of issue 9): German messages for every validation error
of an event or layout file, with file, key and the expected form; duplicate meeting ids; mail
texts and the sender's address checked at load, not at send time; date warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from formkit.campaign import Campaigns
from formkit.cli import main
from formkit.errors import LayoutError

from .campaign_kit import make_campaign

# pydantic's and Jinja's English phrases that must never reach the user.
ENGLISH = re.compile(r"Input should|valid date|valid integer|greater than|Field required|Extra inputs|"
                     r"has no attribute|is undefined|dict object|String should|list object", re.I)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _event_edit(folder: Path, change) -> None:  # type: ignore[no-untyped-def]
    path = folder / "event.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_style=None), encoding="utf-8")


def _error(folder: Path) -> str:
    with pytest.raises(LayoutError) as exc:
        c = Campaigns.load(folder).single()
        for name in c.registry.names():
            c.registry.get(name)
    msg = exc.value.message
    assert not ENGLISH.search(msg), msg
    return msg


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("date", "12.03.2020", r"meetings\[1\]\.date: „12\.03\.2020“: erwartet ein Datum im Format JJJJ-MM-TT, z\. B\."),
    ("date", "2020-02-30", r"meetings\[1\]\.date: „2020-02-30“: diesen Tag gibt es nicht im Kalender"),
    ("capacity", -5, r"meetings\[1\]\.capacity: „-5“: muss mindestens 0 sein"),
    ("capacity", "vierzig", r"meetings\[1\]\.capacity: „vierzig“: erwartet eine ganze Zahl"),
    ("capacity", 12.5, r"meetings\[1\]\.capacity: „12\.5“: erwartet eine ganze Zahl ohne Nachkommastellen"),
    ("id", "Pößneck", r"meetings\[1\]\.id: „Pößneck“: erwartet eine Kennung aus Kleinbuchstaben"),
    ("kapazitaet", 40, r"meetings\[1\]\.kapazitaet: unbekannter Schlüssel"),
])
def test_meeting_errors_are_german_with_key_and_expected_form(tmp_path: Path, key: str, value: object,
                                                              expected: str) -> None:
    folder = make_campaign(tmp_path, "c", 3)
    _event_edit(folder, lambda d: d["meetings"][1].__setitem__(key, value))
    msg = _error(folder)
    assert re.search(r"event\.yaml: " + expected, msg), msg


def test_registration_errors_name_the_allowed_values_and_missing_keys(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "c", 2)
    _event_edit(folder, lambda d: d["registration"].__setitem__("late_policy", "ablehnen"))
    assert "registration.late_policy: „ablehnen“ ist nicht erlaubt; erlaubt: accept, waitlist, review" in _error(folder)
    _event_edit(folder, lambda d: (d["registration"].__setitem__("late_policy", "review"),
                                   d["registration"].pop("deadline")))
    assert "registration.deadline: Pflichtangabe fehlt" in _error(folder)
    _event_edit(folder, lambda d: (d["registration"].__setitem__("deadline", "2020-03-20"),
                                   d.__setitem__("meetings", {"a": 1})))
    assert "meetings: erwartet eine Liste" in _error(folder)
    _event_edit(folder, lambda d: d.__setitem__("sender", "Ministerium"))
    assert "sender: „Ministerium“: erwartet eine Zuordnung (Schlüssel: Wert)" in _error(folder)


def test_layout_file_errors_are_german(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "c", 2)
    _edit(folder / "registration.yaml", "version: 1", "version: eins")
    assert re.search(r"registration\.yaml: version: „eins“: erwartet eine ganze Zahl", _error(folder))
    _edit(folder / "registration.yaml", "version: eins", "version: 1")
    _edit(folder / "registration.yaml", "{name: institution,", "{name: name,")
    assert re.search(r"registration\.yaml: .*Feldnamen müssen eindeutig sein, doppelt: name", _error(folder))


def test_template_error_names_the_unknown_key_in_german(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "c", 2)
    _event_edit(folder, lambda d: d["registration"].__setitem__(
        "instructions", "Bitte bis zum {{ registration.dedline | date_de }} anmelden."))
    msg = _error(folder)
    assert "invitation.yaml: " in msg and "unbekannter Schlüssel „dedline“" in msg


def test_duplicate_meeting_id_is_an_error_naming_the_second(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "c", 3)
    _event_edit(folder, lambda d: d["meetings"][1].__setitem__("id", d["meetings"][0]["id"]))
    assert re.search(r"event\.yaml: meetings\[1\]\.id: „jena“ gibt es schon \(meetings\[0\]\)", _error(folder))
    _event_edit(folder, lambda d: (d["meetings"][1].__setitem__("id", "jena-ost"),
                                   d["meetings"][2].__setitem__("id", "jena_ost")))
    assert "meetings[2].id: „jena_ost“ gibt es schon (meetings[1])" in _error(folder)


def test_duplicate_city_is_an_error(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "c", 3)
    _event_edit(folder, lambda d: d["meetings"][2].__setitem__("city", "jena"))
    assert "event.yaml: meetings[2].city: „jena“ gibt es schon (meetings[0])" in _error(folder)


def test_mail_template_typo_fails_at_load_with_file_and_key(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "c", 2)
    _edit(folder / "confirmation.yaml", "in {{ meeting.city }}", "in {{ meeting.cty }}")
    msg = _error(folder)
    assert "confirmation.yaml: mail.subject: " in msg and "unbekannter Schlüssel „cty“" in msg
    result = CliRunner().invoke(main, ["campaign", "check", "--layouts", str(folder)])
    assert result.exit_code != 0 and "mail.subject" in result.output


def test_invitation_mail_may_use_only_what_send_gives(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "c", 2)
    _edit(folder / "invitation.yaml", "  body: |-\n    {{ recipient.salutation }}",
          "  body: |-\n    {{ recipient.salutation }} {{ meeting.city }}")
    msg = _error(folder)
    assert "invitation.yaml: mail.body: " in msg and "unbekannter Name „meeting“" in msg


def test_missing_sender_email_fails_campaign_check_not_only_send(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "c", 2)
    _event_edit(folder, lambda d: d["sender"].pop("email"))
    result = CliRunner().invoke(main, ["campaign", "check", "--layouts", str(folder)])
    assert result.exit_code != 0
    assert "mail: die Absenderadresse fehlt (sender.email" in result.output


def test_date_warnings_do_not_fail_the_check(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "c", 3)  # meetings from 2020-04-02, deadline 03-20, letter 03-01
    result = CliRunner().invoke(main, ["campaign", "check", "--layouts", str(folder)])
    assert result.exit_code == 0 and "Warnung" not in result.output, result.output
    assert "danach: prüfen" in result.output  # the late policy in the office's words, not its key
    _event_edit(folder, lambda d: (d["registration"].__setitem__("deadline", "2020-04-05"),
                                   d["letter"].__setitem__("date", "2020-04-03")))
    result = CliRunner().invoke(main, ["campaign", "check", "--layouts", str(folder)])
    assert result.exit_code == 0, result.output
    assert "registration.deadline: der Anmeldeschluss (5. April 2020) liegt nach dem ersten Termin (Jena, " \
           "2. April 2020)" in result.output
    assert "meetings[0].date: der Termin in Jena (2. April 2020) liegt vor dem Datum des Anschreibens" in result.output
    assert "meetings[1]" not in result.output
    assert "keine Fehler, 2 Warnung(en)" in result.output


def test_broken_yaml_is_explained_in_german(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "c", 2)
    event = folder / "event.yaml"
    original = event.read_text(encoding="utf-8")
    event.write_text(original.replace("meetings:\n- id: jena\n", "meetings:\n- id: jena\n city: [Jena\n", 1),
                     encoding="utf-8")
    msg = _error(folder)
    assert "event.yaml: kein gültiges YAML (Zeile" in msg and "Einrückung prüfen" in msg, msg
    event.write_text(original + "extra:\n\t- a\n", encoding="utf-8")
    assert "ein Tabulator?" in _error(folder)


def test_errors_in_contacts_notes_and_letter_name_their_key(tmp_path: Path) -> None:
    """„contacts“, „notes“ and „letter“ are keys of event.yaml as well as block kinds of a layout:
    an office's contact without a street was reported as „[0].street“, the key lost (qa4)."""
    folder = make_campaign(tmp_path, "c", 2)
    _event_edit(folder, lambda d: d.__setitem__("contacts", [{"name": "Jörg Müßiggang", "organisation": "LFR"}]))
    assert "event.yaml: contacts[0].street: Pflichtangabe fehlt" in _error(folder)
    _event_edit(folder, lambda d: (d.pop("contacts"), d["letter"].__setitem__("date", "19.03.2022")))
    assert re.search(r"event\.yaml: letter\.date: „19\.03\.2022“: erwartet ein Datum", _error(folder))
    _event_edit(folder, lambda d: (d["letter"].__setitem__("date", "2020-03-01"), d.__setitem__("notes", "eine")))
    assert "event.yaml: notes: „eine“: erwartet eine Liste" in _error(folder)
