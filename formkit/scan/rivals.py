"""The near rivals of a typed reading: what a fax and a typeface could have made look like it.

Each character swapped for a look-alike, two glyphs for one and one for two, each character
dropped, a narrow glyph put in anywhere (:func:`rivals`). :mod:`formkit.scan.redraw` draws the
reading and every rival and confirms the reading only where it explains the ink clearly better.
"""

from __future__ import annotations

# Characters a fax and a typeface make look alike, as groups: each stands for every other of its
# group. Derived from the bench's misreads (seed 2018 dump: l/i, e/c, s/e, O/Ö, f/t, z/2, 1/I,
# ö/u, m/n, i/j, r/t, r/n, g/y, ,/; …) and widened by shape.
_GROUPS = (
    "lI1i!tfj|", "oöOÖ0QcCeGD", "uüvyn", "aäoeęs", "0123456789", "ßB83", ",.;:", "hbnkr", "rtfn", "mn",
    "gyq9", "EFPBR", "S5s", "Z2z", "@®&", "'`´", "-–", "/7l|", "()[]{}",
)
_CASE = set("cCoOsSvVwWxXzZuUkKpP")  # letters whose capital is the small one grown
_SWAPS: dict[str, frozenset[str]] = {}
for _g in _GROUPS:
    for _c in _g:
        _SWAPS[_c] = _SWAPS.get(_c, frozenset()) | frozenset(_g.replace(_c, ""))
for _c in _CASE:
    _SWAPS[_c] = _SWAPS.get(_c, frozenset()) | {_c.swapcase()}
# Two glyphs that one can pass for, and the other way round.
_PAIRS = (("rn", "m"), ("cl", "d"), ("li", "h"), ("ri", "n"), ("vv", "w"), ("ii", "ü"), ("in", "m"), ("ni", "m"),
          ("lI", "ll"), ("fi", "h"), ("tl", "d"), ("nn", "m"))
# Narrow glyphs OCR drops or adds (the bench: 'i', '.', 'r', ' ', 't' put in; 't', 'r', '.' left out).
_THIN = "il1rtf.,-' I"


def latin1(text: str) -> bool:
    return all(ord(c) < 256 for c in text)


def rivals(line: str) -> list[str]:
    """The near rivals of one line of a reading: each character swapped for a look-alike, two
    glyphs for one and one for two, each character dropped, a narrow glyph put in anywhere. Only
    Latin-1 text (what a sheet's fields hold); the line itself excluded."""
    out: dict[str, None] = {}
    for i, c in enumerate(line):
        for d in sorted(_SWAPS.get(c, ())):
            out[line[:i] + d + line[i + 1:]] = None
    for a, b in _PAIRS:
        for src, dst in ((a, b), (b, a)):
            at = line.find(src)
            while at >= 0:
                out[line[:at] + dst + line[at + len(src):]] = None
                at = line.find(src, at + 1)
    for i in range(len(line)):
        out[line[:i] + line[i + 1:]] = None
    for i in range(len(line) + 1):
        for c in _THIN:
            out[line[:i] + c + line[i:]] = None
    out.pop(line, None)
    # (a space at either end or a second one draws nothing: the same drawing, not a rival)
    return [r for r in out if r.strip() == r and r and latin1(r) and "  " not in r and not _inner_capital(r, line)]


def _inner_capital(rival: str, line: str) -> bool:
    """Does *rival* put a capital right after a small letter where *line* has none? No German
    word is written so ('ThoraIf', 'StadtverwaItung'): in Helvetica an 'I' is an 'l' drawn
    alike, and only the spelling tells them apart. The one such spelling in use, an 'I' before
    'n' ('LeiterIn', 'MitarbeiterInnen'), stays a rival."""
    def inner(t: str) -> set[int]:
        return {i for i in range(1, len(t)) if t[i].isupper() and t[i - 1].islower()
                and not (t[i] == "I" and t[i + 1:i + 2] == "n")}
    return bool(inner(rival) - inner(line)) if len(rival) == len(line) else bool(inner(rival))


# A bare vowel and its umlaut: the dots a fax shrinks to a speck or drops. (Dots made of noise are
# rare, and a bare surname is often a word: 'Vogler' for a sure 'Vögler' doubted 1 name in 8.)
_UMLAUTS = {"a": "ä", "o": "ö", "u": "ü", "A": "Ä", "O": "Ö", "U": "Ü"}
# The small bowls: an e whose eye a fax closes or whose bar it drops reads o or c, and back
# ('Töpforgasse' for Töpfergasse at 0.96, Helvetica 9 pt, fine fax: bench seed 2022).
_BOWLS = {"e": "oc", "o": "ec", "c": "eo"}
# On a normal-mode fax a row is 0.26 mm, a t's crossbar thinner: it vanishes or merges, and t and l
# look alike ('Hinler der Mauer' for Hinter at 0.96, Helvetica 12 pt: bench seed 2023).
_COARSE = {"l": "t", "t": "l"}


def dotted(word: str) -> list[str]:
    """*word* with one bare vowel given the dots a fax may have lost ('Bruckner': 'Brückner')."""
    return [word[:i] + _UMLAUTS[c] + word[i + 1:] for i, c in enumerate(word) if c in _UMLAUTS]


def look_alikes(word: str, coarse: bool = False) -> list[str]:
    """What a sure reading of *word* may have been misread from (:mod:`formkit.scan.lexicon`): two
    glyphs for one and one for two ('rn'/'m', 'cl'/'d' …), and an umlaut whose dots were lost. Tesseract is sure of such a misread on small type ('Eichhom' for Eichhorn at 0.95,
    'Fruhe' for Frühe at 0.96: bench.heldout_sizes): the gap between two glyphs and a dot are a
    pixel at 8 pt on a fine fax. (Swapped look-alikes of one glyph, 'l'/'I', are left out: the
    model reads those by the word's shape, and a dictionary would doubt every name; the small
    bowls e/o/c are the one swap kept, and on *coarse* rows (a normal-mode fax) t/l.)"""
    out: dict[str, None] = {}
    for a, b in _PAIRS:
        for src, dst in ((a, b), (b, a)):
            at = word.find(src)
            while at >= 0:
                out[word[:at] + dst + word[at + len(src):]] = None
                at = word.find(src, at + 1)
    for i, c in enumerate(word):
        for d in _BOWLS.get(c, "") + (_COARSE.get(c, "") if coarse else ""):
            out[word[:i] + d + word[i + 1:]] = None
    for alike in dotted(word):
        out[alike] = None
    out.pop(word, None)
    return list(out)
