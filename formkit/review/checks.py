"""What a value of a field kind must look like, for the review: the same checks record assembly makes.

The one import point of the review for per-kind validation: record assembly's functions are used
through here, so that when they move (to a ``formkit.fields`` module shared by records and review)
only this file changes.
"""

from __future__ import annotations

import datetime as dt
import re

from formkit.records import valid_email, valid_phone

# A date as a clerk or the sheet writes it: 5.4.2018, 05.04.18, 2018-04-05.
_DATE = re.compile(r"^(?:(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2}|\d{4})|(\d{4})-(\d{2})-(\d{2}))$")


def valid_date(value: str) -> bool:
    m = _DATE.match(value.strip())
    if not m:
        return False
    if m.group(4):
        y, mo, d = int(m.group(4)), int(m.group(5)), int(m.group(6))
    else:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y += 2000 if y < 100 else 0
    try:
        dt.date(y, mo, d)
    except ValueError:
        return False
    return True


_CHECKS = {
    "email": (lambda v: valid_email(v[7:].strip() if v.lower().startswith("mailto:") else v),
              "keine gültige E-Mail-Adresse"),
    "phone": (valid_phone, "keine gültige Telefonnummer"),
    "date": (valid_date, "kein gültiges Datum (TT.MM.JJJJ)"),
}


def problem(kind: str, value: str) -> str | None:
    """Why *value* is not a valid value of a field of *kind* (German), or None; empty values pass."""
    check = _CHECKS.get(kind)
    if check is None or not value.strip():
        return None
    ok, message = check
    return None if ok(value.strip()) else message
