"""Fit the per-kind confidence knots of :mod:`formkit.scan.calibration` on a corpus of their own.

``python -m bench.calibrate [SEED]`` generates typed returns (fine and normal-mode faxes, grey
scans; half of the returners strangers) with another seed than ``bench scan`` reports on, reads
them with the campaign's vocabulary but without the mailing list's confirmations (those are
semantic, not OCR's confidence) and without calibration, and prints per kind the lowest raw
confidence from which the fields were right at least ``CALIBRATION_MIN_RIGHT`` of the time —
the knots to put into ``formkit/thresholds.py`` — beside the knots in force. Not part of
``make bench`` (it fits, it does not measure).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from bench.returns import PRINTED, campaign_returns  # noqa: E402
from bench.scan import norm  # noqa: E402
from formkit import thresholds as T  # noqa: E402
from formkit.readings import PageReading  # noqa: E402
from formkit.scan import iter_image_pages, read_page  # noqa: E402
from formkit.scan.context import ReadContext  # noqa: E402
from formkit.scan.ocr import ALL  # noqa: E402
from tests import corpus as C  # noqa: E402

SEED = 31
SIZES = dict(n_fine=160, n_normal=80, n_scan=48, n_hand=0, n_photo=0, n_cover=0, n_packet=0, bad=False)
KINDS = ("name", "institution", "address", "phone", "email", "date")
# Stated caps the reading sets after the calibration (ink between words, a word near a known one,
# two passes disagreeing, an implausible value): a field at exactly one of them says nothing of
# Tesseract's confidence (the reader rounds to 3 decimals; a raw value may rarely coincide).
CAPS = {T.UNREAD_INK_CONFIDENCE, T.NEAR_WORD_CONFIDENCE, T.SECOND_PASS_CONFIDENCE, T.IMPLAUSIBLE_CONFIDENCE,
        T.SNAPPED_CONFIDENCE, T.AGREE_CONFLICT_CONFIDENCE, T.UNTRUSTED_CONFIDENCE}
# Fewer fields than this above a knot say nothing about 99.5 %: the kind keeps OCR_OK unmapped.
MIN_ABOVE = 40


Obs = tuple[float, bool, str]  # raw confidence, right, "value ≠ truth" when wrong


def observe(seed: int = SEED) -> dict[str, list[Obs]]:
    """(raw confidence, right, what was wrong) of every typed text field of the calibration
    corpus, by kind."""
    samples, members = campaign_returns(seed=seed, **SIZES)  # type: ignore[arg-type]
    registry = C.registry()
    events = [ld.event for ld in registry.forms() if ld.event is not None][:1]
    # The vocabulary helps OCR as in production; the list's per-person confirmations stay out.
    context = ReadContext(words=ReadContext.build(members, events).words)
    levers = replace(ALL, calibrate=False, agree=False, witness=False)  # agreement and witness act on calibrated values
    tmp = Path(tempfile.mkdtemp(prefix="fk-calibrate-"))
    obs: dict[str, list[Obs]] = defaultdict(list)
    for s in samples:
        if s.sheet_page is None or s.kind.startswith("hand") or s.changed:
            continue
        images = list(iter_image_pages(s.write(tmp)))
        r = read_page(images[s.sheet_page - 1], s.sheet_page, registry, context, levers)
        if not isinstance(r, PageReading):
            continue
        for k in KINDS:
            f = r.fields[k]
            # What the packets printed is verified against the print in production, not read:
            # only values people typed calibrate OCR.
            if f.snapped or f.printed or s.fonts.get(k) == PRINTED or f.confidence in CAPS:
                continue
            got, want = norm(f.value), norm(s.truth[k])
            obs[k].append((f.confidence, got == want, f"{s.name}: {got!r} ≠ {want!r}"))
    return obs


def knot(xs: list[Obs], min_right: float = T.CALIBRATION_MIN_RIGHT) -> float | None:
    """The lowest raw confidence t such that, for every t' >= t among the observed ones, the
    fields at or above t' were right at least *min_right* of the time (None: no such t with
    MIN_ABOVE fields above it)."""
    best = None
    for t in sorted({c for c, _, _ in xs}, reverse=True):
        above = [r for c, r, _ in xs if c >= t]
        if sum(above) < min_right * len(above):
            break
        if len(above) >= MIN_ABOVE and t >= T.CALIBRATION_FLOOR:
            best = t
    return best


MARGINS = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05)


def _above(obs: dict[str, list[Obs]], knots: dict[str, float | None], margin: float) -> tuple[int, int]:
    """(fields stated at OCR_OK or above, of them wrong) when *knots* + *margin* are in force."""
    n = wrong = 0
    for k, xs in obs.items():
        t = knots.get(k)
        for c, right, _ in xs:
            if c >= (T.OCR_OK if t is None else t + margin):
                n += 1
                wrong += not right
    return n, wrong


def crosscheck(paths: list[str]) -> int:
    """``python -m bench.calibrate fit A.json B.json …``: knots fitted on each seed's observations
    tested on the others' at each margin, then the knots of all together. A knot sits just above
    the surest error of its corpus; the next corpus has its surest error a little higher, and the
    margin that keeps another seed's confident errors at or below 0.25 % is the one to add."""
    sets = [{k: [tuple(o) for o in v] for k, v in json.loads(Path(p).read_text(encoding="utf-8")).items()}
            for p in paths]
    print(f"  {'Rand':>5}  " + "  ".join(f"{'Knoten ' + str(i + 1) + ' → andere':>24}" for i in range(len(sets))))
    for margin in MARGINS:
        cells = []
        for i, fit_on in enumerate(sets):
            knots = {k: knot(xs) for k, xs in fit_on.items()}  # type: ignore[arg-type]
            n = wrong = 0
            for j, test in enumerate(sets):
                if j != i:
                    a, b = _above(test, knots, margin)  # type: ignore[arg-type]
                    n, wrong = n + a, wrong + b
            cells.append(f"{wrong}/{n} = {100.0 * wrong / max(1, n):.2f} %")
        print(f"  {margin:>5.2f}  " + "  ".join(f"{c:>24}" for c in cells))
    union: dict[str, list[Obs]] = {}
    for one in sets:
        for k, xs in one.items():
            union.setdefault(k, []).extend(xs)  # type: ignore[arg-type]
    print("  Knoten aus allen zusammen: " + ", ".join(f"{k} {knot(xs) or float('nan'):.3f}" for k, xs in union.items()))
    return 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "fit":
        return crosscheck(argv[1:])
    """``python -m bench.calibrate [SEED [OBS.json]]``: fit (and keep the observations in OBS.json,
    to test knots fitted on one seed against another)."""
    seed = int(argv[0]) if argv else SEED
    t0 = time.perf_counter()
    obs = observe(seed)
    if len(argv) > 1:
        Path(argv[1]).write_text(json.dumps(obs, ensure_ascii=False), encoding="utf-8")
    print(f"Kalibrierkorpus Seed {seed}: {sum(len(v) for v in obs.values())} Textfelder in "
          f"{time.perf_counter() - t0:.0f} s gelesen; Ziel: ab dem Knoten ≥ {T.CALIBRATION_MIN_RIGHT:.1%} richtig")
    print(f"  {'Art':<12} {'Felder':>6} {'richtig':>8}  {'Knoten neu':>10}  {'ab Knoten':>14}  {'in Kraft':>8}  "
          f"{'ab OCR_OK roh':>14}")
    for k in KINDS:
        xs = obs.get(k, [])
        t = knot(xs)
        above = [r for c, r, _ in xs if t is not None and c >= t]
        raw_ok = [r for c, r, _ in xs if c >= T.OCR_OK]
        now = T.CALIBRATION.get(k)
        print(f"  {k:<12} {len(xs):>6} {sum(r for _, r, _ in xs):>8}  {'–' if t is None else f'{t:.3f}':>10}  "
              f"{f'{sum(above)}/{len(above)}' if above else '–':>14}  {'–' if now is None else f'{now:.3f}':>8}  "
              f"{f'{sum(raw_ok)}/{len(raw_ok)}':>14}")
    print("  die sichersten Fehler je Art (roh):")
    for k in KINDS:
        for c, _, what in sorted((o for o in obs.get(k, []) if not o[1]), reverse=True)[:3]:
            print(f"    {k:<12} {c:.3f}  {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
