"""`formkit render`: render a layout of a campaign to PDF, or list the layouts."""

from __future__ import annotations

from pathlib import Path

import click

from formkit.campaign import Campaigns
from formkit.cli.options import campaign_option, layouts_option
from formkit.confirm import render_sample_letter
from formkit.layout.models import DocumentLayout, FormLayout
from formkit.layout.rules import is_personal_letter
from formkit.render.document import render_to_file


@click.command(help="Ein Layout (Name oder Pfad) als PDF erzeugen. Briefe an Angemeldete (confirmation, "
                    "waitlist) werden als Muster für eine Beispielperson am ersten Termin erzeugt.")
@click.argument("layout", metavar="[LAYOUT]", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Ziel-PDF.")
@click.option("--list", "list_", is_flag=True, help="Vorhandene Layouts auflisten.")
@layouts_option
@campaign_option
def render(layout: str | None, output: Path | None, list_: bool, layouts_dirs: tuple[Path, ...],
           campaign_id: str | None) -> None:
    campaigns = Campaigns.load(layouts_dirs)
    if list_:
        for c in campaigns if not campaign_id else [campaigns.campaign(campaign_id)]:
            click.echo(f"Veranstaltung {c.id} ({c.root}): {len(c.event.meetings)} Termin(e)")
            for name in c.registry.names():
                loaded = c.registry.get(name)
                kind = "Formular" if isinstance(loaded.layout, FormLayout) else "Dokument"
                click.echo(f"  {name:<22} {kind:<9} v{loaded.layout.version}  {loaded.layout.title}")
        return
    if not layout:
        raise click.UsageError("LAYOUT fehlt (oder --list angeben).")
    registry = campaigns.single(campaign_id).registry
    out = output or Path(f"{Path(layout).stem}.pdf")
    loaded = registry.get(layout)
    if isinstance(loaded.layout, DocumentLayout) and is_personal_letter(loaded.layout):
        result = render_sample_letter(registry, layout, out)
        click.echo(f"{out}: {result.pages} Seite(n) (Musterbrief für eine Beispielperson)")
        return
    result = render_to_file(layout, out, registry)
    for w in result.warnings:
        click.echo(f"Warnung: {w}", err=True)
    click.echo(f"{out}: {result.pages} Seite(n)")
