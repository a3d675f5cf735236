"""Where the mail server is and who logs in: options or ``FORMKIT_SMTP_*`` / ``FORMKIT_IMAP_*``
environment variables; the password only from the environment or a prompt, never from the
command line (it would stand in the shell history and in every process list).

Connections are always encrypted and the certificate is always verified: ``starttls`` (SMTP
port 587, IMAP 143) or ``tls`` (SMTP 465, IMAP 993). A server with an office's own certificate
authority is trusted by giving that CA file (``--cafile`` / ``FORMKIT_SMTP_CAFILE``).
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from formkit.errors import InputError

Security = Literal["starttls", "tls"]
SECURITIES: tuple[str, ...] = ("starttls", "tls")
DEFAULT_PORTS = {("SMTP", "starttls"): 587, ("SMTP", "tls"): 465, ("IMAP", "starttls"): 143, ("IMAP", "tls"): 993}


@dataclass(frozen=True)
class Server:
    """A mail server and the login for it."""

    host: str
    port: int
    security: Security
    user: str
    password: str = field(repr=False)
    cafile: Path | None = None

    def ssl_context(self) -> ssl.SSLContext:
        try:
            return ssl.create_default_context(cafile=str(self.cafile) if self.cafile else None)
        except (OSError, ssl.SSLError) as e:
            raise InputError(f"{self.cafile}: Zertifikatsdatei nicht lesbar ({e})") from None


def server_settings(kind: Literal["SMTP", "IMAP"], host: str | None = None, port: int | None = None,
                    security: str | None = None, user: str | None = None, cafile: Path | None = None,
                    prompt: Callable[[str], str] | None = None,
                    env: Mapping[str, str] | None = None) -> Server:
    """The server from the given options, else from ``FORMKIT_<KIND>_…``; raises a German
    :class:`InputError` naming the variable that is missing."""
    env = os.environ if env is None else env
    prefix = f"FORMKIT_{kind}_"
    host = host or env.get(prefix + "HOST", "")
    if not host:
        raise InputError(f"{kind}-Server fehlt: --host angeben oder {prefix}HOST setzen")
    sec = (security or env.get(prefix + "SECURITY", "") or ("starttls" if kind == "SMTP" else "tls")).lower()
    if sec not in SECURITIES:
        raise InputError(f"{prefix}SECURITY: „{sec}“ unbekannt (erlaubt: starttls, tls; unverschlüsselt nie)")
    if port is None:
        raw = env.get(prefix + "PORT", "")
        try:
            port = int(raw) if raw else DEFAULT_PORTS[(kind, sec)]
        except ValueError:
            raise InputError(f"{prefix}PORT: „{raw}“ ist keine Portnummer") from None
    user = user or env.get(prefix + "USER", "")
    if not user:
        raise InputError(f"Benutzername für {host} fehlt: --user angeben oder {prefix}USER setzen")
    password = env.get(prefix + "PASSWORD", "")
    if not password and prompt is not None:
        password = prompt(f"Passwort für {user} auf {host}")
    if not password:
        raise InputError(f"Passwort für {user} auf {host} fehlt: {prefix}PASSWORD setzen "
                         "(auf der Kommandozeile wird es nie angenommen)")
    ca = cafile or (Path(env[prefix + "CAFILE"]) if env.get(prefix + "CAFILE") else None)
    return Server(host, port, sec, user, password, ca)  # type: ignore[arg-type]
