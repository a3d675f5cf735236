"""Why a record is in review, in the words a clerk uses: field labels from the layout, no keys.

Record assembly writes its reasons for the CSV with the fields' labels (``unsicher gelesen:
Telefon, E-Mail``); the page turns them into sentences (``Telefon unsicher gelesen (90 %)``) and
gives every flagged field its own reason, so no field is marked without a word why. Records
stored before the labels were written name fields by key (``unsicher gelesen: phone``): both read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from formkit.layout.models import FieldSpec, FormLayout
from formkit.records import REVIEW_CONFIDENCE, field_label
from formkit.review.checks import problem


@dataclass(frozen=True)
class FieldView:
    """What the review knows about one field's reading."""

    value: str
    confidence: float | None
    state: str | None = None
    score: float | None = None


def label(spec: FieldSpec) -> str:
    return field_label(spec)


def pct(x: float) -> str:
    return f"{round(x * 100)} %"


def field_reasons(form: FormLayout, spec: FieldSpec, reading: FieldView | None, value: str) -> list[str]:
    """Every reason this field needs a look, as sentences (empty: nothing to say)."""
    name = label(spec)
    if reading is None:
        return [f"{name}: nicht gelesen"]
    out = []
    if spec.type == "checkbox":
        option = spec.value or name
        if reading.state == "uncertain":
            ink = f", Kästchen zu {pct(reading.score)} gefüllt" if reading.score is not None else ""
            out.append(f"Kreuz bei „{option}“ unsicher{ink}")
        return out
    if reading.confidence is not None and reading.confidence < REVIEW_CONFIDENCE:
        if reading.value:
            out.append(f"{name} unsicher gelesen ({pct(reading.confidence)})")
        else:
            out.append(f"{name}: etwas geschrieben, aber nicht lesbar")
    if why := problem(spec.kind, value):
        out.append(f"{name}: {why}")
    return out


_UNSURE = re.compile(r"^unsicher gelesen: (.+)$")
_CHANGED = re.compile(r"^Vordruck von Hand geändert: (.+)$")
_NOT_READ = re.compile(r"^(?:Feld )?(.+) nicht gelesen$")
_TICK_UNSURE = re.compile(r"^Ankreuzfeld unsicher: (.+)$")
_FIXED = {
    "kein Ort angekreuzt": "Kein Veranstaltungsort angekreuzt",
    "mehrere Orte angekreuzt": "Mehrere Veranstaltungsorte angekreuzt",
    "Name fehlt": "Kein Name gelesen",
    "Formular nicht ausgefüllt": "Formular nicht ausgefüllt",
    "E-Mail-Adresse ungültig": "E-Mail-Adresse ungültig",
    "Telefonnummer ungültig": "Telefonnummer ungültig",
}


def _named(form: FormLayout) -> dict[str, FieldSpec]:
    """A field by its label (as reasons name it now) or its key (as older stored reasons did);
    a text field wins over a check box of the same label."""
    out: dict[str, FieldSpec] = {}
    for f in sorted(form.fields, key=lambda f: f.type != "text"):
        out.setdefault(label(f), f)
    for f in form.fields:
        out.setdefault(f.name, f)
    return out


def split_fields(text: str, named: Mapping[str, FieldSpec]) -> list[tuple[str, FieldSpec | None]]:
    """``Name, Telefon`` back into fields: the longest known label at each place, so a label
    holding a comma („Name, Vorname“) stays whole; an unknown part up to the next comma."""
    out: list[tuple[str, FieldSpec | None]] = []
    rest = text.strip()
    keys = sorted(named, key=len, reverse=True)
    while rest:
        hit = next((k for k in keys if rest == k or rest.startswith(k + ", ")), None)
        part = hit if hit is not None else rest.split(", ", 1)[0]
        out.append((part, named.get(part)))
        rest = rest[len(part):].removeprefix(", ").strip()
    return out


def record_reasons(form: FormLayout, reason: str, readings: Mapping[str, FieldView]) -> list[str]:
    """The stored reason (``a; b: x, y``) as sentences with the layout's labels and the confidences."""
    named = _named(form)
    out: list[str] = []
    for part in (p.strip() for p in reason.split("; ") if p.strip()):
        if m := _UNSURE.match(part):
            for text, spec in split_fields(m.group(1), named):
                r = readings.get(spec.name) if spec is not None else None
                if spec is None:
                    out.append(f"{text} unsicher gelesen")
                elif r is not None and r.confidence is not None and r.value:
                    out.append(f"{label(spec)} unsicher gelesen ({pct(r.confidence)})")
                else:
                    out.append(f"{label(spec)}: etwas geschrieben, aber nicht lesbar")
        elif m := _CHANGED.match(part):
            out.extend(f"{label(spec) if spec else text}: Vordruck von Hand geändert"
                       for text, spec in split_fields(m.group(1), named))
        elif (m := _NOT_READ.match(part)) and m.group(1) in named:
            out.append(f"{label(named[m.group(1)])}: nicht gelesen")
        elif m := _TICK_UNSURE.match(part):
            out.extend(f"Kreuz bei „{o.strip()}“ unsicher" for o in m.group(1).split(","))
        else:
            out.append(_FIXED.get(part, part[:1].upper() + part[1:]))
    return out
