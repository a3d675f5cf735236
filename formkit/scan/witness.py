"""A second model as witness: an unsure reading confirmed by a model trained apart from ``deu``.

Tesseract's English model reads the same zone. Its errors are its own (other training data, no
German dictionary), so the same string from both is right far more often than either model's
confidence says (formkit.thresholds, witness section, has the figures). It knows no umlauts and
no ß: where the German reading has one, the witness may read anything of one or two characters
but the bare letter ('Töpfergasse' / 'Tépfergasse', 'Straße' / 'StraBe', 'Brühl' / 'Briihl');
every other character must be the same. A bare vowel where German reads an umlaut is no
confirmation: the dots may be a speck ('Heldrüngen' for Heldrungen).
"""

from __future__ import annotations

import functools

_BARE = {"ä": "a", "ö": "o", "ü": "u", "ß": "s"}


def agrees(german: str, witness: str, exact: bool) -> bool:
    """Does the witness's reading confirm the German one? *exact*: the same string."""
    if exact or german == witness:
        return german == witness

    @functools.cache
    def match(i: int, j: int) -> bool:
        if i == len(german):
            return j == len(witness)
        c = german[i]
        bare = _BARE.get(c.lower())
        if bare is None:
            return j < len(witness) and witness[j] == c and match(i + 1, j + 1)
        # One or two characters, but not the bare letter (nor two of it).
        return any(j + k <= len(witness) and witness[j:j + k].lower() not in (bare, bare * 2) and match(i + 1, j + k)
                   for k in (1, 2))

    return match(0, 0)
