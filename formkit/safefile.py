"""Output files written without following links: a fresh temporary file in the target's folder.

``target.part`` opened by name follows a symlink planted there (``print.pdf.part`` ->
``/etc/…``) and writes outside OUTDIR. :func:`tempfile.mkstemp` creates a new file with
``O_CREAT | O_EXCL | O_NOFOLLOW`` under a random name; :func:`os.replace` then swaps it in, and
a link at the target itself is replaced, not followed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def replace_file(target: Path, mode: str = "wb", **open_args: Any) -> Iterator[IO[Any]]:
    """Write *target* atomically: all of it (on a clean exit) or nothing (on an exception)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:60]}.", suffix=".part")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as open() would create it (mkstemp makes 0600)
        with os.fdopen(fd, mode, **open_args) as f:
            yield f
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes(target: Path, data: bytes) -> None:
    with replace_file(target) as f:
        f.write(data)
