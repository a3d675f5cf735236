"""scan.witness.agrees: what the English witness's reading confirms of a German one."""

from __future__ import annotations

import pytest

from formkit.scan.witness import agrees


@pytest.mark.parametrize("german,witness,exact,ok", [
    ("03641 873654", "03641 873654", True, True),
    ("03641 873654", "03641 878654", True, False),
    ("Töpfergasse 98\n82305 Hildburghausen", "Tépfergasse 98\n82305 Hildburghausen", False, True),
    ("Lutherstraße 99\n42080 Themar", "LutherstraBe 99\n42080 Themar", False, True),
    ("Brühl 59\n66385 Tambach-Dietharz", "Briihl 59\n66385 Tambach-Dietharz", False, True),
    ("Am Anger 112\n86084 Kölleda", "Am Anger 112\n86084 KGlleda", False, True),
    # Another letter anywhere else is a disagreement.
    ("Große Fieischgasse 62\n51101 Nordhausen", "Grofe Fieiscngasse 62\n51101 Nordhausen", False, False),
    ("Töpfergasse 65\n83693 Ohrdruf", "Tépfergasse 65\n83693 Obrdruf", False, False),
    ("Am Anger 112\n86084 Kölleda", "Am Anger 112\n86084 Kölleda 1", False, False),
    # A bare vowel where German reads an umlaut: the dots may be a speck.
    ("Zum Sportplatz 15\n41277 Heldrüngen", "Zum Sportplatz 15\n41277 Heldrungen", False, False),
    ("Straße", "Strasse", False, False),
    ("Straße", "Strase", False, False),
])
def test_agrees(german: str, witness: str, exact: bool, ok: bool) -> None:
    assert agrees(german, witness, exact) is ok
