"""Helpers for the office-tool tests (issue 13): registrations filled by another program (PyMuPDF)
and a parsed store made from them, on the spot."""

from __future__ import annotations

from pathlib import Path

import fitz  # PyMuPDF, test-only

from formkit.layout.loader import LayoutRegistry
from formkit.pipeline import Options, run
from formkit.render.document import render_to_bytes


def fill_mupdf(pdf: bytes, values: dict[str, str]) -> bytes:
    """Fill the AcroForm with PyMuPDF; check boxes named in *values* with "1" are ticked."""
    doc = fitz.open(stream=pdf, filetype="pdf")
    for page in doc:
        for w in page.widgets():
            if w.field_name not in values:
                continue
            if w.field_type == fitz.PDF_WIDGET_TYPE_CHECKBOX:
                w.field_value = w.on_state() if values[w.field_name] == "1" else "Off"
            else:
                w.field_value = values[w.field_name]
            w.update()
    return doc.tobytes()


def registration(registry: LayoutRegistry, name: str, venue: str, **more: str) -> bytes:
    blank, _ = render_to_bytes("registration", registry)
    return fill_mupdf(blank, {"name": name, f"venue_{venue}": "1", **more})


def parsed_store(tmp_path: Path, registry: LayoutRegistry, people: list[dict[str, str]]) -> Path:
    """A store with one parsed registration per entry (keys: name, venue, and any field)."""
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    for i, p in enumerate(people):
        fields = {k: v for k, v in p.items() if k not in ("name", "venue")}
        (inbox / f"anmeldung-{i}.pdf").write_bytes(registration(registry, p["name"], p["venue"], **fields))
    db = tmp_path / "formkit.sqlite"
    run([inbox], Options(db=db, layouts=registry.root))
    return db
