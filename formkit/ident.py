"""The machine-readable identity printed on every form page: campaign, form, version, recipient.

The same string goes into the QR code, into the small print of the page and into the PDF's
keywords, so that a returned page names its own geometry (and sender) whether it comes back as a
fillable PDF, a flattened PDF or a fax.

``FK2:<campaign>:<form>:<version>[:<recipient>]`` is printed since campaigns became data (issue 9).
``FK1:<form>:<version>[:<recipient>]`` was printed on every sheet before; those sheets all belong
to the first campaign, :data:`LEGACY_CAMPAIGN`, and still read as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "FK2"
LEGACY_PREFIX = "FK1"
PREFIXES = (PREFIX, LEGACY_PREFIX)
LEGACY_CAMPAIGN = "lsz-2018"  # every FK1 sheet was printed for the 2018 regional meetings
CAMPAIGN_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
RECIPIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_RID = r"(?::([A-Za-z0-9][A-Za-z0-9._-]{0,31}))?"
_PAYLOAD = re.compile(rf"{PREFIX}:([a-z][a-z0-9-]{{0,39}}):([a-z][a-z0-9-]*):(\d+){_RID}"
                      rf"|{LEGACY_PREFIX}:([a-z][a-z0-9-]*):(\d+){_RID}")
# The same, on raw bytes (a page's content stream).
PAYLOAD_BYTES = re.compile(rb"FK2:[a-z][a-z0-9-]{0,39}:[a-z][a-z0-9-]*:\d+(?::[A-Za-z0-9][A-Za-z0-9._-]{0,31})?"
                           rb"|FK1:[a-z][a-z0-9-]*:\d+(?::[A-Za-z0-9][A-Za-z0-9._-]{0,31})?")


@dataclass(frozen=True)
class FormIdentity:
    layout_id: str
    version: int
    recipient_id: str | None = None
    campaign: str = ""  # empty only for identities made without a campaign (an FK1 payload)

    def payload(self) -> str:
        base = (f"{PREFIX}:{self.campaign}:{self.layout_id}:{self.version}" if self.campaign
                else f"{LEGACY_PREFIX}:{self.layout_id}:{self.version}")
        return f"{base}:{self.recipient_id}" if self.recipient_id else base

    def describe(self) -> str:
        """German short form for messages: 'lsz-2019 / registration v1'."""
        return f"{self.campaign or LEGACY_CAMPAIGN} / {self.layout_id} v{self.version}"


def is_valid_recipient_id(value: str) -> bool:
    return bool(RECIPIENT_ID.match(value)) and ".." not in value


def starts_with_prefix(text: str) -> bool:
    return text.startswith(tuple(p + ":" for p in PREFIXES))


def parse_payload(text: str) -> FormIdentity | None:
    """Find an identity in a QR payload or in a page's extracted text (FK2, or FK1 as the 2018 campaign)."""
    m = _PAYLOAD.search(text.replace("\u00a0", " "))
    if not m:
        return None
    if m.group(1) is not None:
        return FormIdentity(m.group(2), int(m.group(3)), m.group(4) or None, m.group(1))
    return FormIdentity(m.group(5), int(m.group(6)), m.group(7) or None, LEGACY_CAMPAIGN)
