"""`formkit debug` on a page that is no registration sheet says so once (QA of issue 9)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from PIL import Image, ImageDraw

from formkit.cli import main

from .conftest import LAYOUTS


def test_debug_of_a_page_without_qr_or_marks_says_kein_anmeldebogen_once(tmp_path: Path) -> None:
    path = tmp_path / "brief.png"
    page = Image.new("L", (1700, 2200), 255)  # a scanned page with lines, no QR code, no marks
    draw = ImageDraw.Draw(page)
    for y in range(300, 1800, 60):
        draw.line((200, y, 1500, y), fill=0, width=3)
    page.save(path, dpi=(200, 200))
    res = CliRunner().invoke(main, ["debug", str(path), "--layouts", str(LAYOUTS)])
    assert res.exit_code == 0, res.output
    first = res.output.splitlines()[0]
    assert first.startswith("Seite 1: kein Anmeldebogen: weder QR-Code noch Passmarken"), res.output
    assert first.count("kein Anmeldebogen") == 1, first
