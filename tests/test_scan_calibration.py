"""The per-kind calibration of OCR confidence: monotone, the knot stated as OCR_OK, caps kept."""

from __future__ import annotations

import pytest

from formkit import thresholds as T
from formkit.scan import calibration


@pytest.fixture()
def knots(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    table = {"date": 0.86, "name": 0.97}
    monkeypatch.setattr(T, "CALIBRATION", table)
    return table


def test_the_knot_is_stated_as_ocr_ok_and_the_map_is_monotone(knots: dict[str, float]) -> None:
    for kind, knot in knots.items():
        assert calibration.calibrated(kind, knot) == pytest.approx(T.OCR_OK)
        raws = [i / 200 for i in range(201)]
        stated = [calibration.calibrated(kind, r) for r in raws]
        assert stated == sorted(stated) and stated[0] == 0.0 and stated[-1] == 1.0
        # Just below the knot stays below OCR_OK: a field the corpus did not vouch for goes to a person.
        assert calibration.calibrated(kind, knot - 0.005) < T.OCR_OK


def test_a_kind_without_knot_states_its_raw_confidence(knots: dict[str, float]) -> None:
    assert calibration.calibrated("address", 0.93) == 0.93
    assert calibration.calibrated("text", 0.5) == 0.5


def test_a_knot_above_ocr_ok_makes_the_kind_stricter(knots: dict[str, float]) -> None:
    assert calibration.calibrated("name", 0.96) < T.OCR_OK <= calibration.calibrated("name", 0.97)
