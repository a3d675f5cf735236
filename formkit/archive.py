"""ZIP archives: returned forms a sender zipped (Windows' "compressed folder", macOS's "Compress"),
as a file in the inbox or attached to a message.

Each file in the archive is a source of its own, labelled ``archive.zip#folder/name.pdf``; what it
is, is decided by its bytes as for any input (a member that is no PDF or image becomes a rejected
row there). macOS's resource forks (``__MACOSX/``, ``._name``) and folder entries are no files of
the sender's. A member that cannot be read (encrypted, an unknown compression, too large, a broken
archive) is a row with its reason; nothing is passed over in silence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePosixPath

from formkit.ingest import Source, escape_label
from formkit.ingest import _error_source as error_source
from formkit.read.limits import MAX_FILE_BYTES, MAX_ZIP_DEPTH, MAX_ZIP_MEMBERS

_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
                ValueError, zlib.error)


def starts_as_zip(head: bytes) -> bool:
    """A local file header, or the end record of an empty archive."""
    return head[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def is_zip(name: str, head: bytes) -> bool:
    """An archive to unpack: named ``.zip`` (an .xlsx, .docx or .odt is a ZIP too, and no return)
    and starting as one."""
    return PurePosixPath(name).suffix.lower() == ".zip" and starts_as_zip(head)


def _name(info: zipfile.ZipInfo) -> str:
    """The member's name as the sender's system wrote it: names not flagged UTF-8 are read by
    Python as DOS code page 437 (what Windows writes, umlauts included); macOS's archiver writes
    UTF-8 without the flag ('RuÌ\x88ckmeldung' read so), which is taken back."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return info.filename


def _junk(name: str) -> bool:
    """A file the archiver added, not the sender: macOS resource forks and Finder/Explorer files."""
    path = PurePosixPath(name)
    return path.parts[:1] == ("__MACOSX",) or path.name.startswith("._") or path.name in (".DS_Store", "Thumbs.db")


def zip_sources(data: bytes, label: str, received: dt.datetime | None = None, sender: str = "",
                file_time: dt.datetime | None = None, depth: int = 0) -> Iterator[Source]:
    """The sources of one ZIP archive (*label* names it); archives inside are unpacked down to
    MAX_ZIP_DEPTH. At most MAX_ZIP_MEMBERS files and MAX_FILE_BYTES unpacked in all are read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in archive.infolist() if not i.is_dir() and not _junk(_name(i))]
    except _READ_ERRORS as e:
        yield error_source(label, f"ZIP-Archiv nicht lesbar ({type(e).__name__})", data)
        return
    if not members:
        yield error_source(label, "ZIP-Archiv ohne Dateien", data)
        return
    if len(members) > MAX_ZIP_MEMBERS:
        yield error_source(label, f"ZIP-Archiv mit zu vielen Dateien ({len(members)}, höchstens {MAX_ZIP_MEMBERS})",
                           data)
        return
    left = MAX_FILE_BYTES
    for info in members:
        name = f"{label}#{_name(info)}"
        if info.flag_bits & 0x1:
            yield error_source(name, "Datei im ZIP-Archiv verschlüsselt: bitte ohne Passwort senden", data)
            continue
        if info.file_size > left:
            yield error_source(name, f"ZIP-Archiv zu groß (ausgepackt über {MAX_FILE_BYTES // (1024 * 1024)} MB)",
                               data)
            continue
        try:
            with archive.open(info) as f:
                payload = f.read(left + 1)  # the header's size may lie: read no more than allowed
        except _READ_ERRORS as e:
            yield error_source(name, f"Datei im ZIP-Archiv nicht lesbar ({type(e).__name__})", data)
            continue
        if len(payload) > left:
            yield error_source(name, f"ZIP-Archiv zu groß (ausgepackt über {MAX_FILE_BYTES // (1024 * 1024)} MB)",
                               data)
            continue
        left -= len(payload)
        if is_zip(_name(info), payload[:4]) and depth < MAX_ZIP_DEPTH:
            yield from zip_sources(payload, name, received, sender, file_time, depth + 1)
            continue
        yield Source(label=escape_label(name), sha256=hashlib.sha256(payload).hexdigest(), size=len(payload),
                     data=payload, received=received, sender=sender, file_time=file_time)
