"""Outlook `.msg` files (and folders of them) are inputs like `.eml` (issue 13, part 2).

The messages are made by the test (tests/msgfile.py: MAPI properties written here, the OLE2
file by libgsf), with a PDF filled by PyMuPDF and a fax made by Ghostscript as attachments.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from formkit.ingest import iter_sources
from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.store import Store
from tests.msgfile import have_gsf, make_msg
from tests.office import registration

pytestmark = pytest.mark.skipif(not have_gsf(), reason="gsf (libgsf-bin) fehlt: make setup")

DELIVERED = dt.datetime(2018, 4, 5, 9, 30, tzinfo=dt.UTC)


def test_msg_sender_received_time_and_attachments(tmp_path: Path) -> None:
    pdf = b"%PDF-1.4\n% eine Anmeldung\n"
    path = make_msg(tmp_path / "Anmeldung Müller.msg", "Anmeldung Gotha", "anna.mueller@kreis-gth.de",
                    "Müller, Anna", DELIVERED,
                    [("anmeldung.pdf", "application/pdf", pdf), ("logo.txt", "text/plain", b"kein Anhang"),
                     ("scan", "application/octet-stream", b"II*\x00" + bytes(60))])
    sources = list(iter_sources([path]))
    assert [s.label for s in sources] == [f"{path}#anmeldung.pdf", f"{path}#scan"]
    first = sources[0]
    assert first.data == pdf and first.received == DELIVERED and first.sender == "anna.mueller@kreis-gth.de"
    assert first.error is None


def test_msg_with_internet_headers_takes_the_from_address(tmp_path: Path) -> None:
    headers = ("From: =?utf-8?q?J=C3=B6rg_Wei=C3=9F?= <j.weiss@lkson.de>\r\n"
               "Date: Thu, 05 Apr 2018 11:31:00 +0200\r\nSubject: Anmeldung\r\n\r\n")
    path = make_msg(tmp_path / "a.msg", "Anmeldung", "/O=EXCHANGE/OU=ADMIN/CN=RECIPIENTS/CN=WEISS", "Weiß, Jörg",
                    DELIVERED, [("a.pdf", "application/pdf", b"%PDF-1.4\n")], headers=headers)
    (src,) = iter_sources([path])
    assert src.sender == "j.weiss@lkson.de" and src.received == DELIVERED


def test_a_forwarded_message_inside_a_message(tmp_path: Path) -> None:
    path = make_msg(tmp_path / "fw.msg", "WG: Anmeldung", "sekretariat@kreis-gth.de", "Sekretariat", DELIVERED,
                    [("notiz.txt", "text/plain", b"siehe unten")],
                    forwarded=[("Anmeldung Weiß.pdf", "application/pdf", b"%PDF-1.4\n% weitergeleitet\n")])
    (src,) = iter_sources([path])
    assert src.label == f"{path}#Weitergeleitet.msg#Anmeldung Weiß.pdf"
    assert src.data == b"%PDF-1.4\n% weitergeleitet\n" and src.sender == "sekretariat@kreis-gth.de"


def test_unreadable_and_empty_msg_are_one_row_each(tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.msg"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    empty = make_msg(tmp_path / "leer.msg", "Frage", "x@example.org", "X", DELIVERED, [])
    rows = {s.label: s for s in iter_sources([tmp_path])}
    assert set(rows) == {"kaputt.msg", "leer.msg"}
    assert rows["kaputt.msg"].error is not None and "Outlook-Nachricht nicht lesbar" in rows["kaputt.msg"].error
    # No attachment: the message's text is the source (formkit.read.mailtext judges it).
    leer = rows["leer.msg"]
    assert leer.error is None and leer.mail is not None and leer.sender == "x@example.org"
    assert leer.mail.subject == "Frage"
    assert empty.exists()


@pytest.mark.slow
def test_folder_of_msg_files_parsed_into_records(tmp_path: Path, registry: LayoutRegistry) -> None:
    """A filled PDF and a fax (Ghostscript tiffg3) dragged out of Outlook come back as records
    with the message's sender and delivery time."""
    inbox = tmp_path / "outlook"
    filled = registration(registry, "Anna Müller", "gotha", institution="Landratsamt Gotha",
                          email="anna.mueller@kreis-gth.de")
    make_msg(inbox / "01 Anmeldung Müller.msg", "Anmeldung", "anna.mueller@kreis-gth.de", "Müller, Anna",
             DELIVERED, [("Anmeldung Müller.pdf", "application/pdf", filled)])
    src = tmp_path / "fax.pdf"
    src.write_bytes(registration(registry, "Bea Berg", "schleiz", institution="Stadt Schleiz"))
    fax = tmp_path / "fax.tif"
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffg3", "-r204x196",
                    f"-sOutputFile={fax}", str(src)], check=True)
    make_msg(inbox / "02 Fax.msg", "Fax von 036634880", "faxserver@lra-soc.de", "Faxserver",
             DELIVERED + dt.timedelta(hours=2), [("FAX20180405.tif", "image/tiff", fax.read_bytes())])
    db = tmp_path / "db.sqlite"
    run([inbox], Options(db=db, layouts=registry.root))
    with Store(db) as store:
        recs = {r.provenance.source: r for r in store.records()}
    anna = recs["01 Anmeldung Müller.msg#Anmeldung Müller.pdf"]
    assert anna.status == "ok" and anna.values["name"] == "Anna Müller" and anna.values["venue"] == "Gotha"
    assert anna.provenance.sender == "anna.mueller@kreis-gth.de" and anna.provenance.received == DELIVERED
    bea = recs["02 Fax.msg#FAX20180405.tif"]
    assert bea.values["venue"] == "Schleiz" and bea.provenance.method == "ocr"
    assert bea.provenance.received == DELIVERED + dt.timedelta(hours=2)
    assert bea.provenance.sender == "faxserver@lra-soc.de"
