"""Make the faxed sample returns in samples/returns/fax/ for the demo (issue 5).

Typed fine mode, typed normal mode, handwritten, upside down, and a two-page fax with a cover
sheet, each made the way the world makes them (filled by pypdf/PyMuPDF/pdftk, rendered by
Ghostscript's fax driver, skewed, noisy, with the sender's header line), from fixed values and
seeds with :mod:`tests.corpus`. Run: .venv/bin/python samples/make_fax_samples.py
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formkit.recipients import read_recipients  # noqa: E402
from tests import corpus as C  # noqa: E402

OUT = ROOT / "samples" / "returns" / "fax"


def values(name: str, inst: str, address: str, phone: str, email: str, date: str, venue: str) -> dict[str, str]:
    v = {"name": name, "institution": inst, "address": address, "phone": phone, "email": email, "date": date}
    for key in C.VENUES:
        v[key] = "1" if key == venue else ""
    return v


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.tif"):
        old.unlink()
    rng = random.Random(2018)
    # Most returns are the packet's own sheet: prefilled from samples/recipients.csv (so the QR
    # carries the recipient id), phone, date and the venue added by the person before faxing.
    people = {r.id: r for r in read_recipients(ROOT / "samples" / "recipients.csv")[0]}

    def returned(rid: str, phone: str, date: str, venue: str, **changed: str) -> dict[str, str]:
        v = {**people[rid].prefill_values(), "phone": phone, "date": date, **changed}
        return {**v, **{key: "1" if key == venue else "" for key in C.VENUES}}

    a = returned("R0005", "03663 488-0", "03.04.2018", "venue_schleiz")
    # This one typed a new e-mail address over the prefilled one.
    b = returned("R0008", "03685 445-0", "04.04.2018", "venue_gotha", email="u.fuss@lkhbn.de")
    c = returned("R0009", "03675 8710", "06.04.2018", "venue_sonneberg")
    d = returned("R0006", "03632 5410", "09.04.2018", "venue_sondershausen")
    e = values("Günter Öhlschläger", "Landratsamt Kyffhäuserkreis", "Markt 8\n99706 Sondershausen",
               "03632 741-0", "g.oehlschlaeger@kyffhaeuser.de", "10.04.2018", "venue_sondershausen")
    samples = [
        C.typed_fax(1, rng, "fine", values=a, rid="R0005", angle=1.2, noise=0.001, darker=0),
        C.typed_fax(2, rng, "normal", values=b, rid="R0008", angle=-0.8, noise=0.001, darker=0),
        C.typed_fax(3, rng, "fine", values=c, rid="R0009", angle=-2.0, noise=0.001, darker=0, quarter=2),
        C.handwritten(4, rng, fax=True, mode="fine", values=e, rid="R0007"),
    ]
    names = ["fax-fein-getippt", "fax-normal-getippt", "fax-kopfueber", "fax-handschrift"]
    for s, name in zip(samples, names, strict=True):
        s.name = name
        print(s.write(OUT))
    cover_src = C.typed_fax(5, rng, "fine", values=d, rid="R0006", angle=0.7, noise=0.001, darker=0)
    frames = C._frames(cover_src.data)
    tif = C.tiff_bytes([C.cover_sheet(rng, C.FINE)] + frames, C.FINE, "group4")
    target = OUT / "fax-mit-deckblatt.tif"
    target.write_bytes(tif)
    print(target)


if __name__ == "__main__":
    main()
