"""Same readings before and after a speed change: record every page of the bench corpus, check again.

A speed change to :mod:`formkit.scan` must not change what a page reads. This records, for every
page of the scan bench's corpus (:mod:`bench.scan`, seed 2018) and both of its pipelines, what
:func:`formkit.scan.read_page` returns — identity, problems, fit error, and per field the value,
confidence (3 decimals), tick state and score, printed/snapped/struck flags and the pixels of the crop and
of the preview — and compares a later run with it::

    python -m bench.scan_same record /tmp/fk-same.json   # before the change
    python -m bench.scan_same check /tmp/fk-same.json    # after: lists every difference, exit 1 if any

The corpus takes about 75 s to generate; it is cached as a pickle (``FK_BENCH_CORPUS``, default
``/tmp/fk-bench-corpus-2018.pkl``; :func:`bench.scan.corpus` regenerates it when the seed, the sizes
or the generator's sources changed) and reused by both runs. No ``run()``: ``make bench`` skips it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from bench.scan import PIPELINES, SEED  # noqa: E402
from bench.scan import corpus as scan_corpus  # noqa: E402
from formkit.readings import NotAForm, PageReading  # noqa: E402
from formkit.recipients import Recipient  # noqa: E402
from formkit.scan import iter_image_pages, read_page  # noqa: E402
from formkit.scan.context import ReadContext  # noqa: E402
from tests import corpus as C  # noqa: E402

# The default cache of the corpus when FK_BENCH_CORPUS is not set (bench.scan.corpus checks that it
# was made by the same seed, sizes and generator).
CACHE = Path(f"/tmp/fk-bench-corpus-{SEED}.pkl")


def cached_corpus(path: Path | None = None) -> tuple[list[C.Sample], list[Recipient]]:
    """The scan bench's corpus, generated once and then read from the cache (:func:`bench.scan.corpus`)."""
    return scan_corpus(path or Path(os.environ.get("FK_BENCH_CORPUS") or CACHE))


def _pixels(png: bytes | None) -> str | None:
    """A digest of the decoded pixels: the PNG's compression may change, the image must not."""
    if png is None:
        return None
    arr = np.asarray(Image.open(io.BytesIO(png)))
    return hashlib.sha256(f"{arr.shape}{arr.dtype}".encode() + arr.tobytes()).hexdigest()[:16]


def describe(r: PageReading | NotAForm) -> dict[str, Any]:
    if isinstance(r, NotAForm):
        return {"not_a_form": r.reason, "kind": r.kind.value}
    return {
        "identity": repr(r.identity),
        "problems": list(r.problems),
        "fit_error_mm": r.fit_error_mm,
        "preview": _pixels(r.image),
        "fields": {n: {"value": f.value, "confidence": round(f.confidence, 3), "state": f.state, "score": f.score,
                       "printed": f.printed, "snapped": f.snapped, "struck": f.struck, "method": f.method,
                       "crop": _pixels(f.crop)}
                   for n, f in r.fields.items()},
    }


def read_all() -> dict[str, Any]:
    samples, members = cached_corpus()
    registry = C.registry()
    context = ReadContext.build(members, [ld.event for ld in registry.forms() if ld.event is not None][:1])
    tmp = Path(tempfile.mkdtemp(prefix="fk-bench-same-"))
    out: dict[str, Any] = {}
    for n, s in enumerate(samples, start=1):
        path = s.write(tmp)
        for pipe, lev in PIPELINES.items():
            for i, im in enumerate(iter_image_pages(path), start=1):
                r = read_page(im, i, registry, context if lev.verify else None, lev)
                out[f"{s.name}/{pipe}/{i}"] = describe(r)
        print(f"\r{n}/{len(samples)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return out


def _diff(a: Any, b: Any, where: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            _diff(a.get(k, "<fehlt>"), b.get(k, "<fehlt>"), f"{where}.{k}", out)
    elif a != b:
        out.append(f"{where}: {a!r} → {b!r}")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("record", "check"):
        print("Aufruf: python -m bench.scan_same record|check DATEI.json", file=sys.stderr)
        return 2
    mode, target = argv[0], Path(argv[1])
    got = read_all()
    if mode == "record":
        target.write_text(json.dumps(got, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{len(got)} Seiten aufgezeichnet in {target}")
        return 0
    want = json.loads(target.read_text(encoding="utf-8"))
    diffs: list[str] = []
    _diff(want, json.loads(json.dumps(got)), "", diffs)
    for line in diffs:
        print(line)
    print(f"{len(got)} Seiten verglichen: {len(diffs)} Unterschiede")
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
