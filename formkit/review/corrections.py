"""A reviewer's decision applied to the store: corrected values, venue, status; every change logged.

The record row (``records.values_json``, ``status``, ``reason``) takes the corrected values, so
``formkit export`` shows them; the ``corrections`` table (schema in :mod:`formkit.store`) keeps one
row per changed value with the old value, the new value, the time, the reviewer and the note; the
decision itself is the row for the field ``status`` (``review`` -> ``ok`` or ``rejected``). The
machine's readings (``readings``, ``images``) are never touched, so nothing read is lost.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from formkit.errors import ExitCode, FormkitError
from formkit.layout.models import FormLayout
from formkit.records import collapse, person_keys, valid_email, valid_phone, value_key
from formkit.store import Store

Action = Literal["accept", "reject"]


class ReviewError(FormkitError):
    """A decision that cannot be stored as given (unknown record, venue missing …)."""

    exit_code = ExitCode.REVIEW


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Decision:
    key: str
    action: Action
    status: str
    changes: tuple[Change, ...]
    warnings: tuple[str, ...]
    at: str


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
) -> Decision:
    """Store a reviewer's decision on one record, in one transaction."""
    if action not in ("accept", "reject"):
        raise ReviewError(f"Unbekannte Entscheidung „{action}“")
    sha, page = split_key(key)
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
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    who = reviewer if reviewer is not None else reviewer_name()
    store.begin()
    try:
        row = store.db.execute("SELECT status, reason, values_json FROM records WHERE sha256 = ? AND page = ?",
                               (sha, page)).fetchone()
        if row is None:
            raise ReviewError(f"Datensatz {key} nicht gefunden")
        old_status, old_reason, values_json = row
        current: dict[str, str] = json.loads(values_json)
        new = dict(current)
        for name, value in values.items():
            new[value_key(text_fields[name], form)] = collapse(value, text_fields[name].multiline)
        if venue or action == "accept":
            new["venue"] = venue
        if action == "accept" and not new.get("name"):
            raise ReviewError("Zum Annehmen muss ein Name eingetragen sein")
        warnings = []
        if new.get("email") and not valid_email(new["email"]):
            warnings.append("E-Mail-Adresse ungültig")
        if new.get("phone") and not valid_phone(new["phone"]):
            warnings.append("Telefonnummer ungültig")
        status = "ok" if action == "accept" else "rejected"
        verdict = "angenommen" if action == "accept" else "abgelehnt"
        reason = f"geprüft, {verdict}" + (f": {note.strip()}" if note.strip() else "")
        if old_reason:
            reason += f" (war: {old_reason})"
        changes = [Change(k, current.get(k, ""), new[k]) for k in new if new[k] != current.get(k, "")]
        changes.append(Change("status", old_status, status))
        if reason != old_reason:
            changes.append(Change("reason", old_reason, reason))
        store.db.executemany(
            "INSERT INTO corrections (sha256, page, field, old_value, new_value, corrected_at, corrected_by, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(sha, page, c.field, c.old, c.new, stamp, who, note.strip()) for c in changes])
        store.db.execute("UPDATE records SET status = ?, reason = ?, values_json = ? WHERE sha256 = ? AND page = ?",
                         (status, reason, json.dumps(new, ensure_ascii=False), sha, page))
        # Duplicate detection must see the corrected name (and no longer see a rejected record).
        store.replace_person_keys(sha, page, person_keys(new) if status != "rejected" else ())
        store.commit()
    except BaseException:
        store.rollback()
        raise
    return Decision(key, action, status, tuple(changes), tuple(warnings), stamp)


def corrections_of(store: Store, key: str) -> list[dict[str, str]]:
    sha, page = split_key(key)
    rows = store.db.execute(
        "SELECT field, old_value, new_value, corrected_at, corrected_by, note FROM corrections "
        "WHERE sha256 = ? AND page = ? ORDER BY id", (sha, page)).fetchall()
    return [dict(zip(("field", "old", "new", "at", "by", "note"), r, strict=True)) for r in rows]
