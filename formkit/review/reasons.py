"""Why a record is in review, in the words a clerk uses: field labels from the layout, no keys.

Record assembly writes its reasons for the CSV (``unsicher gelesen: phone, email``); the page
turns them into sentences (``Telefon unsicher gelesen (90 %)``) and gives every flagged field its
own reason, so no field is marked without a word why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from formkit.layout.models import FieldSpec, FormLayout
from formkit.records import REVIEW_CONFIDENCE
from formkit.review.checks import problem


@dataclass(frozen=True)
class FieldView:
    """What the review knows about one field's reading."""

    value: str
    confidence: float | None
    state: str | None = None
    score: float | None = None


def label(spec: FieldSpec) -> str:
    return spec.label.split("{{")[0].rstrip(" :,") or spec.name


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
_NOT_READ = re.compile(r"^Feld (\S+) nicht gelesen$")
_TICK_UNSURE = re.compile(r"^Ankreuzfeld unsicher: (.+)$")
_FIXED = {
    "kein Ort angekreuzt": "Kein Veranstaltungsort angekreuzt",
    "mehrere Orte angekreuzt": "Mehrere Veranstaltungsorte angekreuzt",
    "Name fehlt": "Kein Name gelesen",
    "Formular nicht ausgefüllt": "Formular nicht ausgefüllt",
    "E-Mail-Adresse ungültig": "E-Mail-Adresse ungültig",
    "Telefonnummer ungültig": "Telefonnummer ungültig",
}


def record_reasons(form: FormLayout, reason: str, readings: Mapping[str, FieldView]) -> list[str]:
    """The stored reason (``a; b: x, y``) as sentences with the layout's labels and the confidences."""
    specs = {f.name: f for f in form.fields}
    out: list[str] = []
    for part in (p.strip() for p in reason.split("; ") if p.strip()):
        if m := _UNSURE.match(part):
            for n in (x.strip() for x in m.group(1).split(",")):
                spec, r = specs.get(n), readings.get(n)
                if spec is None:
                    out.append(f"{n} unsicher gelesen")
                elif r is not None and r.confidence is not None and r.value:
                    out.append(f"{label(spec)} unsicher gelesen ({pct(r.confidence)})")
                else:
                    out.append(f"{label(spec)}: etwas geschrieben, aber nicht lesbar")
        elif m := _NOT_READ.match(part):
            spec = specs.get(m.group(1))
            out.append(f"{label(spec) if spec else m.group(1)}: nicht gelesen")
        elif m := _TICK_UNSURE.match(part):
            out.extend(f"Kreuz bei „{o.strip()}“ unsicher" for o in m.group(1).split(","))
        else:
            out.append(_FIXED.get(part, part[:1].upper() + part[1:]))
    return out
