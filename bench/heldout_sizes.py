"""A fifth held-out check of the CLI: small type, where a fax's 204 dpi decides what a letter is.

`python -m bench heldout_sizes` types strangers' answers onto the blank sheet in five faces the
reader was never tuned on (Liberation Sans and Serif, the metric clones of Helvetica and Times;
DejaVu Sans and Serif; Liberation Mono) at 7, 8, 9 and 10 pt, faxed fine and normal (Ghostscript's
fax driver), three returners each: 120 returns. The returners are the office rehearsal's own people
(:func:`bench.heldout_office.person`), who are not on the hx-2021 list: the vocabulary cannot help.

Why: at 8 pt a sans face's 'r' and 'n' stand a pixel apart on a fine fax and an umlaut's dots are a
pixel each, so 'rn' can come out as a sure 'm' and 'ü' as a sure 'u' ('Eichhom' for Eichhorn at
0.95, the record `ok`, on the run this module was made from). The bench corpus (`bench scan`) types
9-12 pt and never showed it. Counted as in the other rehearsals, and per size: records `ok` with a
wrong value, values stated sure (>= OCR_OK) and wrong.
"""

from __future__ import annotations

import random
from pathlib import Path

from bench.heldout import gs, overlay
from bench.heldout_office import FONTS, person
from bench.rehearsal import Inbox, Return, print_sure_wrong, rehearse
from formkit.layout.models import FormLayout

FACES = [("Liberation Sans", "liberation2/LiberationSans-Regular.ttf"),
         ("Liberation Serif", "liberation2/LiberationSerif-Regular.ttf"),
         ("DejaVu Sans", "dejavu/DejaVuSans.ttf"),
         ("DejaVu Serif", "dejavu/DejaVuSerif.ttf"),
         ("Liberation Mono", "liberation2/LiberationMono-Regular.ttf")]
SIZES = (7, 8, 9, 10)
MODES = {"fein": "204x196", "normal": "204x98"}
PER_CELL = 3


def build(work: Path, form: FormLayout, rng: random.Random) -> list[Return]:
    box = Inbox(work / "eingang")
    blank = (work / "blank.pdf").read_bytes()
    k = 0
    for size in SIZES:
        for label, font_file in FACES:
            for mode, res in MODES.items():
                for j in range(PER_CELL):
                    values, truth = person(k * 7 + 3, rng.randrange(5))
                    k += 1
                    pdf = overlay(blank, form, values, str(FONTS / font_file), size)
                    # file names unique without their folder: rows are matched to returns by name
                    box.put(f"{size}pt/{label.replace(' ', '_')}-{size}pt-{mode}-{j}.tif", gs(pdf, "tiffg3", res),
                            Return("", f"{size} pt", f"{label} {size} pt, Fax {mode}", truth))
    return box.returns


def checks(returns: list[Return], work: Path) -> None:
    for size in SIZES:
        print(f"{size} pt: ", end="")
        print_sure_wrong([r for r in returns if r.group == f"{size} pt"], work / "formkit.sqlite")


def run() -> None:
    rehearse("fk-sizes-", 2027, build, checks)
