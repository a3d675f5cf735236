"""The straight lines a form page prints: the border of every field and of every labelled box.

:func:`formkit.render.form.draw_form` strokes a rectangle at each field's and each box's ``rect``
and no other straight line (its marks are solid squares, its text is text). The scan reader asks
this module where those lines are, so that a long straight line found in a field's zone can be
told apart: one of the form's own (removed before OCR) or a writer's stroke through a value
(ink: the field goes to a person). ``tests/test_scan_strokes.py`` checks the list against a
rendered page, so that this stays the one description of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from formkit.geometry import Rect
from formkit.layout.models import FormLayout


@dataclass(frozen=True)
class Rule:
    """A straight printed line in layout space (mm): horizontal at y = *at* from *start* to *end*
    (x), or vertical at x = *at* from *start* to *end* (y)."""

    axis: Literal["h", "v"]
    at: float
    start: float
    end: float


def _edges(r: Rect) -> tuple[Rule, ...]:
    return (Rule("h", r.y, r.x, r.x2), Rule("h", r.y2, r.x, r.x2),
            Rule("v", r.x, r.y, r.y2), Rule("v", r.x2, r.y, r.y2))


_made: dict[int, tuple[FormLayout, tuple[Rule, ...]]] = {}


def ruled_lines(form: FormLayout) -> tuple[Rule, ...]:
    """Every straight line *form* prints: the four edges of each field's and each box's rect.
    Kept per layout object (the reader asks once a page; a layout is not changed once loaded)."""
    kept = _made.get(id(form))
    if kept is not None and kept[0] is form:
        return kept[1]
    rects = [f.box for f in form.fields] + [b.box for b in form.boxes]
    lines = tuple(e for r in rects for e in _edges(r))
    if len(_made) >= 16:  # a run reads a few campaigns' layouts: keep memory bounded
        _made.clear()
    _made[id(form)] = (form, lines)
    return lines


def lines_in(rules: tuple[Rule, ...], zone: Rect) -> tuple[Rule, ...]:
    """The lines that pass through *zone* (its edges included)."""
    out = []
    for r in rules:
        lo, hi = (zone.y, zone.y2) if r.axis == "h" else (zone.x, zone.x2)
        a, b = (zone.x, zone.x2) if r.axis == "h" else (zone.y, zone.y2)
        if lo <= r.at <= hi and r.start <= b and r.end >= a:
            out.append(r)
    return tuple(out)
