"""A reviewer's decision applied to the store: corrected values, venue, status; every change logged.

The record row (``records.values_json``, ``status``, ``reason``) takes the corrected values, so
``formkit export`` shows them; the ``corrections`` table (schema and SQL in :mod:`formkit.store`)
keeps one row per changed value with the old value, the new value, the time, the reviewer and the
note; the decision's last row is the field ``status`` (``review`` -> ``ok`` or ``rejected``), and
its id is the record's new version. The machine's readings (``readings``, ``images``) are never
touched, so nothing read is lost.

Several review pages may work on one store: a decision names the version it was made on, and a
decision on a record someone else changed since is refused (optimistic locking). Undo writes the
reverse changes as a decision of its own, so the log keeps both.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from formkit.errors import ExitCode, FormkitError
from formkit.layout.models import FormLayout
from formkit.records import collapse, person_keys, value_key
from formkit.review.checks import problem
from formkit.review.reasons import label
from formkit.store import Store, StoredRecord

Action = Literal["accept", "reject"]
OVERRIDE = "override"  # the log's field name for "accepted although a check failed"
UNDONE = "zurückgenommen: Entscheidung vom "  # the note of an undo's rows


class ReviewError(FormkitError):
    """A decision that cannot be stored as given (unknown record, venue missing …)."""

    exit_code = ExitCode.REVIEW


class StaleDecision(ReviewError):
    """The record changed since the page showed it (another clerk decided it)."""


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Decision:
    key: str
    action: str  # accept | reject | undo
    status: str
    changes: tuple[Change, ...]
    warnings: tuple[str, ...]
    at: str
    version: int = 0


def split_key(key: str) -> tuple[str, int]:
    sha, sep, page = key.rpartition(":")
    if not sep or not sha or not page.isdigit():
        raise ReviewError(f"Ungültiger Datensatzschlüssel „{key}“ (erwartet sha256:seite)")
    return sha, int(page)


def record_key(sha256: str, page: int) -> str:
    return f"{sha256}:{page}"


def reviewer_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def venue_options(form: FormLayout) -> list[str]:
    return [f.value or f.name for f in form.groups().get("venue", [])]


def invalid_values(form: FormLayout, values: Mapping[str, str]) -> list[str]:
    """German sentences for the values that fail their field kind's check (as record assembly checks)."""
    out = []
    for spec in form.fields:
        key = value_key(spec, form)
        if spec.type == "text" and (why := problem(spec.kind, values.get(key, ""))):
            out.append(f"{label(spec)} „{values[key]}“: {why}")
    return out


def _locked_record(store: Store, key: str, version: int | None) -> StoredRecord:
    sha, page = split_key(key)
    rec = store.stored_record(sha, page)
    if rec is None:
        raise ReviewError(f"Datensatz {key} nicht gefunden")
    if version is not None and rec.version != version:
        last = store.corrections(sha, page)[-1] if rec.version else None
        who = f" von {last.by}" if last and last.by else ""
        when = f" um {last.at[11:16]} Uhr" if last else ""
        raise StaleDecision(f"Nicht gespeichert: Dieser Datensatz wurde inzwischen{who}{when} anders entschieden "
                            "(Stand jetzt „" + {"ok": "angenommen", "rejected": "abgelehnt"}.get(rec.status, "offen")
                            + "“). Bitte die Anzeige prüfen.")
    return rec


def _store(store: Store, rec: StoredRecord, changes: list[Change], status: str, reason: str,
           values: dict[str, str], stamp: str, who: str, note: str) -> int:
    version = store.add_corrections(rec.sha256, rec.page, [(c.field, c.old, c.new) for c in changes], stamp, who, note)
    store.set_review_result(rec.sha256, rec.page, status, reason, values)
    # Duplicate detection must see the corrected name (and no longer see a rejected record).
    store.replace_person_keys(rec.sha256, rec.page, person_keys(values) if status != "rejected" else ())
    store.release(rec.sha256, rec.page)
    return version


def apply_decision(
    store: Store,
    form: FormLayout,
    key: str,
    action: Action,
    values: Mapping[str, str],
    venue: str | None,
    note: str = "",
    reviewer: str | None = None,
    now: dt.datetime | None = None,
    version: int | None = None,
    override: bool = False,
) -> Decision:
    """Store a reviewer's decision on one record, in one transaction.

    *version* is the record's version the decision was made on (None: not checked). Accepting a
    value its field kind's check refuses needs *override* and a note saying why.
    """
    if action not in ("accept", "reject"):
        raise ReviewError(f"Unbekannte Entscheidung „{action}“")
    options = venue_options(form)
    text_fields = {f.name: f for f in form.fields if f.type == "text"}
    unknown = sorted(set(values) - set(text_fields))
    if unknown:
        raise ReviewError(f"Unbekannte Felder: {', '.join(unknown)}")
    venue = (venue or "").strip()
    if venue and venue not in options:
        raise ReviewError(f"Unbekannter Veranstaltungsort „{venue}“; möglich: {', '.join(options)}")
    if action == "accept" and not venue:
        raise ReviewError("Zum Annehmen muss genau ein Veranstaltungsort gewählt sein")
    note = note.strip()
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    who = reviewer if reviewer is not None else reviewer_name()
    store.begin()
    try:
        rec = _locked_record(store, key, version)
        current = rec.values
        new = dict(current)
        for name, value in values.items():
            spec = text_fields[name]
            text = collapse(value, spec.multiline)
            if spec.kind == "email" and text.lower().startswith("mailto:"):
                text = text[7:].strip()
            new[value_key(spec, form)] = text
        if venue or action == "accept":
            new["venue"] = venue
        if action == "accept" and not new.get("name"):
            raise ReviewError("Zum Annehmen muss ein Name eingetragen sein")
        invalid = invalid_values(form, new)
        if action == "accept" and invalid and not override:
            raise ReviewError("Nicht angenommen: " + "; ".join(invalid) + ". Bitte korrigieren oder mit einer "
                              "Bemerkung ausdrücklich trotzdem annehmen.")
        if action == "accept" and invalid and not note:
            raise ReviewError("Trotzdem annehmen geht nur mit einer Bemerkung, warum: " + "; ".join(invalid))
        status = "ok" if action == "accept" else "rejected"
        verdict = "angenommen" if action == "accept" else "abgelehnt"
        if action == "accept" and invalid:
            verdict += " trotz: " + "; ".join(invalid)
        reason = f"geprüft, {verdict}" + (f": {note}" if note else "")
        if rec.reason:
            reason += f" (war: {rec.reason})"
        changes = [Change(k, current.get(k, ""), new[k]) for k in new if new[k] != current.get(k, "")]
        if action == "accept" and invalid:
            changes.append(Change(OVERRIDE, "", "; ".join(invalid)))
        if reason != rec.reason:
            changes.append(Change("reason", rec.reason, reason))
        changes.append(Change("status", rec.status, status))  # last: its id is the new version
        new_version = _store(store, rec, changes, status, reason, new, stamp, who, note)
        store.commit()
    except BaseException:
        store.rollback()
        raise
    return Decision(key, action, status, tuple(changes), tuple(invalid), stamp, new_version)


def undo_last(store: Store, key: str, version: int | None, reviewer: str | None = None,
              now: dt.datetime | None = None) -> Decision:
    """Take back the last decision on *key* (which must still be the one at *version*)."""
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    who = reviewer if reviewer is not None else reviewer_name()
    store.begin()
    try:
        rec = _locked_record(store, key, version)
        log = store.corrections(rec.sha256, rec.page)
        if not log or log[-1].field != "status":
            raise ReviewError("Für diesen Datensatz gibt es keine Entscheidung zum Zurücknehmen")
        if log[-1].note.startswith(UNDONE):
            raise ReviewError("Für diesen Datensatz gibt es keine Entscheidung zum Zurücknehmen "
                              "(die letzte wurde schon zurückgenommen)")
        # The decision's rows: everything after the previous decision's status row.
        start = max((i for i, c in enumerate(log[:-1]) if c.field == "status"), default=-1) + 1
        taken = log[start:]
        values = dict(rec.values)
        status, reason = rec.status, rec.reason
        changes = []
        for c in reversed(taken):
            if c.field == OVERRIDE:
                continue
            changes.append(Change(c.field, c.new, c.old))
            if c.field == "status":
                status = c.old
            elif c.field == "reason":
                reason = c.old
            else:
                values[c.field] = c.old
        changes.sort(key=lambda c: c.field == "status")  # status last: its id is the new version
        note = f"{UNDONE}{taken[-1].at}" + (f" ({taken[-1].by})" if taken[-1].by else "")
        new_version = _store(store, rec, changes, status, reason, values, stamp, who, note)
        store.commit()
    except BaseException:
        store.rollback()
        raise
    return Decision(key, "undo", status, tuple(changes), (), stamp, new_version)


def corrections_of(store: Store, key: str) -> list[dict[str, str]]:
    sha, page = split_key(key)
    return [{"field": c.field, "old": c.old, "new": c.new, "at": c.at, "by": c.by, "note": c.note}
            for c in store.corrections(sha, page)]
