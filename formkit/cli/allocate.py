"""`formkit allocate` and `formkit confirm`: seats per venue, then the letters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from formkit.allocate import OUTCOME_DE, SOURCE_DE, run_allocation, summary_lines
from formkit.campaign import Campaign, Campaigns
from formkit.cli.options import campaign_option, layouts_option
from formkit.confirm import addressees_from_store, render_letters
from formkit.errors import InputError
from formkit.layout.event import LATE_POLICY_DE, Event
from formkit.recipients import Recipient, read_recipients
from formkit.records import OFFICE_TZ
from formkit.store import Store

_DB = click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("formkit.sqlite"),
                   show_default=True, help="SQLite-Datenbank der Datensätze.")
_SOURCES = click.option("--sources", "source_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
                        help="Ordner, aus dem eingelesen wurde (für die Dateizeit, wo keine Fax-/E-Mail-Zeit "
                             "bekannt ist); mehrfach möglich.")


def _campaigns(layouts_dirs: tuple[Path, ...], campaign_id: str | None) -> list[Campaign]:
    """The campaigns to allocate: the one named, else every one loaded (each on its own records)."""
    campaigns = Campaigns.load(layouts_dirs)
    return [campaigns.campaign(campaign_id)] if campaign_id else list(campaigns)


def _local(t: dt.datetime) -> dt.datetime:
    return t.astimezone(OFFICE_TZ) if t.tzinfo else t


def _open(db: Path) -> Store:
    if not db.exists():
        raise InputError(f"{db}: Datenbank nicht gefunden (zuerst „formkit parse“ ausführen)")
    return Store(db)


@click.command(help="Plätze je Veranstaltungsort nach Eingang vergeben, Rest auf die Warteliste "
                    "(je Veranstaltung, wenn mehrere geladen sind).")
@_DB
@_SOURCES
@layouts_option
@campaign_option
@click.option("--quiet", "-q", is_flag=True, help="Nur die Übersicht je Ort ausgeben.")
def allocate(db: Path, source_dirs: tuple[Path, ...], layouts_dirs: tuple[Path, ...], campaign_id: str | None,
             quiet: bool) -> None:
    for i, c in enumerate(_campaigns(layouts_dirs, campaign_id)):
        if i:
            click.echo("")
        _allocate_one(db, source_dirs, c.event, quiet)


def _allocate_one(db: Path, source_dirs: tuple[Path, ...], event: Event, quiet: bool) -> None:
    with _open(db) as store:
        applicants, allocations, changed = run_allocation(store, event, [*source_dirs, Path.cwd(), db.parent])
    by_key = {a.key: a for a in applicants}
    if not quiet:
        shown = [al for al in sorted(allocations, key=lambda a: (a.meeting_id or "~", a.outcome, a.position or 0, a.key))
                 if al.outcome != "none"]
        # The place column as wide as the longest town ("Heilbad Heiligenstadt"), never cut.
        width = max([len("Ort"), *(len(al.venue.replace("|", "/") or "–") for al in shown)])
        click.echo(f"{'Ort':<{width}} {'Ergebnis':<11} {'Nr.':>4}  {'Eingang':<20} {'Zeitquelle':<26} Name")
        for al in shown:
            when = _local(al.received).strftime("%d.%m.%Y %H:%M") if al.received else "–"
            name = by_key[al.key].name or "(ohne Namen)"
            place = al.venue.replace("|", "/") or "–"
            note = f"  [{al.note}]" if al.note else ""
            click.echo(f"{place:<{width}} {OUTCOME_DE[al.outcome]:<11} {al.position or '':>4}  {when:<20} "
                       f"{SOURCE_DE[al.received_source]:<26} {name}{note}")
        click.echo("")
    policy = LATE_POLICY_DE[event.registration.late_policy]
    click.echo(f"Platzvergabe {event.id} ({event.event_title}; Anmeldeschluss {event.registration.deadline:%d.%m.%Y}, "
               f"danach: {policy}):")
    for line in summary_lines(event, allocations):
        click.echo("  " + line)
    click.echo(f"Gespeichert in {db} (Tabelle allocations; {changed} Änderung(en) gegenüber dem letzten Lauf).")


@click.command(help="Teilnahmebestätigungen und Wartelistenbriefe (PDF, Druckdatei, CSV) erzeugen; bei "
                    "mehreren Veranstaltungen je Veranstaltung in einem Unterordner.")
@_DB
@_SOURCES
@layouts_option
@campaign_option
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Zielordner für die Briefe.")
@click.option("--recipients", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Empfängerliste (CSV, .xlsx oder .ods): Anrede aus der Liste, wo der Bogen eine Empfänger-Nr. trug.")
@click.option("--date", "letter_date", type=click.DateTime(["%Y-%m-%d", "%d.%m.%Y"]),
              help="Briefdatum (Standard: heute).")
def confirm(db: Path, source_dirs: tuple[Path, ...], layouts_dirs: tuple[Path, ...], campaign_id: str | None,
            out_dir: Path, recipients: Path | None, letter_date: dt.datetime | None) -> None:
    invitees = read_recipients(recipients)[0] if recipients else []
    chosen = _campaigns(layouts_dirs, campaign_id)
    for c in chosen:
        if len(chosen) > 1:
            click.echo(f"Veranstaltung {c.id}:")
        _confirm_one(db, source_dirs, c, out_dir / c.id if len(chosen) > 1 else out_dir, invitees, letter_date)


def _confirm_one(db: Path, source_dirs: tuple[Path, ...], campaign: Campaign, out_dir: Path,
                 invitees: list[Recipient], letter_date: dt.datetime | None) -> None:
    registry, event = campaign.registry, campaign.event
    with _open(db) as store:
        # The letters follow the current allocation: re-run it (idempotent, seats are kept).
        _, allocations, changed = run_allocation(store, event, [*source_dirs, Path.cwd(), db.parent])
        people = addressees_from_store(store, invitees)
    if changed:
        click.echo(f"Platzvergabe aktualisiert ({changed} Änderung(en)).")
    result = render_letters(registry, [(people[a.key], a) for a in allocations if a.key in people], out_dir,
                            letter_date.date() if letter_date else None)
    click.echo(f"{result.count('seat')} Teilnahmebestätigung(en), {result.count('waitlist')} Wartelistenbrief(e); "
               f"{sum(1 for _, why in result.skipped if not why.startswith('abgelehnt'))} ohne Brief (offen).")
    for letter in result.letters:
        click.echo(f"  {letter.kind:<21} {letter.meeting.city:<14} {letter.path}")
    click.echo(f"Druckdatei: {result.print_file}")
    click.echo(f"Übersicht:  {result.csv_file}")


COMMANDS = [allocate, confirm]
