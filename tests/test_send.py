"""`formkit send`: packets and letters by e-mail, one message per person, a dry run as .eml
files, a rate limit, and a send log so a re-run mails nobody twice. Against a real SMTP server
(aiosmtpd) on 127.0.0.1 with STARTTLS or TLS and a login (issue 13, part 4)."""

from __future__ import annotations

import email
import email.policy
import io
import shutil
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from formkit.cli import main
from formkit.errors import ExitCode
from formkit.ident import parse_payload
from formkit.layout.loader import LayoutRegistry
from formkit.mail.send import RateLimit
from formkit.store import SendLogEntry, Store
from tests.office import parsed_store
from tests.servers import Certs, Inbox, make_certs, smtp_controller

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = ROOT / "layouts" / "lsz-2018"
SENDER = "Familie.eins.99@tmasgff.thueringen.de"  # sender.email of layouts/events/lsz-2018.yaml
USER, PASSWORD = "referat", "geheim-123"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def smtp(certs: Certs, request: pytest.FixtureRequest) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox(refuse={"unbekannt@example.org"})
    ctl = smtp_controller(inbox, certs, USER, PASSWORD, implicit_tls=getattr(request, "param", False))
    ctl.start()
    try:
        yield inbox, ctl.port
    finally:
        ctl.stop()


@pytest.fixture(scope="module")
def packets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Packets from an .xlsx list: three with an address (one the server refuses), one without."""
    base = tmp_path_factory.mktemp("pakete")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Anrede", "Vorname", "Nachname", "Institution", "PLZ", "Ort", "E-Mail"])
    ws.append(["R0001", "Frau", "Anna", "Müller", "Landratsamt Gotha", "99867", "Gotha", "anna@example.org"])
    ws.append(["R0002", "Herr", "Jörg", "Weiß", "Stadt Schleiz", 7907, "Schleiz", "joerg@example.org"])
    ws.append(["R0003", "", "Kim", "Bauer", "Verein e.V.", "99084", "Erfurt", ""])
    ws.append(["R0004", "Frau", "Uta", "Unbekannt", "Amt", "99084", "Erfurt", "unbekannt@example.org"])
    lst = base / "verteiler.xlsx"
    wb.save(lst)
    res = CliRunner().invoke(main, ["packets", str(lst), "-o", str(base / "out"), "--workers", "1",
                                    "--layouts", str(LAYOUTS)])
    assert res.exit_code == 0, res.output
    return lst, base / "out"


def attached_pdf(msg: EmailMessage) -> tuple[str, PdfReader]:
    (att,) = list(msg.iter_attachments())
    assert att.get_content_type() == "application/pdf"
    return str(att.get_filename()), PdfReader(io.BytesIO(att.get_content()))


def recipient_ids(pdf: PdfReader) -> set[str]:
    keywords = str(pdf.metadata.get("/Keywords", "")) if pdf.metadata else ""
    found = [parse_payload(k) for k in keywords.split()]
    return {f.recipient_id for f in found if f is not None and f.recipient_id}


def smtp_args(port: int, certs: Certs, security: str = "starttls") -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port), "--security", security, "--user", USER,
            "--cafile", str(certs.ca), "--layouts", str(LAYOUTS)]


def test_dry_run_writes_one_eml_per_person(packets: tuple[Path, Path], tmp_path: Path) -> None:
    lst, out = packets
    eml = tmp_path / "eml"
    res = CliRunner().invoke(main, ["send", "--packets", str(out), "--recipients", str(lst), "--dry-run", str(eml),
                                    "--db", str(tmp_path / "db.sqlite"), "--layouts", str(LAYOUTS)])
    assert res.exit_code == 2, res.output  # one invitee has no address: reported
    assert "Kim Bauer: keine E-Mail-Adresse in der Liste" in res.output
    files = sorted(eml.glob("*.eml"))
    assert len(files) == 3
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    assert msg["To"] == "Dr. Anna Müller <anna@example.org>" or msg["To"].addresses[0].addr_spec == "anna@example.org"
    assert msg["From"].addresses[0].addr_spec == SENDER
    assert msg["From"].addresses[0].display_name == ("Thüringer Ministerium für Arbeit, Soziales, Gesundheit, "
                                                     "Frauen und Familie")
    assert msg["Subject"] == "Einladung zum Regionaltreffen: Landesprogramm Familie „eins99“"
    body = msg.get_body(("plain",)).get_content()
    assert body.startswith("Sehr geehrte Frau Müller,") and "bis zum 11. April 2018 an." in body
    name, pdf = attached_pdf(msg)
    assert name.startswith("R0001-") and recipient_ids(pdf) == {"R0001"}
    assert not (tmp_path / "db.sqlite").exists()  # a dry run logs nothing


def test_send_packets_starttls_and_never_twice(packets: tuple[Path, Path], smtp: tuple[Inbox, int], certs: Certs,
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lst, out = packets
    inbox, port = smtp
    db = tmp_path / "db.sqlite"
    monkeypatch.setenv("FORMKIT_SMTP_PASSWORD", PASSWORD)
    args = ["send", "--packets", str(out), "--recipients", str(lst), "--db", str(db), "--rate", "6000",
            *smtp_args(port, certs)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert "2 Nachricht(en) gesendet" in res.output and "1 fehlgeschlagen" in res.output
    assert "Uta Unbekannt <unbekannt@example.org>: Empfänger abgelehnt: 550" in res.output
    got = {rcpt[0]: msg for _, rcpt, msg in inbox.messages}
    assert set(got) == {"anna@example.org", "joerg@example.org"}
    assert all(frm == SENDER for frm, _, _ in inbox.messages)
    for addr, rid in (("anna@example.org", "R0001"), ("joerg@example.org", "R0002")):
        msg = got[addr]
        assert msg["Subject"].startswith("Einladung zum Regionaltreffen")
        name, pdf = attached_pdf(msg)
        assert recipient_ids(pdf) == {rid} and len(pdf.pages) >= 2
        assert (out / name).read_bytes() == list(msg.iter_attachments())[0].get_content()
    with Store(db) as store:
        log = {e.key: e for e in store.send_log_entries()}
    assert {k: e.status for k, e in log.items()} == {
        "invitation:R0001": "sent", "invitation:R0002": "sent", "invitation:R0004": "failed"}

    # Again: nobody gets a second message; the refused one is tried again (and refused again).
    res = CliRunner().invoke(main, args)
    assert "0 Nachricht(en) gesendet, 2 bereits früher gesendet, 1 fehlgeschlagen" in res.output, res.output
    assert len(inbox.messages) == 2


def test_wrong_password_or_no_password(packets: tuple[Path, Path], smtp: tuple[Inbox, int], certs: Certs,
                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lst, out = packets
    _, port = smtp
    args = ["send", "--packets", str(out), "--recipients", str(lst), "--db", str(tmp_path / "db.sqlite"),
            *smtp_args(port, certs)]
    monkeypatch.delenv("FORMKIT_SMTP_PASSWORD", raising=False)
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 4 and "FORMKIT_SMTP_PASSWORD" in res.output
    monkeypatch.setenv("FORMKIT_SMTP_PASSWORD", "falsch")
    res = CliRunner().invoke(main, args)
    assert res.exit_code == ExitCode.MAIL_SERVER and "abgelehnt" in res.output
    # A certificate not signed by the given CA is refused, never accepted silently.
    monkeypatch.setenv("FORMKIT_SMTP_PASSWORD", PASSWORD)
    res = CliRunner().invoke(main, [a for a in args if a not in ("--cafile", str(certs.ca))])
    assert res.exit_code == ExitCode.MAIL_SERVER and "Verschlüsselung" in res.output


@pytest.mark.slow
@pytest.mark.parametrize("smtp", [True], indirect=True)
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_send_letters_over_tls(smtp: tuple[Inbox, int], certs: Certs, tmp_path: Path, registry: LayoutRegistry,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp
    db = parsed_store(tmp_path, registry, [
        {"name": "Anna Müller", "venue": "gotha", "institution": "Landratsamt Gotha", "email": "anna@example.org"},
        {"name": "Bea Berg", "venue": "schleiz", "institution": "Stadt Schleiz", "email": "bea@example.org"},
    ])
    runner = CliRunner()
    assert runner.invoke(main, ["allocate", "--db", str(db), "--layouts", str(LAYOUTS)]).exit_code == 0
    letters = tmp_path / "briefe"
    res = runner.invoke(main, ["confirm", "--db", str(db), "-o", str(letters), "--layouts", str(LAYOUTS)])
    assert res.exit_code == 0, res.output
    monkeypatch.setenv("FORMKIT_SMTP_PASSWORD", PASSWORD)
    res = runner.invoke(main, ["send", "--letters", str(letters), "--db", str(db), "--rate", "6000",
                               *smtp_args(port, certs, "tls")])
    assert res.exit_code == 0, res.output
    got = {rcpt[0]: msg for _, rcpt, msg in inbox.messages}
    assert set(got) == {"anna@example.org", "bea@example.org"}
    msg = got["anna@example.org"]
    assert msg["Subject"] == "Teilnahmebestätigung: Regionaltreffen am 27. April 2018 in Gotha"
    assert msg.get_body(("plain",)).get_content().startswith("Guten Tag Anna Müller,")
    _, pdf = attached_pdf(msg)
    assert "Teilnahmebestätigung" in pdf.pages[0].extract_text() and "Gotha" in pdf.pages[0].extract_text()


def test_a_message_left_sending_is_reported_not_sent_again(packets: tuple[Path, Path], smtp: tuple[Inbox, int],
                                                           certs: Certs, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A run killed during the SMTP transaction leaves 'sending': it may have gone out."""
    lst, out = packets
    inbox, port = smtp
    db = tmp_path / "db.sqlite"
    with Store(db) as store:
        store.log_send(SendLogEntry("invitation:R0001", "invitation", "anna@example.org", "Einladung", "x.pdf", "0",
                                    "<x@y>", "sending", "", "2018-03-19T08:00:00+00:00"))
    monkeypatch.setenv("FORMKIT_SMTP_PASSWORD", PASSWORD)
    res = CliRunner().invoke(main, ["send", "--packets", str(out), "--recipients", str(lst), "--db", str(db),
                                    "--rate", "6000", *smtp_args(port, certs)])
    assert res.exit_code == 2, res.output
    assert "unklar, ob gesendet" in res.output and "anna@example.org" in res.output
    assert [rcpt for _, rcpt, _ in inbox.messages] == [["joerg@example.org"]]


def test_an_edited_manifest_attaches_nothing_outside_the_packets(packets: tuple[Path, Path], tmp_path: Path) -> None:
    lst, out = packets
    copy = tmp_path / "pakete"
    copy.mkdir()
    secret = tmp_path / "geheim.pdf"
    secret.write_bytes(b"%PDF-1.4 geheim")
    text = (out / "manifest.csv").read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("2,R0001,"))
    name = first.split(",")[3]
    (copy / "manifest.csv").write_text(text.replace(name, "../geheim.pdf"), encoding="utf-8")
    res = CliRunner().invoke(main, ["send", "--packets", str(copy), "--recipients", str(lst), "--dry-run",
                                    str(tmp_path / "eml"), "--layouts", str(LAYOUTS), "--db", str(tmp_path / "x")])
    assert res.exit_code == 2 and "Paket-Datei „../geheim.pdf“ fehlt" in res.output, res.output
    for eml in (tmp_path / "eml").glob("*.eml"):
        assert b"geheim" not in eml.read_bytes()


def test_a_layout_without_mail_text_gets_a_plain_message(packets: tuple[Path, Path], tmp_path: Path) -> None:
    """Another campaign's layouts may have no mail: section: the message still says what it carries."""
    lst, out = packets
    layouts = tmp_path / "layouts"
    shutil.copytree(LAYOUTS, layouts)
    inv = layouts / "invitation.yaml"
    text = inv.read_text(encoding="utf-8")
    start = text.index("mail:")
    end = text.index("pages:")
    inv.write_text(text[:start] + text[end:], encoding="utf-8")
    res = CliRunner().invoke(main, ["send", "--packets", str(out), "--recipients", str(lst), "--dry-run",
                                    str(tmp_path / "eml"), "--layouts", str(layouts), "--db", str(tmp_path / "x")])
    assert res.exit_code == 2, res.output
    msg = email.message_from_bytes(sorted((tmp_path / "eml").glob("*.eml"))[0].read_bytes(),
                                   policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    assert msg["Subject"] == "Einladung zum Regionaltreffen"
    body = msg.get_body(("plain",)).get_content()
    assert body.startswith("Sehr geehrte Frau Müller,") and "im Anhang erhalten Sie: Einladung zum Regionaltreffen." in body


def test_rate_limit_spreads_messages() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    limit = RateLimit(30, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limit.wait()
        now[0] += 0.5  # sending takes half a second
    assert slept == [1.5, 1.5, 1.5]  # 30 a minute: one every 2 s
