"""Peak memory and the slowest file of `formkit parse` on a hostile inbox, single process (issue 10).

The inbox (:func:`tests.hostile.write_hostile_inbox`): an image page with a 14400 pt MediaBox,
a large page fitted into the pixel bound, pixel bombs (PNG, TIFF), a decompression bomb, deep
nesting, 2,000 pages, an encrypted file, empty, truncated and mislabelled files, a non-UTF-8
name, an empty folder named x.pdf, a link loop and an mbox with a broken separator. Before
issue 10 the 14400 pt page alone took 4.7 GB in pdftoppm in single-process mode.

Peak memory is the largest resident set of `formkit parse` and anything it started
(``RUSAGE_CHILDREN``); the slowest file is timed per input through the same reader.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from formkit.ingest import iter_sources
from formkit.pipeline import WORKER_MEMORY_BYTES, Job, init_worker, memory_cap, process
from tests.hostile import write_hostile_inbox

TARGET_MB = 1024  # a worker's own cap is 2 GB; a hostile batch should stay far below


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="fk-bench-hostile-") as tmp:
        inbox = Path(tmp, "eingang")
        write_hostile_inbox(inbox)
        cmd = [sys.executable, "-m", "formkit", "parse", str(inbox), "--db", str(Path(tmp, "h.sqlite")),
               "--csv", str(Path(tmp, "h.csv")), "--workers", "1"]
        print("command: formkit parse EINGANG --db h.sqlite --csv h.csv --workers 1", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        wall = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows = Path(tmp, "h.csv").read_text("utf-8").count("\n") - 1 if proc.returncode == 0 else 0
        print(f"exit {proc.returncode}, {rows} rows, {wall:.1f} s; peak memory {peak_mb:.0f} MB "
              f"(target <= {TARGET_MB} MB: {'ok' if peak_mb <= TARGET_MB else 'MISSED'})")
        print("\n".join("  " + line for line in proc.stdout.splitlines()))

        init_worker(None, limit_memory=False)
        times = []
        for src in iter_sources([inbox]):
            if src.error or src.skipped:
                continue
            t0 = time.perf_counter()
            with memory_cap(WORKER_MEMORY_BYTES):
                res = process(Job(src.label, src.sha256, src.path, src.data))
            times.append((time.perf_counter() - t0, src.label, res.error or "gelesen"))
        times.sort(reverse=True)
        print("slowest files (s, input, outcome):")
        for sec, label, outcome in times[:3]:
            print(f"  {sec:6.2f}  {label}: {outcome[:90]}")


if __name__ == "__main__":
    run()
