"""`formkit packets`: personalised invitation packets from a mailing list (CSV)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from formkit.campaign import Campaigns
from formkit.cli.options import campaign_option, layouts_option
from formkit.errors import ExitCode
from formkit.packets import make_packets


@click.command(help="Persönliche Einladungspakete aus einer Empfängerliste (CSV, Excel .xlsx oder "
                    "LibreOffice .ods) erzeugen: OUTDIR/print.pdf für den Duplexdruck, ein ausfüllbares PDF "
                    "je Empfänger und OUTDIR/manifest.csv. Exit-Status 2, wenn Zeilen der Liste fehlerhaft "
                    "waren; 4, wenn die Liste keinen Empfänger enthält.")
@click.argument("recipients", metavar="LISTE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Zielordner.")
@click.option("--layout", default="invitation", show_default=True, help="Layout des Pakets (Name oder Pfad).")
@layouts_option
@campaign_option
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Anzahl paralleler Prozesse (Standard: Zahl der Prozessorkerne).")
@click.option("--sheet", help="Tabellenblatt einer Excel-/LibreOffice-Liste (Standard: das erste).")
def packets(recipients: Path, outdir: Path, layout: str, layouts_dirs: tuple[Path, ...], campaign_id: str | None,
            workers: int | None, sheet: str | None) -> None:
    layouts_dir = Campaigns.load(layouts_dirs).single(campaign_id).root
    bar = None
    last = 0

    def progress(done: int, total: int) -> None:
        nonlocal bar, last
        if bar is None:
            bar = click.progressbar(length=total, label="Pakete", file=sys.stderr)
            bar.__enter__()
        bar.update(done - last)
        last = done

    show = sys.stderr.isatty()
    try:
        summary = make_packets(recipients, outdir, layout=layout, workers=workers, layouts_dir=layouts_dir,
                               progress=progress if show else None, sheet=sheet)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for err in summary.errors:
        who = f" ({err.id})" if err.id else ""
        click.echo(f"{recipients.name}, Zeile {err.line}{who}: {err.reason}", err=True)
    click.echo(f"{summary.packets} Pakete, {summary.print_pages} Seiten in {summary.print_pdf}, "
               f"{summary.file_pages} Seiten in Einzel-PDFs, {summary.seconds:.1f} s")
    if summary.warned:
        click.echo(f"{summary.warned} Paket(e) mit Warnungen, siehe {summary.manifest}", err=True)
    if summary.failed:
        click.echo(f"{summary.failed} Zeile(n) nicht verarbeitet, siehe {summary.manifest}", err=True)
        sys.exit(int(ExitCode.ROWS_FAILED))


COMMANDS = [packets]
