"""The mailing list at hand in the review: the entry a record most likely belongs to, and its values.

The sheet's QR code names its recipient where the packet was personal; otherwise record assembly's
fuzzy match (stored with the record) or, for a store parsed without a list, the same matcher run
now. The list's values are what the packet printed (``Recipient.prefill_values``), the same source
record assembly compares against.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from formkit.records import Matcher

if TYPE_CHECKING:
    from formkit.recipients import Recipient

# Words for a match score (rapidfuzz 0-100; no match is recorded below records.MATCH_MIN_SCORE).
_WORDS = ((95.0, "fast sicher"), (85.0, "wahrscheinlich"), (0.0, "vielleicht"))


@dataclass(frozen=True)
class ListEntry:
    recipient_id: str
    how: str  # "qr" | "match"
    score: float | None
    text: str  # "wahrscheinlich: Günter Öhlschläger, Landratsamt Kyffhäuserkreis"
    values: dict[str, str]


def _who(r: Recipient) -> str:
    return ", ".join(x for x in (r.full_name, r.institution) if x)


class MailingList:
    def __init__(self, recipients: Sequence[Recipient]) -> None:
        self.by_id = {r.id: r for r in recipients}
        self.matcher = Matcher(recipients)

    def entry(self, recipient_id: str, match_id: str, match_score: float | None,
              values: Mapping[str, str]) -> ListEntry | None:
        r = self.by_id.get(recipient_id)
        if r is not None:
            return ListEntry(r.id, "qr", None, f"laut QR-Code: {_who(r)}", r.prefill_values())
        if not (match_id in self.by_id and match_score is not None):
            m = self.matcher.match(values.get("name", ""), values.get("institution", ""))
            if m is None:
                return None
            match_id, match_score = m.recipient_id, m.score
        r = self.by_id[match_id]
        word = next(w for limit, w in _WORDS if match_score >= limit)
        return ListEntry(r.id, "match", match_score, f"{word}: {_who(r)} (Übereinstimmung {round(match_score)} %)",
                         r.prefill_values())
