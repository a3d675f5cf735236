"""`make bench`: runs every benchmark module in this folder that defines ``run()``.

Each prints its figures and the ratio against a baseline measured in the same run.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

import bench


def main() -> int:
    only = set(sys.argv[1:])
    failed = []
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(bench.__file__).parent)]))
    for name in names:
        if name.startswith("_") or (only and name not in only):
            continue
        mod = importlib.import_module(f"bench.{name}")
        if hasattr(mod, "run"):
            print(f"\n=== bench.{name} ===", flush=True)
            try:
                mod.run()
            except Exception:  # one broken bench must not hide the others' figures
                traceback.print_exc()
                failed.append(name)
    if failed:
        print(f"\nfehlgeschlagen: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
