"""German words, to doubt a sure reading that is a look-alike of one ('Eichhom' for Eichhorn).

On small type (8 pt on a fine fax) the gap between 'r' and 'n' and an umlaut's dots are a pixel,
and Tesseract reads 'Eichhom', 'Kommarkt', 'Fruhe' at 0.95-0.96 (bench.heldout_sizes). Neither
the model's confidence nor the ink drawn again tells these apart (the drawing, weighed against
its look-alikes, doubted right readings as often as wrong ones: see formkit.thresholds). What
does: the word read is no German word, and one of its look-alikes is. The words are the model's
own dictionary (the ``deu`` traineddata's word DAWG, unpacked once per process with Tesseract's
``combine_tessdata`` and ``dawg2wordlist``, ~0.1 s), the campaign's vocabulary and the package's
domain words; a compound of two such words counts as a word ('Kornmarkt').

A stranger's surname is seldom a German word; it is doubted only where a look-alike of it is one
('Kuhn', whose 'u' could be a 'ü' that lost its dots: 'kühn'): then a person looks, as they
should. Without the tools or the model no word is known and nothing is doubted.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from formkit.scan.rivals import dotted, look_alikes

_LETTERS = re.compile(r"[^\W\d_]{4,}")
# A compound's head is at least _HEAD letters long, its tail at least _TAIL ('Korn|markt'): the
# dictionary holds short words and fragments ('kom', 'icli') that make almost any string a compound.
_HEAD, _TAIL = 4, 5


@functools.lru_cache(maxsize=1)
def german_words() -> frozenset[str]:
    """The ``deu`` model's dictionary, casefolded; empty when it cannot be unpacked."""
    from formkit.scan.ocr import tessdata_path

    combine, dump = shutil.which("combine_tessdata"), shutil.which("dawg2wordlist")
    if not (combine and dump):
        return frozenset()
    try:
        model = Path(tessdata_path(), "deu.traineddata")
        with tempfile.TemporaryDirectory(prefix="formkit-lexicon-") as tmp:
            base = Path(tmp, "deu.")
            subprocess.run([combine, "-u", str(model), str(base)], check=True, capture_output=True, timeout=60)
            out = Path(tmp, "words.txt")
            subprocess.run([dump, f"{base}lstm-unicharset", f"{base}lstm-word-dawg", str(out)], check=True,
                           capture_output=True, timeout=60)
            return frozenset(w.casefold() for w in out.read_text(encoding="utf-8").split())
    except (OSError, subprocess.SubprocessError, RuntimeError):
        return frozenset()


@functools.lru_cache(maxsize=4)
def lexicon(known: frozenset[str]) -> Lexicon:
    """The lexicon of a parse run: the model's words and *known* (one per vocabulary, kept)."""
    return Lexicon(known)


class Lexicon:
    """The words a reading is weighed against: the model's, and *known* ones (the campaign's
    vocabulary, the domain words)."""

    def __init__(self, known: frozenset[str] = frozenset()) -> None:
        self.words = german_words() | {w.casefold() for w in known}

    def __bool__(self) -> bool:
        return bool(self.words)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one lexicon per process and context)
    def is_word(self, word: str) -> bool:
        """A word, or a compound of two (the second part perhaps after a linking 's')."""
        w = word.casefold()
        if w in self.words:
            return True
        for i in range(_HEAD, len(w) - _TAIL + 1):
            head, tail = w[:i], w[i:]
            if head in self.words and (tail in self.words or (tail[0] == "s" and len(tail) > _TAIL and tail[1:] in self.words)):
                return True
        return False

    def misread(self, text: str, coarse: bool = False, name: bool = False) -> str | None:
        """The first word of *text* (letters only, at least four) that is no word while one of its
        look-alikes is (*coarse*: those of a normal-mode fax's rows too): what it was perhaps
        misread from, else None. In a *name*, also a word whose bare vowel with dots is a word too
        ('Bruckner' and Brückner: the fax lost the dots at 7 pt and the model, knowing the
        composer, was sure at 0.97; a probe of returners never used before). Not in other text:
        'Stadtverwaltung' has 'Städtverwaltung', 'Große' 'Größe' (210 of 2,612 sure fields on ten
        bench seeds), while names with two such spellings are few (none on those seeds)."""
        for m in _LETTERS.finditer(text):
            word = m.group()
            if self.is_word(word):
                if name and (alike := next((a for a in dotted(word) if self.is_word(a)), None)) is not None:
                    return alike
                continue
            for alike in look_alikes(word, coarse):
                if self.is_word(alike):
                    return alike
        return None
