"""A registration typed into an e-mail's text, no sheet attached (bench heldout_fonts, nur-text.eml).

Before, every such mail was a rejected row „E-Mail ohne PDF- oder Bildanhang“, out of the review
page's sight. Real messages (.eml, mbox) through the whole pipeline into a store and the review data.
"""

from __future__ import annotations

import email.message
import email.policy
from pathlib import Path

import pytest

from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.read.mailtext import NOTE
from formkit.review.data import ReviewData, review_queue
from formkit.store import Store
from formkit.thresholds import OCR_OK

BODY = """Sehr geehrte Damen und Herren,

hiermit melde ich mich für das Regionaltreffen in Gotha an.

Name: Cornelia Wüstefeld
Institution: Landratsamt Sonneberg / Jugendamt
Anschrift: Bahnhofstraße 66, 96515 Sonneberg
Telefon: 03675 871-402
E-Mail: c.wuestefeld@lkson.de

Mit freundlichen Grüßen
Cornelia Wüstefeld"""


def _mail(body: str, subject: str = "Anmeldung", sender: str = "Cornelia Wüstefeld <cw@lkson.de>",
          headers: dict[str, str] | None = None) -> bytes:
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"], m["To"], m["Subject"] = sender, "anmeldung@tmasgff.example", subject
    m["Date"] = "Thu, 05 Apr 2018 09:30:00 +0200"
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content(body)
    return bytes(m)


def _run(inbox: Path, db: Path, registry: LayoutRegistry) -> None:
    run([inbox], Options(db=db, layouts=registry.root))


def test_a_registration_typed_into_a_mail_goes_to_a_person_with_the_mail(tmp_path: Path,
                                                                         registry: LayoutRegistry) -> None:
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "anmeldung.eml").write_bytes(_mail(BODY))
    db = tmp_path / "db.sqlite"
    _run(inbox, db, registry)
    _run(inbox, db, registry)  # again: the message's hash finds it stored
    with Store(db) as store:
        (rec,) = list(store.records())
        readings = {r[0]: r[2] for r in store.readings(rec.provenance.sha256, 1)}
    assert rec.status == "review" and NOTE in rec.reason, rec.reason
    assert rec.values["name"] == "Cornelia Wüstefeld"
    assert rec.values["institution"] == "Landratsamt Sonneberg / Jugendamt"
    assert rec.values["address"] == "Bahnhofstraße 66\n96515 Sonneberg"
    assert rec.values["phone"] == "03675 871-402" and rec.values["email"] == "c.wuestefeld@lkson.de"
    assert rec.values["date"] == "05.04.2018"  # no date line: the day the mail was sent
    # Gotha, not Sonneberg: the address's town is no choice of venue.
    assert rec.values["venue"] == "Gotha"
    assert rec.provenance.method == "mailtext" and rec.provenance.sender == "cw@lkson.de"
    assert all(c < OCR_OK for c in readings.values())  # proposals, never sure
    # Shown where staff work: in the review queue, with the mail instead of a page.
    (item,) = review_queue(Store(db))
    detail = ReviewData(db, registry).detail(item.key)
    assert detail["mail"]["sender"] == "cw@lkson.de" and detail["mail"]["subject"] == "Anmeldung"
    assert detail["mail"]["date"].startswith("2018-04-05T09:30") and "Name: Cornelia Wüstefeld" in detail["mail"]["body"]
    assert detail["method_text"] == "E-Mail-Text ohne Anhang"


def test_a_mail_naming_only_a_venue_carries_the_sender_and_the_text(tmp_path: Path,
                                                                     registry: LayoutRegistry) -> None:
    mbox = tmp_path / "post.mbox"
    mbox.write_bytes(b"From x@example.org Thu Apr  5 09:30:00 2018\n"
                     + _mail("Hallo,\nich komme gern nach Schleiz.\nViele Grüße\nAnna", subject="Re: Einladung",
                             sender="anna.b@example.org").replace(b"\r\n", b"\n"))
    db = tmp_path / "db.sqlite"
    _run(mbox, db, registry)
    with Store(db) as store:
        (rec,) = list(store.records())
    assert rec.status == "review" and NOTE in rec.reason and "Name fehlt" in rec.reason, rec.reason
    assert rec.values["venue"] == "Schleiz" and rec.values["email"] == "anna.b@example.org"
    assert rec.values["name"] == ""


def test_mails_that_are_no_registration_stay_rejected_rows(tmp_path: Path, registry: LayoutRegistry) -> None:
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "frage.eml").write_bytes(_mail("Wo kann man parken?\nGruß", subject="Frage zur Anreise"))
    # An out-of-office reply quoting the invitation: marked by its headers as a machine's.
    (inbox / "abwesend.eml").write_bytes(_mail("Ich bin bis 20.04. nicht im Büro.\n> Einladung zum "
                                               "Regionaltreffen in Gotha", subject="Abwesenheitsnotiz: Einladung",
                                               headers={"Auto-Submitted": "auto-replied"}))
    db = tmp_path / "db.sqlite"
    _run(inbox, db, registry)
    with Store(db) as store:
        rows = {r.provenance.source.rsplit("/", 1)[-1]: r for r in store.records()}
    assert rows["frage.eml"].status == "rejected"
    assert rows["frage.eml"].reason == "E-Mail ohne PDF- oder Bildanhang"
    assert rows["abwesend.eml"].status == "rejected"
    assert "automatische Antwort" in rows["abwesend.eml"].reason


def test_an_outlook_message_with_the_registration_in_its_text(tmp_path: Path, registry: LayoutRegistry) -> None:
    import datetime as dt

    from tests.msgfile import have_gsf, make_msg

    if not have_gsf():
        pytest.skip("gsf (libgsf-bin) fehlt: keine .msg-Datei zu bauen")
    make_msg(tmp_path / "anmeldung.msg", "AW: Einladung zum Regionaltreffen", "cw@lkson.de", "Cornelia Wüstefeld",
             dt.datetime(2018, 4, 5, 9, 30, tzinfo=dt.UTC), [], body=BODY.replace("\n", "\r\n"))
    db = tmp_path / "db.sqlite"
    run([tmp_path / "anmeldung.msg"], Options(db=db, layouts=registry.root))
    with Store(db) as store:
        (rec,) = list(store.records())
        mail = store.mail_text(rec.provenance.sha256, 1)
    assert rec.status == "review" and NOTE in rec.reason
    assert rec.values["name"] == "Cornelia Wüstefeld" and rec.values["venue"] == "Gotha"
    assert mail is not None and mail["subject"] == "AW: Einladung zum Regionaltreffen" and "Gotha" in mail["body"]


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} fehlt (Debian-Paket chromium; make setup)")
def test_the_review_page_shows_the_mail_in_place_of_a_sheet(tmp_path: Path, registry: LayoutRegistry) -> None:
    from playwright.sync_api import sync_playwright

    from formkit.review.server import ReviewServer
    from tests.review_scene import CHROMIUM_ARGS

    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "anmeldung.eml").write_bytes(_mail(BODY))
    db = tmp_path / "db.sqlite"
    _run(inbox, db, registry)
    server = ReviewServer(db, registry, reviewer="pruefer")
    server.start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            page.goto(server.url)
            page.wait_for_selector("#mail")
            shown = page.inner_text("#mail")
            assert "cw@lkson.de" in shown and "Anmeldung" in shown and "05.04.2018, 09:30 Uhr" in shown
            assert "Name: Cornelia Wüstefeld" in shown
            assert page.locator(".sheet").count() == 0  # no page image asked for
            assert page.input_value("#f-name") == "Cornelia Wüstefeld"
            assert "Anmeldung im E-Mail-Text – bitte prüfen" in page.inner_text(".reason")
            browser.close()
    finally:
        server.stop()
