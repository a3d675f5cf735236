"""The record store: one SQLite file (stdlib, WAL), keyed by the input's SHA-256 and the page.

Tables
  sources      one row per input whose processing is complete (written last: the commit marker)
  records      one row per form page, or one file-level rejection (page 0), machine values as JSON
  readings     every field reading as the machine made it (value, confidence, method, tick state)
  images       PNG crops of field zones and page images (OCR), for a review UI
  person_keys  name+e-mail / name+institution keys, to flag the same person registering twice
  corrections  a person's corrections (old/new value, time); machine readings are never overwritten;
               the id of a record's last correction row is its version (optimistic locking in review)
  allocations  seats and waiting-list places per record, per campaign (``formkit allocate``)
  send_log     one row per e-mail `formkit send` mailed or tried (sending / sent / failed)
  review_claims  which review page holds a record open
  mail_texts   sender, subject, date and text of a mail whose registration was typed into it

The schema is versioned with ``PRAGMA user_version``: opening a store applies the numbered
migrations it lacks (a store of an older release is upgraded in place); a store of a newer
release than this one is refused with a clear message instead of being misread.

A source and all its rows are written in one transaction, so a run killed at any moment leaves
either all of a source or none of it; the next run redoes exactly the missing sources.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from formkit.errors import StoreError, os_reason
from formkit.ident import LEGACY_CAMPAIGN
from formkit.records import Match, Provenance, Record
from formkit.seating import Allocation

# Migration n takes a store from schema version n-1 to n. Never edit a released migration: add one.
_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    sha256 TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    size INTEGER NOT NULL,
    received TEXT,
    sender TEXT NOT NULL DEFAULT '',
    pages INTEGER NOT NULL DEFAULT 0,
    pages_without_form INTEGER NOT NULL DEFAULT 0,
    stored_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,              -- 1-based; 0 for a file-level rejection
    source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'review', 'rejected')),
    reason TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL DEFAULT '',
    layout_id TEXT NOT NULL DEFAULT '',
    layout_version INTEGER,
    recipient_id TEXT NOT NULL DEFAULT '',
    values_json TEXT NOT NULL DEFAULT '{}',
    confidence REAL,
    match_id TEXT NOT NULL DEFAULT '',
    match_score REAL,
    received TEXT,
    sender TEXT NOT NULL DEFAULT '',
    file_time TEXT,
    UNIQUE (sha256, page)
);
CREATE TABLE IF NOT EXISTS readings (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    confidence REAL NOT NULL,
    method TEXT NOT NULL,
    state TEXT,
    score REAL,
    PRIMARY KEY (sha256, page, field)
);
CREATE TABLE IF NOT EXISTS images (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    field TEXT NOT NULL,                -- '' for the whole (registered) page
    png BLOB NOT NULL,
    PRIMARY KEY (sha256, page, field)
);
CREATE TABLE IF NOT EXISTS person_keys (
    key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    source TEXT NOT NULL,
    seq INTEGER NOT NULL,               -- order of storing: the earliest record of a person wins
    PRIMARY KEY (key, sha256, page)
);
CREATE INDEX IF NOT EXISTS person_keys_first ON person_keys (key, seq);
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    field TEXT NOT NULL,                -- a value name, or 'status'
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    corrected_at TEXT NOT NULL,
    corrected_by TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS records_source ON records (source);
CREATE INDEX IF NOT EXISTS corrections_record ON corrections (sha256, page);
"""

# Version 2 (issue 9): campaigns. Every sheet read before carried an FK1 identity, i.e. belonged
# to the 2018 campaign; the allocations table (made by formkit allocate until now) moves here.
_V2 = f"""
ALTER TABLE records ADD COLUMN campaign TEXT NOT NULL DEFAULT '';
UPDATE records SET campaign = '{LEGACY_CAMPAIGN}' WHERE layout_id != '';
CREATE TABLE IF NOT EXISTS allocations (
    record_key TEXT PRIMARY KEY,
    meeting_id TEXT,
    venue TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('seat', 'waitlist', 'pending', 'none')),
    position INTEGER,
    received TEXT,
    received_source TEXT NOT NULL,
    late INTEGER NOT NULL,
    note TEXT NOT NULL,
    allocated_at TEXT NOT NULL
);
ALTER TABLE allocations ADD COLUMN campaign TEXT NOT NULL DEFAULT '';
UPDATE allocations SET campaign = '{LEGACY_CAMPAIGN}';
CREATE INDEX IF NOT EXISTS records_campaign ON records (campaign);
"""



# Version 3 (issue 13): the send log. One row per message: ``key`` says who got what ("invitation:R0001", "seat:<record>"),
# so a re-run never mails anyone the same thing twice. A row is written as 'sending' before the
# SMTP transaction and set to 'sent' after it: a run killed in between leaves 'sending', which is
# reported and not sent again without a person's decision.
_SEND_LOG_SCHEMA = """
CREATE TABLE IF NOT EXISTS send_log (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                 -- invitation | seat | waitlist
    address TEXT NOT NULL,
    subject TEXT NOT NULL,
    attachment TEXT NOT NULL,           -- file name of the PDF sent
    attachment_sha256 TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
"""


# Version 4 (issue 12): review claims.
_V4 = """
-- A review page holding a record open (several clerks on one store); a row older than the
-- claim's lifetime counts as released (a closed browser leaves it behind).
CREATE TABLE IF NOT EXISTS review_claims (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    client TEXT NOT NULL,
    reviewer TEXT NOT NULL DEFAULT '',
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (sha256, page)
);
"""

# Version 5 (issue 11, qa6): the text of a mail that holds a registration typed into it (no sheet
# attached), shown on the review page in place of a page image.
_V5 = """
CREATE TABLE IF NOT EXISTS mail_texts (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    sent TEXT,
    body TEXT NOT NULL,
    PRIMARY KEY (sha256, page)
);
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _SEND_LOG_SCHEMA, _V4, _V5)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class SendLogEntry:
    key: str
    kind: str
    address: str
    subject: str
    attachment: str
    attachment_sha256: str
    message_id: str
    status: str
    reason: str
    updated_at: str


@dataclass(frozen=True)
class StoredRecord:
    """One record row as the review reads it; ``version`` is the id of its last correction (0: none)."""

    seq: int
    sha256: str
    page: int
    source: str
    status: str
    reason: str
    method: str
    layout_id: str
    recipient_id: str
    values: dict[str, str]
    confidence: float | None
    match_id: str
    match_score: float | None
    received: str
    campaign: str
    version: int
    layout_version: int | None = None  # the form's version the page was read with


@dataclass(frozen=True)
class Correction:
    id: int
    field: str
    old: str
    new: str
    at: str
    by: str
    note: str


@dataclass(frozen=True)
class Claim:
    client: str
    reviewer: str
    claimed_at: str


@dataclass(frozen=True)
class SourceInfo:
    sha256: str
    source: str
    size: int
    received: dt.datetime | None
    sender: str
    pages: int
    pages_without_form: int


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def _from_iso(s: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(s) if s else None


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, never corrupt
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"Datenbank {path} lässt sich nicht öffnen: {e}") from None
        except OSError as e:  # the folder cannot be created (no such place, no permission)
            raise StoreError(f"Datenbank {path} lässt sich nicht anlegen: {os_reason(e)}") from None

    def schema_version(self) -> int:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version == 0 and self.db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'records'").fetchone():
            return 1  # written by a release before numbered migrations: schema 1 (meta says so too)
        return version

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            self.db.close()
            raise StoreError(f"Datenbank {self.path} stammt von einer neueren formkit-Version (Schema {version}, "
                             f"diese Version kennt bis {SCHEMA_VERSION}): bitte formkit aktualisieren")
        while version < SCHEMA_VERSION:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if self.schema_version() == version:  # not done meanwhile by another process
                    for statement in _statements(MIGRATIONS[version]):
                        self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version = {version + 1}")
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(version + 1),))
                self.db.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise
            version = self.schema_version()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------------------

    def has_source(self, sha256: str) -> bool:
        return self.db.execute("SELECT 1 FROM sources WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def source_info(self, sha256: str) -> SourceInfo | None:
        row = self.db.execute("SELECT sha256, source, size, received, sender, pages, pages_without_form "
                              "FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return None
        return SourceInfo(row[0], row[1], row[2], _from_iso(row[3]), row[4], row[5], row[6])

    def find_duplicate(self, keys: Sequence[str], sha256: str, page: int, campaign: str) -> str | None:
        """Source and page of the earliest other record of *campaign* with one of *keys*. One store
        serves every campaign: the same person in last year's round and this year's is no duplicate."""
        if not keys:
            return None
        best: tuple[int, str, int] | None = None
        for key in keys:
            # The first two rows by seq of this key: one of them is not the record itself.
            for seq, source, p, sha in self.db.execute(
                    "SELECT k.seq, k.source, k.page, k.sha256 FROM person_keys k JOIN records r "
                    "ON r.sha256 = k.sha256 AND r.page = k.page WHERE k.key = ? AND r.campaign = ? "
                    "ORDER BY k.seq LIMIT 2", (key, campaign)):
                if (sha, p) != (sha256, page):
                    if best is None or seq < best[0]:
                        best = (seq, source, p)
                    break
        return f"{best[1]}, Seite {best[2]}" if best else None

    def records(self, sha256s: Iterable[str] | None = None, venue: str | None = None,
                campaign: str | None = None) -> Iterator[Record]:
        """Stored records in the order they were stored (optionally of some sources, one venue or one
        campaign; file-level rejections belong to no campaign)."""
        cols = ("source, sha256, page, method, layout_id, layout_version, received, sender, status, reason, "
                "recipient_id, values_json, confidence, match_id, match_score, file_time, campaign")
        if sha256s is None:
            rows: Iterable[tuple] = self.db.execute(f"SELECT {cols} FROM records ORDER BY seq")
        else:
            wanted = list(dict.fromkeys(sha256s))
            rows = []
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                rows.extend(self.db.execute(
                    f"SELECT {cols}, seq FROM records WHERE sha256 IN ({','.join('?' * len(chunk))})", chunk))
            order = {s: i for i, s in enumerate(wanted)}
            rows = sorted(rows, key=lambda r: (order[r[1]], r[2]))
        for r in rows:
            if campaign is not None and r[16] != campaign:
                continue
            values = json.loads(r[11])
            if venue and venue.casefold() not in [v.casefold() for v in values.get("venue", "").split("|")]:
                continue
            prov = Provenance(r[0], r[1], r[2] or None, r[3], r[4], r[5], _from_iso(r[6]), r[7], _from_iso(r[15]),
                              campaign=r[16])
            yield Record(provenance=prov, status=r[8], reason=r[9], recipient_id=r[10], values=values,
                         confidence=r[12], match=Match(r[13], r[14]) if r[13] else None)

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT status, COUNT(*) FROM records GROUP BY status").fetchall())

    def readings(self, sha256: str, page: int) -> list[tuple]:
        return self.db.execute("SELECT field, value, confidence, method, state, score FROM readings "
                               "WHERE sha256 = ? AND page = ? ORDER BY rowid", (sha256, page)).fetchall()

    # --- writing ---------------------------------------------------------------------------

    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def add_record(self, rec: Record) -> None:
        """Insert one record with its readings, images and person keys (inside :meth:`begin`)."""
        p = rec.provenance
        page = p.page or 0
        self.db.execute(
            "INSERT OR REPLACE INTO records (sha256, page, source, status, reason, method, layout_id, layout_version,"
            " recipient_id, values_json, confidence, match_id, match_score, received, sender, file_time, campaign)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (p.sha256, page, p.source, rec.status, rec.reason, p.method, p.layout_id, p.layout_version,
             rec.recipient_id, json.dumps(rec.values, ensure_ascii=False), rec.confidence,
             rec.match.recipient_id if rec.match else "", rec.match.score if rec.match else None,
             _iso(p.received), p.sender, _iso(p.file_time), p.campaign))
        self.db.executemany(
            "INSERT OR REPLACE INTO readings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(p.sha256, page, r.name, r.value, r.confidence, r.method, r.state, r.score) for r in rec.readings])
        images = [(p.sha256, page, r.name, r.crop) for r in rec.readings if r.crop]
        if rec.page_image:
            images.append((p.sha256, page, "", rec.page_image))
        self.db.executemany("INSERT OR REPLACE INTO images VALUES (?, ?, ?, ?)", images)
        if rec.status != "rejected":
            self.replace_person_keys(p.sha256, page, rec.person_keys)

    def add_mail_text(self, sha256: str, page: int, sender: str, subject: str, sent: dt.datetime | None,
                      body: str) -> None:
        """Keep the mail a record was read from (inside :meth:`begin`), for the review page."""
        self.db.execute("INSERT OR REPLACE INTO mail_texts VALUES (?, ?, ?, ?, ?, ?)",
                        (sha256, page, sender, subject, _iso(sent), body))

    def mail_text(self, sha256: str, page: int) -> dict[str, str] | None:
        """Sender, subject, date (ISO) and text of the mail a record was read from, or None."""
        row = self.db.execute("SELECT sender, subject, sent, body FROM mail_texts WHERE sha256 = ? AND page = ?",
                              (sha256, page)).fetchone()
        return {"sender": row[0], "subject": row[1], "date": row[2] or "", "body": row[3]} if row else None

    def replace_person_keys(self, sha256: str, page: int, keys: Iterable[str]) -> None:
        """Set the duplicate-detection keys of one stored record (none: it no longer counts).

        Source and storing order come from the record row, so a corrected record keeps its place.
        """
        self.db.execute("DELETE FROM person_keys WHERE sha256 = ? AND page = ?", (sha256, page))
        self.db.executemany(
            "INSERT OR IGNORE INTO person_keys (key, sha256, page, source, seq) "
            "SELECT ?, sha256, page, source, seq FROM records WHERE sha256 = ? AND page = ?",
            [(k, sha256, page) for k in keys])

    def add_source(self, info: SourceInfo) -> None:
        """Mark a source complete (inside :meth:`begin`, after its records)."""
        self.db.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (info.sha256, info.source, info.size, _iso(info.received), info.sender, info.pages,
             info.pages_without_form, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))

    # --- allocations (formkit allocate) -------------------------------------------------------

    def load_allocations(self, campaign: str | None = None) -> list[Allocation]:
        """The stored allocation (of one campaign, or all)."""
        sql = ("SELECT record_key, meeting_id, venue, outcome, position, received, received_source, late, note, "
               "campaign FROM allocations")
        args: tuple[str, ...] = ()
        if campaign is not None:
            sql += " WHERE campaign = ?"
            args = (campaign,)
        rows = self.db.execute(sql + " ORDER BY campaign, meeting_id, outcome, position, record_key", args)
        return [Allocation(r[0], r[1], r[2], r[3], r[4], _from_iso(r[5]), r[6], bool(r[7]), r[8], r[9])
                for r in rows.fetchall()]

    def save_allocations(self, campaign: str, allocations: Sequence[Allocation],
                         now: dt.datetime | None = None) -> int:
        """Replace the stored allocation of *campaign*; unchanged rows keep their time. Returns rows changed."""
        stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        old = {a.key: a for a in self.load_allocations(campaign)}
        changed = 0
        own_tx = not self.db.in_transaction
        if own_tx:
            self.begin()
        try:
            keys = {a.key for a in allocations}
            for key in set(old) - keys:
                self.db.execute("DELETE FROM allocations WHERE record_key = ?", (key,))
                changed += 1
            for a in allocations:
                if old.get(a.key) == a:
                    continue
                changed += 1
                self.db.execute(
                    "INSERT OR REPLACE INTO allocations (record_key, meeting_id, venue, outcome, position, received, "
                    "received_source, late, note, allocated_at, campaign) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (a.key, a.meeting_id, a.venue, a.outcome, a.position, _iso(a.received), a.received_source,
                     int(a.late), a.note, stamp, campaign))
            if own_tx:
                self.commit()
        except BaseException:
            if own_tx:
                self.rollback()
            raise
        return changed


    # --- send log (formkit send) --------------------------------------------------------------

    def send_log(self, key: str) -> SendLogEntry | None:
        row = self.db.execute("SELECT key, kind, address, subject, attachment, attachment_sha256, message_id, "
                              "status, reason, updated_at FROM send_log WHERE key = ?", (key,)).fetchone()
        return SendLogEntry(*row) if row else None

    def send_log_entries(self) -> list[SendLogEntry]:
        return [SendLogEntry(*row) for row in self.db.execute(
            "SELECT key, kind, address, subject, attachment, attachment_sha256, message_id, status, reason, "
            "updated_at FROM send_log ORDER BY updated_at, key")]

    def log_send(self, entry: SendLogEntry) -> None:
        """Insert or update one message's row (its own transaction: it must be on disk before and
        after the SMTP transaction)."""
        self.db.execute("INSERT OR REPLACE INTO send_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (entry.key, entry.kind, entry.address, entry.subject, entry.attachment,
                         entry.attachment_sha256, entry.message_id, entry.status, entry.reason, entry.updated_at))

    # --- review: records, corrections, claims --------------------------------------------------

    def _stored(self, where: str, args: Sequence[object]) -> list[StoredRecord]:
        rows = self.db.execute(
            "SELECT r.seq, r.sha256, r.page, r.source, r.status, r.reason, r.method, r.layout_id, r.recipient_id,"
            " r.values_json, r.confidence, r.match_id, r.match_score, r.received, r.campaign,"
            " COALESCE((SELECT MAX(c.id) FROM corrections c WHERE c.sha256 = r.sha256 AND c.page = r.page), 0),"
            f" r.layout_version FROM records r WHERE {where} ORDER BY r.seq", args).fetchall()
        return [StoredRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], json.loads(r[9]), r[10], r[11],
                             r[12], r[13] or "", r[14] or "", r[15], r[16]) for r in rows]

    def stored_record(self, sha256: str, page: int) -> StoredRecord | None:
        rows = self._stored("r.sha256 = ? AND r.page = ?", (sha256, page))
        return rows[0] if rows else None

    def form_records(self) -> list[StoredRecord]:
        """Every record of a form page (not the file-level rejections), in storing order."""
        return self._stored("r.page > 0", ())

    def image(self, sha256: str, page: int, field: str = "") -> bytes | None:
        """A field's crop, or the whole page image for ``field=''``."""
        row = self.db.execute("SELECT png FROM images WHERE sha256 = ? AND page = ? AND field = ?",
                              (sha256, page, field)).fetchone()
        return bytes(row[0]) if row else None

    def has_image(self, sha256: str, page: int, field: str = "") -> bool:
        return self.db.execute("SELECT 1 FROM images WHERE sha256 = ? AND page = ? AND field = ?",
                               (sha256, page, field)).fetchone() is not None

    def crop_fields(self, sha256: str, page: int) -> set[str]:
        return {r[0] for r in self.db.execute(
            "SELECT field FROM images WHERE sha256 = ? AND page = ? AND field != ''", (sha256, page))}

    def corrections(self, sha256: str, page: int) -> list[Correction]:
        rows = self.db.execute(
            "SELECT id, field, old_value, new_value, corrected_at, corrected_by, note FROM corrections "
            "WHERE sha256 = ? AND page = ? ORDER BY id", (sha256, page)).fetchall()
        return [Correction(*r) for r in rows]

    def add_corrections(self, sha256: str, page: int, changes: Iterable[tuple[str, str, str]], at: str, by: str,
                        note: str) -> int:
        """Log (field, old, new) rows of one decision (inside :meth:`begin`); returns the last id: the new version."""
        last = 0
        for field, old, new in changes:
            cur = self.db.execute(
                "INSERT INTO corrections (sha256, page, field, old_value, new_value, corrected_at, corrected_by, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (sha256, page, field, old, new, at, by, note))
            last = int(cur.lastrowid or 0)
        return last

    def set_review_result(self, sha256: str, page: int, status: str, reason: str, values: dict[str, str]) -> None:
        self.db.execute("UPDATE records SET status = ?, reason = ?, values_json = ? WHERE sha256 = ? AND page = ?",
                        (status, reason, json.dumps(values, ensure_ascii=False), sha256, page))

    def claim(self, sha256: str, page: int, client: str, reviewer: str, now: dt.datetime,
              lifetime: dt.timedelta) -> Claim | None:
        """Hold a record for *client*; returns the other page's live claim instead if there is one."""
        stamp = now.isoformat(timespec="seconds")
        self.begin()
        try:
            row = self.db.execute("SELECT client, reviewer, claimed_at FROM review_claims WHERE sha256 = ? AND page = ?",
                                  (sha256, page)).fetchone()
            if row and row[0] != client and dt.datetime.fromisoformat(row[2]) > now - lifetime:
                self.commit()
                return Claim(*row)
            self.db.execute("INSERT OR REPLACE INTO review_claims VALUES (?, ?, ?, ?, ?)",
                            (sha256, page, client, reviewer, stamp))
            # One page holds one record at a time.
            self.db.execute("DELETE FROM review_claims WHERE client = ? AND NOT (sha256 = ? AND page = ?)",
                            (client, sha256, page))
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return None

    def live_claims(self, now: dt.datetime, lifetime: dt.timedelta) -> dict[tuple[str, int], Claim]:
        since = (now - lifetime).isoformat(timespec="seconds")
        return {(r[0], r[1]): Claim(r[2], r[3], r[4]) for r in self.db.execute(
            "SELECT sha256, page, client, reviewer, claimed_at FROM review_claims WHERE claimed_at > ?", (since,))}

    def release(self, sha256: str, page: int) -> None:
        self.db.execute("DELETE FROM review_claims WHERE sha256 = ? AND page = ?", (sha256, page))


def _statements(script: str) -> list[str]:
    """The statements of a migration script, one by one (so that they run inside one transaction)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
