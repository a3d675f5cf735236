"""Seat allocation: order of receipt, a full venue, late policies, pending reviews, idempotence, CLI."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from formkit.allocate import (
    Applicant,
    allocate,
    is_late,
    run_allocation,
    summarize,
)
from formkit.cli import main
from formkit.layout.event import Event
from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.render.document import render_to_bytes
from formkit.store import Store
from tests.fill import fill_pypdf

UTC = dt.UTC


def event_with(registry: LayoutRegistry, capacity: int = 2, policy: str = "review") -> Event:
    ev = registry.get("confirmation").event
    assert ev is not None
    meetings = [m.model_copy(update={"capacity": capacity}) if m.id == "gotha" else m for m in ev.meetings]
    reg = ev.registration.model_copy(update={"late_policy": policy})
    return ev.model_copy(update={"meetings": meetings, "registration": reg})


def t(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2018, 4, day, hour, 0, tzinfo=UTC)


def app(key: str, when: dt.datetime | None, venue: str = "Gotha", status: str = "ok") -> Applicant:
    return Applicant(key=key, status=status, venue=venue, received=when,
                     received_source="received" if when else "unknown", name=key)


def outcome(allocs: list, key: str) -> tuple[str, int | None]:  # type: ignore[type-arg]
    a = next(a for a in allocs if a.key == key)
    return a.outcome, a.position


def test_full_venue_seats_in_order_of_receipt_not_of_input(registry: LayoutRegistry) -> None:
    ev = event_with(registry, capacity=2)
    people = [app("late-comer", t(5)), app("first", t(1)), app("second", t(2, 9))]
    allocs = allocate(ev, people)
    assert outcome(allocs, "first") == ("seat", 1)
    assert outcome(allocs, "second") == ("seat", 2)
    assert outcome(allocs, "late-comer") == ("waitlist", 1)
    gotha = next(s for s in summarize(ev, allocs) if s.meeting.id == "gotha")
    assert (gotha.seats, gotha.seated, gotha.waitlist, gotha.pending, gotha.free) == (2, 2, 1, 0, 0)


def test_review_records_are_pending_rejected_take_no_part_unknown_venue_pending(registry: LayoutRegistry) -> None:
    ev = event_with(registry, capacity=2)
    people = [app("in-review", t(1), status="review"), app("rejected", t(1), status="rejected"),
              app("two-venues", t(1), venue="Gotha|Schleiz"), app("ok", t(3))]
    allocs = allocate(ev, people)
    assert outcome(allocs, "in-review")[0] == "pending"
    assert outcome(allocs, "rejected")[0] == "none"
    assert outcome(allocs, "two-venues")[0] == "pending"
    assert outcome(allocs, "ok") == ("seat", 1)  # the pending ones hold no seat


def test_unknown_receipt_time_goes_last(registry: LayoutRegistry) -> None:
    ev = event_with(registry, capacity=1)
    allocs = allocate(ev, [app("no-time", None), app("timed", t(8))])
    assert outcome(allocs, "timed") == ("seat", 1)
    assert outcome(allocs, "no-time") == ("waitlist", 1)


def test_deadline_is_the_office_day() -> None:
    deadline = dt.date(2018, 4, 11)
    assert not is_late(dt.datetime(2018, 4, 11, 21, 59, tzinfo=UTC), deadline)  # 23:59 in Erfurt
    assert is_late(dt.datetime(2018, 4, 11, 22, 30, tzinfo=UTC), deadline)  # 00:30 next day in Erfurt
    assert not is_late(None, deadline)


@pytest.mark.parametrize(("policy", "late_outcome"), [
    ("accept", ("seat", 1)),        # treated like any other: earliest time, seat 1
    ("review", ("seat", 1)),        # a person accepted it in review (status ok): competes normally
    ("waitlist", ("waitlist", 1)),  # never seated automatically, even with seats free
])
def test_late_policies(registry: LayoutRegistry, policy: str, late_outcome: tuple[str, int]) -> None:
    ev = event_with(registry, capacity=5, policy=policy)
    late_time = dt.datetime(2018, 4, 12, 8, 0, tzinfo=UTC)
    people = [app("late", late_time), app("timely", t(10))]
    allocs = allocate(ev, people)
    assert outcome(allocs, "late") == (late_outcome[0], late_outcome[1] if policy == "waitlist" else 2)
    assert next(a for a in allocs if a.key == "late").late
    assert outcome(allocs, "timely") == ("seat", 1)


def test_late_policy_review_keeps_unreviewed_late_ones_pending(registry: LayoutRegistry) -> None:
    ev = event_with(registry, capacity=5, policy="review")
    allocs = allocate(ev, [app("late", dt.datetime(2018, 4, 20, tzinfo=UTC), status="review")])
    assert outcome(allocs, "late")[0] == "pending"


def test_idempotent_and_seats_are_kept_when_an_earlier_registration_appears(registry: LayoutRegistry,
                                                                           tmp_path: Path) -> None:
    ev = event_with(registry, capacity=2)
    db = tmp_path / "s.sqlite"
    with Store(db) as store:
        first = allocate(ev, [app("a", t(2)), app("b", t(3)), app("c", t(4))])
        assert store.save_allocations(ev.id, first) == 3
        again = allocate(ev, [app("a", t(2)), app("b", t(3)), app("c", t(4))], store.load_allocations(ev.id))
        assert again == first
        assert store.save_allocations(ev.id, again) == 0  # nothing changed
        # A review record with an earlier receipt time is accepted later: confirmations already
        # sent are not taken back; it goes to the waiting list ahead of nobody.
        later = allocate(ev, [app("a", t(2)), app("b", t(3)), app("c", t(4)), app("early", t(1))],
                         store.load_allocations(ev.id))
    assert outcome(later, "a") == ("seat", 1) and outcome(later, "b") == ("seat", 2)
    assert [outcome(later, k) for k in ("early", "c")] == [("waitlist", 1), ("waitlist", 2)]


# --- through the store and the CLI ------------------------------------------------------------


@pytest.fixture
def small_layouts(tmp_path: Path) -> Path:
    """The project's layouts with Gotha's capacity set to 2."""
    root = Path(__file__).resolve().parents[1] / "layouts" / "lsz-2018"
    dst = tmp_path / "layouts"
    shutil.copytree(root, dst)
    ev_path = dst / "event.yaml"
    text = ev_path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert [m["capacity"] for m in data["meetings"] if m["id"] == "gotha"] == [40]
    ev_path.write_text(text.replace("capacity: 40", "capacity: 2"), encoding="utf-8")
    return dst


def test_cli_allocate_on_a_parsed_inbox_uses_file_times(small_layouts: Path, tmp_path: Path) -> None:
    registry = LayoutRegistry(small_layouts)
    blank, _ = render_to_bytes("registration", registry)
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    base = dt.datetime(2018, 4, 3, 9, 0, tzinfo=UTC).timestamp()
    people = [("c.pdf", "Cäsar, Carla", 3), ("a.pdf", "Adler, Anton", 1), ("b.pdf", "Brandt, Berta", 2),
              ("d.pdf", "Dorn, Dieter", 4)]
    for fn, name, hour in people:
        values = {"name": name, "institution": "Landratsamt Gotha", "address": "18.-März-Str. 50\n99867 Gotha",
                  "phone": "03621 214-0", "email": "x@example.org", "date": "03.04.2018", "venue_gotha": "1"}
        if fn == "d.pdf":
            values["venue_schleiz"] = "1"  # two venues: review, pending
        (inbox / fn).write_bytes(fill_pypdf(blank, values))
        os.utime(inbox / fn, (base + hour * 3600, base + hour * 3600))
    db = tmp_path / "formkit.sqlite"
    run([inbox], Options(db=db, layouts=small_layouts))

    runner = CliRunner()
    args = ["allocate", "--db", str(db), "--sources", str(inbox), "--layouts", str(small_layouts)]
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    seated = [ln for ln in lines if ln.startswith("Gotha") and " Platz " in ln]
    assert [ln.split()[-2] + " " + ln.split()[-1] for ln in seated] == ["Adler, Anton", "Brandt, Berta"]
    assert all("Dateizeit" in ln for ln in seated)
    assert any(ln.startswith("Gotha") and "Warteliste" in ln and "Cäsar, Carla" in ln for ln in lines)
    assert any("offen" in ln and "Dorn, Dieter" in ln for ln in lines)
    head = lines.index(next(ln for ln in lines if ln.startswith("Platzvergabe")))
    summary = next(ln for ln in lines[head:] if ln.strip().startswith("Gotha"))
    assert summary.split() == ["Gotha", "2", "2", "1", "0", "0"]
    assert "ohne eindeutigen Ort (offen): 1" in res.output
    assert "Platzvergabe" in res.output and "Plätze" in res.output and "vergeben" in res.output

    again = runner.invoke(main, args)
    assert again.exit_code == 0
    assert "0 Änderung(en)" in again.output
    assert again.output.split("Gespeichert")[0] == res.output.split("Gespeichert")[0]
    with Store(db) as store:
        rows = store.db.execute("SELECT outcome, position, received_source FROM allocations "
                                "WHERE meeting_id = 'gotha' ORDER BY outcome, position").fetchall()
    assert rows == [("seat", 1, "mtime"), ("seat", 2, "mtime"), ("waitlist", 1, "mtime")]


def test_run_allocation_uses_file_time_stored_at_parse(tmp_path: Path, registry: LayoutRegistry) -> None:
    import os
    import shutil

    blank, _ = render_to_bytes("registration", registry)
    inbox = tmp_path / "in"
    inbox.mkdir()
    sheet = inbox / "x.pdf"
    sheet.write_bytes(fill_pypdf(blank, {"name": "Xaver, Xenia", "institution": "X",
                                         "venue_gotha": "1", "email": "x@example.org"}))
    os.utime(sheet, (1523000000, 1523000000))  # 2018-04-06, before the deadline
    db = tmp_path / "db.sqlite"
    run([inbox], Options(db=db, layouts=registry.root))
    shutil.rmtree(inbox)  # the inbox is gone by the time seats are given: the store remembers
    with Store(db) as store:
        applicants, allocs, _ = run_allocation(store, event_with(registry, 40), [tmp_path / "elsewhere"])
        assert applicants[0].received_source == "mtime" and allocs[0].outcome == "seat"
        assert applicants[0].received is not None and int(applicants[0].received.timestamp()) == 1523000000
        # A store without file times (written before they were kept), no folder to look in: unknown.
        store.db.execute("UPDATE records SET file_time = NULL")
        applicants, allocs, _ = run_allocation(store, event_with(registry, 40), [tmp_path / "elsewhere"])
    assert applicants[0].received_source == "unknown" and allocs[0].outcome == "seat"


def test_file_time_orders_but_never_makes_late(registry: LayoutRegistry) -> None:
    ev = event_with(registry, 1)
    after = dt.datetime(2018, 4, 20, 9, 0, tzinfo=dt.UTC)
    early = Applicant("a:1", "ok", "Gotha", after, "mtime", "A", "X")
    later = Applicant("b:1", "ok", "Gotha", after + dt.timedelta(hours=1), "mtime", "B", "Y")
    allocs = {a.key: a for a in allocate(ev, [later, early])}
    assert allocs["a:1"].outcome == "seat" and not allocs["a:1"].late
    assert allocs["b:1"].outcome == "waitlist" and not allocs["b:1"].late
