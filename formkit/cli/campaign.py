"""`formkit campaign new|check`: make a new campaign from an existing one, and check campaigns."""

from __future__ import annotations

from pathlib import Path

import click

from formkit.campaign import Campaign, Campaigns, copy_campaign
from formkit.cli.options import layouts_option
from formkit.layout.event import LATE_POLICY_DE
from formkit.layout.loader import EVENT_FILE
from formkit.layout.models import FormLayout
from formkit.layout.rules import event_warnings
from formkit.layout.text import date_de


@click.group(help="Veranstaltungen (Kampagnen): ein Ordner mit event.yaml und den Layouts je Veranstaltung.")
def campaign() -> None:
    pass


@campaign.command("new", help="Eine neue Veranstaltung als Kopie eines Veranstaltungsordners anlegen "
                              "(z. B. formkit campaign new layouts/lsz-2018 lsz-2019).")
@click.argument("source", metavar="QUELLORDNER", type=click.Path(file_okay=False, path_type=Path))
@click.argument("new_id", metavar="NEUE_ID")
@click.option("-o", "--output", "target", type=click.Path(file_okay=False, path_type=Path),
              help="Zielordner (Standard: neben der Quelle, benannt nach der neuen id).")
def new(source: Path, new_id: str, target: Path | None) -> None:
    target = target or source.resolve().parent / new_id
    event = copy_campaign(source, target, new_id)
    click.echo(f"Neue Veranstaltung {new_id} in {target}")
    click.echo("Als Nächstes in " + str(event) + " anpassen:")
    click.echo("  meetings:      Orte, Termine, Adressen, Räume, Plätze (capacity) – 1 bis 8 Termine;")
    click.echo("                 die Ankreuzfelder des Anmeldebogens werden daraus gesetzt")
    click.echo("  registration:  Anmeldeschluss (deadline), Fax, E-Mail, late_policy")
    click.echo("  letter:        Datum, Betreff und Text des Anschreibens; sender, contacts, agenda, notes")
    click.echo(f"Dann prüfen: formkit campaign check --layouts {target}")
    click.echo(f"und ansehen:  formkit render invitation --layouts {target} -o einladung.pdf")


@campaign.command("check", help="Veranstaltungen laden und alle Layouts prüfen (Überlappungen, Seitenränder, "
                                "Faxrand, Ortsangaben, Vorlagen); zeigt Termine und Formulare.")
@layouts_option
def check(layouts_dirs: tuple[Path, ...]) -> None:
    campaigns = Campaigns.load(layouts_dirs)
    warnings = sum(_check_one(c) for c in campaigns)
    tail = f", {warnings} Warnung(en)" if warnings else ""
    click.echo(f"{len(campaigns)} Veranstaltung(en) geprüft, keine Fehler{tail}.")


def _check_one(c: Campaign) -> int:
    """Print one campaign's summary; returns the number of warnings."""
    for name in c.registry.names():
        c.registry.get(name)  # loading checks it
    click.echo(f"{c.id}: {c.event.event_title} ({c.root})")
    warnings = event_warnings(c.event)
    for warning in warnings:
        click.echo(f"  Warnung: {c.root / EVENT_FILE}: {warning}", err=True)
    reg = c.event.registration
    click.echo(f"  Anmeldeschluss {date_de(reg.deadline)}, danach: {LATE_POLICY_DE[reg.late_policy]}")
    for m in c.event.meetings:
        click.echo(f"  {date_de(m.date):<20} {m.city:<18} {m.capacity:>4} Plätze")
    for (form_id, version), loaded in sorted(c.forms().items()):
        assert isinstance(loaded.layout, FormLayout)
        click.echo(f"  Formular {form_id} v{version}: {len(loaded.layout.fields)} Felder ({loaded.path.name})")
    return len(warnings)


COMMANDS = [campaign]
