"""Real mail servers for the tests, on 127.0.0.1 only: a throw-away certificate authority and
server certificate (openssl), a free port, aiosmtpd (SMTP) and dovecot (IMAP), each started by
the test and stopped after it."""

from __future__ import annotations

import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Certs:
    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx


def make_certs(folder: Path) -> Certs:
    """A CA and a certificate for 127.0.0.1 signed by it (the client verifies against the CA)."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (folder / n for n in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca), "-days", "2",
        "-subj", "/CN=formkit test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", "/CN=127.0.0.1")
    ext = folder / "ext.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial", "-out", str(cert),
        "-days", "2", "-extfile", str(ext))
    return Certs(ca, cert, key)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server received: (envelope sender, envelope recipients, parsed message)."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 Postfach unbekannt"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted"


def smtp_controller(inbox: Inbox, certs: Certs, user: str, password: str, implicit_tls: bool = False) -> Any:
    """An aiosmtpd server on 127.0.0.1 that requires TLS and a login; call .start()/.stop()."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            user.encode(), password.encode())
        return AuthResult(success=ok, handled=False)

    port = free_port()
    if implicit_tls:
        # aiosmtpd does not count an implicit-TLS socket as TLS for AUTH: the whole session is TLS here.
        return Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=certs.server_context(),
                          authenticator=authenticator, auth_required=True, auth_require_tls=False)
    return Controller(inbox, hostname="127.0.0.1", port=port, tls_context=certs.server_context(),
                      require_starttls=True, authenticator=authenticator, auth_required=True)


class Dovecot:
    """Debian's dovecot as a throw-away IMAP server: its own config, run and state folders, one
    user with a Maildir, implicit TLS on a free port of 127.0.0.1; started and stopped by the test.

    As root (CI) the mailbox belongs to ``nobody`` (dovecot refuses root as mail user); as another
    user everything runs as that user.
    """

    def __init__(self, certs: Certs, user: str, password: str, extra: str = "") -> None:
        import os
        import pwd
        import tempfile

        self.user, self.password = user, password
        # Not under pytest's tmp_path: that is private to root, and the mail user must reach its home.
        self.base = Path(tempfile.mkdtemp(prefix="formkit-dovecot-"))
        self.base.chmod(0o755)
        self.port = free_port()
        self.starttls_port = free_port()  # plain IMAP port: STARTTLS before login (ssl = required)
        me = pwd.getpwuid(os.getuid())
        root = os.getuid() == 0
        mail_user = pwd.getpwnam("nobody") if root else me
        home = self.base / "home" / user
        home.mkdir(parents=True)
        for d in (self.base / "home", home):
            os.chown(d, mail_user.pw_uid, mail_user.pw_gid)
        (self.base / "passwd").write_text(f"{user}:{{PLAIN}}{password}::::::\n")
        unprivileged = "" if root else (
            f"default_internal_user = {me.pw_name}\ndefault_login_user = {me.pw_name}\n"
            f"default_internal_group = {me.pw_name}\n"
            "service imap-login {\n  chroot =\n}\nservice anvil {\n  chroot =\n}\n")
        self.conf = self.base / "dovecot.conf"
        self.conf.write_text(f"""
base_dir = {self.base}/run
state_dir = {self.base}/state
log_path = {self.base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{certs.cert}
ssl_key = <{certs.key}
auth_mechanisms = plain login
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.base}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={self.base}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.starttls_port}
  }}
  inet_listener imaps {{
    port = {self.port}
    ssl = yes
  }}
}}
{unprivileged}
{extra}
""")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import time

        self.proc = subprocess.Popen(["dovecot", "-F", "-c", str(self.conf)], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # wait until it accepts connections (a readiness poll)
            if self.proc.poll() is not None:
                raise RuntimeError(f"dovecot ended: {self.proc.stdout.read().decode() if self.proc.stdout else ''}"
                                   f"{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start: " + self.log())

    def log(self) -> str:
        p = self.base / "dovecot.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def stop(self) -> None:
        import shutil

        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        shutil.rmtree(self.base, ignore_errors=True)

    def client(self, ca: Path) -> Any:
        import imaplib

        conn = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=ssl.create_default_context(cafile=str(ca)))
        conn.login(self.user, self.password)
        return conn
