"""The batch end to end: render → fill with other tools → parse → store → CSV, and the CLI."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit import pipeline
from formkit.cli import main
from formkit.export import unsafe_cell
from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.render.document import RenderOptions, render_to_bytes
from tests import returns
from tests.fill import fill_pdftk, fill_pymupdf, fill_pypdf
from tests.test_ingest import make_mail

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""), delimiter=delimiter))


def record_rows(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return sorted(con.execute(
            "SELECT sha256, page, source, status, reason, method, recipient_id, values_json, match_id FROM records"))
    finally:
        con.close()


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory, registration_pdf: bytes, registry: LayoutRegistry) -> Path:
    """Returns as the office gets them: filled by three tools, flattened, the whole invitation, e-mail, junk."""
    d = tmp_path_factory.mktemp("inbox")
    (d / "pdf").mkdir()
    (d / "pdf" / "pypdf.pdf").write_bytes(fill_pypdf(registration_pdf, returns.values(0, "venue_sonneberg")))
    (d / "pdf" / "pymupdf.pdf").write_bytes(fill_pymupdf(registration_pdf, returns.values(1, "venue_gotha")))
    (d / "pdf" / "pdftk.pdf").write_bytes(fill_pdftk(registration_pdf, returns.values(2, "venue_sondershausen")))
    (d / "pdf" / "flach.pdf").write_bytes(fill_pdftk(registration_pdf, returns.values(3, "venue_schleiz"),
                                                     flatten=True))
    inv, _ = render_to_bytes("invitation", registry, RenderOptions(recipient_id="LSZ-0007"))
    (d / "pdf" / "einladung.pdf").write_bytes(fill_pypdf(inv, returns.values(4, "venue_gotha", email="kein-at.de")))
    both = returns.values(5, "venue_gotha", venue_schleiz="1", phone="=1+2")
    (d / "pdf" / "zwei-orte.pdf").write_bytes(fill_pypdf(registration_pdf, both))
    (d / "pdf" / "kein-ort.pdf").write_bytes(fill_pypdf(registration_pdf, returns.values(6, "")))
    # The same person as pypdf.pdf again (different file): a duplicate for review.
    (d / "pdf" / "wieder.pdf").write_bytes(fill_pymupdf(registration_pdf, returns.values(0, "venue_sonneberg",
                                                                                          date="11.04.2018")))
    late = make_mail([("anmeldung.pdf", "application/pdf",
                       fill_pypdf(registration_pdf, returns.values(7, "venue_schleiz")))],
                     date="Mon, 16 Apr 2018 10:00:00 +0200", sender="spaet@example.de")
    (d / "spaet.eml").write_bytes(late.as_bytes())
    bad = d / "kaputt"
    bad.mkdir()
    (bad / "leer.pdf").write_bytes(b"")
    (bad / "notiz.txt").write_text("Bitte melden Sie mich an.")
    (bad / "abgeschnitten.pdf").write_bytes(registration_pdf[: len(registration_pdf) // 3])
    (bad / "passwort.pdf").write_bytes(returns.encrypted(registration_pdf))
    (bad / "fremd.pdf").write_bytes(returns.foreign_form())
    (bad / "seiten.pdf").write_bytes(returns.blank_pages(150))
    (bad / "bombe.pdf").write_bytes(returns.decompression_bomb())
    (bad / "tief.pdf").write_bytes(returns.deep_nesting())
    (bad / "brief.pdf").write_bytes(returns.blank_pages(2))
    return d


EXPECTED = {
    "pdf/pypdf.pdf": ("ok", "acroform", "Sonneberg"),
    "pdf/pymupdf.pdf": ("ok", "acroform", "Gotha"),
    "pdf/pdftk.pdf": ("ok", "acroform", "Sondershausen"),
    "pdf/flach.pdf": ("ok", "textlayer", "Schleiz"),
    "pdf/einladung.pdf": ("review", "acroform", "Gotha"),
    "pdf/zwei-orte.pdf": ("review", "acroform", "Gotha|Schleiz"),
    "pdf/kein-ort.pdf": ("review", "acroform", ""),
    "pdf/wieder.pdf": ("review", "acroform", "Sonneberg"),
    "spaet.eml#anmeldung.pdf": ("review", "acroform", "Schleiz"),
}
REJECTED = {
    "kaputt/leer.pdf": "leer",
    "kaputt/notiz.txt": "weder PDF noch Bild",
    "kaputt/abgeschnitten.pdf": "beschädigt",
    "kaputt/passwort.pdf": "Passwort",
    "kaputt/fremd.pdf": "fremdes Formular",
    "kaputt/seiten.pdf": "zu viele Seiten",
    "kaputt/bombe.pdf": "Sicherheitsgrenze",
    "kaputt/tief.pdf": "verschachtelt|beschädigt",
    "kaputt/brief.pdf": "kein Anmeldeformular gefunden",
}


def test_inbox_every_file_a_row_with_reason(inbox: Path, tmp_path: Path) -> None:
    db, out = tmp_path / "r.sqlite", tmp_path / "r.csv"
    summary = run([inbox], Options(db=db, csv=out))
    rows = {r["source"]: r for r in read_csv(out)}
    assert set(rows) == set(EXPECTED) | set(REJECTED)
    for source, (status, method, venue) in EXPECTED.items():
        r = rows[source]
        assert (r["status"], r["method"], r["venue"]) == (status, method, venue), r
        assert (r["reason"] == "") == (status == "ok"), r
    for source, reason in REJECTED.items():
        r = rows[source]
        assert r["status"] == "rejected" and r["page"] == "" and __import__("re").search(reason, r["reason"]), r
    assert rows["pdf/flach.pdf"]["address"] == returns.values(3)["address"]
    assert rows["pdf/pymupdf.pdf"]["name"] == "Käthe Groß"
    inv = rows["pdf/einladung.pdf"]
    assert inv["page"] == "5" and inv["recipient_id"] == "LSZ-0007" and "E-Mail-Adresse ungültig" in inv["reason"]
    assert "mehrere Orte" in rows["pdf/zwei-orte.pdf"]["reason"]
    assert unsafe_cell(rows["pdf/zwei-orte.pdf"]["phone"]) == "=1+2"
    assert "kein Ort" in rows["pdf/kein-ort.pdf"]["reason"]
    assert "doppelte Anmeldung" in rows["pdf/wieder.pdf"]["reason"] and "pdf/pypdf.pdf" in rows["pdf/wieder.pdf"]["reason"]
    late = rows["spaet.eml#anmeldung.pdf"]
    assert "Anmeldeschluss" in late["reason"] and late["sender"] == "spaet@example.de"
    assert late["received"].startswith("2018-04-16")
    assert summary.pages_without_form == 4 + 2 + 1  # invitation pages 1-4, the 2-page letter, the foreign form
    assert summary.by_status == {"ok": 4, "review": 5, "rejected": 9}

    # Parsing the same inbox again adds nothing and reports the same rows.
    before = record_rows(db)
    again = run([inbox], Options(db=db, csv=tmp_path / "r2.csv"))
    assert record_rows(db) == before
    assert again.already_stored == len(EXPECTED) + len(REJECTED)
    assert read_csv(tmp_path / "r2.csv") == read_csv(out)


def test_workers_give_the_same_records(inbox: Path, tmp_path: Path) -> None:
    run([inbox], Options(db=tmp_path / "one.sqlite"))
    run([inbox], Options(db=tmp_path / "two.sqlite", workers=2))
    assert record_rows(tmp_path / "one.sqlite") == record_rows(tmp_path / "two.sqlite")


def test_recipients_match_kept_beside_what_was_read(inbox: Path, tmp_path: Path) -> None:
    lst = tmp_path / "empfaenger.csv"
    lst.write_text("ID;Anrede;Vorname;Nachname;Institution;E-Mail\n"
                   "LSZ-0001;Frau;Käthe;Groß;Stadtverwaltung Großbreitenbach;k@example.de\n"
                   "LSZ-0002;Herr;Otto;Normal;Landratsamt Gotha;o@example.de\n", encoding="utf-8")
    out = tmp_path / "m.csv"
    run([inbox / "pdf" / "pymupdf.pdf"], Options(db=tmp_path / "m.sqlite", csv=out, recipients=lst))
    (row,) = read_csv(out)
    assert row["match_id"] == "LSZ-0001" and float(row["match_score"]) >= 80
    assert row["name"] == "Käthe Groß" and row["recipient_id"] == ""


def test_corpus_every_file_accounted_for_none_ours(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus fehlt")
    files = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file())
    out = tmp_path / "c.csv"
    t = time.monotonic()
    run([CORPUS], Options(db=tmp_path / "c.sqlite", csv=out, workers=2, file_timeout_s=30))
    assert time.monotonic() - t < 120
    rows = read_csv(out)
    con = sqlite3.connect(tmp_path / "c.sqlite")
    stored = {s for (s,) in con.execute("SELECT source FROM sources")}
    # Every file is a stored source (files with identical content share one row).
    import hashlib

    by_hash: dict[str, list[str]] = {}
    for f in files:
        by_hash.setdefault(hashlib.sha256((CORPUS / f).read_bytes()).hexdigest(), []).append(f)
    assert all(any(f in stored for f in group) for group in by_hash.values())
    assert all(r["status"] == "rejected" and r["reason"] for r in rows), [r for r in rows if r["status"] != "rejected"]


# --- interrupted run ---------------------------------------------------------------------------


def test_kill_9_midway_then_rerun_gives_the_same_records(tmp_path: Path, registration_pdf: bytes) -> None:
    inbox = tmp_path / "viele"
    inbox.mkdir()
    # Distinct files (a trailing comment changes the hash); the same person, so duplicates are
    # flagged too, which makes the result depend on the order: a good test of determinism.
    base = fill_pypdf(registration_pdf, returns.values(0))
    n = 120
    for i in range(n):
        (inbox / f"{i:03d}.pdf").write_bytes(base + f"\n% copy {i}\n".encode())
    full, cut = tmp_path / "full.sqlite", tmp_path / "cut.sqlite"
    run([inbox], Options(db=full))
    # The run is killed at a fixed point, no timing involved: in a forked child, SIGKILL at the
    # 70th record, i.e. after two transactions of COMMIT_EVERY sources and midway through the third.
    kill_at = 2 * pipeline.COMMIT_EVERY + 6

    def killed_run() -> None:
        from formkit.store import Store

        real_add = Store.add_record
        calls = 0

        def add_record(self, rec):  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            if calls == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            real_add(self, rec)

        Store.add_record = add_record  # type: ignore[method-assign]
        run([inbox], Options(db=cut))

    child = multiprocessing.get_context("fork").Process(target=killed_run)
    child.start()
    child.join(120)
    assert child.exitcode == -signal.SIGKILL
    con = sqlite3.connect(cut)
    partial = con.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
    con.close()
    assert partial == 2 * pipeline.COMMIT_EVERY  # whole transactions only
    run([inbox], Options(db=cut))
    assert record_rows(cut) == record_rows(full)
    assert len(record_rows(full)) == n


# --- the CLI -----------------------------------------------------------------------------------


def test_cli_parse_and_export(inbox: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "cli.sqlite"
    res = runner.invoke(main, ["parse", str(inbox / "pdf"), "--db", str(db), "--csv", str(tmp_path / "p.csv")])
    assert res.exit_code == 0, res.output
    assert "in Ordnung  (ok): 4" in res.output and "zu prüfen   (review): 4" in res.output
    assert "Seiten ohne Formular: 4" in res.output
    res = runner.invoke(main, ["export", "--db", str(db), "--csv", str(tmp_path / "g.csv"), "--dialect", "excel-de",
                               "--venue", "gotha"])
    assert res.exit_code == 0, res.output
    raw = (tmp_path / "g.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(tmp_path / "g.csv", ";")
    assert sorted(r["source"] for r in rows) == ["einladung.pdf", "pymupdf.pdf", "zwei-orte.pdf"]


def test_cli_errors_have_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["export", "--db", str(tmp_path / "fehlt.sqlite"), "--csv", str(tmp_path / "x.csv")])
    assert res.exit_code == 4 and "Datenbank nicht gefunden" in res.output
    res = runner.invoke(main, ["parse", str(tmp_path / "gibtsnicht.pdf")])
    assert res.exit_code == 2
    bad_db = tmp_path / "kaputt.sqlite"
    bad_db.write_bytes(b"no database here" * 200)
    (tmp_path / "x.pdf").write_bytes(b"")
    res = runner.invoke(main, ["parse", str(tmp_path / "x.pdf"), "--db", str(bad_db)])
    assert res.exit_code == 8 and "Datenbank" in res.output


def test_commands_have_help() -> None:
    for name in ("parse", "export"):
        assert main.commands[name].help


# --- hostile e-mail ----------------------------------------------------------------------------


def test_malformed_mail_header_is_a_row_not_a_crash(tmp_path: Path, registration_pdf: bytes) -> None:
    from tests.test_ingest import hostile_from

    inbox = tmp_path / "eingang"
    inbox.mkdir()
    good = fill_pypdf(registration_pdf, returns.values(0, "venue_gotha"))
    (inbox / "gut.pdf").write_bytes(good)
    (inbox / "kaputt.eml").write_bytes(hostile_from(make_mail([])))
    out = tmp_path / "h.csv"
    res = CliRunner().invoke(main, ["parse", str(inbox), "--db", str(tmp_path / "h.sqlite"), "--csv", str(out)])
    assert res.exit_code == 0, res.output
    rows = {r["source"]: r for r in read_csv(out)}
    assert set(rows) == {"gut.pdf", "kaputt.eml"}
    assert rows["gut.pdf"]["status"] == "ok" and rows["gut.pdf"]["venue"] == "Gotha"
    # Subject "Anmeldung Regionaltreffen", no attachment: the mail goes to a person (read.mailtext).
    assert rows["kaputt.eml"]["status"] == "review" and "E-Mail-Text" in rows["kaputt.eml"]["reason"]


def test_identical_bytes_each_get_a_row(tmp_path: Path, registration_pdf: bytes) -> None:
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    pdf = fill_pypdf(registration_pdf, returns.values(0, "venue_gotha"))
    for i in range(6):
        mail = make_mail([("anmeldung.pdf", "application/pdf", pdf)], sender=f"s{i}@example.de")
        (inbox / f"m{i}.eml").write_bytes(mail.as_bytes())
    db, out = tmp_path / "d.sqlite", tmp_path / "d.csv"
    summary = run([inbox], Options(db=db, csv=out))
    rows = read_csv(out)
    assert [r["source"] for r in rows] == [f"m{i}.eml#anmeldung.pdf" for i in range(6)]
    assert rows[0]["status"] == "ok" and rows[0]["venue"] == "Gotha"
    for r in rows[1:]:
        assert r["status"] == "rejected" and r["reason"] == "gleicher Inhalt wie m0.eml#anmeldung.pdf", r
    assert rows[3]["sender"] == "s3@example.de"
    assert summary.same_content == 5 and summary.by_status == {"ok": 1, "rejected": 5}
    # A re-run adds nothing and reports the same rows.
    before = record_rows(db)
    again = run([inbox], Options(db=db, csv=tmp_path / "d2.csv"))
    assert record_rows(db) == before
    assert again.same_content == 5 and again.already_stored == 1
    assert read_csv(tmp_path / "d2.csv") == rows


# --- a recognised sheet that cannot be read ------------------------------------------------------


@pytest.fixture(scope="module")
def version9_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The registration sheet as a version 9 that the project's layouts do not know."""
    import re
    import shutil

    layouts = tmp_path_factory.mktemp("layouts9") / "layouts"
    shutil.copytree(ROOT / "layouts" / "lsz-2018", layouts)
    sheet = layouts / "registration.yaml"
    text, n = re.subn(r"(?m)^version: 1$", "version: 9", sheet.read_text("utf-8"))
    assert n == 1
    sheet.write_text(text, "utf-8")
    data, _ = render_to_bytes("registration", LayoutRegistry(layouts))
    return fill_pypdf(data, returns.values(1, "venue_gotha"))


@pytest.mark.filterwarnings("ignore:.*form (fields|widget)")  # pikepdf on pages copied without their AcroForm
def test_unknown_version_is_rejected_with_its_reason(tmp_path: Path, version9_pdf: bytes,
                                                     registration_pdf: bytes) -> None:
    import io as _io

    import pikepdf

    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "v9.pdf").write_bytes(version9_pdf)
    both = pikepdf.Pdf.new()
    for data in (fill_pypdf(registration_pdf, returns.values(0, "venue_gotha")), version9_pdf):
        both.pages.extend(pikepdf.Pdf.open(_io.BytesIO(data)).pages)
    buf = _io.BytesIO()
    both.save(buf)
    (inbox / "zwei.pdf").write_bytes(buf.getvalue())
    out = tmp_path / "v.csv"
    summary = run([inbox], Options(db=tmp_path / "v.sqlite", csv=out))
    rows = [(r["source"], r["page"], r["status"], r["reason"]) for r in read_csv(out)]
    unknown = "unbekannte Formularversion registration v9 der Veranstaltung lsz-2018 (vorhanden: "
    assert [r[:3] for r in rows] == [("v9.pdf", "1", "rejected"), ("zwei.pdf", "1", "ok"), ("zwei.pdf", "2", "rejected")]
    assert rows[0][3].startswith(unknown) and rows[2][3].startswith(unknown) and rows[1][3] == ""
    assert summary.pages_without_form == 0


# --- a worker crash ------------------------------------------------------------------------------


def test_worker_crash_blames_only_the_file_that_caused_it(tmp_path: Path, registration_pdf: bytes,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real = pipeline.process

    def process(job, timeout_s=60):  # type: ignore[no-untyped-def]
        if "absturz" in job.label:
            os._exit(1)  # a crash of the worker process (segfault, OOM kill)
        return real(job, timeout_s)

    # Both files go to a worker in one batch (BATCH > 2): the good one is read and in flight when
    # the worker dies on the other, so the pool must retry them alone to tell them apart; no sleep.
    monkeypatch.setattr(pipeline, "process", process)  # inherited by the forked workers
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "a-gut.pdf").write_bytes(fill_pypdf(registration_pdf, returns.values(0, "venue_gotha")))
    (inbox / "b-absturz.pdf").write_bytes(b"%PDF-1.4 crash")
    out = tmp_path / "w.csv"
    run([inbox], Options(db=tmp_path / "w.sqlite", csv=out, workers=2))
    rows = {r["source"]: (r["status"], r["reason"]) for r in read_csv(out)}
    assert rows == {"a-gut.pdf": ("ok", ""), "b-absturz.pdf": ("rejected", "Leseprozess abgestürzt")}


def test_cli_unwritable_outputs_are_messages_not_tracebacks(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "x.pdf").write_bytes(b"")
    db = tmp_path / "k.sqlite"
    for args, code, path in (
            (["parse", str(tmp_path / "x.pdf"), "--db", str(db), "--csv", "/proc/nope/x.csv"], 4, "/proc/nope/x.csv"),
            (["parse", str(tmp_path / "x.pdf"), "--db", "/proc/nope/k.sqlite"], 8, "/proc/nope/k.sqlite"),
            (["parse", str(tmp_path / "x.pdf"), "--db", str(db)], 0, str(db)),
            (["export", "--db", str(db), "--csv", "/proc/x.csv"], 4, "/proc/x.csv")):
        res = runner.invoke(main, args)
        assert res.exit_code == code, (args, res.output)
        assert "Traceback" not in res.output and path in res.output, (args, res.output)
        assert not isinstance(res.exception, OSError), (args, res.exception)
