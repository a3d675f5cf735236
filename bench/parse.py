"""Returned fillable PDFs per second through `formkit parse` (store writes included) vs pdftk.

Target: >= 300 PDFs/s on 2 cores. Baseline: ``pdftk FILE dump_data_fields_utf8`` on a sample of
the same files (one JVM per file, as a shell loop over an inbox would run it), same run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options
from formkit.pipeline import run as parse_run
from formkit.render.document import RenderOptions, render_to_bytes
from tests.fill import fill_pdftk, fill_pymupdf, fill_pypdf, sample_values

N_FILES = 1500
N_PDFTK = 20
TARGET = 300.0


def make_inbox(folder: Path, n: int) -> None:
    registry = LayoutRegistry(Path(__file__).resolve().parents[1] / "layouts" / "lsz-2018")
    sheet, _ = render_to_bytes("registration", registry)
    fillers = [fill_pypdf, fill_pymupdf, fill_pdftk]
    bases = []
    for i, fill in enumerate(fillers):
        personal, _ = render_to_bytes("registration", registry, RenderOptions(recipient_id=f"B-{i}"))
        bases.append(fill(personal if i else sheet, sample_values(i)))
    for i in range(n):
        # Distinct contents (hash) without re-filling each: a trailing comment after %%EOF.
        (folder / f"{i:05d}.pdf").write_bytes(bases[i % len(bases)] + f"\n% {i}\n".encode())


def run() -> None:
    workers = min(2, os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="fk-bench-parse-") as tmp:
        inbox = Path(tmp, "inbox")
        inbox.mkdir()
        make_inbox(inbox, N_FILES)
        db = Path(tmp, "bench.sqlite")
        t0 = time.perf_counter()
        summary = parse_run([inbox], Options(db=db, workers=workers))
        dt_ours = time.perf_counter() - t0
        assert summary.by_status["rejected"] == 0, summary
        rate = N_FILES / dt_ours
        print(f"formkit parse ({workers} workers, store writes included): {N_FILES} PDFs in {dt_ours:.2f} s "
              f"= {rate:.0f} PDFs/s (target >= {TARGET:.0f}: {'ok' if rate >= TARGET else 'MISSED'})")

        t0 = time.perf_counter()
        summary = parse_run([inbox], Options(db=db, workers=workers))
        print(f"re-run of the same inbox (hash + skip): {N_FILES / (time.perf_counter() - t0):.0f} inputs/s, "
              f"{summary.already_stored} already stored")

        if shutil.which("pdftk") is None:
            print("pdftk not installed: no baseline")
            return
        files = sorted(inbox.iterdir())[:N_PDFTK]
        t0 = time.perf_counter()
        for f in files:
            subprocess.run(["pdftk", str(f), "dump_data_fields_utf8"], check=True, capture_output=True)
        dt_tk = (time.perf_counter() - t0) / len(files)
        tk_rate = 1.0 / dt_tk
        print(f"pdftk dump_data_fields_utf8 (one process per file, no store): {dt_tk * 1000:.0f} ms/file "
              f"= {tk_rate:.1f} PDFs/s on {len(files)} of the same files")
        print(f"ratio formkit/pdftk: {rate / tk_rate:.0f}x")


if __name__ == "__main__":
    run()
