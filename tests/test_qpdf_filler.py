"""Sheets filled and flattened by qpdf (QA, second pass): its generated appearances cannot encode
letters beyond ASCII and print "?" in their place; the text layer reads exactly that."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.store import Store
from tests.conftest import LAYOUTS
from tests.fill import fill_pypdf


def _qpdf_flatten(pdf: bytes, tmp: Path) -> bytes:
    src, out = tmp / "in.pdf", tmp / "out.pdf"
    src.write_bytes(pdf)
    subprocess.run(["qpdf", "--generate-appearances", "--flatten-annotations=all", str(src), str(out)],
                   check=False, capture_output=True)  # exit 3: warnings only
    return out.read_bytes()


@pytest.mark.slow
def test_a_flattened_sheet_with_question_marks_for_letters_is_never_ok(tmp_path: Path,
                                                                     registry: LayoutRegistry) -> None:
    blank, _ = render_to_bytes("registration", registry, RenderOptions(recipient_id="R0001"))
    values = {"name": "Jürgen Weiß-Öhler", "institution": "Bürgerbüro Gotha", "address": "Markt 1\n99867 Gotha",
              "phone": "03621 1234", "email": "j.weiss@gotha.de", "date": "10.04.2018", "venue_gotha": "1"}
    # What QA's qpdf printed into the appearances (its font could not encode the letters).
    mangled = {**values, "name": "J?rgen Wei?-?hler", "institution": "B?rgerb?ro Gotha"}
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "umlaute.pdf").write_bytes(_qpdf_flatten(fill_pypdf(blank, values), tmp_path))
    (inbox / "fragezeichen.pdf").write_bytes(_qpdf_flatten(fill_pypdf(blank, mangled), tmp_path))
    run([inbox], Options(db=tmp_path / "s.sqlite", layouts=LAYOUTS))
    with Store(tmp_path / "s.sqlite") as store:
        recs = {r.provenance.source: r for r in store.records()}
    assert recs["umlaute.pdf"].values["name"] == "Jürgen Weiß-Öhler"
    bad = recs["fragezeichen.pdf"]
    assert bad.provenance.method == "textlayer" and bad.values["name"] == "J?rgen Wei?-?hler"
    assert bad.status == "review" and "Name: Zeichen nicht lesbar („J?rgen“" in bad.reason, bad.reason
    assert "Institution: Zeichen nicht lesbar" in bad.reason
