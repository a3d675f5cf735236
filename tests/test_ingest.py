"""Inputs into sources: folders, .eml, mbox and Maildir, with received time and sender."""

from __future__ import annotations

import datetime as dt
import hashlib
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest

from formkit.ingest import iter_sources


def make_mail(attachments: list[tuple[str, str, bytes]], date: str = "Tue, 10 Apr 2018 09:15:00 +0200",
              sender: str = "Käthe Groß <k.gross@example.de>", logo: bool = False) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "anmeldung@example.de"
    msg["Subject"] = "Anmeldung Regionaltreffen"
    msg["Date"] = date
    msg.set_content("Sehr geehrte Damen und Herren,\nanbei meine Anmeldung.\n")
    if logo:
        msg.add_alternative('<p>Anmeldung <img src="cid:logo1"></p>', subtype="html")
        html = msg.get_payload()[1]
        html.add_related(b"\x89PNG\r\n\x1a\nlogo", maintype="image", subtype="png", cid="<logo1>",
                         filename="image001.png")
    for filename, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def test_folder_recursive_with_relative_labels(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.pdf").write_bytes(b"%PDF-1.4 x")
    (tmp_path / "z.pdf").write_bytes(b"%PDF-1.4 z")
    (tmp_path / "leer.pdf").write_bytes(b"")
    sources = list(iter_sources([tmp_path]))
    assert [s.label for s in sources] == ["leer.pdf", "z.pdf", "a/b/x.pdf"]
    assert sources[1].sha256 == hashlib.sha256(b"%PDF-1.4 z").hexdigest()
    assert sources[1].path == tmp_path / "z.pdf" and sources[1].error is None
    single = list(iter_sources([tmp_path / "z.pdf"]))
    assert single[0].label == str(tmp_path / "z.pdf")


def test_eml_attachments_date_and_sender(tmp_path: Path) -> None:
    pdf = b"%PDF-1.7 anmeldung"
    msg = make_mail([("Anmeldung Groß.pdf", "application/pdf", pdf), ("fax.tif", "image/tiff", b"II*\x00tif"),
                     ("brief.docx", "application/octet-stream", b"PK")], logo=True)
    (tmp_path / "mail.eml").write_bytes(msg.as_bytes())
    sources = list(iter_sources([tmp_path / "mail.eml"]))
    assert [s.label.rsplit("#", 1)[1] for s in sources] == ["Anmeldung Groß.pdf", "fax.tif"]
    s = sources[0]
    assert s.data == pdf and s.sha256 == hashlib.sha256(pdf).hexdigest()
    assert s.received == dt.datetime(2018, 4, 10, 7, 15, tzinfo=dt.UTC)
    assert s.sender == "k.gross@example.de"


def test_mail_without_attachment_is_accounted_for(tmp_path: Path) -> None:
    (tmp_path / "frage.eml").write_bytes(make_mail([]).as_bytes())
    (s,) = iter_sources([tmp_path])
    # Its text is the source (formkit.read.mailtext decides whether it holds a registration).
    assert s.error is None and s.mail is not None and s.sender == "k.gross@example.de"
    assert s.mail.sender == "k.gross@example.de" and s.mail.body


def test_mbox_and_maildir(tmp_path: Path) -> None:
    box = mailbox.mbox(str(tmp_path / "inbox.mbox"))
    box.add(make_mail([("a.pdf", "application/pdf", b"%PDF-1 a")], sender="a@example.de"))
    box.add(make_mail([("b.pdf", "application/pdf", b"%PDF-1 b")], sender="b@example.de",
                      date="Fri, 13 Apr 2018 18:00:00 +0200"))
    box.close()
    md = mailbox.Maildir(str(tmp_path / "Maildir"))
    md.add(make_mail([("c.pdf", "application/pdf", b"%PDF-1 c")], sender="c@example.de"))
    md.close()
    sources = list(iter_sources([tmp_path / "inbox.mbox", tmp_path / "Maildir"]))
    assert [s.sender for s in sources] == ["a@example.de", "b@example.de", "c@example.de"]
    assert [s.data for s in sources] == [b"%PDF-1 a", b"%PDF-1 b", b"%PDF-1 c"]
    assert sources[1].received is not None and sources[1].received.date() == dt.date(2018, 4, 13)
    assert sources[0].label.endswith("inbox.mbox#1#a.pdf")
    # A Maildir inside a folder is found as such, not as loose files.
    nested = list(iter_sources([tmp_path]))
    assert sorted(s.sender for s in nested) == ["a@example.de", "b@example.de", "c@example.de"]


def hostile_from(msg: EmailMessage, value: bytes = b":;>") -> bytes:
    """The message's bytes with a From header the stdlib's header parser chokes on."""
    raw = msg.as_bytes()
    start = raw.index(b"From: ")
    return raw[:start] + b"From: " + value + raw[raw.index(b"\n", start):]


def test_malformed_sender_header_is_no_crash(tmp_path: Path) -> None:
    pdf = b"%PDF-1.7 anmeldung"
    (tmp_path / "kaputt.eml").write_bytes(hostile_from(make_mail([("a.pdf", "application/pdf", pdf)])))
    (tmp_path / "null.eml").write_bytes(hostile_from(make_mail([]), b"a\x00b <x@y>").replace(
        b"Date: Tue", b"Date: \x00Tue"))
    by_label = {s.label: s for s in iter_sources([tmp_path])}
    s = by_label["kaputt.eml#a.pdf"]
    assert s.data == pdf and s.sender == "" and s.error is None
    # No attachment: its text is the source ("Anmeldung Regionaltreffen" in the subject is the
    # campaign's word, so formkit.read.mailtext gives a person the mail).
    assert by_label["null.eml"].mail is not None and by_label["null.eml"].sender == "x@y"


def test_one_unreadable_message_of_an_mbox_is_one_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import formkit.ingest as ingest

    box = mailbox.mbox(str(tmp_path / "inbox.mbox"))
    box.add(make_mail([("a.pdf", "application/pdf", b"%PDF-1 a")], sender="boese@example.de"))
    box.add(make_mail([("b.pdf", "application/pdf", b"%PDF-1 b")], sender="b@example.de"))
    box.close()
    real = ingest._referenced_cids

    def fails_for_one(msg):  # type: ignore[no-untyped-def]
        if "boese" in str(msg["From"]):
            raise IndexError("list index out of range")
        return real(msg)

    monkeypatch.setattr(ingest, "_referenced_cids", fails_for_one)
    first, second = iter_sources([tmp_path / "inbox.mbox"])
    assert first.label.endswith("inbox.mbox#1") and first.error and first.error.startswith("E-Mail nicht lesbar")
    assert second.data == b"%PDF-1 b" and second.error is None


def test_attachments_recognised_by_their_bytes(tmp_path: Path) -> None:
    pdf, tif = b"%PDF-1.7 anmeldung", b"II*\x00fax"
    msg = make_mail([], logo=True)
    msg.add_attachment(pdf, maintype="application", subtype="x-pdf")  # no file name, odd type
    msg.add_attachment(tif, maintype="application", subtype="octet-stream")
    msg.add_attachment(b"PK\x03\x04docx", maintype="application", subtype="octet-stream")
    (tmp_path / "mail.eml").write_bytes(msg.as_bytes())
    sources = list(iter_sources([tmp_path / "mail.eml"]))
    assert [(s.label.rsplit("#", 1)[1], s.data, s.error) for s in sources] == [
        ("anhang.pdf", pdf, None), ("anhang.tif", tif, None)]


def test_sniff() -> None:
    from formkit.read.sniff import InputKind, sniff

    assert sniff(b"junk\n%PDF-1.4") is InputKind.PDF
    assert sniff(b"MM\x00*") is InputKind.TIFF and sniff(b"\x89PNG\r\n\x1a\n") is InputKind.PNG
    assert sniff(b"\xff\xd8\xff\xe0") is InputKind.JPEG and sniff(b"PK\x03\x04") is None
    assert sniff(b"x" * 1024 + b"%PDF-1.4") is None  # only the head decides
