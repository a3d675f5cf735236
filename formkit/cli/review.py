"""`formkit review`: the local review page for the records recognition was unsure of."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from formkit.campaign import Campaigns
from formkit.cli.options import layouts_option
from formkit.errors import InputError, os_reason
from formkit.recipients import read_recipients
from formkit.review.server import ReviewServer


@click.command(help="Unsichere Datensätze im Browser prüfen und korrigieren (nur lokal, 127.0.0.1).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("formkit.sqlite"),
              show_default=True, help="SQLite-Datenbank der Datensätze.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port (0: ein freier Port).")
@click.option("--no-browser", is_flag=True, help="Den Browser nicht öffnen, nur die Adresse ausgeben.")
@click.option("--recipients", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Adressliste (CSV, .xlsx oder .ods): ihre Werte stehen neben dem Gelesenen und lassen sich übernehmen.")
@layouts_option
def review(db: Path, port: int, no_browser: bool, recipients: Path | None, layouts_dirs: tuple[Path, ...]) -> None:
    if not db.exists():
        raise InputError(f"{db}: Datenbank nicht gefunden (zuerst „formkit parse“ ausführen)")
    listed = None
    if recipients is not None:
        listed, row_errors = read_recipients(recipients)
        if row_errors:
            click.echo(f"Adressliste: {len(row_errors)} Zeile(n) nicht verwendbar, übrige {len(listed)} geladen.")
    try:
        server = ReviewServer(db, Campaigns.load(layouts_dirs), port=port, recipients=listed)
    except OSError as e:
        raise InputError(f"Port {port} nicht verfügbar: {os_reason(e)}") from None
    click.echo(f"{server.pending()} Datensatz/Datensätze zu prüfen.")
    click.echo(f"Prüfseite: {server.url}")
    click.echo("Beenden mit Strg+C.")
    if not no_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    click.echo(f"Beendet; noch {server.pending()} zu prüfen.")


COMMANDS = [review]
