"""Layout rules and checks: what follows from the event is laid out here, and every layout is
checked before anything is rendered.

- :func:`expand_choices` turns a form's ``venue_choice`` into one check box per meeting of the
  event (one column; two when they do not fit; an error when even two do not).
- :func:`check_layout` finds what would otherwise be rendered silently wrong: fields, labels,
  boxes and texts that overlap, leave the page or sit in the fax header strip; a choice value that
  names no meeting; a template that names a missing key. Each is a German
  :class:`~formkit.errors.LayoutError` naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from formkit.errors import LayoutError
from formkit.geometry import MM, Rect
from formkit.layout.event import Event, Meeting, Statements
from formkit.layout.models import (
    BulletsBlock,
    ChoiceRule,
    DocumentLayout,
    FieldSpec,
    FlowPage,
    FormLayout,
    HeadingBlock,
    LetterBlock,
    ParagraphBlock,
    StatementBlock,
)
from formkit.layout.text import date_de, mark_templates, plain, render_text

FAX_HEADER_MM = 12.0  # fax machines print their header line into the top 12 mm of the page
CHECKBOX_LABEL_PT = 11.0  # the check box label's font size (render/form.py draws it so)
FIELD_LABEL_PT = 10.0
LABEL_GAP_MM = 4.0  # from a check box to its label
CHECKBOX_LABEL_MIN_PT = 8.0  # a long label shrinks to its column's width, not below this
MIN_OVERLAP_MM2 = 0.05  # touching edges are not an overlap


# --- template context ------------------------------------------------------------------------


def event_context(event: Event | None, statements: Statements | None) -> dict[str, Any]:
    """The template context of a layout: the event's data (and the statements, for Leitgedanken)."""
    ctx: dict[str, Any] = {}
    if statements is not None:
        ctx.update(statements.model_dump())
    if event is not None:
        ctx.update(event.model_dump())
    return mark_templates(ctx)  # type: ignore[no-any-return]


def letter_context(recipient: Mapping[str, Any], meeting: Meeting, outcome: str, position: int | None,
                   today: dt.date) -> dict[str, Any]:
    """What a personal letter's text may use beside the event data (the one list of these keys)."""
    return {"recipient": dict(recipient), "meeting": meeting.model_dump(),
            "allocation": {"outcome": outcome, "position": position}, "today": today}


SAMPLE_RECIPIENT: dict[str, str] = {
    "id": "MUSTER-1", "name": "Mustermann, Erika", "display_name": "Erika Mustermann",
    "institution": "Musterstadt / Jugendamt", "address": "Musterstraße 1\n99084 Erfurt",
    "email": "erika.mustermann@example.org", "salutation": "Sehr geehrte Frau Mustermann,",
}
SAMPLE_ADDRESS = ("Musterstadt / Jugendamt", "Erika Mustermann", "Musterstraße 1", "99084 Erfurt")


def sample_letter_context(event: Event, outcome: str = "seat") -> dict[str, Any]:
    """A sample recipient at the first meeting: for `render confirmation` and for the checks."""
    return letter_context(SAMPLE_RECIPIENT, event.meetings[0], outcome, 1, event.letter.date)


# What ``formkit send`` gives a mail text about its recipient (formkit/mail/compose.py); a mail
# template is checked with these keys only, so that it cannot pass here and fail at send time.
MAIL_RECIPIENT_KEYS = ("id", "name", "display_name", "institution", "email", "salutation")


def check_event(event: Event, path: Path) -> None:
    """What the model alone cannot see: every meeting needs its own id (it names the check box)
    and its own city (the box's value, and what a returned sheet's venue is matched by)."""
    seen: dict[str, int] = {}
    cities: dict[str, int] = {}
    for i, m in enumerate(event.meetings):
        suffix = _field_suffix(m.id)
        if suffix in seen:
            raise LayoutError(f"{path}: meetings[{i}].id: „{m.id}“ gibt es schon (meetings[{seen[suffix]}]); "
                              f"jeder Termin braucht eine eigene id")
        seen[suffix] = i
        city = m.city.strip().casefold()
        if city in cities:
            raise LayoutError(f"{path}: meetings[{i}].city: „{m.city}“ gibt es schon (meetings[{cities[city]}]); "
                              f"die Ankreuzfelder des Anmeldebogens unterscheiden die Termine nach Ort")
        cities[city] = i


def event_warnings(event: Event) -> list[str]:
    """Dates that are allowed but most likely a typo (shown by ``formkit campaign check``)."""
    out = []
    first = min(event.meetings, key=lambda m: m.date)
    deadline = event.registration.deadline
    if deadline > first.date:
        out.append(f"registration.deadline: der Anmeldeschluss ({date_de(deadline)}) liegt nach dem ersten "
                   f"Termin ({first.city}, {date_de(first.date)})")
    for i, m in enumerate(event.meetings):
        if m.date < event.letter.date:
            out.append(f"meetings[{i}].date: der Termin in {m.city} ({date_de(m.date)}) liegt vor dem Datum des "
                       f"Anschreibens (letter.date: {date_de(event.letter.date)})")
    return out


def _check_mail(layout: DocumentLayout, event: Event | None, ctx: Mapping[str, Any], path: Path) -> None:
    """The ``mail:`` texts render as ``formkit send`` will render them, and the sender has an address."""
    if layout.mail is None:
        return
    if event is not None and not event.sender.email:
        raise LayoutError(f"{path}: mail: die Absenderadresse fehlt (sender.email in den Veranstaltungsdaten "
                          f"event.yaml)")
    mail_ctx = {k: v for k, v in ctx.items() if k != "today"}  # send gives no `today`
    mail_ctx["document"] = {"title": layout.title}
    if "recipient" not in mail_ctx:
        mail_ctx["recipient"] = {k: SAMPLE_RECIPIENT[k] for k in MAIL_RECIPIENT_KEYS}
    _render(path, "mail.subject", layout.mail.subject, mail_ctx)
    _render(path, "mail.body", layout.mail.body, mail_ctx)


def is_personal_letter(layout: DocumentLayout) -> bool:
    """A letter whose body follows its head (``letter`` block with ``body: false``): rendered per
    registrant by ``formkit confirm``, with ``recipient``, ``meeting`` and ``allocation``."""
    return any(isinstance(p, FlowPage) and p.blocks and isinstance(p.blocks[0], LetterBlock)
               and not p.blocks[0].body for p in layout.pages)


def _render(path: Path, key: str, source: str, ctx: Mapping[str, Any]) -> str:
    try:
        return render_text(source, dict(ctx))
    except LayoutError as e:
        raise LayoutError(f"{path}: {key}: {e.message}") from None


# --- the meeting choice ---------------------------------------------------------------------


def _field_suffix(meeting_id: str) -> str:
    return meeting_id.replace("-", "_")


def expand_choices(form: FormLayout, event: Event | None, path: Path) -> FormLayout:
    """The form with its ``venue_choice`` laid out as check boxes, one per meeting of *event*."""
    rule = form.venue_choice
    if rule is None:
        return form
    if event is None:
        raise LayoutError(f"{path}: venue_choice: braucht Veranstaltungsdaten (event.yaml im Veranstaltungsordner)")
    generated = _choice_fields(rule, event, path)
    taken = {f.name for f in form.fields}
    for f in generated:
        if f.name in taken:
            raise LayoutError(f"{path}: venue_choice: Feldname „{f.name}“ gibt es schon in fields")
    # Keep reading order: the boxes go before the first field below their area.
    at = next((i for i, f in enumerate(form.fields) if f.rect[1] >= rule.area[1]), len(form.fields))
    fields = [*form.fields[:at], *generated, *form.fields[at:]]
    return form.model_copy(update={"fields": fields})


def _choice_fields(rule: ChoiceRule, event: Event, path: Path) -> list[FieldSpec]:
    x, y, w, h = rule.area
    n = len(event.meetings)
    per_column = max(int(math.floor((h - rule.box) / rule.row + 1e-6)) + 1, 0)
    columns = rule.columns if rule.columns != "auto" else (1 if n <= per_column else 2)
    if n > per_column * columns:
        raise LayoutError(
            f"{path}: venue_choice.area: {n} Veranstaltungsorte passen nicht in {columns} Spalte(n) zu je "
            f"{per_column} Zeilen ({h:g} mm hoch, Zeilenabstand {rule.row:g} mm); Bereich vergrößern oder "
            f"row verkleinern")
    rows = math.ceil(n / columns)
    col_w = w / columns
    base = event_context(event, None)
    out = []
    for i, m in enumerate(event.meetings):
        col, row = divmod(i, rows)
        ctx = {**base, "meeting": m.model_dump()}
        key = f"venue_choice (Ort {i + 1} „{m.city}“)"
        label = plain(_render(path, f"{key}.label", rule.label, ctx))
        tooltip = plain(_render(path, f"{key}.tooltip", rule.tooltip, ctx))
        out.append(FieldSpec(
            name=f"{rule.name}_{_field_suffix(m.id)}", type="checkbox", kind="venue", group=rule.group,
            value=m.city, label=label, tooltip=tooltip,
            rect=[x + col * col_w, y + row * rule.row, rule.box, rule.box],
            label_width=col_w - rule.box - LABEL_GAP_MM))
    return out


# --- checks ------------------------------------------------------------------------------------


def _text_width_mm(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from formkit.render.fonts import register_fonts

    register_fonts()
    return float(stringWidth(text, font, size)) / MM


def label_room(f: FieldSpec) -> float:
    """The width a check box's label may take: a venue box's column (``venue_choice`` sets
    label_width to it); 0 (no limit but the page) for a check box written by hand."""
    return f.label_width if f.type == "checkbox" and f.kind == "venue" else 0.0


def checkbox_label_pt(label: str, width_mm: float) -> float:
    """The size a check box's label prints in: 11 pt, smaller (down to 8 pt) where a long name (an
    office's „Bad Frankenhausen/Kyffhäuser, 13. Oktober 2022“) would leave its column; one rule for
    the renderer and the checks."""
    from formkit.render.fonts import REGULAR

    size = CHECKBOX_LABEL_PT
    while size > CHECKBOX_LABEL_MIN_PT and width_mm > 0 and _text_width_mm(label, REGULAR, size) > width_mm:
        size -= 0.25
    return size


def _key_of(form: FormLayout, original: FormLayout | None, i: int) -> str:
    f = form.fields[i]
    if original is not None and f.kind == "venue" and original.venue_choice is not None \
            and f.name not in {o.name for o in original.fields}:
        return f"venue_choice (Ort „{f.value}“)"
    idx = [o.name for o in original.fields].index(f.name) if original is not None else i
    return f"fields[{idx}]"


def check_form(form: FormLayout, event: Event | None, statements: Statements | None, path: Path,
               original: FormLayout | None = None) -> None:
    """Geometry, choice values and templates of a (choice-expanded) form; *original* is the form
    as written in the file, so that errors name its keys."""
    from formkit.render.fonts import BOLD, REGULAR

    ctx = event_context(event, statements)
    page = Rect(0, 0, form.width, form.height)
    items: list[tuple[str, Rect]] = []
    for i, r in enumerate(form.marks.rects()):
        items.append((f"marks.at[{i}]", r))
    items.append(("qr", form.qr.box))
    for i, f in enumerate(form.fields):
        key = _key_of(form, original, i)
        label = plain(_render(path, f"{key}.label", f.label, ctx))
        _render(path, f"{key}.tooltip", f.tooltip, ctx)
        r = f.box
        items.append((f"{key}.rect", r))
        if f.type == "checkbox":
            if r.w < 5.0 or r.h < 5.0:
                raise LayoutError(f"{path}: {key}.rect: Ankreuzfelder müssen mindestens 5 mm groß sein")
            room = label_room(f)
            pt = checkbox_label_pt(label, room)
            size = pt / MM
            base = r.y + r.h / 2 + 1.4
            lw = _text_width_mm(label, REGULAR, pt)
            if room > 0 and lw > room + 1e-6:
                raise LayoutError(f"{path}: {key}.label: „{label}“ ist auch in {pt:g} pt {lw:.0f} mm breit, Platz "
                                  f"nur {room:.0f} mm; kürzer fassen")
            items.append((f"{key}.label", Rect(r.x2 + LABEL_GAP_MM, base - 0.75 * size, lw, size)))
            if f.kind == "venue" or f.group == "venue":
                _check_venue_value(f, event, path, key)
        elif f.label_width > 0:
            size = FIELD_LABEL_PT / MM
            lw = _text_width_mm(label, BOLD, FIELD_LABEL_PT)
            if lw > f.label_width - 1.0:
                raise LayoutError(f"{path}: {key}.label: „{label}“ ist {lw:.0f} mm breit, label_width nur "
                                  f"{f.label_width:g} mm")
    for i, spec in enumerate(form.boxes):
        items.append((f"boxes[{i}].rect", spec.box))
    for i, t in enumerate(form.texts):
        text = plain(_render(path, f"texts[{i}].text", t.text, ctx))
        size = t.size / MM
        items.append((f"texts[{i}]", Rect(t.at[0], t.at[1] - 0.75 * size,
                                          _text_width_mm(text, BOLD if t.bold else REGULAR, t.size), size)))
    for i, block in enumerate(form.header):
        _check_block(block, ctx, statements, path, f"header[{i}]")
    from formkit.render.form import header_fits

    if not header_fits(form, event, statements):
        raise LayoutError(f"{path}: header_rect: der Kopftext passt nicht hinein (auch nicht kompakt); weniger Text "
                          f"im Kopf (header) oder header_rect vergrößern")
    header = Rect(*form.header_rect)
    for key, r in items:
        if r.x < -1e-6 or r.y < -1e-6 or r.x2 > page.w + 1e-6 or r.y2 > page.h + 1e-6:
            raise LayoutError(f"{path}: {key}: liegt außerhalb der Seite ({page.w:g} × {page.h:g} mm)")
        if r.y < FAX_HEADER_MM and not key.startswith("marks"):
            raise LayoutError(f"{path}: {key}: die obersten {FAX_HEADER_MM:g} mm bedruckt das Faxgerät; tiefer setzen")
        if key not in ("qr",) and not key.startswith("marks") and _overlap(header, r) > MIN_OVERLAP_MM2:
            raise LayoutError(f"{path}: {key}: überlappt den Kopfbereich header_rect")
    for (ka, a), (kb, b) in itertools.combinations(items, 2):
        if _overlap(a, b) > MIN_OVERLAP_MM2:
            raise LayoutError(f"{path}: {kb}: überlappt {ka} – Felder, Beschriftungen und Kästen dürfen sich "
                              f"nicht überdecken")


def _check_venue_value(f: FieldSpec, event: Event | None, path: Path, key: str) -> None:
    if event is None:
        return
    value = (f.value or "").casefold()
    if not any(value in (m.city.casefold(), m.id.casefold()) for m in event.meetings):
        known = ", ".join(m.city for m in event.meetings)
        raise LayoutError(f"{path}: {key}.value: „{f.value}“ ist kein Veranstaltungsort dieser Veranstaltung "
                          f"(vorhanden: {known})")


def _overlap(a: Rect, b: Rect) -> float:
    ix = max(0.0, min(a.x2, b.x2) - max(a.x, b.x))
    iy = max(0.0, min(a.y2, b.y2) - max(a.y, b.y))
    return ix * iy


def _check_block(block: Any, ctx: Mapping[str, Any], statements: Statements | None, path: Path, key: str) -> None:
    if isinstance(block, (HeadingBlock, ParagraphBlock)):
        _render(path, f"{key}.text", block.text, ctx)
    elif isinstance(block, BulletsBlock):
        for j, item in enumerate(block.items):
            _render(path, f"{key}.items[{j}]", item, ctx)
    elif isinstance(block, StatementBlock):
        try:
            if statements is None:
                raise KeyError(block.commune)
            statements.commune(block.commune)
        except KeyError:
            raise LayoutError(f"{path}: {key}.commune: „{block.commune}“ steht nicht in den Leitgedanken-Daten") from None


def check_document(layout: DocumentLayout, event: Event | None, statements: Statements | None, path: Path) -> None:
    """Every template of a document renders with the context it will have (a letter: a sample registrant)."""
    ctx = event_context(event, statements)
    if event is not None and is_personal_letter(layout):
        ctx = {**ctx, **sample_letter_context(event)}
    _check_mail(layout, event, ctx, path)
    for i, page in enumerate(layout.pages):
        if not isinstance(page, FlowPage):
            continue
        for j, block in enumerate(page.blocks):
            if isinstance(block, LetterBlock) and event is None:
                raise LayoutError(f"{path}: pages[{i}].blocks[{j}]: der Block „letter“ braucht Veranstaltungsdaten")
            _check_block(block, ctx, statements, path, f"pages[{i}].blocks[{j}]")
