"""What the scan reader knows about a campaign beyond the layout: the mailing list and event.

- ``printed``: per recipient id, what the packet printed into the sheet
  (:meth:`formkit.recipients.Recipient.prefill_values`, the packets' own source), for
  :mod:`formkit.scan.verify`;
- ``words``: the campaign's vocabulary (names, institutions, functions, streets, places of the
  mailing list and the event's meetings) for Tesseract's user words and cautious snapping;
- ``emails``: per recipient id, the address on the list. An e-mail address read from a sheet is
  compared with the address of the recipient in the sheet's QR only, never with other people's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from formkit.layout.event import Event
    from formkit.layout.models import FormLayout
    from formkit.recipients import Recipient

# A word of the vocabulary: letters (any script), inner hyphens/apostrophes/dots ("e.V.", "Str.").
_WORD = re.compile(r"[^\W\d_](?:[\w.'’-]*[^\W_])?\.?")


def words_of(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if len(w) >= 2]


@dataclass(frozen=True)
class ReadContext:
    printed: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    words: frozenset[str] = frozenset()
    emails: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, recipients: Sequence[Recipient], events: Iterable[Event] = (),
              forms: Sequence[FormLayout] = ()) -> ReadContext:
        """*forms*: the loaded forms, so that what is "printed" is what the packets prefilled
        (:func:`formkit.recipients.sheet_prefill`: list columns named like a form's text field too)."""
        from formkit.recipients import sheet_prefill

        words: set[str] = set()
        for r in recipients:
            for part in (r.title, r.first_name, r.last_name, r.institution, r.function, r.street, r.city):
                words.update(words_of(part))
        for ev in events:
            for m in ev.meetings:
                for part in (m.city, m.region, m.venue, m.street):
                    words.update(words_of(part))
        return cls(printed={r.id: sheet_prefill(r, forms) for r in recipients},
                   words=frozenset(words),
                   emails={r.id: r.email for r in recipients if r.email})

    def printed_for(self, recipient_id: str | None) -> Mapping[str, str]:
        return self.printed.get(recipient_id or "", {})


def load(recipients_csv: Path, events: Iterable[Event] = (), forms: Sequence[FormLayout] = ()) -> ReadContext:
    """The context of a parse run: the mailing list given with ``--recipients`` and the events of
    the loaded campaigns (the pipeline builds it once per process and keeps it)."""
    from formkit.recipients import read_recipients

    recipients, _ = read_recipients(recipients_csv)
    return ReadContext.build(recipients, events, forms)


_EDGE = re.compile(r"^([^\w]*)(.*?)([^\w]*)$")


def _near(core: str, vocabulary: frozenset[str]) -> list[str]:
    """The vocabulary words within edit distance 1 of *core* (2 from SNAP_LONG_LETTERS letters)."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    from formkit import thresholds as T

    limit = 2 if len(core) >= T.SNAP_LONG_LETTERS else 1
    return [w for w, _, _ in process.extract(core, vocabulary, scorer=Levenshtein.distance, score_cutoff=limit,
                                             limit=3)]


def _core(word: str, vocabulary: frozenset[str]) -> tuple[str, str, str] | None:
    """(lead, core, tail) of a word that could be a misread vocabulary word: at least
    SNAP_MIN_LETTERS letters and not itself in the vocabulary."""
    from formkit import thresholds as T

    lead, core, tail = _EDGE.match(word).groups()  # type: ignore[union-attr]
    if len(core) < T.SNAP_MIN_LETTERS or core in vocabulary or not vocabulary:
        return None
    return lead, core, tail


def judge_word(word: str, vocabulary: frozenset[str], unsure: bool) -> tuple[str, bool]:
    """What the vocabulary says of a word read: (the word, or the one vocabulary word it was meant
    to be; whether a word left as read lies near a vocabulary word without being one), with one
    search for the neighbours (:func:`snap_word`, :func:`near_known`)."""
    parts = _core(word, vocabulary)
    if parts is None:
        return word, False
    near = _near(parts[1], vocabulary)
    if unsure and len(near) == 1:
        return f"{parts[0]}{near[0]}{parts[2]}", False
    return word, bool(near)


def snap_word(word: str, vocabulary: frozenset[str], unsure: bool) -> str:
    """*word* or the one vocabulary word it was meant to be.

    Cautious: only a word OCR itself was unsure of (*unsure*: a character below
    SNAP_MAX_SYMBOL_CONF), of at least SNAP_MIN_LETTERS letters, not in the vocabulary, with
    exactly one vocabulary word within edit distance 1 (2 from SNAP_LONG_LETTERS letters). A
    stranger's name read cleanly is never replaced by a list member's, and a snapped field is
    capped below OCR_OK by the reader: a person sees the crop beside the proposal.
    """
    return judge_word(word, vocabulary, unsure)[0] if unsure else word


def near_known(word: str, vocabulary: frozenset[str]) -> bool:
    """Is *word* (read with sure characters, so not snapped) one or two letters from a word of
    the vocabulary without being one? Then it is more likely that word misread than a new one
    ('Mehrgererationenhaus' came at 0.96 from a normal-mode fax in Courier 12): a person looks.
    A stranger's name that happens to be that close to a list member's goes to review as well."""
    return judge_word(word, vocabulary, unsure=False)[1]
