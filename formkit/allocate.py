"""Seats per meeting in order of receipt, the rest on a waiting list.

Input is a list of :class:`Applicant` (one per stored record, built from the store by
:func:`applicants_from_store`); output is one :class:`Allocation` per applicant. The rules:

- Only records with status ``ok`` and exactly one venue compete for seats. ``review`` records are
  reported as pending (``offen``); ``rejected`` ones take no part.
- Order of receipt is the fax or e-mail time where the record carries one, else the file's
  modification time; every allocation states which was used (``received_source``).
- A registration received after the event's deadline (by its fax or e-mail time: a file time
  changes whenever a file is copied, so it orders but never makes late) follows
  ``registration.late_policy``:
  ``accept`` (treated like any other), ``waitlist`` (never seated by this run, queued after the
  timely ones) or ``review`` (record assembly sends it to review; once a person accepted it, status
  ``ok``, it competes in order of receipt like the others; while in review it is pending).
- Seats are sticky: a registrant seated by an earlier run keeps the seat as long as the record is
  still ``ok`` for the same venue, so a confirmation once sent is never taken back. The remaining
  seats go to the others in order of receipt. Running twice on the same store gives the same result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from formkit.layout.event import Event, Meeting
from formkit.records import OFFICE_TZ
from formkit.seating import Allocation, Outcome, ReceivedSource
from formkit.store import Store

__all__ = ["Allocation", "Applicant", "Outcome", "ReceivedSource", "allocate", "run_allocation"]

OUTCOME_DE = {"seat": "Platz", "waitlist": "Warteliste", "pending": "offen", "none": "keine Teilnahme"}
SOURCE_DE = {"received": "Eingangszeit (Fax/E-Mail)", "mtime": "Dateizeit", "unknown": "unbekannt"}


@dataclass(frozen=True)
class Applicant:
    """What allocation needs to know of one record."""

    key: str  # the record key in the store ("<sha256>:<page>")
    status: str  # ok | review | rejected
    venue: str  # city as printed; several joined with "|"; empty when none ticked
    received: dt.datetime | None
    received_source: ReceivedSource
    name: str = ""
    institution: str = ""


@dataclass(frozen=True)
class VenueSummary:
    meeting: Meeting
    seats: int
    seated: int
    waitlist: int
    pending: int

    @property
    def free(self) -> int:
        return max(self.meeting.capacity - self.seated, 0)


def _sort_key(a: Applicant) -> tuple[int, dt.datetime, str]:
    # Unknown receipt times go last; ties are broken by the record key (stable across runs).
    when = _naive_utc(a.received) if a.received else dt.datetime.max
    return (0 if a.received else 1, when, a.key)


def _naive_utc(t: dt.datetime) -> dt.datetime:
    if t.tzinfo is None:
        return t
    return t.astimezone(dt.UTC).replace(tzinfo=None)


def is_late(received: dt.datetime | None, deadline: dt.date) -> bool:
    """After the deadline day at the office (a registration on the day itself is timely)."""
    if received is None:
        return False
    day = received.astimezone(OFFICE_TZ).date() if received.tzinfo else received.date()
    return day > deadline


def allocate(event: Event, applicants: Sequence[Applicant], previous: Iterable[Allocation] = ()) -> list[Allocation]:
    """Allocate seats; *previous* is the last stored allocation (its seats are kept)."""
    policy = event.registration.late_policy
    deadline = event.registration.deadline
    kept = {a.key: a for a in previous if a.outcome == "seat"}
    out: dict[str, Allocation] = {}
    queues: dict[str, list[tuple[Applicant, bool]]] = {m.id: [] for m in event.meetings}
    late_queues: dict[str, list[Applicant]] = {m.id: [] for m in event.meetings}

    def put(a: Applicant, meeting: Meeting | None, outcome: Outcome, late: bool, note: str,
            position: int | None = None) -> None:
        out[a.key] = Allocation(a.key, meeting.id if meeting else None, a.venue, outcome, position,
                                a.received, a.received_source, late, note, event.id)

    for a in sorted(applicants, key=_sort_key):
        # Only a fax or e-mail time proves lateness; a file time orders the queue but changes
        # whenever a file is copied, so it never makes a registration late (as at parse time).
        late = a.received_source == "received" and is_late(a.received, deadline)
        meeting = event.meeting_for_venue(a.venue) if "|" not in a.venue else None
        if a.status == "rejected":
            put(a, meeting, "none", late, "abgelehnt")
            continue
        if a.status != "ok":
            put(a, meeting, "pending", late, "in Prüfung (Status review)")
            continue
        if meeting is None:
            put(a, None, "pending", late, f"Veranstaltungsort unklar: „{a.venue}“")
            continue
        if late and policy == "waitlist":
            late_queues[meeting.id].append(a)
            continue
        queues[meeting.id].append((a, late))

    for m in event.meetings:
        queue = queues[m.id]
        seated_keys = [a.key for a, _ in queue if a.key in kept and kept[a.key].meeting_id == m.id]
        seat_no = 0
        # Kept seats first (in receipt order), then the rest in receipt order.
        ordered = [(a, late) for a, late in queue if a.key in seated_keys] + \
                  [(a, late) for a, late in queue if a.key not in seated_keys]
        wait_no = 0
        for a, late in ordered:
            note = f"nach Anmeldeschluss, angenommen (late_policy: {policy})" if late else ""
            if a.key in seated_keys or seat_no < m.capacity:
                seat_no += 1
                put(a, m, "seat", late, note, seat_no)
            else:
                wait_no += 1
                put(a, m, "waitlist", late, note or "Kapazität erschöpft", wait_no)
        for a in late_queues[m.id]:
            wait_no += 1
            put(a, m, "waitlist", True, "nach Anmeldeschluss: Warteliste (late_policy: waitlist)", wait_no)
    return [out[a.key] for a in sorted(applicants, key=_sort_key)]


def summarize(event: Event, allocations: Sequence[Allocation]) -> list[VenueSummary]:
    out = []
    for m in event.meetings:
        mine = [a for a in allocations if a.meeting_id == m.id]
        out.append(VenueSummary(
            meeting=m, seats=m.capacity,
            seated=sum(a.outcome == "seat" for a in mine),
            waitlist=sum(a.outcome == "waitlist" for a in mine),
            pending=sum(a.outcome == "pending" for a in mine),
        ))
    return out


def summary_lines(event: Event, allocations: Sequence[Allocation]) -> list[str]:
    """The German per-venue summary printed by ``formkit allocate``."""
    w = max([len("Veranstaltungsort"), *(len(m.city) for m in event.meetings)])  # long towns keep the columns
    lines = [f"{'Veranstaltungsort':<{w}} {'Plätze':>6} {'vergeben':>8} {'Warteliste':>10} {'offen':>5} {'frei':>5}"]
    for s in summarize(event, allocations):
        lines.append(f"{s.meeting.city:<{w}} {s.seats:>6} {s.seated:>8} {s.waitlist:>10} {s.pending:>5} {s.free:>5}")
    unplaced = sum(1 for a in allocations if a.meeting_id is None and a.outcome == "pending")
    if unplaced:
        lines.append(f"ohne eindeutigen Ort (offen): {unplaced}")
    return lines


# --- from the store --------------------------------------------------------------------------


def _file_time(source: str, bases: Sequence[Path]) -> dt.datetime | None:
    if "#" in source:  # an e-mail attachment: its time is the message's date
        return None
    for base in bases:
        p = base / source
        try:
            if p.is_file():
                return dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC)
        except OSError:
            continue
    return None


def applicants_from_store(store: Store, bases: Sequence[Path] = (), campaign: str | None = None) -> list[Applicant]:
    """Every form record of the store (of one campaign) as an :class:`Applicant` (file-level
    rejections left out).

    The receipt time is the record's fax/e-mail time; else the modification time of the source
    file as stored at parse time (or, for stores written before that, looked up relative to
    *bases*); else unknown (sorted last).
    """
    out = []
    bases = list(bases) or [Path.cwd()]
    for rec in store.records(campaign=campaign):
        p = rec.provenance
        if not p.page:
            continue
        received, how = p.received, "received"
        if received is None:
            received = p.file_time or _file_time(p.source, bases)
            how = "mtime" if received else "unknown"
        out.append(Applicant(
            key=f"{p.sha256}:{p.page}", status=rec.status, venue=rec.values.get("venue", ""),
            received=received, received_source=how,  # type: ignore[arg-type]
            name=rec.values.get("name", ""), institution=rec.values.get("institution", "")))
    return out


def run_allocation(store: Store, event: Event, bases: Sequence[Path] = ()) -> tuple[list[Applicant], list[Allocation], int]:
    """Allocate the records of *event*'s campaign (its id) and save; returns applicants, allocations
    and rows changed. Each campaign has its own meetings, seats and waiting lists."""
    applicants = applicants_from_store(store, bases, campaign=event.id)
    allocations = allocate(event, applicants, store.load_allocations(event.id))
    changed = store.save_allocations(event.id, allocations)
    return applicants, allocations, changed
