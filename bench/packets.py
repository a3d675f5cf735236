"""Benchmark of `formkit packets` (issue 3): pages per second, peak memory, and the ratio against a
bare reportlab page with the same fields and QR code, measured in the same run.

Each packet run happens in a fresh Python process, so that its peak memory (``ru_maxrss`` of the
process and, separately, of its worker processes) is its own; 200 and 1,000 recipients are
compared to show that memory does not grow with the length of the list.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from formkit.packets import make_packets
t = time.perf_counter()
s = make_packets(Path(sys.argv[1]), Path(sys.argv[2]), workers=int(sys.argv[3]), layouts_dir=Path(sys.argv[4]))
wall = time.perf_counter() - t
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "packets": s.packets, "print_pages": s.print_pages, "file_pages": s.file_pages,
                  "failed": s.failed, "rss_main_mb": me.ru_maxrss / 1024, "rss_worker_mb": kids.ru_maxrss / 1024,
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}))
"""


def make_list(path: Path, n: int) -> None:
    """*n* recipients built from the sample list (names varied so every packet differs)."""
    with (ROOT / "samples" / "recipients.csv").open(encoding="cp1252", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    header, body = rows[0], rows[1:]
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(header)
    for i in range(n):
        r = list(body[i % len(body)])
        r[0] = f"B{i + 1:05d}"
        r[4] = f"{r[4]}-{chr(65 + i % 26)}{i}"
        w.writerow(r)
    path.write_bytes(out.getvalue().encode("cp1252"))


def run_packets(n: int, workers: int, tmp: Path) -> dict[str, float]:
    src = tmp / f"list-{n}.csv"
    make_list(src, n)
    res = subprocess.run([sys.executable, "-c", _CHILD, str(src), str(tmp / f"out-{n}"), str(workers),
                          str(ROOT / "layouts" / "lsz-2018")], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(res.stdout.strip().splitlines()[-1])


def bare_page_seconds(n: int = 100, pages_per_file: int = 1) -> float:
    """Seconds for one bare reportlab file: one A4 page, the sheet's 6 text fields, 4 check boxes and
    its QR code (drawn as vectors, as formkit does), saved to bytes."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from formkit.render.qr import draw_qr

    def one(i: int) -> None:
        c = Canvas(io.BytesIO(), pagesize=(210 * mm, 297 * mm), invariant=1, pageCompression=1)
        for p in range(pages_per_file):
            draw_qr(c, f"FK2:lsz-2018:registration:1:B{i:05d}{p}", 160 * mm, 281 * mm, 28 * mm)
            for k, name in enumerate(("name", "institution", "address", "phone", "email", "date")):
                c.acroForm.textfield(name=f"{name}{p}", value=f"Wert {k} Müller", x=64 * mm,
                                     y=(200 - 17 * k) * mm, width=129 * mm, height=13 * mm, fontName="Helvetica",
                                     fontSize=10, borderWidth=0, fillColor=None)
            for k in range(4):
                c.acroForm.checkbox(name=f"venue{k}p{p}", x=24 * mm, y=(90 - 11 * k) * mm, size=7 * mm,
                                    checked=False, buttonStyle="cross", borderWidth=0, fillColor=None)
            c.showPage()
        c.save()

    one(0)
    t = time.process_time()
    for i in range(n):
        one(i)
    return (time.process_time() - t) / (n * pages_per_file)


def run() -> None:
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="fk-bench-packets-") as d:
        tmp = Path(d)
        bare = bare_page_seconds()
        bare_many = bare_page_seconds(n=2, pages_per_file=100)
        small = run_packets(200, workers, tmp)
        big = run_packets(1000, workers, tmp)
    for n, r in ((200, small), (1000, big)):
        pages = r["print_pages"] + r["file_pages"]
        print(f"{n:>5} Empfänger, {workers} Prozesse: {r['wall']:.1f} s; print.pdf {r['print_pages']:.0f} S. + "
              f"Einzel-PDFs {r['file_pages']:.0f} S. = {pages / r['wall']:.0f} Seiten/s gesamt "
              f"({r['print_pages'] / r['wall']:.0f} S./s nur print.pdf); CPU {r['cpu']:.1f} s; "
              f"Spitzenspeicher Hauptprozess {r['rss_main_mb']:.0f} MB, je Worker {r['rss_worker_mb']:.0f} MB")
    pages = big["print_pages"] + big["file_pages"]
    per_page_wall = big["wall"] / pages
    per_page_cpu = big["cpu"] / pages
    print(f"CPU je Seite {per_page_cpu * 1000:.2f} ms → {workers / per_page_cpu:.0f} Seiten/s auf {workers} freien "
          f"Kernen (die Wandzeit oben hängt von der Last anderer Prozesse ab)")
    print(f"nackte reportlab-Seite (Felder + QR), CPU: {bare * 1000:.1f} ms als eigene Datei, "
          f"{bare_many * 1000:.1f} ms als Seite in einer 100-Seiten-Datei")
    print(f"Verhältnis formkit/nackt je Seite (CPU): {per_page_cpu / bare:.2f}x gegen eigene Datei, "
          f"{per_page_cpu / bare_many:.2f}x gegen Seite in Sammeldatei; Wandzeit: {per_page_wall / bare:.2f}x "
          f"({workers} Prozesse)   Ziel <= 2x")
    print(f"Speicher 200 → 1000 Empfänger: Hauptprozess {small['rss_main_mb']:.0f} → {big['rss_main_mb']:.0f} MB, "
          f"Worker {small['rss_worker_mb']:.0f} → {big['rss_worker_mb']:.0f} MB")


if __name__ == "__main__":
    run()
