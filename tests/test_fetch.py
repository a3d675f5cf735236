"""`formkit fetch`: new messages from an IMAP mailbox over TLS into the store, moved to a folder
for processed messages; idempotent, nothing deleted. Against Debian's dovecot started by the
test on 127.0.0.1 with a throw-away user, Maildir and certificate (issue 13, part 3)."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import shutil
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.errors import ExitCode
from formkit.layout.loader import LayoutRegistry
from formkit.mail.fetch import fetch_messages, imap_utf7
from formkit.mail.settings import server_settings
from formkit.store import Store
from tests.office import registration
from tests.servers import Certs, Dovecot, make_certs

pytestmark = pytest.mark.skipif(shutil.which("dovecot") is None, reason="dovecot-imapd fehlt: make setup")

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = ROOT / "layouts" / "lsz-2018"
USER, PASSWORD = "anmeldung", "Postfach-2018"
DONE = "Übernommen"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def imap(certs: Certs) -> Iterator[Dovecot]:
    server = Dovecot(certs, USER, PASSWORD)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def mail(sender: str, when: dt.datetime, subject: str, attachment: tuple[str, bytes] | None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "anmeldung@example.org"
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(when)
    msg["Message-ID"] = email.utils.make_msgid(domain="example.org")
    msg.set_content("Anbei meine Anmeldung.\n")
    if attachment:
        msg.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
    return msg.as_bytes()


def folder_uids(imap: Dovecot, certs: Certs, folder: str) -> list[tuple[bytes, bytes]]:
    conn = imap.client(certs.ca)
    try:
        typ, _ = conn.select(f'"{imap_utf7(folder)}"', readonly=True)
        assert typ == "OK", folder
        uids = conn.uid("SEARCH", "ALL")[1][0].split()
        flags = []
        for uid in uids:
            data = conn.uid("FETCH", uid, "(FLAGS)")[1][0]
            flags.append((uid, data))
        return flags
    finally:
        conn.logout()


def args(imap: Dovecot, certs: Certs, tmp_path: Path) -> list[str]:
    return ["fetch", "--host", "127.0.0.1", "--port", str(imap.port), "--user", USER, "--cafile", str(certs.ca),
            "--done-folder", DONE, "--into", str(tmp_path / "postfach"), "--db", str(tmp_path / "db.sqlite"),
            "--layouts", str(LAYOUTS)]


def test_fetch_parses_moves_and_never_takes_twice(imap: Dovecot, certs: Certs, tmp_path: Path,
                                                  registry: LayoutRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    sent = dt.datetime(2018, 4, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    conn = imap.client(certs.ca)
    pdf = registration(registry, "Anna Müller", "gotha", institution="Landratsamt Gotha", email="anna@example.org")
    conn.append("INBOX", None, None, mail("Anna Müller <anna@example.org>", sent, "Anmeldung", ("a.pdf", pdf)))
    conn.append("INBOX", None, None, mail("frage@example.org", sent, "Frage zur Anreise", None))
    conn.logout()

    monkeypatch.setenv("FORMKIT_IMAP_PASSWORD", PASSWORD)
    res = CliRunner().invoke(main, args(imap, certs, tmp_path))
    assert res.exit_code == 0, res.output + imap.log()
    assert "2 neue Nachricht(en)" in res.output and f"2 nach „{DONE}“ verschoben" in res.output
    files = sorted((tmp_path / "postfach").glob("*.eml"))
    assert len(files) == 2 and all(f.name.startswith("2018-04-05-0730-") for f in files)
    with Store(tmp_path / "db.sqlite") as store:
        recs = list(store.records())
    ok = [r for r in recs if r.status == "ok"]
    assert len(ok) == 1 and ok[0].values["name"] == "Anna Müller" and ok[0].values["venue"] == "Gotha"
    assert ok[0].provenance.sender == "anna@example.org" and ok[0].provenance.received == sent
    assert [r.reason for r in recs if r.status == "rejected"] == ["E-Mail ohne PDF- oder Bildanhang"]
    # Moved, not deleted, and still unread for the office.
    assert folder_uids(imap, certs, "INBOX") == []
    done = folder_uids(imap, certs, DONE)
    assert len(done) == 2 and not any(b"\\Seen" in flags for _, flags in done)

    # A second run takes nothing; the store gains nothing.
    res = CliRunner().invoke(main, args(imap, certs, tmp_path))
    assert res.exit_code == 0 and "0 neue Nachricht(en)" in res.output, res.output
    with Store(tmp_path / "db.sqlite") as store:
        assert len(list(store.records())) == 2


def test_a_run_stopped_before_the_move_takes_nothing_twice(imap: Dovecot, certs: Certs, tmp_path: Path,
                                                            registry: LayoutRegistry,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    conn = imap.client(certs.ca)
    pdf = registration(registry, "Bea Berg", "schleiz", institution="Stadt Schleiz")
    conn.append("INBOX", None, None, mail("bea@example.org", dt.datetime(2018, 4, 6, 8, 0, tzinfo=dt.UTC),
                                          "Anmeldung", ("b.pdf", pdf)))
    conn.logout()
    server = server_settings("IMAP", "127.0.0.1", imap.port, "tls", USER, certs.ca, env={"FORMKIT_IMAP_PASSWORD": PASSWORD})

    def crash(files: list[Path]) -> None:
        raise KeyboardInterrupt  # the office closes the window while parsing

    with pytest.raises(KeyboardInterrupt):
        fetch_messages(server, "INBOX", DONE, tmp_path / "postfach", crash)
    assert len(folder_uids(imap, certs, "INBOX")) == 1  # still there: nothing lost
    monkeypatch.setenv("FORMKIT_IMAP_PASSWORD", PASSWORD)
    res = CliRunner().invoke(main, args(imap, certs, tmp_path))
    assert res.exit_code == 0, res.output
    assert "0 neue Nachricht(en)" in res.output and "1 schon früher abgeholt" in res.output
    assert len(list((tmp_path / "postfach").glob("*.eml"))) == 1
    with Store(tmp_path / "db.sqlite") as store:
        assert [r.values.get("name") for r in store.records()] == ["Bea Berg"]
    assert folder_uids(imap, certs, "INBOX") == [] and len(folder_uids(imap, certs, DONE)) == 1


def test_starttls_on_the_plain_port(imap: Dovecot, certs: Certs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = imap.client(certs.ca)
    conn.append("INBOX", None, None, mail("x@example.org", dt.datetime(2018, 4, 6, tzinfo=dt.UTC), "Frage", None))
    conn.logout()
    monkeypatch.setenv("FORMKIT_IMAP_PASSWORD", PASSWORD)
    cli = args(imap, certs, tmp_path)
    cli[cli.index("--port") + 1] = str(imap.starttls_port)
    res = CliRunner().invoke(main, [*cli, "--security", "starttls"])
    assert res.exit_code == 0, res.output + imap.log()
    assert "1 neue Nachricht(en)" in res.output
    assert "method=PLAIN" in imap.log() and "TLS" in imap.log().split("Login: user=<anmeldung>")[-1]


def test_login_refused_and_password_never_on_the_command_line(imap: Dovecot, certs: Certs, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_IMAP_PASSWORD", "falsch")
    res = CliRunner().invoke(main, args(imap, certs, tmp_path))
    assert res.exit_code == ExitCode.MAIL_SERVER and "abgelehnt" in res.output
    res = CliRunner().invoke(main, [*args(imap, certs, tmp_path), "--password", PASSWORD])
    assert res.exit_code == 2 and re.search(r"Unbekannte Option .--password.", res.output)


# What dovecot announces after login, without MOVE (RFC 6851): as an older server would.
NO_MOVE = ("imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT LITERAL+ "
           "NAMESPACE UIDPLUS CHILDREN")


def test_server_without_move_copies_and_marks(certs: Certs, tmp_path: Path, registry: LayoutRegistry) -> None:
    imap = Dovecot(certs, USER, PASSWORD, extra=NO_MOVE)
    imap.start()
    try:
        conn = imap.client(certs.ca)
        pdf = registration(registry, "Carl Clausen", "sonneberg", institution="Stadt Sonneberg")
        conn.append("INBOX", None, None, mail("carl@example.org", dt.datetime(2018, 4, 6, 8, 0, tzinfo=dt.UTC),
                                              "Anmeldung", ("c.pdf", pdf)))
        conn.logout()
        server = server_settings("IMAP", "127.0.0.1", imap.port, "tls", USER, certs.ca,
                                 env={"FORMKIT_IMAP_PASSWORD": PASSWORD})
        first = fetch_messages(server, "INBOX", DONE, tmp_path / "postfach")
        assert (len(first.saved), first.moved) == (1, 1)
        # The original stays (nothing deleted), marked; the copy is in the done folder.
        (uid, flags), = folder_uids(imap, certs, "INBOX")
        assert b"$formkit" in flags and b"\\Deleted" not in flags and b"\\Seen" not in flags
        assert len(folder_uids(imap, certs, DONE)) == 1
        again = fetch_messages(server, "INBOX", DONE, tmp_path / "postfach")
        assert (again.saved, again.known, again.moved) == ([], [], 0)
        assert len(folder_uids(imap, certs, DONE)) == 1
    finally:
        imap.stop()


def test_imap_utf7() -> None:
    assert imap_utf7("Übernommen") == "&ANw-bernommen"
    assert imap_utf7("A&B") == "A&-B" and imap_utf7("INBOX") == "INBOX"
