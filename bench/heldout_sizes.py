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
wrong value, values stated sure (>= OCR_OK) and wrong. Then the same with ten returners of their own
(FRESH), whom no rule was measured on before they ran.
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


# A second pool of returners that no rule was measured on before it ran (issue 11's sixth round: it
# found 'Manuela Bruckner' read 0.97 for Brückner at 7 pt). Names, institutions and streets of their own.
FRESH = [
    {"name": "Hannelore Wiesenthal", "institution": "Diakoniewerk Gotha, Beratungsstelle für Familien",
     "address": "Waltershäuser Straße 12\n99867 Gotha", "phone": "03621 30594-12",
     "email": "h.wiesenthal@diakonie-gotha.de"},
    {"name": "Prof. Dr. Erdmute Schellhorn", "institution": "Fachhochschule Nordhausen, Sozialwesen",
     "address": "Weinberghof 4\n99734 Nordhausen", "phone": "03631 420-515", "email": "schellhorn@hs-nordhausen.de"},
    {"name": "Brückner, Torsten", "institution": "Kreisverwaltung Wartburgkreis / Jugendhilfeplanung",
     "address": "Erzberger Allee 14\n36433 Bad Salzungen", "phone": "03695 615-201",
     "email": "t.brueckner@wartburgkreis.de"},
    {"name": "Yvonne Kretzschmar", "institution": "Arbeiterwohlfahrt Ortsverein Pößneck",
     "address": "Breite Straße 3\n07381 Pößneck", "phone": "03647 41 92 80", "email": "kretzschmar@awo-poessneck.de"},
    {"name": "Dietmar Hellwig", "institution": "Evangelisch-Lutherisches Pfarramt Zella-Mehlis",
     "address": "Kirchstraße 5\n98544 Zella-Mehlis", "phone": "03682 40315", "email": "pfarramt.zella@ekmd.de"},
    {"name": "Annegret Fröbel-Lindner", "institution": "Mehrgenerationenhaus Sonneberg / Koordination",
     "address": "Köppelsdorfer Straße 86\n96515 Sonneberg", "phone": "03675 894410", "email": "froebel@mgh-sonneberg.de"},
    {"name": "Ralf Göpfert", "institution": "Stadtverwaltung Schleiz, Fachdienst Soziales",
     "address": "Bahnhofstraße 1\n07907 Schleiz", "phone": "03663 4821-30", "email": "r.goepfert@schleiz.de"},
    {"name": "Cornelia Wünschmann", "institution": "Landratsamt Greiz, Sozialplanung",
     "address": "Dr.-Rathenau-Platz 11\n07973 Greiz", "phone": "03661 876-455",
     "email": "c.wuenschmann@landkreis-greiz.de"},
    {"name": "Steffen Heßler", "institution": "Gemeinde Ichtershausen / Bürgermeister",
     "address": "Rudolstädter Straße 2\n99334 Amt Wachsenburg", "phone": "03628 91040", "email": "hessler@wachsenburg.de"},
    {"name": "Margitta Pfeifer", "institution": "Seniorenbeirat Bad Langensalza",
     "address": "Marktstraße 1\n99947 Bad Langensalza", "phone": "03603 859-112", "email": "pfeifer@bad-langensalza.de"},
]
FRESH_FIRSTS = ["Birgit", "Holger", "Kerstin", "Lutz", "Manuela", "Norbert", "Sindy", "Thilo", "Ulrike", "Enrico"]


def build(work: Path, form: FormLayout, rng: random.Random, fresh: bool = False) -> list[Return]:
    box = Inbox(work / "eingang")
    blank = (work / "blank.pdf").read_bytes()
    k = 0
    for size in SIZES:
        for label, font_file in FACES:
            for mode, res in MODES.items():
                for j in range(PER_CELL):
                    values, truth = person(k * 7 + 3, rng.randrange(5), people=FRESH if fresh else None,
                                           firsts=FRESH_FIRSTS if fresh else None)
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
    print("\nDasselbe mit zehn anderen Rücksendern (FRESH):", flush=True)
    rehearse("fk-sizes-fresh-", 2027, lambda work, form, rng: build(work, form, rng, fresh=True), checks)
