"""The SQLite store: idempotent writes, all-or-nothing per source, machine readings kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from formkit.readings import FieldReading
from formkit.records import Provenance, Record
from formkit.store import SourceInfo, Store


def _record(sha: str, page: int, name: str = "Anna Groß") -> Record:
    readings = (FieldReading("name", name, 0.62, "ocr", crop=b"\x89PNG crop"),
                FieldReading("venue_gotha", "1", 0.9, "ocr", "ticked", 0.41))
    return Record(provenance=Provenance("f.pdf", sha, page, "ocr", "registration", 1), status="ok", reason="",
                  values={"name": name, "venue": "Gotha"}, confidence=0.62, readings=readings,
                  page_image=b"\x89PNG page")


def _write(store: Store, sha: str) -> None:
    store.begin()
    store.add_record(_record(sha, 1))
    store.add_source(SourceInfo(sha, "f.pdf", 10, None, "", 1, 0))
    store.commit()


def test_idempotent_and_complete(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with Store(db) as s:
        _write(s, "a" * 64)
        _write(s, "a" * 64)
        assert s.has_source("a" * 64)
        assert [r.values for r in s.records()] == [{"name": "Anna Groß", "venue": "Gotha"}]
        assert s.readings("a" * 64, 1) == [("name", "Anna Groß", 0.62, "ocr", None, None),
                                           ("venue_gotha", "1", 0.9, "ocr", "ticked", 0.41)]
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert sorted(r[0] for r in con.execute("SELECT field FROM images")) == ["", "name"]
    assert con.execute("SELECT COUNT(*) FROM corrections").fetchone()[0] == 0


def test_rollback_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as s:
        s.begin()
        s.add_record(_record("b" * 64, 1))
        s.rollback()
        assert list(s.records()) == [] and not s.has_source("b" * 64)


def test_duplicate_lookup_by_person_key(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as s:
        _write(s, "c" * 64)
        keys = _record("d" * 64, 1, "groß anna").person_keys
        campaign = _record("c" * 64, 1).provenance.campaign
        assert s.find_duplicate(keys, "d" * 64, 1, campaign) == "f.pdf, Seite 1"
        assert s.find_duplicate(keys, "c" * 64, 1, campaign) is None
        assert s.find_duplicate(keys, "d" * 64, 1, "lsz-2031") is None


def test_unusable_database_is_a_store_error(tmp_path: Path) -> None:
    from formkit.errors import StoreError

    bad = tmp_path / "kaputt.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        Store(bad)


def test_unwritable_place_is_a_store_error_naming_it() -> None:
    from formkit.errors import StoreError

    with pytest.raises(StoreError, match="/proc/nope/k.sqlite"):
        Store(Path("/proc/nope/k.sqlite"))
