"""The review page: seconds of page time per decision for a scripted clerk, and load time of a long queue.

Scripted clerk (Debian chromium driven by Playwright, as the browser tests): 50 filled PDFs in
review (two venues ticked, a mis-typed e-mail address), a mailing list that knows each person.
Per record the clerk takes over all list values (Alt+Shift+L), picks a venue (Alt+2) and accepts
(Enter); the clock runs from the first page load to the message after the 50th decision, so it
includes loading each record, its page image and the queue after each decision.

Long queue: 1,000 records in review; time from opening the page to the first record shown with
focus in its first flagged field, and the queue request alone.

Targets (issue 12): under 1 s page time per decision; the page usable within 2 s with 1,000 queued.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options
from formkit.pipeline import run as parse_run
from formkit.recipients import read_recipients
from formkit.render.document import render_to_bytes
from formkit.review.server import ReviewServer
from tests.fill import fill_pypdf

LAYOUTS = Path(__file__).resolve().parents[1] / "layouts" / "lsz-2018"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
N_CLERK = 50
N_QUEUE = 1000
FIRST = [("Jürgen", "juergen"), ("Käthe", "kaethe"), ("Björn", "bjoern"), ("Grete", "grete"), ("Ömer", "oemer"),
         ("Anna", "anna"), ("Lutz", "lutz"), ("Heike", "heike")]


def _person(i: int) -> tuple[dict[str, str], str]:
    """A sheet's values (needing review) and the mailing-list row of the same person."""
    (first, mail), last = FIRST[i % len(FIRST)], f"Lehmann{i:03d}"
    values = {"name": f"{last}, {first}", "institution": f"Gemeinde Großbreitenbach {i}",
              "address": f"Straße der Einheit {i + 1}\n98701 Großbreitenbach", "phone": f"036781 4{i:04d}",
              "email": f"{mail}.{last.lower()}@grossbreitenbach", "date": "12.04.2018",
              "venue_gotha": "1", "venue_schleiz": "1"}
    row = (f"R{i:04d};;;{first};{last};Gemeinde Großbreitenbach {i};;Straße der Einheit {i + 1};98701;"
           f"Großbreitenbach;{mail}.{last.lower()}@grossbreitenbach.de")
    return values, row


def _store(tmp: Path, n: int, distinct: bool) -> tuple[Path, Path]:
    registry = LayoutRegistry(LAYOUTS)
    blank, _ = render_to_bytes("registration", registry)
    inbox = tmp / "eingang"
    inbox.mkdir()
    rows = ["ID;Anrede;Titel;Vorname;Nachname;Institution;Funktion;Straße;PLZ;Ort;E-Mail"]
    base = None
    for i in range(n):
        values, row = _person(i)
        rows.append(row)
        if distinct or base is None:
            base = fill_pypdf(blank, values)
        # Distinct contents (hash) without re-filling each: a trailing comment after %%EOF.
        (inbox / f"{i:05d}.pdf").write_bytes(base if distinct else base + f"\n% {i}\n".encode())
    listing = tmp / "liste.csv"
    listing.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp / "review.sqlite"
    summary = parse_run([inbox], Options(db=db, workers=min(2, os.cpu_count() or 1)))
    assert summary.by_status["review"] == n, summary
    return db, listing


def _clerk(browser, db: Path, listing: Path) -> float:  # type: ignore[no-untyped-def]
    listed, _ = read_recipients(listing)
    server = ReviewServer(db, LayoutRegistry(LAYOUTS), reviewer="bench", recipients=listed)
    server.start()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        t0 = time.perf_counter()
        page.goto(server.url)
        for _ in range(N_CLERK):
            page.wait_for_selector(".field.focus")
            page.keyboard.press("Alt+Shift+L")
            name = page.input_value("#f-name")
            page.keyboard.press("Alt+2")
            page.focus("#f-date")
            page.keyboard.press("Enter")
            page.wait_for_selector(f"#status.ok:has-text('Angenommen: {name}.')")
        elapsed = time.perf_counter() - t0
        assert page.is_visible("text=Keine Datensätze mehr zu prüfen.")
        page.close()
    finally:
        server.stop()
    assert server.pending() == 0
    return elapsed


def _load(browser, db: Path) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    import http.client

    server = ReviewServer(db, LayoutRegistry(LAYOUTS), reviewer="bench")
    server.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.session.port, timeout=60)
        t0 = time.perf_counter()
        conn.request("GET", "/api/records", headers={"Host": f"127.0.0.1:{server.session.port}",
                                                     "X-Review-Token": server.session.token})
        assert conn.getresponse().read().count(b'"key"') == N_QUEUE
        api = time.perf_counter() - t0
        conn.close()
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        t0 = time.perf_counter()
        page.goto(server.url)
        page.wait_for_selector(".field.focus")
        shown = time.perf_counter() - t0
        assert page.locator("nav li").count() == N_QUEUE
        page.close()
    finally:
        server.stop()
    return shown, api


def run() -> None:
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} fehlt: kein Messwert für die Prüfseite")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="fk-bench-review-") as t1, \
            tempfile.TemporaryDirectory(prefix="fk-bench-review-") as t2, sync_playwright() as p:
        clerk_db, listing = _store(Path(t1), N_CLERK, distinct=True)
        queue_db, _ = _store(Path(t2), N_QUEUE, distinct=False)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        elapsed = _clerk(browser, clerk_db, listing)
        per = elapsed / N_CLERK
        print(f"scripted clerk, {N_CLERK} records (load, Alt+Shift+L take over, Alt+2, Enter): {elapsed:.1f} s "
              f"= {per:.2f} s page time per decision (target < 1 s: {'ok' if per < 1 else 'MISSED'})")
        shown, api = _load(browser, queue_db)
        print(f"{N_QUEUE} records queued: first record shown {shown:.2f} s after opening the page "
              f"(target < 2 s: {'ok' if shown < 2 else 'MISSED'}); the queue request alone {api:.2f} s")
        browser.close()


if __name__ == "__main__":
    run()
