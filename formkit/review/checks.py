"""What a value a clerk types must look like, per field kind: the syntax comes from
:mod:`formkit.fields` (the checks record assembly makes), the German messages are the review's.
"""

from __future__ import annotations

from formkit.fields import valid_email, valid_full_date, valid_phone

_CHECKS = {
    "email": (lambda v: valid_email(v[7:].strip() if v.lower().startswith("mailto:") else v),
              "keine gültige E-Mail-Adresse"),
    "phone": (valid_phone, "keine gültige Telefonnummer"),
    "date": (valid_full_date, "kein gültiges Datum (TT.MM.JJJJ)"),
}


def problem(kind: str, value: str) -> str | None:
    """Why *value* is not a valid value of a field of *kind* (German), or None; empty values pass."""
    check = _CHECKS.get(kind)
    if check is None or not value.strip():
        return None
    ok, message = check
    return None if ok(value.strip()) else message
