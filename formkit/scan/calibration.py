"""From Tesseract's confidence of a field to a stated confidence a person can trust.

Tesseract's word and symbol confidences are monotone but not calibrated, and not alike across
kinds: a date read through a digit whitelist at 0.90 was right as often as a name at 0.95.
Each kind has one knot ``(raw, OCR_OK)`` in :data:`formkit.thresholds.CALIBRATION`, fitted on a
corpus of its own (``python -m bench.calibrate``, another seed than ``bench scan`` measures on):
the lowest raw confidence from which that kind's fields were right at least CALIBRATION_MIN_RIGHT
of the time. The map is piecewise linear through (0, 0), the knot and (1, 1), so it is monotone,
keeps the order of fields within a kind, and makes OCR_OK the one threshold for every kind.
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
