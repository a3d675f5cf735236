"""`formkit review`: the local review page for the records recognition was unsure of."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from formkit.campaign import Campaigns
from formkit.cli.options import layouts_option
from formkit.errors import InputError
from formkit.review.server import ReviewServer


@click.command(help="Unsichere Datensätze im Browser prüfen und korrigieren (nur lokal, 127.0.0.1).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("formkit.sqlite"),
              show_default=True, help="SQLite-Datenbank der Datensätze.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port (0: ein freier Port).")
@click.option("--no-browser", is_flag=True, help="Den Browser nicht öffnen, nur die Adresse ausgeben.")
@layouts_option
def review(db: Path, port: int, no_browser: bool, layouts_dirs: tuple[Path, ...]) -> None:
    if not db.exists():
        raise InputError(f"{db}: Datenbank nicht gefunden (zuerst „formkit parse“ ausführen)")
    try:
        server = ReviewServer(db, Campaigns.load(layouts_dirs), port=port)
    except OSError as e:
        raise InputError(f"Port {port} nicht verfügbar: {e.strerror}") from None
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
