"""Issue 10: packets never write through planted links; long names cost linear time."""

from __future__ import annotations

import os
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth

from formkit.packets import make_packets
from formkit.render.fonts import REGULAR, register_fonts
from formkit.render.letter import _fit_line

ROOT = Path(__file__).resolve().parents[1]
ONE = "ID;Anrede;Vorname;Nachname;Institution;Straße;PLZ;Ort\r\nR0001;Frau;Anna;Müller;Amt;Weg 1;99867;Gotha\r\n"


def test_packets_never_write_through_planted_links(tmp_path: Path) -> None:
    src = tmp_path / "liste.csv"
    src.write_text(ONE, "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    victims = {}
    for name in ("print.pdf.part", "manifest.csv.part", "R0001-mueller-anna.pdf.part", "print.pdf", "manifest.csv"):
        victim = tmp_path / f"opfer-{name}"
        victim.write_text("unverändert", "utf-8")
        (out / name).symlink_to(victim)
        victims[name] = victim
    summary = make_packets(src, out, layouts_dir=ROOT / "layouts" / "lsz-2018", workers=1)
    assert summary.packets == 1
    for victim in victims.values():
        assert victim.read_text("utf-8") == "unverändert"
    for name in ("print.pdf", "manifest.csv", "R0001-mueller-anna.pdf"):
        assert (out / name).is_file() and not (out / name).is_symlink()
    assert (out / "print.pdf").read_bytes().startswith(b"%PDF-")
    assert oct(os.stat(out / "print.pdf").st_mode & 0o777) != oct(0o600)  # as open() makes files
    assert not [p for p in out.iterdir() if p.name.endswith(".part") and not p.is_symlink()]


class CountingCanvas:
    def __init__(self) -> None:
        self.calls = 0

    def stringWidth(self, text: str, font: str, size: float) -> float:  # noqa: N802 - reportlab name
        self.calls += 1
        return stringWidth(text, font, size)


def test_cutting_a_long_line_takes_logarithmically_many_measurements() -> None:
    register_fonts()
    c = CountingCanvas()
    text, size = _fit_line(c, "A" * 10_000, REGULAR, 10.0, 200.0)  # type: ignore[arg-type]
    assert text.endswith("…") and stringWidth(text, REGULAR, size) <= 200.0
    assert stringWidth(text[:-1] + "A…", REGULAR, size) > 200.0  # the longest prefix that fits
    assert c.calls < 40  # was one measurement per character cut (10,000)
