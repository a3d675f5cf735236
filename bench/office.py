"""Benchmark of the office tools (issue 13): reading a mailing list from .xlsx against the same
list as CSV, writing the records as an .xlsx workbook against CSV, and composing messages for a
dry-run `formkit send`; each with its baseline measured in the same run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import time
from pathlib import Path

import openpyxl

from formkit.export import write_csv
from formkit.export_xlsx import write_xlsx
from formkit.mail.compose import Outgoing, Sender
from formkit.mail.send import send_all
from formkit.recipients import read_recipients
from formkit.records import Match, Provenance, Record

ROOT = Path(__file__).resolve().parents[1]
ROWS = 5_000
HEADER = ["ID", "Anrede", "Vorname", "Nachname", "Institution", "Straße", "PLZ", "Ort", "E-Mail", "Telefon"]


def _rows(n: int) -> list[list[object]]:
    return [[f"R{i:05d}", "Frau" if i % 2 else "Herr", f"Vorname{i}", f"Nachname{i}", f"Landratsamt {i % 23}",
             f"Hauptstraße {i % 200}", 7907 if i % 5 == 0 else 99084, "Erfurt", f"p{i}@example.org",
             f"0361 {i:06d}"] for i in range(n)]


def _best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _records(n: int) -> list[Record]:
    t0 = dt.datetime(2018, 4, 3, 8, 0, tzinfo=dt.UTC)
    return [Record(Provenance(f"eingang/anmeldung-{i}.pdf", f"{i:064x}", 1, "acroform", "registration", 1,
                              t0 + dt.timedelta(minutes=i)), "ok", "", f"R{i:05d}",
                   {"name": f"Vorname{i} Nachname{i}", "institution": f"Landratsamt {i % 23}",
                    "address": f"Hauptstraße {i}\n99084 Erfurt", "phone": f"0361 {i:06d}",
                    "email": f"p{i}@example.org", "venue": "Gotha", "date": "03.04.2018"},
                   0.97, Match(f"R{i:05d}", 98.5)) for i in range(n)]


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        rows = _rows(ROWS)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["Verteiler"])
        ws.append(HEADER)
        for r in rows:
            ws.append(r)
        xlsx = base / "liste.xlsx"
        wb.save(xlsx)
        csv_path = base / "liste.csv"
        with csv_path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(HEADER)
            w.writerows(rows)
        t_x = _best(lambda: read_recipients(xlsx))
        t_c = _best(lambda: read_recipients(csv_path))
        print(f"Liste lesen, {ROWS} Zeilen: .xlsx {t_x:.2f} s ({ROWS / t_x:,.0f} Zeilen/s), "
              f"CSV {t_c:.2f} s; xlsx/CSV = {t_x / t_c:.1f}x")

        recs = _records(ROWS)
        t_wx = _best(lambda: write_xlsx(recs, base / "a.xlsx"), 2)
        t_wc = _best(lambda: write_csv(recs, io.StringIO()), 2)
        print(f"Export, {ROWS} Datensätze: .xlsx {t_wx:.2f} s ({ROWS / t_wx:,.0f}/s), CSV {t_wc:.2f} s; "
              f"xlsx/CSV = {t_wx / t_wc:.1f}x; Datei {(base / 'a.xlsx').stat().st_size / 1024:.0f} KB")

        pdf = base / "paket.pdf"
        pdf.write_bytes((ROOT / "samples" / "returns" / "email" / "anmeldung-pypdf.pdf").read_bytes())
        n = 1_000
        items = [Outgoing(f"invitation:R{i:05d}", "invitation", f"Vorname{i} Nachname{i}", f"p{i}@example.org",
                          "Einladung zum Regionaltreffen", "Sehr geehrte Damen und Herren,\n\n…\n", pdf)
                 for i in range(n)]
        sender = Sender("Thüringer Ministerium für Arbeit, Soziales, Gesundheit, Frauen und Familie",
                        "familie@example.org")
        t = time.perf_counter()
        send_all(items, sender, None, dry_run=base / "mails")
        t_s = time.perf_counter() - t
        print(f"send --dry-run, {n} Nachrichten mit {pdf.stat().st_size / 1024:.0f}-KB-PDF: {t_s:.2f} s "
              f"({n / t_s:,.0f}/s); Versand selbst: höchstens --rate Nachrichten/min (Standard 30)")
