"""Print a records CSV as a compact table on the terminal (used by `make demo`)."""

from __future__ import annotations

import csv
import sys

COLUMNS = [("source", 34), ("page", 4), ("campaign", 8), ("status", 8), ("method", 9), ("name", 22),
           ("institution", 26), ("venue", 13), ("reason", 40)]


def cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def main(path: str) -> None:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    print("  ".join(name.ljust(w) for name, w in COLUMNS))
    print("  ".join("-" * w for _, w in COLUMNS))
    for row in rows:
        print("  ".join(cut(row.get(name, "") or "", w).ljust(w) for name, w in COLUMNS))
    print(f"\n{len(rows)} Zeilen")


if __name__ == "__main__":
    main(sys.argv[1])
