"""From Tesseract's confidence of a field to a stated confidence a person can trust.

Tesseract's word and symbol confidences are monotone but not calibrated, and not alike across
kinds: a date read through a digit whitelist at 0.90 was right as often as a name at 0.95.
Each kind has one knot ``(raw, OCR_OK)`` in :data:`formkit.thresholds.CALIBRATION`, fitted on a
corpus of its own (``python -m bench.calibrate``, another seed than ``bench scan`` measures on):
the lowest raw confidence from which that kind's fields were right at least CALIBRATION_MIN_RIGHT
of the time. The map is piecewise linear through (0, 0), the knot and (1, 1), so it is monotone,
keeps the order of fields within a kind, and makes OCR_OK the one threshold for every kind.

Tesseract's own alternatives were measured as a further signal and are not used (issue 11, fifth
round): with ``lstm_choice_mode`` 2, each symbol's runner-up (choice iterator) and the per-timestep
choices, replayed on the zones of bench seeds 2018 and 2019 and checked on 2021. They separate
right from wrong fields less well than the confidence used here (AUC 0.87-0.89 against 0.92 on
1,087 typed fields; among fields at 0.90 or more, 0.63 against 0.83), because the surest errors
have no runner-up at all: 'Görken' for Görkem at 0.948, '53378' for 53878 at 0.927 (the fax drew
the other letter; the thickened second pass reads it alike). Lifting fields with no runner-up
above 20 to OCR_OK from 0.8 made 18 / 25 / 28 right fields sure on seeds 2018 / 2019 / 2021, and 3
wrong ones on 2019. The choice output costs about a fifth more Tesseract time.
"""

from __future__ import annotations

from formkit import thresholds as T


def calibrated(kind: str, raw: float) -> float:
    """The stated confidence of a field of *kind* that OCR read with confidence *raw* (0..1)."""
    knot = T.CALIBRATION.get(kind)
    if knot is None or raw <= 0.0:
        return raw
    if raw >= 1.0:
        return 1.0
    if raw < knot:
        return raw * T.OCR_OK / knot
    return T.OCR_OK + (raw - knot) * (1.0 - T.OCR_OK) / (1.0 - knot)
