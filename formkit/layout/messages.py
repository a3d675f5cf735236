"""German messages for what the layout loader finds wrong: pydantic's validation errors per error
type (its own texts are English) with the form the file expects, and PyYAML's parser problems.
The loader adds file and key (``event.yaml: meetings[1].date: …``)."""

from __future__ import annotations

from typing import Any

# German text per pydantic error type (pydantic's own messages are English). ``{x}`` is filled
# from the error's ``ctx``; the hint says what form the file expects.
_MESSAGES_DE: dict[str, str] = {
    "missing": "Pflichtangabe fehlt",
    "extra_forbidden": "unbekannter Schlüssel (Tippfehler?)",
    "date_type": "erwartet ein Datum im Format JJJJ-MM-TT, z. B. 2020-04-23",
    "date_parsing": "erwartet ein Datum im Format JJJJ-MM-TT, z. B. 2020-04-23",
    "date_from_datetime_parsing": "erwartet ein Datum im Format JJJJ-MM-TT, z. B. 2020-04-23",
    "date_from_datetime_inexact": "erwartet ein Datum ohne Uhrzeit im Format JJJJ-MM-TT, z. B. 2020-04-23",
    "datetime_type": "erwartet Datum und Uhrzeit im Format JJJJ-MM-TT HH:MM, z. B. 2020-04-23 09:30",
    "datetime_parsing": "erwartet Datum und Uhrzeit im Format JJJJ-MM-TT HH:MM, z. B. 2020-04-23 09:30",
    "datetime_from_date_parsing": "erwartet Datum und Uhrzeit im Format JJJJ-MM-TT HH:MM, z. B. 2020-04-23 09:30",
    "time_type": "erwartet eine Uhrzeit im Format HH:MM, z. B. 09:30",
    "time_parsing": "erwartet eine Uhrzeit im Format HH:MM, z. B. 09:30",
    "int_type": "erwartet eine ganze Zahl, z. B. 40",
    "int_parsing": "erwartet eine ganze Zahl, z. B. 40",
    "int_from_float": "erwartet eine ganze Zahl ohne Nachkommastellen, z. B. 40",
    "float_type": "erwartet eine Zahl, z. B. 12.5 (Dezimalpunkt)",
    "float_parsing": "erwartet eine Zahl, z. B. 12.5 (Dezimalpunkt)",
    "bool_type": "erwartet true oder false",
    "bool_parsing": "erwartet true oder false",
    "string_type": "erwartet einen Text",
    "string_pattern_mismatch": "hat nicht die erwartete Form (Muster {pattern})",
    "string_too_short": "zu kurz (mindestens {min_length} Zeichen)",
    "string_too_long": "zu lang (höchstens {max_length} Zeichen)",
    "greater_than": "muss größer als {gt} sein",
    "greater_than_equal": "muss mindestens {ge} sein",
    "less_than": "muss kleiner als {lt} sein",
    "less_than_equal": "darf höchstens {le} sein",
    "multiple_of": "muss ein Vielfaches von {multiple_of} sein",
    "list_type": "erwartet eine Liste (Zeilen mit „- “)",
    "tuple_type": "erwartet eine Liste (Zeilen mit „- “)",
    "set_type": "erwartet eine Liste (Zeilen mit „- “)",
    "dict_type": "erwartet eine Zuordnung (Schlüssel: Wert)",
    "model_type": "erwartet eine Zuordnung (Schlüssel: Wert)",
    "model_attributes_type": "erwartet eine Zuordnung (Schlüssel: Wert)",
    "too_short": "zu wenige Einträge (mindestens {min_length})",
    "too_long": "zu viele Einträge (höchstens {max_length})",
    "union_tag_invalid": "unbekannter Typ „{tag}“ (erlaubt: {expected_tags})",
    "union_tag_not_found": "Typangabe „{discriminator}“ fehlt",
    "none_required": "erwartet keinen Wert",
}

# Hints for a key whose form the generic text does not say.
_PATTERN_HINTS_DE: dict[str, str] = {
    r"^[a-z][a-z0-9_-]*$": "erwartet eine Kennung aus Kleinbuchstaben, Ziffern, - und _, "
                           "beginnend mit einem Buchstaben, z. B. poessneck",
    r"^[a-z][a-z0-9-]{0,39}$": "erwartet eine Kennung aus Kleinbuchstaben, Ziffern und -, beginnend mit "
                               "einem Buchstaben, höchstens 40 Zeichen, z. B. lsz-2020",
    r"^\d{1,2}:\d{2}$": "erwartet eine Uhrzeit im Format HH:MM, z. B. 09:30",
}


def _show(value: Any) -> str:
    text = str(value)
    return f"„{text[:40]}“" if text else "(leer)"


def describe(err: Any) -> str:
    """One pydantic error in German, with the expected form and the value found."""
    kind = str(err.get("type", ""))
    ctx = dict(err.get("ctx") or {})
    given = err.get("input")
    if kind in ("too_short", "too_long") and "rect" in str(err.get("loc", ())):
        return "erwartet 4 Zahlen [x, y, Breite, Höhe] in mm"
    if kind in ("literal_error", "enum"):
        allowed = str(ctx.get("expected", "")).replace("' or '", "', '").replace("'", "")
        return f"{_show(given)} ist nicht erlaubt; erlaubt: {allowed}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERN_HINTS_DE:
        return f"{_show(given)}: {_PATTERN_HINTS_DE[ctx['pattern']]}"
    if kind.startswith("date") and "outside expected range" in str(ctx.get("error", "")):
        return f"{_show(given)}: diesen Tag gibt es nicht im Kalender (Format JJJJ-MM-TT, z. B. 2020-04-23)"
    if kind == "value_error":  # a validator of ours: its message is German already
        return str(ctx.get("error", err.get("msg", "")))
    template = _MESSAGES_DE.get(kind)
    if template is None:
        return f"ungültiger Wert {_show(given)} ({kind})"
    try:
        text = template.format(**ctx)
    except (KeyError, IndexError):
        text = template
    if kind in ("missing", "extra_forbidden") or given is None or isinstance(given, (dict, list)):
        return text
    return f"{_show(given)}: {text}"


# PyYAML's most frequent problems in German; any other keeps the parser's words after a hint.
_YAML_PROBLEMS_DE = {
    "did not find expected '-' indicator": "ein Listeneintrag („- “) war erwartet; Einrückung prüfen",
    "did not find expected key": "ein Schlüssel war erwartet; Einrückung prüfen",
    "mapping values are not allowed here": "hier ist kein „Schlüssel: Wert“ möglich; Einrückung prüfen oder "
                                           "den Text in Anführungszeichen setzen",
    "found character that cannot start any token": "ein Zeichen, mit dem kein Wert beginnen kann (ein Tabulator? "
                                                    "bitte mit Leerzeichen einrücken)",
    "found unexpected end of stream": "die Datei endet mitten in einem Wert (Anführungszeichen oder Klammer "
                                      "nicht geschlossen?)",
    "did not find expected ',' or ']'": "eine Liste in [ ] ist nicht geschlossen",
    "did not find expected ',' or '}'": "eine Zuordnung in { } ist nicht geschlossen",
    "found duplicate anchor": "doppelter Anker (&)",
}


def yaml_problem_de(problem: str) -> str:
    return _YAML_PROBLEMS_DE.get(problem, f"Einrückung, Doppelpunkte und Anführungszeichen prüfen ({problem})")
