"""Make the sample returns in samples/returns/email/: filled PDFs (pypdf, PyMuPDF, pdftk, one flattened)
and one .eml carrying a PDF attachment. Run: .venv/bin/python samples/make_email_returns.py

Reproducible: the sheet is rendered with invariant=1 and the values are fixed.
"""

from __future__ import annotations

import sys
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formkit.layout.loader import LayoutRegistry  # noqa: E402
from formkit.render.document import RenderOptions, render_to_bytes  # noqa: E402
from tests.fill import fill_pdftk, fill_pymupdf, fill_pypdf  # noqa: E402

OUT = ROOT / "samples" / "returns" / "email"

PEOPLE = [
    ("pypdf", {"name": "Jürgen Weiß", "institution": "Gemeinde Großbreitenbach / Bürgermeister",
               "address": "Markt 1\n98701 Großbreitenbach", "phone": "036781 4120",
               "email": "j.weiss@grossbreitenbach.de", "date": "05.04.2018", "venue_sonneberg": "1"}),
    ("pymupdf", {"name": "Käthe Groß", "institution": "Landratsamt Gotha / Jugendamt",
                 "address": "18.-März-Straße 50\n99867 Gotha", "phone": "03621 214-0",
                 "email": "k.gross@landkreis-gotha.de", "date": "06.04.2018", "venue_gotha": "1"}),
    ("pdftk", {"name": "Björn Ölschläger", "institution": "Stadt Sondershausen / Sozialamt",
               "address": "Markt 7\n99706 Sondershausen", "phone": "+49 3632 622-0",
               "email": "b.oelschlaeger@sondershausen.de", "date": "09.04.2018", "venue_sondershausen": "1"}),
    ("flattened", {"name": "Grete Maßmann", "institution": "Familienzentrum Schleiz e. V.",
                   "address": "Bahnhofstraße 3\n07907 Schleiz", "phone": "03663 4800",
                   "email": "info@fz-schleiz.de", "date": "10.04.2018", "venue_schleiz": "1"}),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    registry = LayoutRegistry(ROOT / "layouts" / "lsz-2018")
    for i, (how, values) in enumerate(PEOPLE, start=1):
        sheet, _ = render_to_bytes("registration", registry, RenderOptions(recipient_id=f"LSZ-{i:04d}"))
        if how == "pypdf":
            pdf = fill_pypdf(sheet, values)
        elif how == "pymupdf":
            pdf = fill_pymupdf(sheet, values)
        else:
            pdf = fill_pdftk(sheet, values, flatten=how == "flattened")
        (OUT / f"anmeldung-{how}.pdf").write_bytes(pdf)

    inv, _ = render_to_bytes("invitation", registry, RenderOptions(recipient_id="LSZ-0005"))
    attachment = fill_pypdf(inv, {"name": "Anna Schön", "institution": "Gemeinde Ilmenau / Kämmerei",
                                  "address": "Am Markt 7\n98693 Ilmenau", "phone": "03677 600-0",
                                  "email": "a.schoen@ilmenau.de", "date": "12.04.2018", "venue_gotha": "1"})
    msg = EmailMessage()
    msg["From"] = "Anna Schön <a.schoen@ilmenau.de>"
    msg["To"] = "Familie.eins.99@tmasgff.thueringen.de"
    msg["Subject"] = "Anmeldung Regionaltreffen Gotha"
    msg["Date"] = "Thu, 12 Apr 2018 08:30:00 +0200"  # one day after the deadline: flagged for review
    msg["Message-ID"] = "<anmeldung-0005@ilmenau.de>"
    msg.set_content("Sehr geehrte Damen und Herren,\n\nanbei meine Anmeldung.\n\nMit freundlichen Grüßen\nAnna Schön\n")
    msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="Einladung ausgefüllt.pdf")
    (OUT / "anmeldung-schoen.eml").write_bytes(bytes(msg))
    print(f"{OUT}: {len(list(OUT.iterdir()))} Dateien")


if __name__ == "__main__":
    main()
