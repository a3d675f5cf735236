"""`formkit parse` and `formkit export`: returned forms into the store, the store into CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from formkit.attendees import export_attendee_list
from formkit.campaign import Campaign, Campaigns
from formkit.cli.options import campaign_option, layouts_option
from formkit.errors import InputError, LayoutError
from formkit.export import DIALECTS
from formkit.export_xlsx import export_workbook
from formkit.filenames import slugify
from formkit.layout.event import Event
from formkit.pipeline import Options, Summary, run
from formkit.pipeline import export as export_records

STATUS_DE = {"ok": "in Ordnung", "review": "zu prüfen", "rejected": "abgelehnt"}


def _summary_lines(s: Summary, db: Path) -> list[str]:
    lines = [f"{s.inputs} Eingabe(n) gelesen, Datenbank: {db}"]
    for status in ("ok", "review", "rejected"):
        lines.append(f"  {STATUS_DE[status]:<11} ({status}): {s.by_status.get(status, 0)}")
    lines.append(f"  Seiten ohne Formular: {s.pages_without_form}")
    for reason, n in sorted(s.skipped.items()):
        lines.append(f"  übersprungen ({reason}): {n}")
    if s.already_stored:
        lines.append(f"  bereits erfasst (übersprungen): {s.already_stored}")
    if s.same_content:
        lines.append(f"  gleicher Inhalt wie eine andere Eingabe: {s.same_content}")
    if s.recipient_errors:
        lines.append(f"  Warnung: {s.recipient_errors} Zeile(n) der Empfängerliste nicht lesbar")
    return lines


@click.command(help="Zurückgesandte Anmeldungen (PDF, Bilder, E-Mails; Ordner rekursiv) auswerten und speichern.")
@click.argument("inputs", metavar="EINGÄNGE...", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("formkit.sqlite"),
              show_default=True, help="SQLite-Datenbank der Datensätze.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Die Zeilen dieses Laufs zusätzlich als CSV schreiben.")
@click.option("--dialect", type=click.Choice(DIALECTS), default="rfc4180", show_default=True,
              help="CSV-Format: rfc4180 (Komma, UTF-8) oder excel-de (Semikolon, UTF-8 mit BOM).")
@click.option("--recipients", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Empfängerliste (CSV, .xlsx oder .ods): Abgleich von Name und Institution, Prüfung "
                   "vorausgefüllter Bögen, Wortschatz der Texterkennung.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Anzahl paralleler Leseprozesse.")
@layouts_option
def parse(inputs: tuple[Path, ...], db: Path, csv_out: Path | None, dialect: str, recipients: Path | None,
          workers: int, layouts_dirs: tuple[Path, ...]) -> None:
    opts = Options(db=db, csv=csv_out, dialect=dialect, recipients=recipients, workers=workers,  # type: ignore[arg-type]
                   layouts=layouts_dirs)
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


@click.command(help="Alle gespeicherten Datensätze als CSV ausgeben, mit --format xlsx als Excel-Mappe "
                    "(Datensätze und Teilnehmerlisten), oder mit --format pdf die Teilnehmerliste eines "
                    "Ortes (Name, Institution, Unterschrift) für den Einlass.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("formkit.sqlite"),
              show_default=True, help="SQLite-Datenbank der Datensätze.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path), help="Ziel-CSV.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei (CSV, Excel-Mappe oder, mit --format pdf, die Teilnehmerliste).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv", show_default=True,
              help="csv: alle Datensätze; xlsx: Excel-Mappe mit Datensätzen und Teilnehmerlisten; "
                   "pdf: Teilnehmerliste eines Ortes (braucht --venue).")
@click.option("--dialect", type=click.Choice(DIALECTS), default="rfc4180", show_default=True,
              help="rfc4180 (Komma, UTF-8) oder excel-de (Semikolon, UTF-8 mit BOM, für Excel per Doppelklick).")
@click.option("--venue", help="Nur Anmeldungen für diesen Ort (z. B. Gotha).")
@layouts_option
@campaign_option
def export(db: Path, csv_out: Path | None, output: Path | None, fmt: str, dialect: str, venue: str | None,
           layouts_dirs: tuple[Path, ...], campaign_id: str | None) -> None:
    if fmt == "pdf":
        if not venue:
            raise click.UsageError("--format pdf braucht --venue (z. B. --venue Gotha).")
        camp = campaign_of_venue(Campaigns.load(layouts_dirs), venue, campaign_id)
        meeting = camp.meeting_for_venue(venue)
        city = meeting.city if meeting is not None else venue  # unknown: export_attendee_list says so
        # A file name of its own, as the letters' (a town may hold a '/': Bad Frankenhausen/Kyffhäuser).
        out = output or Path(f"teilnehmerliste-{slugify(city, fallback='ort')}.pdf")
        n = export_attendee_list(db, venue, out, camp.event)
        click.echo(f"{out}: Teilnehmerliste {city} ({camp.id}), {n} Person(en)")
        return
    target = output or csv_out
    if target is None:
        raise click.UsageError("Ziel fehlt: --csv DATEI oder -o DATEI angeben.")
    if fmt == "xlsx":
        if target.suffix.lower() != ".xlsx":
            raise click.UsageError(f"{target}: eine Excel-Mappe braucht die Endung .xlsx (z. B. -o anmeldungen.xlsx).")
        n = export_workbook(db, target, _events_or_none(layouts_dirs), venue, campaign_id)
        click.echo(f"{target}: {n} Zeile(n)")
        return
    n = export_records(db, target, dialect, venue, campaign_id)  # type: ignore[arg-type]
    click.echo(f"{target}: {n} Zeile(n)")


def _events_or_none(layouts_dirs: tuple[Path, ...]) -> list[Event]:
    """The loaded campaigns' events, for the door lists; without usable layouts the workbook has
    the records only."""
    try:
        return [c.event for c in Campaigns.load(layouts_dirs)]
    except LayoutError:
        return []


COMMANDS = [parse, export]


def campaign_of_venue(campaigns: Campaigns, venue: str, campaign_id: str | None) -> Campaign:
    """The campaign whose meetings include *venue* (the one named, or the only one that has it)."""
    if campaign_id:
        return campaigns.campaign(campaign_id)
    having = [c for c in campaigns if c.meeting_for_venue(venue)]
    if len(having) == 1:
        return having[0]
    if not having:
        known = "; ".join(f"{c.id}: {', '.join(m.city for m in c.event.meetings)}" for c in campaigns)
        raise InputError(f"Veranstaltungsort „{venue}“ unbekannt; vorhanden: {known}")
    raise InputError(f"„{venue}“ gibt es in mehreren Veranstaltungen ({', '.join(c.id for c in having)}): "
                     f"bitte mit --campaign ID wählen")
