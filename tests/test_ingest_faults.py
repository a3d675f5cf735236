"""Regression tests of issue 10: every path given or found is a source, a rejected row or a counted skip."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formkit.ingest import escape_label, iter_sources, split_mbox, unescape_label
from formkit.pipeline import Options, run
from tests.test_ingest import make_mail


@given(st.binary(min_size=1, max_size=40))
def test_escaped_label_gives_back_the_bytes(raw: bytes) -> None:
    label = escape_label(os.fsdecode(raw))
    label.encode("utf-8")  # storable
    assert unescape_label(label) == raw


def test_valid_names_stay_as_written() -> None:
    assert escape_label("Anmeldung Groß (2).pdf") == "Anmeldung Groß (2).pdf"


def test_non_utf8_file_name_is_stored_and_exported(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / os.fsdecode(b"bad\xff.pdf")).write_bytes(b"%PDF-1.4 kaputt")
    (inbox / "gut.pdf").write_bytes(b"%PDF-1.4 auch kaputt")
    csv = tmp_path / "out.csv"
    opts = Options(db=tmp_path / "db.sqlite", csv=csv)
    summary = run([inbox], opts)
    assert summary.inputs == 2 and summary.by_status["rejected"] == 2
    text = csv.read_text("utf-8")
    assert "bad\\xff.pdf" in text and "gut.pdf" in text
    # A second run finds both stored: the batch is not stopped, nothing is added twice.
    again = run([inbox], opts)
    assert again.already_stored == 2


def test_unreadable_folder_is_a_row_and_the_batch_goes_on() -> None:
    """Run as an unprivileged user (tests run as root here, for whom chmod 000 means nothing)."""
    root = Path(tempfile.mkdtemp(prefix="fk-locked-"))
    try:
        (root / "a.pdf").write_bytes(b"%PDF-1.4 a")
        (root / "locked").mkdir()
        (root / "locked" / "x.pdf").write_bytes(b"%PDF-1.4 x")
        (root / "z").mkdir()
        (root / "z" / "z.pdf").write_bytes(b"%PDF-1.4 z")
        (root / "secret.pdf").write_bytes(b"%PDF-1.4 s")
        for p in (root, root / "z"):
            p.chmod(0o755)
        for p in (root / "a.pdf", root / "z" / "z.pdf"):
            p.chmod(0o644)
        (root / "locked").chmod(0o000)
        (root / "secret.pdf").chmod(0o000)
        code = ("import json, sys; from pathlib import Path; from formkit.ingest import iter_sources; "
                "print(json.dumps([[s.label, s.error] for s in iter_sources([Path(sys.argv[1])])]))")
        cmd = [sys.executable, "-c", code, str(root)]
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("setpriv fehlt")
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(__file__).parent.parent, timeout=60)
        assert proc.returncode == 0, proc.stderr
        rows = dict(json.loads(proc.stdout))
        assert rows["a.pdf"] is None and rows["z/z.pdf"] is None
        assert rows["locked"].startswith("Ordner nicht lesbar")
        assert rows["secret.pdf"].startswith("Datei nicht lesbar")
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(root)


def test_links_to_folders_and_empty_folders_are_accounted_for(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    (inbox / "x.pdf").mkdir(parents=True)  # an empty folder that looks like a PDF
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "e.pdf").write_bytes(b"%PDF-1.4 e")
    (inbox / "link").symlink_to(tmp_path / "elsewhere")
    (inbox / "ok.pdf").write_bytes(b"%PDF-1.4 ok")
    by_label = {s.label: s for s in iter_sources([inbox])}
    assert by_label["x.pdf"].skipped == "leerer Ordner" and by_label["x.pdf"].error is None
    assert by_label["link"].error and "Verknüpfung auf einen Ordner" in by_label["link"].error
    assert by_label["ok.pdf"].error is None
    summary = run([inbox], Options(db=tmp_path / "db.sqlite"))
    assert summary.skipped == {"leerer Ordner": 1}
    assert summary.by_status["rejected"] == 2  # the link, and ok.pdf (no form in it)


def test_every_message_after_a_malformed_separator_yields_rows(tmp_path: Path) -> None:
    a = make_mail([("a.pdf", "application/pdf", b"%PDF-1 a")], sender="a@example.de").as_bytes()
    b = make_mail([("b.pdf", "application/pdf", b"%PDF-1 b")], sender="b@example.de").as_bytes()
    c = make_mail([("c.pdf", "application/pdf", b"%PDF-1 c")], sender="c@example.de").as_bytes()
    data = (b"From a@example.de Tue Apr 10 09:15:00 2018\n" + a + b"\n"
            + b"From_b@example.de\n" + b + b"\n"  # broken: no space after From
            + b"From\n" + c + b"\n")  # broken: nothing after From
    assert len(split_mbox(data)) == 3
    (tmp_path / "inbox.mbox").write_bytes(data)
    sources = list(iter_sources([tmp_path / "inbox.mbox"]))
    assert [(s.label.rsplit("/", 1)[-1], s.data) for s in sources] == [
        ("inbox.mbox#1#a.pdf", b"%PDF-1 a"), ("inbox.mbox#2#b.pdf", b"%PDF-1 b"), ("inbox.mbox#3#c.pdf", b"%PDF-1 c")]


def test_a_from_line_in_a_body_is_no_separator() -> None:
    body = b"From a@x Tue Apr 10 09:15:00 2018\nSubject: s\n\nHallo\n\nFrom Gotha kommend\nbis bald\n"
    assert len(split_mbox(body)) == 1
