"""Paragraph styles of formkit documents: one sans family, sizes for a ministry's print."""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from formkit.render.fonts import BOLD, REGULAR, register_fonts

ALIGN = {"left": TA_LEFT, "justify": TA_JUSTIFY, "center": TA_CENTER}
DARK_BLUE = (0.0, 0.2, 0.45)


@lru_cache(maxsize=64)
def body(size: float = 10.5, align: str = "left", space_after: float = 6.0) -> ParagraphStyle:
    register_fonts()
    return ParagraphStyle(
        f"body-{size}-{align}-{space_after}",
        fontName=REGULAR,
        fontSize=size,
        leading=size * 1.3,
        alignment=ALIGN[align],
        spaceAfter=space_after,
    )


@lru_cache(maxsize=8)
def heading(level: int) -> ParagraphStyle:
    register_fonts()
    size = {1: 15.0, 2: 12.5, 3: 11.0}[level]
    return ParagraphStyle(
        f"h{level}",
        fontName=BOLD,
        fontSize=size,
        leading=size * 1.25,
        spaceBefore=size * 0.6,
        spaceAfter=size * 0.45,
        textColor=DARK_BLUE if level < 3 else (0, 0, 0),
    )


@lru_cache(maxsize=8)
def small(size: float = 8.0) -> ParagraphStyle:
    register_fonts()
    return ParagraphStyle(f"small-{size}", fontName=REGULAR, fontSize=size, leading=size * 1.25)
