"""Layout space: millimetres, origin at the top-left corner of the page, y growing downwards.

This is the one coordinate system of formkit. The renderer converts to PDF points (origin
bottom-left); the scan parser maps image pixels into it by registration.
"""

from __future__ import annotations

from dataclasses import dataclass

MM = 72.0 / 25.4  # PDF points per millimetre
A4 = (210.0, 297.0)


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in layout space (mm, top-left origin)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def x2(self) -> float:
        return self.x + self.w

    @property
    def y2(self) -> float:
        return self.y + self.h

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)

    def inset(self, d: float) -> Rect:
        return Rect(self.x + d, self.y + d, max(self.w - 2 * d, 0.0), max(self.h - 2 * d, 0.0))

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.x2 and self.y <= y <= self.y2

    def overlap_ratio(self, other: Rect) -> float:
        """Share of *other*'s area that lies inside this rectangle."""
        ix = max(0.0, min(self.x2, other.x2) - max(self.x, other.x))
        iy = max(0.0, min(self.y2, other.y2) - max(self.y, other.y))
        area = other.w * other.h
        return (ix * iy) / area if area > 0 else 0.0

    def to_pdf(self, page_height_mm: float) -> tuple[float, float, float, float]:
        """(x, y, w, h) in PDF points with y at the rectangle's bottom edge."""
        return (self.x * MM, (page_height_mm - self.y2) * MM, self.w * MM, self.h * MM)

    def to_pixels(self, dpi: float) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) in pixels of an upright image of the page at *dpi*."""
        k = dpi / 25.4
        return (round(self.x * k), round(self.y * k), round(self.x2 * k), round(self.y2 * k))
