"""Click's own texts are German (QA of issue 9): every command's help and the usage errors a user
meets (a path that does not exist, a missing option or argument, an unknown option or command, a
value not in a choice, too many arguments) carry no English phrase of click's."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from formkit.cli import main

# click's English phrases and metavars (a word boundary keeps e.g. „Dateipfad“ from matching PATH).
ENGLISH = re.compile(
    r"Usage:|Options:|Commands:|Arguments:|Show this message|Show the version|\bError\b|Invalid value|"
    r"Missing (argument|option|parameter|command)|No such (option|command)|does not exist|is not one of|"
    r"Did you mean|Try '|\[OPTIONS\]|COMMAND \[ARGS\]|\b(FILE|DIRECTORY|PATH|INTEGER|RANGE|FLOAT)\b|"
    r"\[default:|\brequired\]|unexpected extra argument|requires an argument|is not a valid")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            out += _commands(cmd, (*prefix, name))
        else:
            out.append((*prefix, name))
    return out


ALL = _commands(main)


def _run(args: list[str]) -> click.testing.Result:
    return CliRunner().invoke(main, args, prog_name="formkit")


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(c) for c in ALL}
    assert {"", "parse", "campaign", "campaign check", "campaign new", "render", "export", "review",
            "send", "fetch", "debug", "packets", "allocate", "confirm"} <= names


@pytest.mark.parametrize("command", ALL, ids=lambda c: " ".join(c) or "formkit")
def test_help_of_every_command_is_german(command: tuple[str, ...]) -> None:
    result = _run([*command, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Aufruf: formkit"), result.output
    assert "Optionen:" in result.output and "Diese Hilfe zeigen und beenden." in result.output
    found = ENGLISH.search(result.output)
    assert found is None, f"„{found.group(0)}“ in:\n{result.output}"
    cmd: click.Command = main
    for name in command:
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[name]
    assert (cmd.help or "").strip(), f"formkit {' '.join(command)} hat keinen Hilfetext"


@pytest.mark.parametrize(("args", "german"), [
    (["parse", "/gibt/es/nicht.pdf"], "Ungültiger Wert für 'EINGÄNGE...': Pfad '/gibt/es/nicht.pdf' gibt es nicht."),
    (["parse"], "Argument fehlt: 'EINGÄNGE...'."),
    (["campaign", "new", "layouts"], "Argument fehlt: 'NEUE_ID'."),
    (["parse", "--bogus", "x"], "Unbekannte Option '--bogus'."),
    (["rendr"], "Unbekannter Befehl 'rendr'."),
    (["export", "--format", "docx"], "'docx' ist nicht erlaubt; erlaubt: 'csv', 'xlsx', 'pdf'."),
    (["parse", "--workers", "0", "x"], "Ungültiger Wert für '--workers': 0 liegt nicht im Bereich 1<=x<=64."),
    (["campaign", "check", "überzählig"], "Ein Argument zu viel (überzählig)"),
    (["export", "--format"], "Die Option '--format' braucht einen Wert."),
    (["debug", "."], "'.' ist ein Ordner; erwartet wird eine Datei."),
])
def test_usage_errors_are_german(args: list[str], german: str, tmp_path: Path) -> None:
    result = _run(args)
    assert result.exit_code == 2, result.output
    assert german in result.output, result.output
    assert "Fehler: " in result.output
    found = ENGLISH.search(result.output)
    assert found is None, f"„{found.group(0)}“ in:\n{result.output}"


def test_missing_option_is_german() -> None:
    from formkit.cli import german

    ctx = click.Context(main)
    err = click.MissingParameter(ctx=ctx, param=click.Option(["--campaign"], required=True))
    german.install()
    assert err.format_message() == "Option fehlt: '--campaign'."
