"""A review scene built through the real pipeline, for the review tests and docs/make_screenshot.py.

Filled PDFs (pypdf) and one fax-like sheet (the form printed with values and a recipient's QR,
rasterised in grey at 200 dpi, read by OCR), a mailing list, and chromium launched as the
machine needs it (no background networking: the network is closed).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.recipients import Recipient, read_recipients
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.store import Store
from tests.fill import fill_pypdf

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

TWO_VENUES = {"name": "Müller, Ana", "institution": "Landratsamt Gotha", "address": "18.-März-Str. 50\n99867 Gotha",
              "phone": "03621 214-0", "email": "anna.mueller@example.org", "venue_gotha": "1",
              "venue_schleiz": "1", "date": "01.04.2018"}
NO_VENUE = {"name": "Weiß, Jörg", "institution": "Stadt Suhl", "address": "Markt 1\n98527 Suhl",
            "phone": "03681 74-0", "email": "joerg.weiss@example", "date": "03.04.2018"}
FINE = {"name": "Bauer, Zoe", "institution": "Ilm-Kreis", "address": "Ritterstr. 14\n99310 Arnstadt",
        "phone": "03628 738-0", "email": "zoe@example.org", "venue_gotha": "1", "date": "02.04.2018"}
# Printed on a personal sheet (QR names R0100) and faxed; the list knows her e-mail address.
FAX = {"name": "Schulze, Petra", "institution": "Landratsamt Greiz, Jugendamt",
       "address": "Dr.-Rathenau-Platz 11\n07973 Greiz", "phone": "03661 876-0",
       "email": "p.schulze@lra-grz.de", "venue_gotha": "1", "venue_schleiz": "1", "date": "05.04.2018"}

RECIPIENTS = (
    "ID;Anrede;Titel;Vorname;Nachname;Institution;Funktion;Straße;PLZ;Ort;E-Mail\n"
    "R0100;Frau;;Petra;Schulze;Landratsamt Greiz;Jugendamt;Dr.-Rathenau-Platz 11;07973;Greiz;"
    "petra.schulze@landkreis-greiz.de\n"
    "R0101;Herr;;Jörg;Weiß;Stadt Suhl;;Markt 1;98527;Suhl;joerg.weiss@suhl.de\n"
    "R0102;Frau;;Zoe;Bauer;Ilm-Kreis;;Ritterstr. 14;99310;Arnstadt;zoe@example.org\n"
)


def fax_png(registry: LayoutRegistry, values: dict[str, str], out: Path, recipient_id: str | None = None) -> None:
    """The sheet printed with *values* and rasterised in grey at 200 dpi (a clean fax or scan)."""
    pdf, _ = render_to_bytes("registration", registry,
                             RenderOptions(values=values, fillable=False, recipient_id=recipient_id))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "sheet.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(src), str(out.with_suffix(""))],
                       check=True, capture_output=True, timeout=60)


def build_store(tmp: Path, registry: LayoutRegistry, fax: bool = False) -> Path:
    blank, _ = render_to_bytes("registration", registry)
    inbox = tmp / "eingang"
    inbox.mkdir()
    for name, values in (("zwei-orte.pdf", TWO_VENUES), ("kein-ort.pdf", NO_VENUE), ("ok.pdf", FINE)):
        (inbox / name).write_bytes(fill_pypdf(blank, values))
    if fax:
        fax_png(registry, FAX, inbox / "fax-0405-0931.png", recipient_id="R0100")
    db = tmp / "formkit.sqlite"
    run([inbox], Options(db=db, layouts=registry.root))
    return db


def recipients(tmp: Path) -> list[Recipient]:
    path = tmp / "liste.csv"
    path.write_text(RECIPIENTS, encoding="utf-8")
    listed, errors = read_recipients(path)
    assert not errors
    return listed


def key_of(db: Path, source: str) -> str:
    with Store(db) as store:
        rec = next(r for r in store.form_records() if r.source == source)
    return f"{rec.sha256}:{rec.page}"


def screenshot(browser, db: Path, registry: LayoutRegistry, listed: list[Recipient], width: int,  # type: ignore[no-untyped-def]
               out: Path):
    """Open the review page at *width* px on *db*, zoom the sheet onto the flagged field, photograph it.

    Returns the open page (the server keeps running until the browser is closed by the caller's
    ``with``); the server is stopped when the page is done.
    """
    from formkit.review.server import ReviewServer

    server = ReviewServer(db, registry, reviewer="pruefer", recipients=listed)
    server.start()
    try:
        page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
        page.set_default_timeout(15_000)
        page.goto(server.url)
        page.wait_for_selector(".field.focus")
        page.wait_for_load_state("networkidle")  # page image and crops loaded
        assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        page.add_style_tag(content=".sheet .inner { transition: none !important; }")  # a still picture
        page.keyboard.press("Alt+V")  # the sheet zoomed onto the field in focus
        assert page.evaluate("document.querySelector('.sheet .inner').style.transform !== ''")
        page.screenshot(path=str(out), full_page=True)
        return page
    finally:
        server.stop()
