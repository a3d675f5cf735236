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


# Outline fonts with the metrics of the PDF base fonts a form field's appearance is drawn in, as
# Ghostscript and poppler substitute them: Helvetica is the one our fields use
# (formkit.render.form.FIELD_FONT); Times and Courier are what other programs re-draw a field in
# when a person picks another font. The scan verifier renders prefilled values with them.
_URW = (Path("/usr/share/fonts/opentype/urw-base35"), Path("/usr/share/fonts/type1/urw-base35"))
_LIBERATION = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))
_BASE_FONT_FILES = {
    "Helvetica": [d / f for d in _URW for f in ("NimbusSans-Regular.otf", "NimbusSans-Regular.t1")]
    + [d / "LiberationSans-Regular.ttf" for d in _LIBERATION],
    "Times": [d / f for d in _URW for f in ("NimbusRoman-Regular.otf", "NimbusRoman-Regular.t1")]
    + [d / "LiberationSerif-Regular.ttf" for d in _LIBERATION],
    "Courier": [d / f for d in _URW for f in ("NimbusMonoPS-Regular.otf", "NimbusMonoPS-Regular.t1")]
    + [d / "LiberationMono-Regular.ttf" for d in _LIBERATION],
}
# The base fonts' PostScript names (reportlab's metrics for them: formkit.scan.verify wraps lines).
BASE_FONT_NAMES = {"Helvetica": "Helvetica", "Times": "Times-Roman", "Courier": "Courier"}


@lru_cache(maxsize=4)
def base_font_file(family: str) -> str | None:
    """An outline font file for the base font *family* (a key of BASE_FONT_NAMES), None if none is installed."""
    for p in _BASE_FONT_FILES[family]:
        if p.exists():
            return str(p)
    return None


@lru_cache(maxsize=1)
def field_font_file() -> str:
    return base_font_file("Helvetica") or str(_find(_CANDIDATES[REGULAR]))
