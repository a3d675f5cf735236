"""From a page's readings to a checked record: normalisation, validation, venue, late, duplicates.

A :class:`Record` keeps what was read (normalised only in white space) next to what was
concluded from it (status, reason, mailing-list match); nothing read is replaced or dropped.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from formkit import fields, fingerprint
from formkit.fields import collapse, valid_email, valid_phone
from formkit.layout.models import SEMANTIC_KINDS, FieldSpec, FormLayout
from formkit.readings import FieldReading, PageReading
from formkit.recipients import sheet_prefill
from formkit.thresholds import OCR_OK

if TYPE_CHECKING:
    from formkit.recipients import Recipient

Status = Literal["ok", "review", "rejected"]

# --- thresholds ----------------------------------------------------------------------------
# Below this a person checks the field (OCR zones; AcroForm values are 1.0): the recogniser's own
# threshold, chosen on the bench (see formkit.thresholds.OCR_OK).
REVIEW_CONFIDENCE = OCR_OK
MATCH_MIN_SCORE = 70.0  # rapidfuzz 0-100; below this no mailing-list match is recorded
MATCH_NAME_WEIGHT = 0.7  # name counts more than institution when both were written
# A name on a packet's sheet at most this similar (rapidfuzz token_sort_ratio, 0-100) to the name the
# packet printed is another person's: 'Björn Weiß' -> 'Sabine Kaiser' is about 30, a corrected
# spelling ('Schafer' -> 'Schäfer') about 93, an order turned ('Weiß, Björn') 100.
OTHER_PERSON_MAX_SIMILARITY = 80
OFFICE_TZ = ZoneInfo("Europe/Berlin")  # the deadline is a calendar day at the office

# Re-exported for the review page (one definition, in formkit.fields).
__all__ = ["collapse", "valid_email", "valid_phone"]


@dataclass(frozen=True)
class Provenance:
    """Where a record came from."""

    source: str  # path as given or within the given folder, "mail.eml#anhang.pdf" for attachments
    sha256: str
    page: int | None  # 1-based; None for a file-level rejection
    method: str  # acroform | textlayer | ocr | "" (rejected file)
    layout_id: str = ""
    layout_version: int | None = None
    received: dt.datetime | None = None
    sender: str = ""
    file_time: dt.datetime | None = None  # modification time of a plain input file
    campaign: str = ""  # the campaign (event id) of the sheet's identity


@dataclass(frozen=True)
class Match:
    """The best mailing-list entry for what was written (kept beside it, never replacing it)."""

    recipient_id: str
    score: float


@dataclass(frozen=True)
class Record:
    provenance: Provenance
    status: Status
    reason: str
    recipient_id: str = ""  # from the sheet's identity (QR, metadata, footer)
    values: dict[str, str] = field(default_factory=dict)  # name, institution, address, phone, email, venue, date
    confidence: float | None = None  # lowest field confidence
    match: Match | None = None
    readings: tuple[FieldReading, ...] = ()
    page_image: bytes | None = field(default=None, repr=False)

    @property
    def person_keys(self) -> tuple[str, ...]:
        return person_keys(self.values)


def _as_printed(spec: FieldSpec, form: FormLayout, printed: dict[str, str], values: dict[str, str]) -> bool:
    """Is the value read exactly what the packet printed into this field (prefill is keyed by kind)?"""
    key = value_key(spec, form)
    want = printed.get(key) or printed.get(spec.name)
    return bool(want) and values.get(key) == collapse(want or "", spec.multiline)


def field_label(spec: FieldSpec) -> str:
    """The field's name as the sheet prints it („Telefon“ for ``label: "Telefon:"``): reasons name
    fields by it, never by their key. A label that is a template falls back to its text before
    the first ``{{`` (the key when nothing is left)."""
    return spec.label.split("{{")[0].strip().rstrip(" :,") or spec.name


def labels(form: FormLayout, names: Sequence[str]) -> str:
    return ", ".join(field_label(form.field(n)) for n in names)


def _printed(reading: PageReading, form: FormLayout, ctx: Context) -> dict[str, str]:
    """What the packet printed on the sheet of the recipient in its identity, from the mailing
    list; empty without a list or id, or when the list changed after printing (prefill hash)."""
    rid = reading.identity.recipient_id
    if not (ctx.matcher and rid):
        return {}
    printed = ctx.matcher.prefill(rid, form)
    # A list changed after printing no longer says what the paper says.
    return printed if fingerprint.printed_agrees(form, printed, reading.identity.prefill) else {}


def _other_person(reading: PageReading, form: FormLayout, values: dict[str, str], ctx: Context) -> str | None:
    """A packet that came back with another person's name on it (a colleague registering in the
    invitee's place): the recipient id in its QR no longer names who registers, so a person
    decides. A corrected spelling of the printed name is no other person."""
    want = _printed(reading, form, ctx).get("name", "") if values.get("name") else ""
    if not want or fields.same_words(values["name"], want):
        return None
    from rapidfuzz import fuzz

    if fuzz.token_sort_ratio(_fold(values["name"]), _fold(want)) >= OTHER_PERSON_MAX_SIMILARITY:
        return None
    return f"anderer Name als im Vordruck (Paket für „{want}“): andere Person? Bitte prüfen"


def _name_has_reason(reading: PageReading, form: FormLayout) -> bool:
    """Does the name field already have a reason of its own (a printed name changed or not found as
    printed, a stroke)? Then „Name fehlt“ beside it would mislead: there is ink, it was not read."""
    return any((r := reading.fields.get(s.name)) is not None and (r.printed in ("changed", "differs") or r.struck)
               for s in form.fields if s.type == "text" and value_key(s, form) == "name")


def rejected(prov: Provenance, reason: str) -> Record:
    return Record(provenance=prov, status="rejected", reason=reason)


# --- normalisation --------------------------------------------------------------------------


def _fold(value: str) -> str:
    """Comparison form of a name: case-, accent- and order-insensitive."""
    v = value.casefold().replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    v = "".join(c for c in unicodedata.normalize("NFKD", v) if not unicodedata.combining(c))
    return " ".join(sorted(re.findall(r"[a-z0-9]+", v)))


def person_keys(values: dict[str, str]) -> tuple[str, ...]:
    """Keys under which the same person registering twice is found: name+e-mail, name+institution."""
    name = _fold(values.get("name", ""))
    if not name:
        return ()
    keys = []
    if values.get("email"):
        keys.append(f"{name}|@{values['email'].casefold()}")
    keys.append(f"{name}|{_fold(values.get('institution', ''))}")
    return tuple(keys)


# --- mailing-list matching -----------------------------------------------------------------


class Matcher:
    """Fuzzy matching of a written name/institution against the mailing list (rapidfuzz)."""

    def __init__(self, recipients: Sequence[Recipient]) -> None:
        self.recipients = list(recipients)
        self.ids = {r.id for r in self.recipients}
        self._names = [_fold(r.full_name or f"{r.first_name} {r.last_name}") for r in self.recipients]
        self._insts = [_fold(r.institution) for r in self.recipients]

    def prefill(self, recipient_id: str, form: FormLayout) -> dict[str, str]:
        """What the packet prefilled on this recipient's *form* (empty for an unknown id): the
        packets' own rule, :func:`formkit.recipients.sheet_prefill`."""
        for r in self.recipients:
            if r.id == recipient_id:
                return sheet_prefill(r, [form])
        return {}

    def match(self, name: str, institution: str) -> Match | None:
        from rapidfuzz import fuzz, process

        if not self.recipients or not (name or institution):
            return None
        n, i = _fold(name), _fold(institution)
        name_scores = process.cdist([n], self._names, scorer=fuzz.token_set_ratio)[0] if n else None
        inst_scores = process.cdist([i], self._insts, scorer=fuzz.token_set_ratio)[0] if i else None
        best: tuple[float, int] | None = None
        for k in range(len(self.recipients)):
            parts: list[tuple[float, float]] = []
            if name_scores is not None and self._names[k]:
                parts.append((MATCH_NAME_WEIGHT, float(name_scores[k])))
            if inst_scores is not None and self._insts[k]:
                parts.append((1 - MATCH_NAME_WEIGHT, float(inst_scores[k])))
            if not parts:
                continue
            score = sum(w * s for w, s in parts) / sum(w for w, _ in parts)
            if best is None or score > best[0]:
                best = (score, k)
        if best is None or best[0] < MATCH_MIN_SCORE:
            return None
        return Match(self.recipients[best[1]].id, round(best[0], 1))


# --- assembly -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What assembly needs beyond the page: the layout, its deadline, the mailing list, duplicates."""

    form: FormLayout
    deadline: dt.date | None = None
    late_policy: str = "review"
    signing: tuple[dt.date, dt.date] | None = None  # the days a sheet can be dated on (campaign.Policies)
    matcher: Matcher | None = None
    # Returns a description of an earlier record of the same person, or None.
    find_duplicate: Callable[[tuple[str, ...]], str | None] | None = None


VENUE = "venue"  # the record's key for the meeting choice (check boxes of kind "venue")


def value_key(spec: FieldSpec, form: FormLayout) -> str:
    """Under which name a record keeps *spec*'s value: its kind when that has a meaning (name,
    e-mail …, unless two fields share it), the group for check boxes, else the field's own name."""
    if spec.type == "checkbox":
        return VENUE if spec.kind == "venue" else (spec.group or spec.name)
    if spec.kind in SEMANTIC_KINDS and sum(1 for f in form.fields if f.kind == spec.kind) == 1:
        return spec.kind
    return spec.name


def assemble(reading: PageReading, prov: Provenance, ctx: Context) -> Record:
    """A record from one page's readings: values, status and the reasons a person must look."""
    form = ctx.form
    reasons: list[str] = list(reading.problems)
    values: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    uncertain: list[str] = []
    low: list[str] = []
    for spec in form.fields:
        r = reading.fields.get(spec.name)
        if r is None:
            reasons.append(f"{field_label(spec)} nicht gelesen")
            continue
        # An empty value counts too: ink in the zone but nothing read (handwriting, a smudge)
        # comes back empty at confidence 0, and a person must look at it.
        # A mail's typed values are all proposals, and the page says so once (read.mailtext).
        if r.confidence < REVIEW_CONFIDENCE and spec.type == "text" and r.method != "mailtext":
            low.append(spec.name)
        if spec.type == "checkbox":
            group = value_key(spec, form)
            groups.setdefault(group, [])
            if r.state == "uncertain":
                uncertain.append(spec.value or spec.name)
            if r.value == "1":
                groups[group].append(spec.value or spec.name)
            continue
        values[value_key(spec, form)] = fields.normalise(spec.kind, r.value, spec.multiline)
    for group, ticked in groups.items():
        values[group] = "|".join(ticked)
        if not ticked:
            reasons.append("kein Ort angekreuzt" if group == VENUE else f"{group}: nichts angekreuzt")
        elif len(ticked) > 1:
            reasons.append("mehrere Orte angekreuzt" if group == VENUE else f"{group}: mehreres angekreuzt")
    if uncertain:
        reasons.append("Ankreuzfeld unsicher: " + ", ".join(uncertain))
    if low and ctx.matcher and reading.identity.recipient_id:
        # A value read with low confidence that is letter for letter what the packet printed for
        # this recipient (id from the QR) is confirmed by an independent source: OCR does not
        # produce the exact expected string by chance. Not when the scan reader saw ink added to
        # the printed value (formkit.scan.verify) or snapped a word to the vocabulary: then the
        # string is no independent reading, and a person reads it.
        printed = _printed(reading, form, ctx)
        low = [n for n in low
               if reading.fields[n].printed in ("changed", "differs", "faded") or reading.fields[n].snapped
               or reading.fields[n].struck or not _as_printed(form.field(n), form, printed, values)]
    # A value with a stroke through it, and a prefilled value not found as printed, have a reason of
    # their own (one per field), not "unsicher gelesen".
    struck = [s.name for s in form.fields if (r := reading.fields.get(s.name)) and r.struck]
    if struck:
        reasons.append("Wert durchgestrichen oder Strich im Feld: " + labels(form, struck))
        low = [n for n in low if n not in struck]
    for state, why in (("changed", "Vordruck von Hand geändert: "), ("differs", "anders gelesen als vorgedruckt: "),
                       ("faded", "Umlaut- oder Akzentzeichen im Fax nicht erkennbar, Vordruck sonst unverändert: ")):
        names = [s.name for s in form.fields
                 if (r := reading.fields.get(s.name)) and r.printed == state and s.name not in struck]
        if names:
            reasons.append(why + labels(form, names))
            low = [n for n in low if n not in names]
    if low:
        reasons.append("unsicher gelesen: " + labels(form, low))

    if not any(values.get(value_key(s, form)) for s in form.fields if s.type == "text") and not any(groups.values()):
        reasons.insert(0, "Formular nicht ausgefüllt")
    elif not values.get("name") and not _name_has_reason(reading, form):
        reasons.append("Name fehlt")
    if (other := _other_person(reading, form, values, ctx)) is not None:
        reasons.append(other)
    for spec in form.fields:
        bad = fields.problem(spec.kind, values.get(value_key(spec, form), "")) if spec.type == "text" else None
        if bad:
            reasons.append(bad)
        if spec.kind == "date" and ctx.signing and fields.outside(v := values.get(value_key(spec, form), ""),
                                                                   ctx.signing):
            reasons.append(f"{field_label(spec)} {v} liegt außerhalb der Anmeldezeit "
                           f"({fields.window_text(ctx.signing)}): bitte prüfen")

    if ctx.deadline and prov.received and ctx.late_policy != "accept":
        day = prov.received.astimezone(OFFICE_TZ).date() if prov.received.tzinfo else prov.received.date()
        if day > ctx.deadline:
            extra = " (Warteliste)" if ctx.late_policy == "waitlist" else ""
            reasons.append(f"nach Anmeldeschluss {ctx.deadline:%d.%m.%Y} eingegangen{extra}")

    keys = person_keys(values)
    if keys and ctx.find_duplicate:
        earlier = ctx.find_duplicate(keys)
        if earlier:
            reasons.append(f"doppelte Anmeldung (wie {earlier})")

    match = ctx.matcher.match(values.get("name", ""), values.get("institution", "")) if ctx.matcher else None
    confidences = [r.confidence for r in reading.fields.values()]
    return Record(
        provenance=prov,
        status="review" if reasons else "ok",
        reason="; ".join(reasons),
        recipient_id=reading.identity.recipient_id or "",
        values=values,
        confidence=round(min(confidences), 3) if confidences else None,
        match=match,
        readings=tuple(reading.fields[s.name] for s in form.fields if s.name in reading.fields),
        page_image=reading.image,
    )
