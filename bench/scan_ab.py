"""Time per fine-mode fax page, an older commit against the working tree, in one process, alternating.

On a shared machine the load changes from minute to minute: two runs one after the other measure
the neighbours as much as the code. This loads ``formkit`` twice in one process — the package of
commit *REV* (``git archive`` into a temporary folder) and the working tree's — and reads every
fine-mode fax of the scan bench's corpus (:func:`bench.scan_same.cached_corpus`) with both, in
alternating order, from opening the file to the PageReading, the way ``bench scan`` reads them
(mailing list and all levers). It prints the medians of wall time and of process CPU time (all
threads), their ratio, the median of the per-page ratios, and the 90 % quantile and sum of each
(the tail: pages whose typed values are drawn again, :mod:`formkit.scan.redraw`)::

    python -m bench.scan_ab b7023b4            # REV against the working tree, 3 rounds
    python -m bench.scan_ab b7023b4 --rounds 5

No ``run()``: ``make bench`` skips it (``bench scan`` reports today's median).
"""

from __future__ import annotations

import importlib
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from bench.scan_same import cached_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _ours(name: str) -> bool:
    return name == "formkit" or name.startswith("formkit.")


class Version:
    """One copy of the package, its modules kept apart from the other's."""

    def __init__(self, label: str, root: Path) -> None:
        self.label = label
        self.root = root
        saved = {k: sys.modules.pop(k) for k in list(sys.modules) if _ours(k)}
        sys.path.insert(0, str(root))
        try:
            for name in ("formkit.layout.loader", "formkit.scan", "formkit.scan.context"):
                importlib.import_module(name)
        finally:
            sys.path.remove(str(root))
        self.modules: dict[str, ModuleType] = {k: sys.modules.pop(k) for k in list(sys.modules) if _ours(k)}
        sys.modules.update(saved)
        self.read_page: Callable[..., Any] = self.modules["formkit.scan"].read_page
        self.iter_pages: Callable[[Path], Iterator[Any]] = self.modules["formkit.scan"].iter_image_pages
        self._loader = self.modules["formkit.layout.loader"]
        self._context = self.modules["formkit.scan.context"]
        assert Path(self.modules["formkit"].__file__ or "").is_relative_to(root), "wrong copy imported"

    @contextmanager
    def active(self) -> Iterator[None]:
        """Imports inside functions (``from formkit... import``) must find this copy's modules."""
        saved = {k: sys.modules.pop(k) for k in list(sys.modules) if _ours(k)}
        sys.modules.update(self.modules)
        try:
            yield
        finally:
            for k in [k for k in sys.modules if _ours(k)]:
                del sys.modules[k]
            sys.modules.update(saved)

    def setup(self, members: list[Any]) -> None:
        with self.active():
            self.registry = self._loader.LayoutRegistry(self.root / "layouts" / "lsz-2018")
            events = [ld.event for ld in self.registry.forms() if ld.event is not None][:1]
            self.context = self._context.ReadContext.build(members, events)

    def read(self, path: Path) -> tuple[float, float]:
        """Wall and CPU seconds per page, file opened to PageReading."""
        with self.active():
            w, c = time.perf_counter(), time.process_time()
            images = list(self.iter_pages(path))
            for i, im in enumerate(images, start=1):
                self.read_page(im, i, self.registry, self.context)
            n = max(1, len(images))
            return (time.perf_counter() - w) / n, (time.process_time() - c) / n


def export(rev: str, into: Path) -> Path:
    """The package as commit *rev* had it."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "formkit", "layouts"],
                          check=True, capture_output=True).stdout
    tar = into / "src.tar"
    tar.write_bytes(data)
    with tarfile.open(tar) as t:
        t.extractall(into, filter="data")
    return into


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print("Aufruf: python -m bench.scan_ab REVISION [--rounds N]", file=sys.stderr)
        return 2
    rev, rounds = argv[0], int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 3
    samples, members = cached_corpus()
    tmp = Path(tempfile.mkdtemp(prefix="fk-bench-ab-"))
    paths = [s.write(tmp / "pages") for s in samples if s.kind == "fax-fine"]
    old = Version(rev, export(rev, Path(tempfile.mkdtemp(prefix="fk-bench-ab-src-"))))
    new = Version("Arbeitskopie", ROOT)
    for v in (old, new):
        v.setup(members)
        v.read(paths[0])  # Tesseract's models load on the first page: not a page's cost
    wall: dict[str, list[float]] = {old.label: [], new.label: []}
    cpu: dict[str, list[float]] = {old.label: [], new.label: []}
    ratio_w: list[float] = []
    ratio_c: list[float] = []
    for r in range(rounds):
        for j, p in enumerate(paths):
            pair = (old, new) if (j + r) % 2 == 0 else (new, old)
            got = {v.label: v.read(p) for v in pair}
            for label, (w, c) in got.items():
                wall[label].append(w)
                cpu[label].append(c)
            ratio_w.append(got[new.label][0] / got[old.label][0])
            ratio_c.append(got[new.label][1] / got[old.label][1])
    n = len(paths)
    print(f"{n} Faxe (fein) × {rounds} Runden, abwechselnd im selben Prozess, Datei öffnen bis PageReading:")
    for name, d, ratios in (("Wandzeit", wall, ratio_w), ("CPU-Zeit", cpu, ratio_c)):
        mo, mn = statistics.median(d[old.label]), statistics.median(d[new.label])
        po, pn = (statistics.quantiles(d[v.label], n=10)[-1] for v in (old, new))
        print(f"  {name}: {rev} Median {mo:.3f} s, Arbeitskopie {mn:.3f} s; Verhältnis der Mediane {mn / mo:.2f}, "
              f"Median der Verhältnisse je Seite {statistics.median(ratios):.2f}; "
              f"90-%-Quantil {po:.3f} -> {pn:.3f} s, Summe {sum(d[old.label]):.1f} -> {sum(d[new.label]):.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
