"""Embedded TrueType fonts for document text (Liberation Sans, metric-compatible with Arial).

Form field appearances use the PDF base font Helvetica, which every viewer regenerates with;
document text uses an embedded font so that it prints identically everywhere.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from formkit.errors import MissingToolError

REGULAR = "FK-Sans"
BOLD = "FK-Sans-Bold"
ITALIC = "FK-Sans-Italic"
BOLD_ITALIC = "FK-Sans-BoldItalic"

_CANDIDATES = {
    REGULAR: ("liberation2/LiberationSans-Regular.ttf", "liberation/LiberationSans-Regular.ttf",
              "dejavu/DejaVuSans.ttf"),
    BOLD: ("liberation2/LiberationSans-Bold.ttf", "liberation/LiberationSans-Bold.ttf",
           "dejavu/DejaVuSans-Bold.ttf"),
    ITALIC: ("liberation2/LiberationSans-Italic.ttf", "liberation/LiberationSans-Italic.ttf",
             "dejavu/DejaVuSans-Oblique.ttf"),
    BOLD_ITALIC: ("liberation2/LiberationSans-BoldItalic.ttf", "liberation/LiberationSans-BoldItalic.ttf",
                  "dejavu/DejaVuSans-BoldOblique.ttf"),
}
_FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/local/share/fonts"))


def _find(candidates: tuple[str, ...]) -> Path:
    for rel in candidates:
        for base in _FONT_DIRS:
            p = base / rel
            if p.exists():
                return p
    raise MissingToolError(
        "Schriftart Liberation Sans nicht gefunden. Bitte 'make setup' ausführen "
        "(installiert fonts-liberation2)."
    )


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register the family once per process; returns the regular font's name."""
    for name, candidates in _CANDIDATES.items():
        pdfmetrics.registerFont(TTFont(name, str(_find(candidates))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    return REGULAR


# Outline fonts with Helvetica's metrics, as Ghostscript and poppler substitute them for the base
# font the form fields are drawn in (formkit.render.form.FIELD_FONT); the scan verifier renders
# prefilled values with it.
_FIELD_FONT_FILES = (Path("/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf"),
                     Path("/usr/share/fonts/type1/urw-base35/NimbusSans-Regular.t1"),
                     Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
                     Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"))


@lru_cache(maxsize=1)
def field_font_file() -> str:
    for p in _FIELD_FONT_FILES:
        if p.exists():
            return str(p)
    return str(_find(_CANDIDATES[REGULAR]))
