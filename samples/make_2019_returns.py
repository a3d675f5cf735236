"""Make the sample returns of the second campaign (lsz-2019) in samples/returns/2019/: two filled
PDFs (pypdf, PyMuPDF) and one fax, so that `make demo` parses two campaigns from one inbox.
Run: .venv/bin/python samples/make_2019_returns.py

Reproducible: the sheets are rendered with invariant=1, the values are fixed, the fax noise is seeded.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formkit.layout.loader import LayoutRegistry  # noqa: E402
from formkit.render.document import RenderOptions, render_to_bytes  # noqa: E402
from tests import corpus as C  # noqa: E402
from tests.fill import fill_pymupdf, fill_pypdf  # noqa: E402

OUT = ROOT / "samples" / "returns" / "2019"

# Blank sheets of the 2019 invitation (no recipient id): the 2019 invitees are not on the sample
# mailing list (samples/recipients.csv is the 2018 round's), and a sheet naming a recipient is a
# packet printed with that person's values, which these are not.
PEOPLE = [
    ("pypdf", None, {"name": "Ronny Vogt", "institution": "Stadt Jena / Jugendhilfeplanung",
                        "address": "Am Anger 26\n07743 Jena", "phone": "03641 49-0",
                        "email": "r.vogt@jena.de", "date": "12.03.2019", "venue_jena": "1"}),
    ("pymupdf", None, {"name": "Ines Wolf", "institution": "Landratsamt Nordhausen / Sozialamt",
                          "address": "Behringstraße 3\n99734 Nordhausen", "phone": "03631 911-0",
                          "email": "i.wolf@lrandh.thueringen.de", "date": "18.03.2019", "venue_nordhausen": "1"}),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    registry = LayoutRegistry(ROOT / "layouts" / "lsz-2019")
    for how, rid, values in PEOPLE:
        sheet, _ = render_to_bytes("registration", registry, RenderOptions(recipient_id=rid))
        pdf = fill_pypdf(sheet, values) if how == "pypdf" else fill_pymupdf(sheet, values)
        (OUT / f"anmeldung-2019-{how}.pdf").write_bytes(pdf)
    sheet, _ = render_to_bytes("registration", registry, RenderOptions(recipient_id=None))
    values = {"name": "Sabine Krause", "institution": "Diakonie Altenburger Land", "address": "Markt 5\n04600 Altenburg",
              "phone": "03447 3120", "email": "s.krause@diakonie-abg.de", "date": "20.03.2019", "venue_altenburg": "1"}
    arr, res = C.fax_page(fill_pypdf(sheet, values), random.Random(2019), "fine", angle=0.9, noise=0.001, darker=0)
    (OUT / "fax-2019-fein.tif").write_bytes(C.tiff_bytes([arr], res, "group4"))
    print(f"{OUT}: {len(list(OUT.iterdir()))} Dateien")


if __name__ == "__main__":
    main()
