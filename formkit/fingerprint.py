"""Short fingerprints a sheet carries in its identity (:mod:`formkit.ident`), so that it is read
only with what it was printed with.

- :func:`geometry`: the form's read geometry — every field's name, type, kind, group, value and
  rectangle, the marks and the QR place. Not labels, tooltips, header or texts: a changed date or
  wording leaves printed sheets readable, a reordered, cancelled or added meeting does not.
- :func:`prefill`: the values a packet printed into a recipient's sheet (:func:`printed_values`
  is the one rule for which value goes into which field: the renderer draws by it, the readers
  hash the current mailing list by it). A list changed after printing no longer hashes the
  same, and the readers stop trusting it for that sheet.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache

from formkit.ident import HASH_LEN
from formkit.layout.models import SEMANTIC_KINDS, FieldSpec, FormLayout


def _digest(data: object) -> str:
    raw = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("ascii")).hexdigest()[:HASH_LEN]


def _mm(v: float) -> float:
    return round(float(v), 2)  # a hundredth of a millimetre: float noise in generated layouts is not a change


def _field(f: FieldSpec) -> list[object]:
    # A venue box's name carries its meeting's id (venue_<id>), which stays when the office
    # corrects the town's spelling ("Mühlhausen" -> "Mühlhausen/Thür."): its value (the town as
    # written) is not part of the geometry, so printed sheets stay readable and tick the same
    # meeting. Reordering, cancelling or adding meetings still changes names or rectangles.
    value = "" if f.kind == "venue" else f.value or ""
    return [f.name, f.type, f.kind, f.group or "", value, [_mm(v) for v in f.rect], f.multiline]


@lru_cache(maxsize=256)
def _geometry(key: str) -> str:
    return _digest(json.loads(key))


def geometry(form: FormLayout) -> str:
    """The fingerprint of *form*'s read geometry (HASH_LEN hex characters)."""
    data = {
        "page": [_mm(v) for v in form.page_size],
        "marks": [_mm(form.marks.size), [[_mm(x), _mm(y)] for x, y in form.marks.at]],
        "qr": [_mm(form.qr.x), _mm(form.qr.y), _mm(form.qr.size)],
        "fields": [_field(f) for f in form.fields],
    }
    return _geometry(json.dumps(data, sort_keys=True))


def raw_value(f: FieldSpec, values: Mapping[str, str]) -> str:
    """The value a sheet prints into *f*: given by field name, or by kind (a mailing list's "name"
    fills a field of kind name)."""
    return values.get(f.name) or (values.get(f.kind, "") if f.kind in SEMANTIC_KINDS else "")


def printed_values(form: FormLayout, values: Mapping[str, str]) -> dict[str, str]:
    """Field name -> the value printed into that text field of *form* (empty ones left out)."""
    out = {}
    for f in form.fields:
        if f.type == "text" and (v := raw_value(f, values).strip()):
            out[f.name] = v
    return out


def prefill(form: FormLayout, values: Mapping[str, str]) -> str:
    """The fingerprint of what a packet with *values* prints into *form* (HASH_LEN hex characters)."""
    return _digest(sorted(printed_values(form, values).items()))


def printed_agrees(form: FormLayout, listed: Mapping[str, str], printed_fp: str, misread: int = 0) -> bool:
    """Whether *listed* (what the mailing list says a packet printed into *form*) is what the sheet
    printed: its fingerprint must be the one the sheet carries. A sheet without one (FK1/FK2,
    printed before fingerprints) cannot tell, and the list is taken as it stands.

    *misread*: characters of a fingerprint read by OCR that may be wrong (a changed list entry
    hashes to another fingerprint altogether: 1 of ~10^4 lies within one edit of the read one)."""
    if not printed_fp:
        return True
    if misread:
        from rapidfuzz.distance import Levenshtein

        return Levenshtein.distance(prefill(form, listed), printed_fp) <= misread
    return prefill(form, listed) == printed_fp
