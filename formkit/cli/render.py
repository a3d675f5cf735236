"""`formkit render`: render a layout to PDF, or list the layouts."""

from __future__ import annotations

from pathlib import Path

import click

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.render.document import render_to_file


@click.command(help="Ein Layout (Name oder Pfad) als PDF erzeugen.")
@click.argument("layout", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Ziel-PDF.")
@click.option("--list", "list_", is_flag=True, help="Vorhandene Layouts auflisten.")
@click.option("--layouts", "layouts_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Ordner mit den Layouts (Standard: ./layouts).")
def render(layout: str | None, output: Path | None, list_: bool, layouts_dir: Path | None) -> None:
    registry = LayoutRegistry(layouts_dir)
    if list_:
        for name in registry.names():
            loaded = registry.get(name)
            kind = "Formular" if isinstance(loaded.layout, FormLayout) else "Dokument"
            click.echo(f"{name:<22} {kind:<9} v{loaded.layout.version}  {loaded.layout.title}")
        return
    if not layout:
        raise click.UsageError("LAYOUT fehlt (oder --list angeben).")
    out = output or Path(f"{Path(layout).stem}.pdf")
    result = render_to_file(layout, out, registry)
    for w in result.warnings:
        click.echo(f"Warnung: {w}", err=True)
    click.echo(f"{out}: {result.pages} Seite(n)")
