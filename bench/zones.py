"""Replay OCR on recorded text zones: try a change of the zone preparation in seconds, not minutes.

``python -m bench.zones dump OUT.pickle [MODES]`` reads the bench corpus (:func:`bench.scan.corpus`,
``FK_BENCH_SEED`` / ``FK_BENCH_CORPUS`` as there) with today's reader and records, for every typed
text field of the pages of *MODES* (comma-separated, default ``normal``: normal-mode faxes), what
:func:`formkit.scan.ocr.read_zone` was given (ink, grey, the cleaned interior, kind, the list's
value), the page's channel (:meth:`formkit.scan.verify.Channel.of_page`), the truth, the font and
the reading. ``python -m bench.zones replay OUT.pickle`` reads the recorded zones again with the
code as it is now and prints fields exact, exact per font and the fields stated at or above OCR_OK
(right and wrong) — OCR's own confidence, before the reader's caps and list agreement, so a
figure to compare variants with, not the bench's. The interior is recomputed
(:func:`formkit.scan.ocr.interior`), so a change of the noise removal is replayed too (a stroke the
reader found is then read as ink; the corpus's typed fields have none).

The zone harness behind the figures of COARSE_ROWS_PX and ROW_FILL (formkit.thresholds): about
30 s to record a seed's 30 normal-mode faxes, 10-20 s CPU to replay their 200 fields.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402

from bench import scan as B  # noqa: E402
from formkit import thresholds as T  # noqa: E402
from formkit.scan import iter_image_pages, ocr, reader, register, verify  # noqa: E402
from formkit.scan.context import ReadContext  # noqa: E402
from tests import corpus as C  # noqa: E402


def dump(out: Path, modes: tuple[str, ...] = ("normal",)) -> int:
    samples, members = B.corpus()
    registry = C.registry()
    context = ReadContext.build(members, [ld.event for ld in registry.forms() if ld.event is not None][:1])
    names = [f.name for f in C.form_layout().fields if f.type != "checkbox"]
    calls: list[dict[str, Any]] = []
    read_zone = ocr.read_zone

    def recorded(ink: np.ndarray, grey: np.ndarray, px: float, multiline: bool, margin: float,
                 **kw: Any) -> ocr.OcrResult:
        calls.append(dict(ink=ink.copy(), grey=grey.copy(), px=px, multiline=multiline, margin=margin,
                          kind=kw.get("kind", "text"), known=kw.get("known", ""), bilevel=kw.get("bilevel", True)))
        return read_zone(ink, grey, px, multiline, margin, **kw)

    zones: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="fk-bench-zones-"))
    reader.ocr.read_zone = recorded  # type: ignore[assignment]
    try:
        for s in samples:
            if s.mode not in modes or s.sheet_page is None:
                continue
            im = list(iter_image_pages(s.write(tmp)))[s.sheet_page - 1]
            calls.clear()
            seen = reader.analyse_page(im, 1, registry, context=context)
            if seen.registration is None or not isinstance(seen.result, B.PageReading) or len(calls) != len(names):
                continue
            page = register.prepare(np.asarray(im), float(im.info["dpi"][0]))
            channel = verify.Channel.of_page(page.flat, page.px_per_mm, page.bilevel, seen.registration.H)
            for name, call in zip(names, calls, strict=True):
                if name not in s.truth or not B._typed(s, name):
                    continue
                got = seen.result.fields[name]
                zones.append({**call, "sample": s.name, "field": name, "truth": B.norm(s.truth[name]),
                              "member": s.member, "font": s.fonts.get(name, "?"), "mode": s.mode,
                              "rows_mm": channel.pitch_y_mm if page.bilevel else 0.0,
                              "read": (got.value, got.confidence)})
    finally:
        reader.ocr.read_zone = read_zone  # type: ignore[assignment]
    out.write_bytes(pickle.dumps({"zones": zones, "words": context.words}))
    return len(zones)


def replay(path: Path) -> None:
    kept = pickle.loads(path.read_bytes())  # noqa: S301 -- our own file
    exact: Counter[str] = Counter()
    total: Counter[str] = Counter()
    sure_right = sure_wrong = 0
    for z in kept["zones"]:
        inner = ocr.interior(z["ink"], z["px"], z["margin"])
        r = ocr.read_zone(z["ink"], z["grey"], z["px"], z["multiline"], z["margin"], kind=z["kind"],
                          words=kept["words"], bilevel=z["bilevel"], inner=inner, known=z["known"],
                          rows_mm=z["rows_mm"])
        right = B.norm(r.text) == z["truth"]
        for key in ("alle", z["font"], "fremd" if z["member"] is False else "Liste"):
            total[key] += 1
            exact[key] += right
        sure_right += right and r.confidence >= T.OCR_OK
        sure_wrong += (not right) and r.confidence >= T.OCR_OK
    print(f"{path.name}: Felder exakt " + ", ".join(f"{k} {exact[k]}/{total[k]}" for k in sorted(total)))
    print(f"  OCR-Konfidenz ≥ OCR_OK: richtig {sure_right}, falsch {sure_wrong}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "dump":
        n = dump(Path(sys.argv[2]), tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 else ("normal",))
        print(f"{n} Textfelder aufgezeichnet in {sys.argv[2]}")
    elif len(sys.argv) == 3 and sys.argv[1] == "replay":
        replay(Path(sys.argv[2]))
    else:
        sys.exit("python -m bench.zones dump OUT.pickle [MODES] | replay OUT.pickle")
