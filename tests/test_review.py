"""Review: corrections through the page in a real browser (chromium + Playwright), and the API's guards.

The store is produced by the real pipeline: registration sheets rendered from the layout, filled
with pypdf (one ticks two venues, one ticks none and has a broken e-mail address), parsed.
"""

from __future__ import annotations

import csv
import datetime as dt
import http.client
import json
import os
from pathlib import Path

import pytest

from bench.fill import fill_pypdf
from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, export, run
from formkit.render.document import render_to_bytes
from formkit.review.corrections import ReviewError, apply_decision, corrections_of
from formkit.review.data import ReviewData, review_queue
from formkit.review.server import ReviewServer
from formkit.store import Store

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

TWO_VENUES = {"name": "Müller, Ana", "institution": "Landratsamt Gotha", "address": "18.-März-Str. 50\n99867 Gotha",
              "phone": "03621 214-0", "email": "anna.mueller@example.org", "venue_gotha": "1",
              "venue_schleiz": "1", "date": "01.04.2018"}
NO_VENUE = {"name": "Weiß, Jörg", "institution": "Stadt Suhl", "address": "Markt 1\n98527 Suhl",
            "phone": "03681 74-0", "email": "joerg.weiss@example", "date": "03.04.2018"}
FINE = {"name": "Bauer, Zoe", "institution": "Ilm-Kreis", "address": "Ritterstr. 14\n99310 Arnstadt",
        "phone": "03628 738-0", "email": "zoe@example.org", "venue_gotha": "1", "date": "02.04.2018"}


def build_store(tmp: Path, registry: LayoutRegistry) -> Path:
    blank, _ = render_to_bytes("registration", registry)
    inbox = tmp / "eingang"
    inbox.mkdir()
    for name, values in (("zwei-orte.pdf", TWO_VENUES), ("kein-ort.pdf", NO_VENUE), ("ok.pdf", FINE)):
        (inbox / name).write_bytes(fill_pypdf(blank, values))
    db = tmp / "formkit.sqlite"
    run([inbox], Options(db=db, layouts=registry.root))
    return db


def key_of(db: Path, source: str) -> str:
    with Store(db) as store:
        row = store.db.execute("SELECT sha256, page FROM records WHERE source = ?", (source,)).fetchone()
    return f"{row[0]}:{row[1]}"


def export_rows(db: Path, tmp: Path) -> dict[str, dict[str, str]]:
    out = tmp / "export.csv"
    export(db, out)
    with out.open(encoding="utf-8", newline="") as f:
        return {r["source"]: r for r in csv.DictReader(f)}


@pytest.fixture
def store_db(tmp_path: Path, registry: LayoutRegistry) -> Path:
    return build_store(tmp_path, registry)


def test_queue_lists_review_records_worst_first(store_db: Path) -> None:
    with Store(store_db) as store:
        queue = review_queue(store)
    assert [i.source for i in queue] == ["kein-ort.pdf", "zwei-orte.pdf"]  # two reasons before one
    assert queue[0].reason == "kein Ort angekreuzt; E-Mail-Adresse ungültig"


def test_detail_has_zones_from_the_layout_and_venue_readings(store_db: Path, registry: LayoutRegistry) -> None:
    d = ReviewData(store_db, registry).detail(key_of(store_db, "zwei-orte.pdf"))
    fields = {f["name"]: f for f in d["fields"]}
    assert fields["name"]["box"] == [64.0, 88.0, 129.0, 13.0]
    assert fields["name"]["read"] == "Müller, Ana"
    assert [f["option"] for f in d["fields"] if f["group"] == "venue"] == ["Sonneberg", "Gotha", "Sondershausen",
                                                                            "Schleiz"]
    assert fields["venue_gotha"]["value"] == "1" and fields["venue_schleiz"]["value"] == "1"
    assert fields["venue_sonneberg"]["value"] == ""
    assert d["venue"] is None  # two ticked: the reviewer must pick
    assert d["page"]["kind"] == "rendered"  # the source folder is not the cwd: the form is redrawn
    png = ReviewData(store_db, registry).page_png(d["key"])
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_decision_keeps_machine_readings_and_logs_old_and_new(store_db: Path, registry: LayoutRegistry,
                                                              tmp_path: Path) -> None:
    key = key_of(store_db, "zwei-orte.pdf")
    form = registry.form("registration").layout
    with Store(store_db) as store:
        with pytest.raises(ReviewError, match="Veranstaltungsort"):
            apply_decision(store, form, key, "accept", {}, None)  # type: ignore[arg-type]
        with pytest.raises(ReviewError, match="Unbekannter Veranstaltungsort"):
            apply_decision(store, form, key, "accept", {}, "Erfurt")  # type: ignore[arg-type]
        d = apply_decision(store, form, key, "accept", {"name": "Müller, Anna"}, "Schleiz",  # type: ignore[arg-type]
                           note="telefonisch geklärt", reviewer="pruefer")
        assert d.status == "ok"
        log = corrections_of(store, key)
        sha, page = key.split(":")
        readings = {r[0]: r[1] for r in store.readings(sha, int(page))}
        pkeys = {r[0] for r in store.db.execute("SELECT key FROM person_keys WHERE sha256 = ?", (sha,))}
    fields = {c["field"]: c for c in log}
    assert (fields["name"]["old"], fields["name"]["new"]) == ("Müller, Ana", "Müller, Anna")
    assert (fields["venue"]["old"], fields["venue"]["new"]) == ("Gotha|Schleiz", "Schleiz")
    assert (fields["status"]["old"], fields["status"]["new"]) == ("review", "ok")
    assert fields["name"]["by"] == "pruefer" and fields["name"]["note"] == "telefonisch geklärt"
    assert readings["name"] == "Müller, Ana"  # the machine reading stays
    # Duplicate detection sees the corrected name from now on.
    assert pkeys and all(k.startswith("anna mueller|") for k in pkeys)
    row = export_rows(store_db, tmp_path)["zwei-orte.pdf"]
    assert (row["status"], row["name"], row["venue"]) == ("ok", "Müller, Anna", "Schleiz")


def _request(server: ReviewServer, method: str, path: str, headers: dict[str, str], body: bytes | None = None
             ) -> tuple[int, dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.session.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, json.loads(data) if data and resp.getheader("Content-Type", "").startswith(
            "application/json") else {}
    finally:
        conn.close()


def test_api_guards_token_host_and_bad_input(store_db: Path, registry: LayoutRegistry) -> None:
    server = ReviewServer(store_db, registry)
    assert server.httpd.server_address[0] == "127.0.0.1"
    server.start()
    try:
        port, token = server.session.port, server.session.token
        host = {"Host": f"127.0.0.1:{port}"}
        assert _request(server, "GET", "/api/records", host)[0] == 403
        assert _request(server, "GET", "/api/records", {"Host": f"evil.example:{port}", "X-Review-Token": token}
                        )[0] == 421
        status, body = _request(server, "GET", "/api/records", {**host, "X-Review-Token": token})
        assert status == 200 and len(body["records"]) == 2  # type: ignore[arg-type]
        key = key_of(store_db, "kein-ort.pdf")
        post = {**host, "X-Review-Token": token, "Content-Type": "application/json"}
        status, body = _request(server, "POST", f"/api/records/{key}/decision", post,
                                json.dumps({"action": "accept", "values": {}, "venue": None, "version": 0}).encode())
        assert status == 409 and "Veranstaltungsort" in str(body["error"])
        status, body = _request(server, "POST", f"/api/records/{key}/decision", post,
                                json.dumps({"action": "accept", "values": {"evil": "x"}, "venue": "Gotha",
                                            "version": 0}).encode())
        assert status == 409 and "Unbekannte Felder" in str(body["error"])
        status, _ = _request(server, "POST", f"/api/records/{key}/decision", {**post, "X-Review-Token": "nope"},
                             json.dumps({"action": "reject", "values": {}}).encode())
        assert status == 403
        with Store(store_db) as store:
            assert corrections_of(store, key) == []  # nothing stored by refused requests
        status, body = _request(server, "POST", f"/api/records/{key}/decision", post,
                                json.dumps({"action": "reject", "values": {}, "note": "Dublette", "version": 0}).encode())
        assert status == 200 and body["status"] == "rejected"
        assert export_rows(store_db, store_db.parent)["kein-ort.pdf"]["status"] == "rejected"
    finally:
        server.stop()


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} fehlt (Debian-Paket chromium; make setup)")
def test_browser_keyboard_correction_flow(store_db: Path, registry: LayoutRegistry, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    server = ReviewServer(store_db, registry)
    server.start()
    errors: list[str] = []
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_default_timeout(10_000)
            page.goto(server.url)

            # 1. Worst first: no venue ticked, invalid e-mail. Focus starts in the first field.
            page.wait_for_selector("h2:has-text('Weiß, Jörg')")
            assert page.evaluate("document.activeElement.id") == "f-name"
            assert "kein Ort angekreuzt" in page.inner_text(".reason")
            for _ in range(4):  # name -> institution -> address -> phone -> e-mail
                page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "f-email"
            assert page.get_attribute(".zone.active", "data-field") == "email"  # zone drawn on the sheet
            page.keyboard.press("Control+A")
            page.keyboard.type("joerg.weiss@example.org")
            # Accepting without a venue is refused with a message, nothing stored.
            page.keyboard.press("Alt+A")
            page.wait_for_selector("#status.error")
            page.keyboard.press("Alt+2")  # Gotha
            assert page.evaluate("document.activeElement.value") == "Gotha"
            page.keyboard.press("Alt+A")

            # 2. Next: two venues ticked. Correct the name, pick Schleiz, Enter in a text field accepts.
            page.wait_for_selector("h2:has-text('Müller, Ana')")
            assert "Angenommen" in page.inner_text("#status")
            assert page.evaluate("document.activeElement.id") == "f-name"
            labels = page.locator("label.venue").all_inner_texts()
            assert any("Gotha" in t and "angekreuzt" in t for t in labels)
            assert any("Schleiz" in t and "angekreuzt" in t for t in labels)
            page.keyboard.press("Control+A")
            page.keyboard.type("Müller, Anna")
            page.keyboard.press("Alt+4")
            page.keyboard.press("Shift+Tab")  # back into the last text field (date)
            assert page.evaluate("document.activeElement.id") == "f-date"
            page.keyboard.press("Enter")
            page.wait_for_selector("text=Keine Datensätze mehr zu prüfen.")
            browser.close()
    finally:
        server.stop()
    assert errors == []

    jorg, anna = key_of(store_db, "kein-ort.pdf"), key_of(store_db, "zwei-orte.pdf")
    with Store(store_db) as store:
        log_j = {c["field"]: c for c in corrections_of(store, jorg)}
        log_a = {c["field"]: c for c in corrections_of(store, anna)}
        statuses = dict(store.db.execute("SELECT source, status FROM records"))
        machine = dict(store.db.execute("SELECT field, value FROM readings WHERE sha256 = ?", (anna.split(":")[0],)))
    assert (log_j["email"]["old"], log_j["email"]["new"]) == ("joerg.weiss@example", "joerg.weiss@example.org")
    assert (log_j["venue"]["old"], log_j["venue"]["new"]) == ("", "Gotha")
    assert (log_j["status"]["old"], log_j["status"]["new"]) == ("review", "ok")
    assert started <= dt.datetime.fromisoformat(log_j["email"]["at"]) <= dt.datetime.now(dt.UTC)
    assert (log_a["name"]["old"], log_a["name"]["new"]) == ("Müller, Ana", "Müller, Anna")
    assert (log_a["venue"]["old"], log_a["venue"]["new"]) == ("Gotha|Schleiz", "Schleiz")
    assert statuses == {"kein-ort.pdf": "ok", "zwei-orte.pdf": "ok", "ok.pdf": "ok"}
    assert machine["name"] == "Müller, Ana" and machine["venue_gotha"] == "1"  # readings untouched

    rows = export_rows(store_db, tmp_path)
    assert (rows["zwei-orte.pdf"]["name"], rows["zwei-orte.pdf"]["venue"]) == ("Müller, Anna", "Schleiz")
    assert (rows["kein-ort.pdf"]["email"], rows["kein-ort.pdf"]["venue"]) == ("joerg.weiss@example.org", "Gotha")
    assert rows["kein-ort.pdf"]["status"] == "ok"
