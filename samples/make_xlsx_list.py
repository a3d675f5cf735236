"""Make the Excel version of the sample mailing list, as an office keeps it: a title line above
the header, postcodes and phone numbers typed as numbers (so Excel dropped the leading zero of
07745), a second sheet with notes. Made from samples/recipients.csv by `make demo`; no binary
file is kept in the repository. Run: .venv/bin/python samples/make_xlsx_list.py OUT.xlsx
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

from formkit.recipients import read_recipients

HEADER = ["ID", "Anrede", "Titel", "Vorname", "Nachname", "Institution", "Funktion", "Straße", "PLZ", "Ort",
          "E-Mail", "Telefon"]


def main(target: Path) -> None:
    recipients, _ = read_recipients(Path(__file__).with_name("recipients.csv"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Verteiler"
    ws.append(["Verteiler Regionaltreffen 2018 (Stand: März 2018)"])
    ws.append([])
    ws.append(HEADER)
    for r in recipients:
        ws.append([r.id if not r.id_assigned else None, r.salutation, r.title, r.first_name, r.last_name,
                   r.institution, r.function, r.street, int(r.postcode) if r.postcode.isdigit() else r.postcode,
                   r.city, r.email, r.phone])
    notes = wb.create_sheet("Hinweise")
    notes.append(["Bitte Änderungen an Frau Offhaus melden."])
    wb.properties.creator = "formkit samples"
    wb.save(target)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("verteiler.xlsx"))
