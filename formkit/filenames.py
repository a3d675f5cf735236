"""File names made from people's names: ASCII, German transliteration, safe on any file system."""

from __future__ import annotations

import re
import unicodedata

SLUG_MAX = 40  # characters of the name part of a file name (an id of at most 32 comes on top)

_TRANSLIT = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS",
             "æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "œ": "oe", "Œ": "Oe", "ł": "l", "Ł": "L", "đ": "d"}


def slugify(text: str, max_len: int = SLUG_MAX, fallback: str = "einladung") -> str:
    """ASCII file-name part: "Müller, Anna" → "mueller-anna"; never empty, at most *max_len*."""
    s = "".join(_TRANSLIT.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    s = s[:max_len].rstrip("-")
    return s or fallback
