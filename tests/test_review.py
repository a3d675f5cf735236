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

from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import export
from formkit.review import crops
from formkit.review.corrections import ReviewError, StaleDecision, apply_decision, corrections_of, undo_last
from formkit.review.data import ReviewData, review_queue
from formkit.review.server import ReviewServer
from formkit.store import Store
from tests.review_scene import CHROMIUM, CHROMIUM_ARGS, build_store, key_of, recipients


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
    with Store(store_db) as store:
        pending = [r for r in store.form_records() if r.status == "review"]
    assert len(pending) == 2 and all(r.version == 0 for r in pending)


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
            browser = _launch(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_default_timeout(10_000)
            page.goto(server.url)

            # 1. Worst first: no venue ticked, invalid e-mail. Focus starts in the first field.
            page.wait_for_selector("h2:has-text('Weiß, Jörg')")
            assert "Kein Veranstaltungsort angekreuzt" in page.inner_text(".reason")
            # Focus starts in the first flagged field: the invalid e-mail address, which says why.
            assert page.evaluate("document.activeElement.id") == "f-email"
            assert "keine gültige E-Mail-Adresse" in page.inner_text(".field[data-field=email] .why")
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
            labels = page.locator("label.venue").all_inner_texts()
            assert any("Gotha" in t and "angekreuzt" in t for t in labels)
            assert any("Schleiz" in t and "angekreuzt" in t for t in labels)
            page.focus("#f-name")
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


# --- checked input, versions, undo, claims, list, reasons, crops (issue 12) ----------------------


def test_invalid_email_is_accepted_only_with_override_and_note(store_db: Path, registry: LayoutRegistry,
                                                              tmp_path: Path) -> None:
    key = key_of(store_db, "kein-ort.pdf")
    form = registry.form("registration").layout
    with Store(store_db) as store:
        for bad in ({"email": "kaputt@"}, {"phone": "ruf an"}, {"date": "31.02.2018"}):
            with pytest.raises(ReviewError, match="Nicht angenommen: .*(keine gültige|kein gültiges)"):
                apply_decision(store, form, key, "accept", bad, "Gotha", version=0)  # type: ignore[arg-type]
        with pytest.raises(ReviewError, match="nur mit einer Bemerkung"):
            apply_decision(store, form, key, "accept", {"email": "kaputt@"}, "Gotha",  # type: ignore[arg-type]
                           version=0, override=True)
        assert corrections_of(store, key) == []  # nothing stored by the refusals
        d = apply_decision(store, form, key, "accept", {"email": "kaputt@"}, "Gotha",  # type: ignore[arg-type]
                           note="Adresse so gewünscht, telefonisch bestätigt", version=0, override=True)
        log = {c["field"]: c for c in corrections_of(store, key)}
    assert d.status == "ok" and d.warnings == ("E-Mail „kaputt@“: keine gültige E-Mail-Adresse",)
    assert log["override"]["new"] == "E-Mail „kaputt@“: keine gültige E-Mail-Adresse"
    assert log["override"]["note"] == "Adresse so gewünscht, telefonisch bestätigt"
    row = export_rows(store_db, tmp_path)["kein-ort.pdf"]
    assert (row["status"], row["email"]) == ("ok", "kaputt@")


def test_stale_decision_is_refused_and_undo_restores_with_both_in_the_log(store_db: Path,
                                                                          registry: LayoutRegistry) -> None:
    key = key_of(store_db, "zwei-orte.pdf")
    form = registry.form("registration").layout
    with Store(store_db) as store:
        first = apply_decision(store, form, key, "accept", {"name": "Müller, Anna"}, "Gotha",  # type: ignore[arg-type]
                               reviewer="a", version=0)
        assert first.version > 0
        with pytest.raises(StaleDecision, match="inzwischen von a .*anders entschieden"):
            apply_decision(store, form, key, "reject", {}, None, reviewer="b", version=0)  # type: ignore[arg-type]
        with pytest.raises(StaleDecision):
            undo_last(store, key, first.version - 1, reviewer="a")
        undone = undo_last(store, key, first.version, reviewer="a")
        sha, page = key.split(":")
        rec = store.stored_record(sha, int(page))
        log = corrections_of(store, key)
        with pytest.raises(ReviewError, match="keine Entscheidung"):
            undo_last(store, key, undone.version)  # an undo is not undone by undo: decide again instead
    assert rec is not None and rec.status == "review" and rec.values["name"] == "Müller, Ana"
    assert rec.values["venue"] == "Gotha|Schleiz" and rec.reason == "mehrere Orte angekreuzt"
    assert rec.version == undone.version
    names = [(c["field"], c["old"], c["new"]) for c in log]
    assert ("name", "Müller, Ana", "Müller, Anna") in names and ("name", "Müller, Anna", "Müller, Ana") in names
    assert [c["new"] for c in log if c["field"] == "status"] == ["ok", "review"]
    assert log[-1]["note"].startswith("zurückgenommen: Entscheidung vom ")


def test_detail_speaks_german_with_list_values_and_claims(store_db: Path, registry: LayoutRegistry,
                                                          tmp_path: Path) -> None:
    data = ReviewData(store_db, registry, recipients(tmp_path))
    key = key_of(store_db, "kein-ort.pdf")
    assert data.claim(key, "seite-eins-0001", "anna") is None
    taken = data.claim(key, "seite-zwei-0002", "bernd")
    assert taken is not None and taken.reviewer == "anna"
    d = data.detail(key, taken)
    assert d["taken_by"] == "anna"
    assert d["reasons"] == ["Kein Veranstaltungsort angekreuzt", "E-Mail-Adresse ungültig"]
    fields = {f["name"]: f for f in d["fields"]}
    assert fields["email"]["why"] == ["E-Mail: keine gültige E-Mail-Adresse"] and fields["email"]["short"] == "E-Mail"
    assert fields["name"]["why"] == []
    # The list entry is found by name and institution and described in words.
    assert d["list"]["text"] == "fast sicher: Jörg Weiß, Stadt Suhl (Übereinstimmung 100 %)"
    assert fields["email"]["list"] == "joerg.weiss@suhl.de" and fields["address"]["list"] == "Markt 1\n98527 Suhl"
    text = json.dumps(d, ensure_ascii=False)
    assert "Tick-Wert" not in text and "unsicher gelesen: " not in text
    items, overview = data.queue(client="seite-zwei-0002")
    assert {i.source: i.taken_by for i in items} == {"kein-ort.pdf": "anna", "zwei-orte.pdf": None}
    assert items[0].reasons == ("Kein Veranstaltungsort angekreuzt", "E-Mail-Adresse ungültig")
    counts = {(r["venue"]): (r["open"], r["done"], r["rejected"]) for r in overview}
    assert counts == {"ohne Ort": (1, 0, 0), "mehrere Orte": (1, 0, 0), "Gotha": (0, 1, 0)}
    assert {r["campaign"] for r in overview} == {"lsz-2018"}


@pytest.mark.slow
def test_fax_record_crops_are_trimmed_and_split_into_lines(tmp_path: Path, registry: LayoutRegistry) -> None:
    db = build_store(tmp_path, registry, fax=True)
    data = ReviewData(db, registry, recipients(tmp_path))
    key = key_of(db, "fax-0405-0931.png")
    d = data.detail(key)
    fields = {f["name"]: f for f in d["fields"]}
    assert d["list"]["text"] == "laut QR-Code: Petra Schulze, Landratsamt Greiz"
    assert fields["email"]["list"] == "petra.schulze@landkreis-greiz.de"
    assert len(fields["address"]["crop_urls"]) == 2 and len(fields["name"]["crop_urls"]) == 1
    whole = data.crop_png(key, "name")
    trimmed = data.crop_png(key, "name", 0)
    assert whole and trimmed
    import cv2
    import numpy as np
    w_img = cv2.imdecode(np.frombuffer(whole, np.uint8), cv2.IMREAD_GRAYSCALE)
    t_img = cv2.imdecode(np.frombuffer(trimmed, np.uint8), cv2.IMREAD_GRAYSCALE)
    # Trimmed to "Schulze, Petra": much narrower than the 129 mm zone, as tall as the writing.
    assert t_img.shape[1] < 0.6 * w_img.shape[1] and 25 <= t_img.shape[0] <= w_img.shape[0]
    lines = [cv2.imdecode(np.frombuffer(p, np.uint8), cv2.IMREAD_GRAYSCALE)
             for p in crops.lines(data.crop_png(key, "address") or b"", True)]
    assert len(lines) == 2 and all(li.shape[0] < 0.6 * w_img.shape[0] * 24 / 13 for li in lines)


def _launch(p):  # type: ignore[no-untyped-def]
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                    reason=f"{CHROMIUM} fehlt (Debian-Paket chromium; make setup)")


@pytest.mark.browser
@needs_chromium
def test_browser_list_values_invalid_email_and_undo(store_db: Path, registry: LayoutRegistry,
                                                    tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    server = ReviewServer(store_db, registry, reviewer="pruefer", recipients=recipients(tmp_path))
    server.start()
    jorg = key_of(store_db, "kein-ort.pdf")
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = _launch(p)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_default_timeout(10_000)
            page.goto(server.url)
            page.wait_for_selector("h2:has-text('Weiß, Jörg')")
            assert "fast sicher: Jörg Weiß, Stadt Suhl" in page.inner_text("#listmatch")
            # The overview counts every record; a filter narrows the queue.
            assert "zusammen" in page.inner_text("#overview")
            page.select_option("#filter-venue", "mehrere Orte")
            assert "1. Müller, Ana" in page.locator("nav li").all_inner_texts()[0]
            assert page.locator("nav li").count() == 1
            page.select_option("#filter-venue", "")
            assert page.locator("nav li").count() == 2
            page.focus("#f-email")
            assert page.evaluate("document.activeElement.id") == "f-email"

            # An invalid address is refused with the reason, nothing is stored.
            page.keyboard.press("Control+A")
            page.keyboard.type("kaputt@")
            page.keyboard.press("Alt+2")  # Gotha
            page.focus("#f-email")
            page.keyboard.press("Enter")
            page.wait_for_selector("#status.error")
            assert "E-Mail „kaputt@“: keine gültige E-Mail-Adresse" in page.inner_text("#status")
            assert page.is_visible("#override") and "bad" in (page.get_attribute(".field[data-field=email]", "class")
                                                              or "")
            page.keyboard.press("Alt+O")  # override without a note: asked for one
            page.wait_for_selector("#status:has-text('warum')")
            with Store(store_db) as store:
                assert corrections_of(store, jorg) == []

            # One key takes the list's e-mail address into the field in focus, another all values.
            page.focus("#f-email")
            page.keyboard.press("Alt+L")
            assert page.input_value("#f-email") == "joerg.weiss@suhl.de"
            assert "wie in der Adressliste" in page.inner_text(".field[data-field=email] .fromlist")
            page.keyboard.press("Alt+Shift+L")
            assert page.input_value("#f-name") == "Jörg Weiß"
            assert page.input_value("#f-address") == "Markt 1\n98527 Suhl"
            page.focus("#f-email")
            page.keyboard.press("Enter")
            page.wait_for_selector("h2:has-text('Müller, Ana')")
            assert "Angenommen: Jörg Weiß" in page.inner_text("#status")

            # Undo: the decision is taken back, the record is open again and shown.
            page.keyboard.press("Alt+Z")
            page.wait_for_selector("#status:has-text('zurückgenommen')")
            assert page.inner_text("main h2") == "Weiß, Jörg"
            assert page.input_value("#f-email") == "joerg.weiss@example"
            assert page.is_hidden("#undo")
            browser.close()
    finally:
        server.stop()
    assert errors == []
    with Store(store_db) as store:
        sha, pg = jorg.split(":")
        rec = store.stored_record(sha, int(pg))
        log = corrections_of(store, jorg)
    assert rec is not None and rec.status == "review" and rec.values["email"] == "joerg.weiss@example"
    emails = [(c["old"], c["new"]) for c in log if c["field"] == "email"]
    assert emails == [("joerg.weiss@example", "joerg.weiss@suhl.de"), ("joerg.weiss@suhl.de", "joerg.weiss@example")]
    assert all(c["by"] == "pruefer" for c in log)


@pytest.mark.browser
@needs_chromium
def test_browser_two_pages_at_once(store_db: Path, registry: LayoutRegistry) -> None:
    """Two clerks, each with a review page on the same store: no decision is silently overwritten."""
    from playwright.sync_api import sync_playwright

    anna = ReviewServer(store_db, registry, reviewer="anna")
    bernd = ReviewServer(store_db, registry, reviewer="bernd")
    anna.start()
    bernd.start()
    jorg = key_of(store_db, "kein-ort.pdf")
    try:
        with sync_playwright() as p:
            browser = _launch(p)
            a = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            b = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            for pg in (a, b):
                pg.set_default_timeout(10_000)
            a.goto(anna.url)
            a.wait_for_selector("h2:has-text('Weiß, Jörg')")
            # The second page starts on the next record: the worst one is open on the first page.
            b.goto(bernd.url)
            b.wait_for_selector("h2:has-text('Müller, Ana')")
            assert "in Bearbeitung" in b.evaluate(
                "getComputedStyle(document.querySelector('nav li.taken .who'), '::after').content")
            # Bernd opens it anyway: it is shown as taken.
            b.click(f"nav a[data-key='{jorg}']")
            b.wait_for_selector("#taken")
            assert "anna" in b.inner_text("#taken")
            # Anna decides; Bernd's decision on what he saw is refused with a message, not stored.
            a.fill("#f-email", "joerg.weiss@example.org")
            a.keyboard.press("Alt+2")
            a.keyboard.press("Alt+A")
            a.wait_for_selector("h2:has-text('Müller, Ana')")
            b.keyboard.press("Alt+R")
            b.wait_for_selector("#status.error")
            assert "inzwischen von anna" in b.inner_text("#status")
            browser.close()
    finally:
        anna.stop()
        bernd.stop()
    with Store(store_db) as store:
        log = corrections_of(store, jorg)
    assert [(c["new"], c["by"]) for c in log if c["field"] == "status"] == [("ok", "anna")]


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("width", [1024, 1440])
def test_browser_screenshot_layout(width: int, tmp_path: Path, registry: LayoutRegistry) -> None:
    """The page at 1024 px and 1440 px on a faxed sheet: nothing cut off, crops at natural size.

    ``docs/make_screenshot.py`` takes the same pictures for docs/review-1024.png and docs/review-1440.png.
    """
    from playwright.sync_api import sync_playwright

    from tests.review_scene import screenshot

    db = build_store(tmp_path, registry, fax=True)
    out = tmp_path / f"review-{width}.png"
    with sync_playwright() as p:
        browser = _launch(p)
        page = screenshot(browser, db, registry, recipients(tmp_path), width, out)
        assert page.inner_text("main h2") == "Schulze, Petra"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The flagged e-mail address is whole in its box, beside the list's value.
        assert page.evaluate("(() => { const e = document.getElementById('f-email');"
                             " return e.scrollWidth <= e.clientWidth; })()")
        box = page.locator("#f-email").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        assert "E-Mail unsicher gelesen" in page.inner_text(".field[data-field=email] .why")
        assert "petra.schulze@landkreis-greiz.de" in page.inner_text(".field[data-field=email] .fromlist")
        # Crops at their natural size (or larger while in focus), the address line by line.
        sizes = page.evaluate("[...document.querySelectorAll('.field:not(.focus) .crop')]"
                              ".map(i => [i.naturalWidth, i.getBoundingClientRect().width])")
        assert sizes and all(abs(n + 2 - w) <= 1 for n, w in sizes)  # + the 1 px border
        assert page.locator(".field[data-field=address] .crop").count() == 2
        browser.close()
    assert out.stat().st_size > 50_000


@pytest.mark.slow
def test_sample_faxes_show_readable_lines_and_confirmed_prefill(tmp_path: Path, registry: LayoutRegistry) -> None:
    """The demo's faxes: dashed box borders and fax specks do not widen a crop; a doubtful reading
    that is exactly the printed value is explained, not flagged (as record assembly decides)."""
    from formkit.pipeline import Options, run
    from formkit.recipients import read_recipients

    root = Path(__file__).resolve().parents[1] / "samples"
    db = tmp_path / "formkit.sqlite"
    run([root / "returns" / "fax"], Options(db=db, layouts=registry.root))
    data = ReviewData(db, registry, read_recipients(root / "recipients.csv")[0])
    items, _ = data.queue()
    by_source = {Path(i.source).name: i.key for i in items}
    key = by_source["fax-normal-getippt.tif"]
    lines = crops.lines(data.crop_png(key, "address") or b"", True)
    assert len(lines) == 2  # "Wiesenstraße 18", "98646 Hildburghausen"
    fields = {f["name"]: f for f in data.detail(by_source["fax-fein-getippt.tif"])["fields"]}
    assert fields["email"]["why"] == [] and "wie vorgedruckt" in fields["email"]["info"]
    # A doubtful reading is flagged with its confidence: the e-mail address typed over the printed one
    # on the normal-mode fax (the fine fax's phone, doubtful before issue 11's fax levers, now reads sure).
    other = {f["name"]: f for f in data.detail(key)["fields"]}
    assert other["email"]["why"] and other["email"]["why"][0].startswith("E-Mail unsicher gelesen (")
