"""`formkit send` and `formkit fetch`: the office's mail server, out and in."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from formkit.campaign import Campaign, Campaigns
from formkit.cli.options import campaign_option, layouts_option
from formkit.mail.compose import KIND_DE, Outgoing, Skipped, plan_invitations, plan_letters, sender_of
from formkit.mail.send import DEFAULT_RATE, RateLimit, SendSummary, send_all
from formkit.mail.settings import SECURITIES, server_settings
from formkit.recipients import read_recipients
from formkit.store import Store


def _prompt() -> Callable[[str], str] | None:
    if not sys.stdin.isatty():
        return None
    return lambda text: str(click.prompt(text, hide_input=True, default="", show_default=False))


def _server_options(kind: str, default_security: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    env = f"FORMKIT_{kind}_"

    def wrap(f: Callable[..., None]) -> Callable[..., None]:
        for opt in reversed([
            click.option("--host", help=f"{kind}-Server (sonst {env}HOST)."),
            click.option("--port", type=click.IntRange(1, 65535), help=f"Port (sonst {env}PORT oder Standard)."),
            click.option("--security", type=click.Choice(SECURITIES),
                         help=f"starttls oder tls (sonst {env}SECURITY, Standard {default_security})."),
            click.option("--user", help=f"Benutzername (sonst {env}USER). Das Passwort kommt aus "
                                        f"{env}PASSWORD oder wird abgefragt, nie von der Kommandozeile."),
            click.option("--cafile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                         help=f"Zertifikat der eigenen Zertifizierungsstelle (sonst {env}CAFILE)."),
        ]):
            f = opt(f)
        return f
    return wrap


@click.command(help="Einladungspakete und Briefe per E-Mail versenden: jede eingeladene Person erhält ihr "
                    "Paket-PDF (--packets mit --recipients), jede angemeldete Person ihre Teilnahmebestätigung "
                    "oder ihren Wartelistenbrief (--letters). Eine Nachricht je Person, Absender aus den "
                    "Veranstaltungsdaten, Text aus dem Layout. Das Versandprotokoll in der Datenbank "
                    "verhindert, dass jemand dasselbe zweimal bekommt. Mit --dry-run werden nur .eml-Dateien "
                    "geschrieben. Exit-Status 2, wenn Nachrichten nicht gesendet werden konnten.")
@click.option("--packets", "packets_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Ordner von „formkit packets“ (mit manifest.csv).")
@click.option("--recipients", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Die Empfängerliste der Pakete (CSV, .xlsx, .ods): die E-Mail-Adressen.")
@click.option("--sheet", help="Tabellenblatt der Empfängerliste (Standard: das erste).")
@click.option("--letters", "letters_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Ordner von „formkit confirm“ (mit confirmations.csv).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("formkit.sqlite"),
              show_default=True, help="SQLite-Datenbank mit dem Versandprotokoll.")
@click.option("--dry-run", "dry_run", type=click.Path(file_okay=False, path_type=Path),
              help="Nichts senden: jede Nachricht als .eml-Datei in diesen Ordner schreiben.")
@click.option("--rate", type=click.FloatRange(min=0.1), default=DEFAULT_RATE, show_default=True,
              help="Höchstens so viele Nachrichten je Minute.")
@layouts_option
@campaign_option
@_server_options("SMTP", "starttls")
def send(packets_dir: Path | None, recipients: Path | None, sheet: str | None, letters_dir: Path | None, db: Path,
         dry_run: Path | None, rate: float, layouts_dirs: tuple[Path, ...], campaign_id: str | None,
         host: str | None, port: int | None, security: str | None, user: str | None, cafile: Path | None) -> None:
    if packets_dir is None and letters_dir is None:
        raise click.UsageError("Was soll versendet werden? --packets ORDNER (mit --recipients) und/oder --letters ORDNER.")
    if packets_dir is not None and recipients is None:
        raise click.UsageError("--packets braucht --recipients (die Liste mit den E-Mail-Adressen).")
    campaigns = Campaigns.load(layouts_dirs)
    # One group per campaign: each is sent from its own event's sender address.
    groups: dict[str, tuple[Campaign, list[Outgoing]]] = {}
    skipped: list[Skipped] = []
    if packets_dir is not None:
        assert recipients is not None
        c = campaigns.single(campaign_id)
        people, _ = read_recipients(recipients, sheet)
        more, why = plan_invitations(c.registry, packets_dir, people)
        groups.setdefault(c.id, (c, []))[1].extend(more)
        skipped += why
    if letters_dir is not None:
        for c, folder in _letter_folders(campaigns, campaign_id, letters_dir):
            more, why = plan_letters(c.registry, folder)
            groups.setdefault(c.id, (c, []))[1].extend(more)
            skipped += why
    server = None
    if dry_run is None:
        server = server_settings("SMTP", host, port, security, user, cafile, prompt=_prompt())
    store = Store(db) if dry_run is None or db.exists() else None

    def progress(item: Outgoing, what: str) -> None:
        click.echo(f"  {what}: {KIND_DE[item.kind]} an {item.name} <{item.address}>")

    summary = SendSummary()
    limiter = RateLimit(rate)  # one pace across the campaigns' groups
    try:
        for c, items in groups.values():
            part = send_all(items, sender_of(c.event, c.root), store, server, dry_run, rate,
                            limiter=limiter, progress=progress)
            for name in ("sent", "written", "already", "unclear", "failed", "skipped"):
                getattr(summary, name).extend(getattr(part, name))
    finally:
        if store is not None:
            store.close()
    for s in skipped:
        click.echo(f"  nicht gesendet: {s.name or s.key}: {s.reason}", err=True)
    for item, reason in summary.failed:
        click.echo(f"  fehlgeschlagen: {item.name} <{item.address}>: {reason}", err=True)
    for item in summary.unclear:
        click.echo(f"  unklar, ob gesendet (Lauf abgebrochen): {item.name} <{item.address}> – bitte im "
                   "Postausgang prüfen; wird nicht erneut gesendet", err=True)
    if dry_run is not None:
        click.echo(f"Probelauf: {len(summary.written)} Nachricht(en) als .eml in {dry_run}, nichts gesendet; "
                   f"{len(summary.already)} bereits früher gesendet, {len(skipped)} ohne Adresse/Paket.")
    else:
        click.echo(f"{len(summary.sent)} Nachricht(en) gesendet, {len(summary.already)} bereits früher gesendet, "
                   f"{len(summary.failed)} fehlgeschlagen, {len(skipped)} ohne Adresse/Paket. Protokoll: {db}")
    if summary.failed or summary.unclear or skipped:
        sys.exit(2)


def _letter_folders(campaigns: Campaigns, campaign_id: str | None, letters_dir: Path) -> list[tuple[Campaign, Path]]:
    """Where `formkit confirm` put each campaign's letters: the folder itself for one campaign,
    a sub-folder per campaign id when it wrote several."""
    if (letters_dir / "confirmations.csv").is_file():
        return [(campaigns.single(campaign_id), letters_dir)]
    chosen = [campaigns.campaign(campaign_id)] if campaign_id else list(campaigns)
    found = [(c, letters_dir / c.id) for c in chosen if (letters_dir / c.id / "confirmations.csv").is_file()]
    if not found:
        raise click.UsageError(f"{letters_dir}: keine confirmations.csv (Ordner von „formkit confirm“ angeben).")
    return found


@click.command(help="Neue Nachrichten aus dem Postfach (IMAP, verschlüsselt) holen und auswerten: jede "
                    "Nachricht im Ordner --folder wird als .eml in --into gespeichert, wie mit „formkit parse“ "
                    "in die Datenbank übernommen und danach in den Ordner --done-folder verschoben. Nichts wird "
                    "gelöscht; eine schon übernommene Nachricht wird nicht zweimal übernommen.")
@click.option("--folder", default="INBOX", show_default=True, help="Postfachordner mit den Anmeldungen.")
@click.option("--done-folder", default="Verarbeitet", show_default=True,
              help="Ordner für übernommene Nachrichten (wird angelegt, wenn er fehlt).")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), default=Path("eingang/postfach"),
              show_default=True, help="Ordner für die abgeholten Nachrichten (.eml).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("formkit.sqlite"),
              show_default=True, help="SQLite-Datenbank der Datensätze.")
@click.option("--recipients", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Empfängerliste (CSV, .xlsx oder .ods) für den Abgleich von Name und Institution.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Anzahl paralleler Leseprozesse.")
@layouts_option
@_server_options("IMAP", "tls")
def fetch(folder: str, done_folder: str, into: Path, db: Path, recipients: Path | None, workers: int,
          layouts_dirs: tuple[Path, ...], host: str | None, port: int | None, security: str | None, user: str | None,
          cafile: Path | None) -> None:
    from formkit.cli.parse import _summary_lines
    from formkit.mail.fetch import fetch_messages
    from formkit.pipeline import Options, Summary, run

    server = server_settings("IMAP", host, port, security, user, cafile, prompt=_prompt())
    parsed: list[Summary] = []

    def process(files: list[Path]) -> None:
        parsed.append(run(files, Options(db=db, recipients=recipients, workers=workers, layouts=layouts_dirs)))

    summary = fetch_messages(server, folder, done_folder, into, process)
    click.echo(f"{server.user}@{server.host}/{folder}: {len(summary.saved)} neue Nachricht(en) in {into}, "
               f"{len(summary.known)} schon früher abgeholt, {summary.moved} nach „{done_folder}“ verschoben.")
    for uid in summary.too_big:
        click.echo(f"  Nachricht UID {uid} ist zu groß und bleibt im Postfach", err=True)
    for s in parsed:
        for line in _summary_lines(s, db):
            click.echo(line)


COMMANDS = [send, fetch]
