"""`formkit parse` and `formkit export`: returned forms into the store, the store into CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from formkit.attendees import export_attendee_list
from formkit.export import DIALECTS
from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, Summary, run
from formkit.pipeline import export as export_records

STATUS_DE = {"ok": "in Ordnung", "review": "zu prüfen", "rejected": "abgelehnt"}


def _summary_lines(s: Summary, db: Path) -> list[str]:
    lines = [f"{s.inputs} Eingabe(n) gelesen, Datenbank: {db}"]
    for status in ("ok", "review", "rejected"):
        lines.append(f"  {STATUS_DE[status]:<11} ({status}): {s.by_status.get(status, 0)}")
    lines.append(f"  Seiten ohne Formular: {s.pages_without_form}")
    if s.already_stored:
        lines.append(f"  bereits erfasst (übersprungen): {s.already_stored}")
    if s.same_content:
        lines.append(f"  gleicher Inhalt wie eine andere Eingabe: {s.same_content}")
    if s.recipient_errors:
        lines.append(f"  Warnung: {s.recipient_errors} Zeile(n) der Empfängerliste nicht lesbar")
    return lines


@click.command(help="Zurückgesandte Anmeldungen (PDF, Bilder, E-Mails; Ordner rekursiv) auswerten und speichern.")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("formkit.sqlite"),
              show_default=True, help="SQLite-Datenbank der Datensätze.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Die Zeilen dieses Laufs zusätzlich als CSV schreiben.")
@click.option("--dialect", type=click.Choice(DIALECTS), default="rfc4180", show_default=True,
              help="CSV-Format: rfc4180 (Komma, UTF-8) oder excel-de (Semikolon, UTF-8 mit BOM).")
@click.option("--recipients", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Empfängerliste (CSV): Abgleich von Name und Institution, Prüfung vorausgefüllter "
                   "Bögen, Wortschatz der Texterkennung.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Anzahl paralleler Leseprozesse.")
@click.option("--layouts", "layouts_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Ordner mit den Layouts (Standard: ./layouts).")
def parse(inputs: tuple[Path, ...], db: Path, csv_out: Path | None, dialect: str, recipients: Path | None,
          workers: int, layouts_dir: Path | None) -> None:
    opts = Options(db=db, csv=csv_out, dialect=dialect, recipients=recipients, workers=workers,  # type: ignore[arg-type]
                   layouts=layouts_dir)
    bar: Any = None
    tty = sys.stderr.isatty()

    def total(n: int) -> None:
        nonlocal bar
        if tty and n:
            bar = click.progressbar(length=n, label="Anmeldungen lesen", file=sys.stderr)
            bar.__enter__()

    def progress(k: int) -> None:
        if bar is not None:
            bar.update(k)

    try:
        summary = run(list(inputs), opts, progress=progress, total=total)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for line in _summary_lines(summary, db):
        click.echo(line)
    if csv_out is not None:
        click.echo(f"CSV: {csv_out} ({summary.csv_rows} Zeile(n))")


@click.command(help="Alle gespeicherten Datensätze als CSV ausgeben, oder mit --format pdf die "
                    "Teilnehmerliste eines Ortes (Name, Institution, Unterschrift) für den Einlass.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("formkit.sqlite"),
              show_default=True, help="SQLite-Datenbank der Datensätze.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path), help="Ziel-CSV.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei (CSV oder, mit --format pdf, die Teilnehmerliste).")
@click.option("--format", "fmt", type=click.Choice(["csv", "pdf"]), default="csv", show_default=True,
              help="csv: alle Datensätze; pdf: Teilnehmerliste eines Ortes (braucht --venue).")
@click.option("--dialect", type=click.Choice(DIALECTS), default="rfc4180", show_default=True,
              help="rfc4180 (Komma, UTF-8) oder excel-de (Semikolon, UTF-8 mit BOM, für Excel per Doppelklick).")
@click.option("--venue", help="Nur Anmeldungen für diesen Ort (z. B. Gotha).")
@click.option("--layouts", "layouts_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Ordner mit den Layouts (Standard: ./layouts).")
def export(db: Path, csv_out: Path | None, output: Path | None, fmt: str, dialect: str, venue: str | None,
           layouts_dir: Path | None) -> None:
    if fmt == "pdf":
        if not venue:
            raise click.UsageError("--format pdf braucht --venue (z. B. --venue Gotha).")
        out = output or Path(f"teilnehmerliste-{venue.lower()}.pdf")
        event = LayoutRegistry(layouts_dir).form("registration").event
        if event is None:
            raise click.UsageError("Das Layout „registration“ hat keine Veranstaltungsdaten.")
        n = export_attendee_list(db, venue, out, event)
        click.echo(f"{out}: Teilnehmerliste {venue}, {n} Person(en)")
        return
    target = output or csv_out
    if target is None:
        raise click.UsageError("Ziel fehlt: --csv DATEI oder -o DATEI angeben.")
    n = export_records(db, target, dialect, venue)  # type: ignore[arg-type]
    click.echo(f"{target}: {n} Zeile(n)")


COMMANDS = [parse, export]
