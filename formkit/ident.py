"""The machine-readable identity printed on every form page: layout id, version, recipient id.

The same string goes into the QR code and, in small print, into the page's text, so that a
returned page names its own geometry (and sender) whether it comes back as a fillable PDF, a
flattened PDF or a fax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "FK1"
RECIPIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_PAYLOAD = re.compile(rf"{PREFIX}:([a-z][a-z0-9-]*):(\d+)(?::([A-Za-z0-9][A-Za-z0-9._-]{{0,31}}))?")


@dataclass(frozen=True)
class FormIdentity:
    layout_id: str
    version: int
    recipient_id: str | None = None

    def payload(self) -> str:
        base = f"{PREFIX}:{self.layout_id}:{self.version}"
        return f"{base}:{self.recipient_id}" if self.recipient_id else base


def is_valid_recipient_id(value: str) -> bool:
    return bool(RECIPIENT_ID.match(value)) and ".." not in value


def parse_payload(text: str) -> FormIdentity | None:
    """Find an identity in a QR payload or in a page's extracted text."""
    m = _PAYLOAD.search(text.replace("\u00a0", " "))
    if not m:
        return None
    return FormIdentity(m.group(1), int(m.group(2)), m.group(3) or None)
