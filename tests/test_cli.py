"""The command line as a whole: every command documented, `python -m formkit` works, errors are German."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from formkit.cli import main
from formkit.errors import ExitCode
from tests.conftest import ROOT


def test_every_command_and_option_has_help() -> None:
    expected = {"render", "packets", "parse", "export", "debug", "review", "allocate", "confirm"}
    assert expected <= set(main.commands)
    for name, cmd in main.commands.items():
        assert cmd.help, f"{name} has no help text"
        for p in cmd.params:
            if isinstance(p, click.Option) and not p.hidden and p.name != "help":
                assert p.help, f"{name} {p.opts[0]} has no help text"


def test_python_dash_m_and_version() -> None:
    out = subprocess.run([sys.executable, "-m", "formkit", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("formkit, Version")


def test_user_mistake_gives_message_and_exit_code_not_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(main, ["render", "gibt-es-nicht", "--campaign", "lsz-2018", "-o", str(tmp_path / "x.pdf")])
    assert res.exit_code == 3
    assert "Fehler: Layout „gibt-es-nicht“ nicht gefunden" in res.output
    assert "Traceback" not in res.output


def test_one_exit_code_per_error_class_from_the_one_enum() -> None:
    import formkit.errors as E
    from formkit.review.corrections import ReviewError

    classes = [c for c in vars(E).values() if isinstance(c, type) and issubclass(c, E.FormkitError)] + [ReviewError]
    codes = [c.exit_code for c in classes]
    assert all(isinstance(code, E.ExitCode) for code in codes)
    assert len(set(codes)) == len(codes)  # each cause its own status
    assert E.ExitCode.OK not in codes and E.ExitCode.USAGE not in codes


def test_outputs_under_a_file_say_so_in_german_without_a_traceback(tmp_path: Path) -> None:
    """QA: 'export -o datei/a.xlsx' said 'CSV-Datei … (File exists)'; 'debug -o datei/o.png' ended in a traceback."""
    from formkit.store import Store

    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    Store(db).close()
    res = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "xlsx", "-o", str(blocker / "a.xlsx")])
    assert res.exit_code == ExitCode.INPUT, res.output
    assert "Excel-Datei lässt sich nicht schreiben (ein Teil des Pfads ist eine Datei, kein Ordner)" in res.output
    res = CliRunner().invoke(main, ["export", "--db", str(db), "--csv", str(blocker / "a.csv")])
    assert res.exit_code == ExitCode.INPUT and "CSV-Datei lässt sich nicht schreiben" in res.output
    fax = sorted((ROOT / "samples" / "returns" / "fax").glob("*.tif"))[0]
    res = CliRunner().invoke(main, ["debug", str(fax), "-o", str(blocker / "o.png")])
    assert res.exit_code == ExitCode.INPUT, res.output
    assert "Bilddatei lässt sich nicht schreiben" in res.output and "Traceback" not in res.output
