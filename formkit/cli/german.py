"""Click's own texts in German („Aufruf:“, „Optionen:“, „Fehler: …“).

Click translates its messages through :mod:`gettext`: each of its modules does
``from gettext import gettext as _`` (and ``ngettext``) and calls those names at run time. A
German office has no German click catalogue installed, and a process-wide gettext domain would
also need ``LANGUAGE`` set for every child process; so :func:`install` binds these two names in
click's modules to this small catalogue instead. A message missing here stays English (and the
CLI test that walks every command's help and usage errors fails).
"""

from __future__ import annotations

import importlib

import click

# English message id (exactly as click writes it) -> German.
MESSAGES: dict[str, str] = {
    "Usage:": "Aufruf:",
    "Options": "Optionen",
    "Commands": "Befehle",
    "Positional arguments": "Argumente",
    "Show this message and exit.": "Diese Hilfe zeigen und beenden.",
    "Show the version and exit.": "Die Version zeigen und beenden.",
    "%(prog)s, version %(version)s": "%(prog)s, Version %(version)s",
    "Error: {message}": "Fehler: {message}",
    "Try '{command} {option}' for help.": "Hilfe: „{command} {option}“.",
    "Aborted!": "Abgebrochen.",
    "Missing command.": "Befehl fehlt.",
    "Missing argument": "Argument fehlt:",
    "Missing option": "Option fehlt:",
    "Missing parameter": "Angabe fehlt:",
    "Missing {param_type}": "{param_type} fehlt:",
    "Missing parameter: {param_name}": "Angabe fehlt: {param_name}",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "No such option {name!r}.": "Unbekannte Option {name!r}.",
    "No such command {name!r}.": "Unbekannter Befehl {name!r}.",
    "Could not open file {filename!r}: {message}": "Datei {filename!r} lässt sich nicht öffnen: {message}",
    "unknown error": "unbekannter Fehler",
    "Option {name!r} does not take a value.": "Die Option {name!r} nimmt keinen Wert.",
    "Argument {name!r} takes {nargs} values.": "Das Argument {name!r} braucht {nargs} Werte.",
    "Invalid start character for option ({option})": "Ungültiges erstes Zeichen einer Option ({option})",
    "Value must be an iterable.": "Erwartet mehrere Werte.",
    "required": "Pflicht",
    "default: {default}": "Standard: {default}",
    "env var: {var}": "Umgebungsvariable: {var}",
    "(dynamic)": "(wird ermittelt)",
    "deprecated": "veraltet",
    "Do you want to continue?": "Fortfahren?",
    "Confirm the action without prompting.": "Ohne Rückfrage ausführen.",
    "Repeat for confirmation": "Zur Bestätigung wiederholen",
    "Error: The two entered values do not match.": "Fehler: Die beiden Eingaben stimmen nicht überein.",
    "Error: invalid input": "Fehler: ungültige Eingabe",
    "Press any key to continue...": "Weiter mit einer beliebigen Taste …",
    "file": "Datei",
    "directory": "Ordner",
    "path": "Pfad",
    "Choose from:\n\t{choices}": "Zur Wahl:\n\t{choices}",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} ist kein Wahrheitswert. Erlaubt: {states}",
    "{value!r} is not a valid {number_type}.": "{value!r} ist keine gültige Zahl ({number_type}).",
    "{value!r} is not a valid UUID.": "{value!r} ist keine gültige UUID.",
    "{name} {filename!r} is a file.": "{filename!r} ist eine Datei; erwartet wird ein Ordner.",
    "{name} {filename!r} is a directory.": "{filename!r} ist ein Ordner; erwartet wird eine Datei.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} ist nicht lesbar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} ist nicht beschreibbar.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} ist nicht ausführbar.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} gibt es nicht.",
}

# (singular, plural) -> (German singular, German plural).
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Ein Argument zu viel ({args})", "Argumente zu viel ({args})"),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Braucht {nargs} Werte, angegeben ist einer.", "Braucht {nargs} Werte, angegeben sind {len}."),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Gemeint ist vielleicht {possibility}?", "(Gemeint ist vielleicht eine von: {possibilities}?)"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("Die Option {name!r} braucht einen Wert.", "Die Option {name!r} braucht {nargs} Werte."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} ist nicht erlaubt; erlaubt: {choice}.", "{value!r} ist nicht erlaubt; erlaubt: {choices}."),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("{value!r} hat nicht das Format {format}.", "{value!r} hat keines der Formate {formats}."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("{len_type} Werte sind nötig, angegeben ist {len_value}.",
         "{len_type} Werte sind nötig, angegeben sind {len_value}."),
}

# Metavars click writes literally (Command.options_metavar, Group.subcommand_metavar).
OPTIONS_METAVAR = "[OPTIONEN]"
SUBCOMMAND_METAVAR = "BEFEHL [ARGUMENTE]..."

# Metavars of option values by click type name (English, or German once installed).
_TYPE_METAVARS = {"text": "TEXT", "integer": "ZAHL", "integer range": "ZAHL", "float": "ZAHL",
                  "float range": "ZAHL", "file": "DATEI", "datei": "DATEI", "filename": "DATEI",
                  "directory": "ORDNER", "ordner": "ORDNER", "path": "PFAD", "pfad": "PFAD",
                  "boolean": "JA|NEIN", "uuid": "UUID", "datetime": "DATUM"}

# click's modules that import gettext's functions under these names.
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils",
                  "shell_completion", "_termui_impl")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    de = PLURALS.get((singular, plural))
    if de is None:
        return singular if n == 1 else plural
    return de[0] if n == 1 else de[1]


def install() -> None:
    """Bind click's ``_`` and ``ngettext`` to the German catalogue (idempotent)."""
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # a module a future click drops; its messages then stay English
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def germanise(command: click.Command) -> None:
    """German metavars in the usage line and option list of *command* and all its subcommands."""
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = OPTIONS_METAVAR
    for param in command.params:
        if isinstance(param, click.Option) and param.metavar is None and param.nargs == 1 \
                and not param.is_flag and param.type.name.casefold() in _TYPE_METAVARS:
            param.metavar = _TYPE_METAVARS[param.type.name.casefold()]
    if isinstance(command, click.Group):
        if command.subcommand_metavar in (None, "COMMAND [ARGS]..."):
            command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            germanise(sub)
