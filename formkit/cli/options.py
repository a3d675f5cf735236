"""Options several commands share: where the campaigns are, and which one a command works on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

layouts_option = click.option(
    "--layouts", "layouts_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    help="Veranstaltungsordner (event.yaml + Layouts) oder ein Ordner mit mehreren davon; mehrfach möglich "
         "(Standard: ./layouts).")

campaign_option = click.option(
    "--campaign", "campaign_id", metavar="ID",
    help="Die Veranstaltung (id aus ihrer event.yaml), wenn mehrere geladen sind.")
