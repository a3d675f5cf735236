"""`formkit export --format pdf`: the door list of one venue, from a parsed inbox."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from formkit.cli import main
from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.render.document import render_to_bytes
from tests.fill import fill_pypdf


def test_export_attendee_list_pdf(tmp_path: Path, registry: LayoutRegistry) -> None:
    blank, _ = render_to_bytes("registration", registry)
    inbox = tmp_path / "in"
    inbox.mkdir()
    people = [("Zöllner, Zoe", "gotha"), ("Ärmel, Anton", "gotha"), ("Berg, Bea", "schleiz")]
    for i, (name, venue) in enumerate(people):
        (inbox / f"{i}.pdf").write_bytes(fill_pypdf(blank, {
            "name": name, "institution": f"Amt {i}", f"venue_{venue}": "1", "email": f"p{i}@example.org"}))
    db = tmp_path / "db.sqlite"
    run([inbox], Options(db=db, layouts=registry.root))
    out = tmp_path / "liste.pdf"
    runner = CliRunner()
    res = runner.invoke(main, ["export", "--db", str(db), "--format", "pdf", "--venue", "Gotha", "-o", str(out),
                               "--layouts", str(registry.root)])
    assert res.exit_code == 0, res.output
    assert "2 Person(en)" in res.output
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Teilnehmerliste" in text and "Unterschrift" in text
    assert text.index("Ärmel") < text.index("Zöllner") and "Berg" not in text

    res = runner.invoke(main, ["export", "--db", str(db), "--format", "pdf"])
    assert res.exit_code == 2 and "--venue" in res.output
    res = runner.invoke(main, ["export", "--db", str(db)])
    assert res.exit_code == 2 and "Ziel fehlt" in res.output
    res = runner.invoke(main, ["export", "--db", str(db), "--format", "pdf", "--venue", "Paris", "-o", str(out),
                               "--layouts", str(registry.root)])
    assert res.exit_code == 4 and "Paris" in res.output and "Gotha" in res.output
