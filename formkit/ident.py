"""The machine-readable identity printed on every form page: campaign, form, version, recipient.

The same string goes into the QR code, into the small print of the page and into the PDF's
keywords, so that a returned page names its own geometry (and sender) whether it comes back as a
fillable PDF, a flattened PDF or a fax.

``FK3:<campaign>:<form>:<version>:<geometry>[:<recipient>:<prefill>]`` is printed since sheets
carry fingerprints: *geometry* is a short hash of the form's read geometry (every field's name,
type, value and rectangle, the marks, the QR place; :mod:`formkit.fingerprint`), so that a sheet
printed before the meetings of event.yaml were reordered, cancelled or added is never read with
the new boxes; *prefill* is a short hash of the values the packet printed into the recipient's
sheet, so that the mailing list is used to verify a sheet only while it still says what the
paper says. Both are HASH_LEN lower-case hex characters: the whole payload stays short enough
for a 25 mm QR code read from a normal-mode fax (tests/test_identity_integrity.py).
``FK2:<campaign>:<form>:<version>[:<recipient>]`` was printed since campaigns became data (issue 9),
``FK1:<form>:<version>[:<recipient>]`` before; FK1 sheets all belong to the first campaign,
:data:`LEGACY_CAMPAIGN`. Both still read as before, without the checks the fingerprints allow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "FK3"
FK2_PREFIX = "FK2"
LEGACY_PREFIX = "FK1"
PREFIXES = (PREFIX, FK2_PREFIX, LEGACY_PREFIX)
HASH_LEN = 5  # hex characters of each fingerprint: 20 bits, a changed layout passes unnoticed 1 in 10^6
LEGACY_CAMPAIGN = "lsz-2018"  # every FK1 sheet was printed for the 2018 regional meetings
CAMPAIGN_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
RECIPIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_RID = r"(?::([A-Za-z0-9][A-Za-z0-9._-]{0,31}))?"
_HASH = rf"[0-9a-f]{{{HASH_LEN}}}"
_PAYLOAD = re.compile(rf"{PREFIX}:([a-z][a-z0-9-]{{0,39}}):([a-z][a-z0-9-]*):(\d+):({_HASH})"
                      rf"(?::([A-Za-z0-9][A-Za-z0-9._-]{{0,31}}):({_HASH}))?(?![0-9A-Za-z._-])"
                      rf"|{FK2_PREFIX}:([a-z][a-z0-9-]{{0,39}}):([a-z][a-z0-9-]*):(\d+){_RID}"
                      rf"|{LEGACY_PREFIX}:([a-z][a-z0-9-]*):(\d+){_RID}")
# The same, on raw bytes (a page's content stream).
PAYLOAD_BYTES = re.compile(_PAYLOAD.pattern.encode("ascii"))


@dataclass(frozen=True)
class FormIdentity:
    layout_id: str
    version: int
    recipient_id: str | None = None
    campaign: str = ""  # empty only for identities made without a campaign (an FK1 payload)
    geometry: str = ""  # fingerprint of the form's read geometry; empty on FK1/FK2 sheets
    prefill: str = ""  # fingerprint of the values the packet printed; empty without a recipient

    def payload(self) -> str:
        if self.campaign and self.geometry:
            base = f"{PREFIX}:{self.campaign}:{self.layout_id}:{self.version}:{self.geometry}"
            return f"{base}:{self.recipient_id}:{self.prefill}" if self.recipient_id else base
        base = (f"{FK2_PREFIX}:{self.campaign}:{self.layout_id}:{self.version}" if self.campaign
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
    g = m.groups()
    if g[0] is not None:
        return FormIdentity(g[1], int(g[2]), g[4] or None, g[0], geometry=g[3], prefill=g[5] or "")
    if g[6] is not None:
        return FormIdentity(g[7], int(g[8]), g[9] or None, g[6])
    return FormIdentity(g[10], int(g[11]), g[12] or None, LEGACY_CAMPAIGN)
