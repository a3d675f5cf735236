"""`formkit debug FILE`: draw what the scan parser saw on a returned page (marks, zones, ticks, OCR)."""

from __future__ import annotations

from pathlib import Path

import click

from formkit.campaign import Campaigns
from formkit.cli.options import layouts_option
from formkit.errors import InputError
from formkit.readings import PageReading
from formkit.scan.overlay import draw_overlay, load_pages


@click.command(help="Zeigt, was die Fax-/Scan-Erkennung auf einer Seite gesehen hat: Passmarken, "
                    "Zonen, Ankreuz-Werte und OCR-Text.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Bild mit der Einblendung (PNG); Standard: DATEI.debug.png")
@click.option("--page", "page_no", type=int, default=None, help="Nur diese Seite (1-basiert).")
@layouts_option
def debug(file: Path, output: Path | None, page_no: int | None, layouts_dirs: tuple[Path, ...]) -> None:
    from formkit.scan.reader import analyse_page

    registry = Campaigns.load(layouts_dirs)
    try:
        pages = load_pages(file, page_no)
    except InputError as e:  # the readers name the page, the command names the file
        raise InputError(e.message if e.message.startswith(str(file)) else f"{file}: {e.message}") from None
    if not pages:
        raise InputError(f"{file}: Seite {page_no} gibt es nicht")
    for n, image in pages:
        a = analyse_page(image, n, registry, full=True)
        r = a.result
        if not isinstance(r, PageReading):
            click.echo(f"Seite {n}: kein Anmeldebogen – {r.reason}")
            continue
        ident = r.identity
        who = f", Empfänger {ident.recipient_id}" if ident.recipient_id else ""
        click.echo(f"Seite {n}: Formular {ident.describe()}{who}; "
                   f"Passgenauigkeit {r.fit_error_mm:.2f} mm")
        for p in r.problems:
            click.echo(f"  Prüfen: {p}")
        for f in r.fields.values():
            if f.state is not None:
                click.echo(f"  {f.name:<22} {f.state:<10} Tinte {f.score:.1%}  Sicherheit {f.confidence:.2f}")
            else:
                shown = f.value.replace("\n", " / ") or "(leer)"
                click.echo(f"  {f.name:<22} {shown!s:<50} Sicherheit {f.confidence:.2f}")
        target = output or file.with_name(f"{file.stem}.debug.png")
        if len(pages) > 1 and output is not None:
            target = output.with_name(f"{output.stem}-s{n}{output.suffix}")
        elif len(pages) > 1:
            target = file.with_name(f"{file.stem}.s{n}.debug.png")
        draw_overlay(a).save(target)
        click.echo(f"  Einblendung: {target}")


COMMANDS = [debug]
