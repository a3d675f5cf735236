"""Tick boxes: ink in the box's inner area, after the printed border is removed -> state + score.

Crosses, check marks and filled boxes put ink in the middle of the box; a stroke that merely
touches the edge (from a neighbouring tick, a signature, a fax streak) stays in the margin the
inset leaves out and counts for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formkit import thresholds as T
from formkit.geometry import Rect
from formkit.readings import TickState


@dataclass(frozen=True)
class Tick:
    state: TickState
    score: float  # ink ratio of the inner area, 0..1
    confidence: float


def tick_confidence(score: float) -> float:
    """How sure the state is: 1 far from the thresholds, 0.5 at a threshold, low in between."""
    lo, hi = T.TICK_EMPTY_BELOW, T.TICK_TICKED_ABOVE
    if score < lo:
        return float(min(1.0, 0.5 + 0.5 * (lo - score) / lo))
    if score > hi:
        return float(min(1.0, 0.5 + 0.5 * (score - hi) / hi))
    mid = (lo + hi) / 2
    return float(0.5 * abs(score - mid) / ((hi - lo) / 2)) * 0.5


def read_tick(ink: np.ndarray, box: Rect, px_per_mm: float) -> Tick:
    """*ink* is a registered ink mask (1 = ink) at *px_per_mm*; *box* in the mask's own mm."""
    inner = box.inset(T.TICK_INSET_MM)
    x0, y0 = int(round(inner.x * px_per_mm)), int(round(inner.y * px_per_mm))
    x1, y1 = int(round(inner.x2 * px_per_mm)), int(round(inner.y2 * px_per_mm))
    area = ink[y0:y1, x0:x1]
    score = float(area.mean()) if area.size else 0.0
    if score < T.TICK_EMPTY_BELOW:
        state: TickState = "empty"
    elif score > T.TICK_TICKED_ABOVE:
        state = "ticked"
    else:
        state = "uncertain"
    return Tick(state, score, tick_confidence(score))
