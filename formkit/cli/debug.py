"""`formkit debug FILE`: what the readers saw on each page, read through the same dispatcher as
`formkit parse`; for an image page, the registered page with marks, zones, ticks and OCR drawn on it."""

from __future__ import annotations

from pathlib import Path

import click

from formkit.campaign import Campaigns
from formkit.cli.options import layouts_option
from formkit.errors import InputError, os_reason
from formkit.export import check_writable
from formkit.read.dispatch import read_bytes, read_input
from formkit.readings import PageReading

_METHOD = {"acroform": "ausgefüllte Formularfelder", "textlayer": "Textebene (PDF ohne Formularfelder)",
           "ocr": "Texterkennung"}


NOT_A_SHEET = "kein Anmeldebogen"


@click.command(help="Zeigt, was die Erkennung auf jeder Seite gesehen hat (wie „parse“ sie liest); bei "
                    "Fax, Scan oder Foto ein Bild mit Passmarken, Zonen, Ankreuz-Werten und OCR-Text.")
@click.argument("file", metavar="DATEI", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Bild mit der Einblendung (PNG); Standard: DATEI.debug.png")
@click.option("--page", "page_no", type=int, default=None, help="Nur diese Seite (1-basiert).")
@layouts_option
def debug(file: Path, output: Path | None, page_no: int | None, layouts_dirs: tuple[Path, ...]) -> None:
    from formkit.scan.overlay import draw_overlay

    registry = Campaigns.load(layouts_dirs)
    try:
        reading = read_input(read_bytes(file), registry, file, only=page_no, full=True)
    except InputError as e:  # the readers name the page, the command names the file
        raise InputError(e.message if e.message.startswith(str(file)) else f"{file}: {e.message}") from None
    if not reading.pages:
        raise InputError(f"{file}: Seite {page_no} gibt es nicht (die Datei hat {reading.page_count})"
                         if page_no is not None else f"{file}: keine Seite gefunden")
    images = [p.page for p in reading.pages if p.page in reading.analyses and isinstance(p, PageReading)]
    for r in reading.pages:
        n = r.page
        if not isinstance(r, PageReading):
            # Some readers say „kein Anmeldebogen: …“ themselves; the prefix is not said twice.
            what = r.reason if r.reason.startswith(NOT_A_SHEET) else f"{NOT_A_SHEET} – {r.reason}"
            click.echo(f"Seite {n}: {what}")
            continue
        ident = r.identity
        who = f", Empfänger {ident.recipient_id}" if ident.recipient_id else ""
        fit = f"; Passgenauigkeit {r.fit_error_mm:.2f} mm" if r.fit_error_mm is not None else ""
        click.echo(f"Seite {n}: Formular {ident.describe()}{who}; gelesen aus: {_METHOD[r.method]}{fit}")
        for p in r.problems:
            click.echo(f"  Prüfen: {p}")
        for f in r.fields.values():
            if f.state is not None:
                ink = f"Tinte {f.score:.1%}  " if r.method == "ocr" and f.score is not None else ""
                click.echo(f"  {f.name:<22} {f.state:<10} {ink}Sicherheit {f.confidence:.2f}")
            else:
                shown = f.value.replace("\n", " / ") or "(leer)"
                click.echo(f"  {f.name:<22} {shown!s:<50} Sicherheit {f.confidence:.2f}")
        if n not in images:
            continue  # values read from the PDF itself: there is no page image to draw on
        target = output or file.with_name(f"{file.stem}.debug.png")
        if len(images) > 1 and output is not None:
            target = output.with_name(f"{output.stem}-s{n}{output.suffix}")
        elif len(images) > 1:
            target = file.with_name(f"{file.stem}.s{n}.debug.png")
        check_writable(target, "Bilddatei")
        try:
            draw_overlay(reading.analyses[n]).save(target)
        except OSError as e:
            raise InputError(f"{target}: Bilddatei lässt sich nicht schreiben ({os_reason(e)})") from None
        click.echo(f"  Einblendung: {target}")


COMMANDS = [debug]
