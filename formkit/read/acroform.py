"""Reading an AcroForm page: each layout field's value from /V, each check box from /V and /AS.

The page's widgets are matched to the layout's fields by name (a filler may qualify the name with
its parents'); a field the page lacks reads as empty with confidence 0.
"""

from __future__ import annotations

from typing import Any

import pikepdf

from formkit.ident import FormIdentity
from formkit.layout.models import FormLayout
from formkit.read.limits import MAX_ANNOTS_PER_PAGE, MAX_FIELD_DEPTH
from formkit.read.open import parent as _parent
from formkit.read.strings import pdf_text as _text
from formkit.readings import FieldReading, PageReading


def _inherited(field: Any, key: str) -> Any:
    # Unlike open.inherited, a key the field has stops the walk even when its value is null:
    # the field's own empty /V is its value, not its parent's.
    node: Any = field
    for _ in range(MAX_FIELD_DEPTH):
        if key in node:
            return node.get(key)
        node = _parent(node)
        if node is None:
            return None
    return None


def field_name(field: Any) -> str:
    parts = []
    node: Any = field
    for _ in range(MAX_FIELD_DEPTH):
        t = node.get("/T")
        if t is not None:
            parts.append(_text(t))
        node = _parent(node)
        if node is None:
            break
    return ".".join(reversed(parts))


def terminal_field(annot: Any) -> Any:
    """The field an annotation belongs to (the annotation itself when field and widget are merged)."""
    if "/T" in annot:
        return annot
    parent = _parent(annot)
    return parent if parent is not None else annot


def _normalise_newlines(s: str) -> str:
    return s.replace("\r\n", "\n").replace("\r", "\n")


def _state_name(value: Any) -> str | None:
    if value is None:
        return None
    s = _text(value).strip()
    return s.lstrip("/") if s else None


def _checkbox(name: str, field: Any, annot: Any) -> FieldReading:
    """A check box's state from /V (the field's value) and /AS (the widget's appearance)."""
    on_states: set[str] = set()
    ap = annot.get("/AP")
    if isinstance(ap, pikepdf.Dictionary):
        normal = ap.get("/N")
        # /N is a dictionary of states for a check box (a stream would be a single appearance).
        if isinstance(normal, pikepdf.Dictionary) and not isinstance(normal, pikepdf.Stream):
            on_states = {str(k)[1:] for k in normal if str(k) != "/Off"}
    v = _state_name(_inherited(field, "/V"))
    as_ = _state_name(annot.get("/AS"))

    def on(state: str | None) -> bool | None:
        if state is None:
            return None
        if state == "Off" or state.lower() in {"", "off", "no", "nein", "false", "0"}:
            return False
        return state in on_states if on_states else True

    v_on, as_on = on(v), on(as_)
    if v_on is None and as_on is None:
        ticked, agree = False, True
    elif v_on is None or as_on is None:
        ticked, agree = bool(v_on or as_on), True
    else:
        ticked, agree = v_on, v_on == as_on
    if agree:
        return FieldReading(name, "1" if ticked else "", 1.0, "acroform", "ticked" if ticked else "empty", 1.0)
    # /V and /AS disagree: what the person saw (/AS) may differ from the stored value.
    return FieldReading(name, "1" if ticked else "", 0.5, "acroform", "uncertain", 0.5)


def page_widgets(page: Any) -> list[Any]:
    """The widget annotations of a page dictionary (at most MAX_ANNOTS_PER_PAGE annotations looked at)."""
    annots = page.get("/Annots")
    if not isinstance(annots, pikepdf.Array):
        return []
    out = []
    for i in range(min(len(annots), MAX_ANNOTS_PER_PAGE)):
        a = annots[i]
        if isinstance(a, pikepdf.Dictionary) and a.get("/Subtype") == "/Widget":
            out.append(a)
    return out


def read_widgets(widgets: list[Any], form: FormLayout, page_no: int,
                 ident: FormIdentity, problems: tuple[str, ...] = ()) -> PageReading:
    specs = {f.name: f for f in form.fields}
    readings: dict[str, FieldReading] = {}
    for annot in widgets:
        field = terminal_field(annot)
        full = field_name(field)
        name = full if full in specs else full.rsplit(".", 1)[-1]
        spec = specs.get(name)
        if spec is None or name in readings:
            continue
        if spec.type == "checkbox":
            readings[name] = _checkbox(name, field, annot)
        else:
            value = _normalise_newlines(_text(_inherited(field, "/V")))
            readings[name] = FieldReading(name, value, 1.0, "acroform")
    for spec in form.fields:
        if spec.name not in readings:
            readings[spec.name] = FieldReading(spec.name, "", 0.0, "acroform",
                                               "uncertain" if spec.type == "checkbox" else None)
    return PageReading(page=page_no, method="acroform", identity=ident, fields=readings, problems=problems)
