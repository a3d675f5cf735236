"""The formkit command line: a thin shell over the library.

Each command lives in its own module and only parses arguments, calls the library and maps
its errors (:mod:`formkit.errors`) to exit codes, here in one place.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from formkit import __version__
from formkit.cli import german
from formkit.errors import FormkitError

# click evaluates some texts when an option is declared (the names of path types, the
# --version help): the catalogue goes in before the command modules below declare theirs.
german.install()

# Debian's tesseract is built with OpenMP: without this limit it runs 4-5x slower on 2 cores.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class FormkitGroup(click.Group):
    """Turns library errors into a German message and the error's exit code (no traceback);
    click's own texts (help, usage errors) are German from the start of the command."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        german.install()
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FormkitError as e:
            click.echo(f"Fehler: {e.message}", err=True)
            sys.exit(int(e.exit_code))


@click.group(cls=FormkitGroup, help="formkit: Einladungen erzeugen und Anmeldungen auswerten.")
@click.version_option(__version__, prog_name="formkit", help="Die Version zeigen und beenden.")
def main() -> None:
    pass


def _register() -> None:
    from formkit.cli import render as render_cmd

    main.add_command(render_cmd.render)
    for mod_name in ("packets", "parse", "debug", "review", "allocate", "campaign", "mail"):
        try:
            mod = __import__(f"formkit.cli.{mod_name}", fromlist=["COMMANDS"])
        except ModuleNotFoundError as e:
            if e.name != f"formkit.cli.{mod_name}":
                raise
            continue
        for cmd in getattr(mod, "COMMANDS", []):
            main.add_command(cmd)
    german.germanise(main)


_register()
