"""What the review page shows, read from the store: the queue, one record in detail, its images.

Field zones come from the form layout the record was read with (``records.campaign``,
``layout_id`` and ``layout_version``, through the one resolver), the one source of a form's
geometry. Page image, in order of preference: the registered page the scan path stored; the returned PDF page itself, if the source file is still where it was parsed from;
else the form redrawn with the values as read (a fillable PDF has no scan to show).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formkit.campaign import Campaigns, Unresolved, as_campaigns
from formkit.errors import InputError
from formkit.ident import FormIdentity
from formkit.ingest import unescape_label
from formkit.layout.loader import LayoutRegistry, LoadedLayout
from formkit.layout.models import FormLayout
from formkit.layout.text import plain, render_text
from formkit.rasterise import render_page
from formkit.records import REVIEW_CONFIDENCE, value_key
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.render.form import template_context
from formkit.review.corrections import ReviewError, corrections_of, record_key, split_key
from formkit.store import Store

PAGE_DPI = 100  # enough to read handwriting beside the crops; an A4 page is ~830 x 1170 px


@dataclass(frozen=True)
class QueueItem:
    key: str
    seq: int
    source: str
    page: int
    status: str
    reason: str
    confidence: float | None
    name: str

    def severity(self) -> tuple[float, int, int]:
        # Worst first: lowest confidence, then most reasons, then oldest.
        conf = 1.0 if self.confidence is None else self.confidence
        return (conf, -len([r for r in self.reason.split(";") if r.strip()]), self.seq)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "source": self.source, "page": self.page, "status": self.status,
                "reason": self.reason, "confidence": self.confidence, "name": self.name}


def review_queue(store: Store, also: set[str] | frozenset[str] = frozenset()) -> list[QueueItem]:
    """Records in review, worst first; *also* adds records already decided in this session (after them)."""
    rows = store.db.execute("SELECT seq, sha256, page, source, status, reason, confidence, values_json "
                            "FROM records WHERE page > 0").fetchall()
    items = []
    for seq, sha, page, source, status, reason, conf, vj in rows:
        key = record_key(sha, page)
        if status != "review" and key not in also:
            continue
        name = json.loads(vj).get("name", "")
        items.append(QueueItem(key, seq, source, page, status, reason, conf, name))
    open_ = sorted((i for i in items if i.status == "review"), key=QueueItem.severity)
    done = sorted((i for i in items if i.status != "review"), key=lambda i: i.seq)
    return open_ + done


class ReviewData:
    """Queries of one review session (a store path and the layouts)."""

    def __init__(self, db_path: Path, registry: Campaigns | LayoutRegistry | None = None) -> None:
        self.db_path = db_path
        self.registry = as_campaigns(registry) if registry is not None else Campaigns.load()

    def store(self) -> Store:
        return Store(self.db_path)

    def loaded_for(self, campaign: str, layout_id: str, version: int | None) -> LoadedLayout:
        """The layout the record was read with, through the one resolver (campaign, form, version)."""
        ident = FormIdentity(layout_id, version or 0, campaign=campaign)
        found = self.registry.resolve(ident)
        loaded = self.registry.loaded(ident)
        if isinstance(found, Unresolved) or loaded is None:
            reason = found.reason if isinstance(found, Unresolved) else "nicht geladen"
            raise ReviewError(f"Formular-Layout {ident.describe()} nicht verfügbar: {reason}")
        return loaded

    def form_for(self, campaign: str, layout_id: str, version: int | None) -> FormLayout:
        form = self.loaded_for(campaign, layout_id, version).layout
        assert isinstance(form, FormLayout)
        return form

    def _row(self, store: Store, key: str) -> tuple[Any, ...]:
        sha, page = split_key(key)
        row = store.db.execute(
            "SELECT source, status, reason, method, layout_id, recipient_id, values_json, confidence, received, "
            "campaign, layout_version FROM records WHERE sha256 = ? AND page = ?", (sha, page)).fetchone()
        if row is None:
            raise ReviewError(f"Datensatz {key} nicht gefunden")
        return tuple(row)

    def layout_of(self, key: str) -> FormLayout:
        with self.store() as store:
            row = self._row(store, key)
        return self.form_for(row[9], row[4], row[10])

    def detail(self, key: str) -> dict[str, Any]:
        sha, page = split_key(key)
        with self.store() as store:
            (source, status, reason, method, layout_id, recipient_id, vj, conf, received, campaign,
             version) = self._row(store, key)
            values: dict[str, str] = json.loads(vj)
            readings = {r[0]: r for r in store.readings(sha, page)}
            crops = {r[0] for r in store.db.execute(
                "SELECT field FROM images WHERE sha256 = ? AND page = ? AND field != ''", (sha, page))}
            history = corrections_of(store, key)
        ctx = self.loaded_for(campaign, layout_id, version)
        form = ctx.layout
        assert isinstance(form, FormLayout)
        tctx = template_context(ctx.event, ctx.statements)
        venues = [v for v in values.get("venue", "").split("|") if v]
        fields = []
        for f in form.fields:
            r = readings.get(f.name)
            read = r[1] if r else ""
            confidence = r[2] if r else None
            fields.append({
                "name": f.name, "type": f.type, "multiline": f.multiline, "group": f.group,
                "option": f.value or f.name,
                "label": plain(render_text(f.label, tctx)).rstrip(":"),
                "box": [f.box.x, f.box.y, f.box.w, f.box.h],
                "read": read, "confidence": confidence, "method": r[3] if r else "",
                "state": r[4] if r else None, "score": r[5] if r else None,
                "value": read if f.type == "checkbox" else values.get(value_key(f, form), read),
                "current": values.get(value_key(f, form), read) if f.type == "text" else "",
                "low": confidence is not None and confidence < REVIEW_CONFIDENCE and f.type == "text",
                "crop_url": f"/api/records/{key}/crop/{f.name}.png" if f.name in crops else None,
            })
        kind = self._image_kind(sha, page, source, method)
        return {
            "key": key, "source": source, "page_no": page, "status": status, "reason": reason, "method": method,
            "layout": form.id, "recipient_id": recipient_id, "confidence": conf, "received": received or "",
            "current_name": values.get("name", ""),
            "venue": venues[0] if len(venues) == 1 else None,
            "fields": fields, "corrections": history,
            "page": {"width": form.width, "height": form.height, "kind": kind,
                     "image_url": f"/api/records/{key}/page.png"},
        }

    def _source_file(self, source: str, method: str) -> Path | None:
        # Only a page in layout space (a PDF of ours) lines up with the zones; a scan inside a PDF
        # does not (the scan path stores its registered page image instead).
        if "#" in source or method not in ("acroform", "textlayer"):
            return None
        name = os.fsdecode(unescape_label(source))  # the file's own bytes (a label escapes non-UTF-8)
        for base in (Path.cwd(), self.db_path.parent):
            p = base / name
            if p.is_file() and p.suffix.lower() == ".pdf":
                return p
        return None

    def _image_kind(self, sha: str, page: int, source: str, method: str) -> str:
        with self.store() as store:
            if store.db.execute("SELECT 1 FROM images WHERE sha256 = ? AND page = ? AND field = ''",
                                (sha, page)).fetchone():
                return "original"
        return "original" if self._source_file(source, method) else "rendered"

    def crop_png(self, key: str, field: str) -> bytes | None:
        sha, page = split_key(key)
        with self.store() as store:
            row = store.db.execute("SELECT png FROM images WHERE sha256 = ? AND page = ? AND field = ?",
                                   (sha, page, field)).fetchone()
        return bytes(row[0]) if row else None

    def page_png(self, key: str) -> bytes:
        sha, page = split_key(key)
        with self.store() as store:
            row = store.db.execute("SELECT png FROM images WHERE sha256 = ? AND page = ? AND field = ''",
                                   (sha, page)).fetchone()
            if row:
                return bytes(row[0])
            source, _, _, method, layout_id, recipient_id, _, _, _, campaign, version = self._row(store, key)
            readings = {r[0]: r[1] for r in store.readings(sha, page)}
        path = self._source_file(source, method)
        if path is not None:
            try:
                return rasterize(path.read_bytes(), page)
            except (OSError, InputError):
                pass  # fall back to the redrawn form
        loaded = self.loaded_for(campaign, layout_id, version)
        pdf, _ = render_to_bytes(str(loaded.path), self.registry.campaign(campaign).registry, RenderOptions(
            values=readings, recipient_id=recipient_id or None, fillable=False))
        return rasterize(pdf, 1)


def rasterize(pdf: bytes, page: int, dpi: int = PAGE_DPI) -> bytes:
    """One PDF page as PNG, through the one rasteriser (:mod:`formkit.rasterise`)."""
    with tempfile.TemporaryDirectory(prefix="formkit-review-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        buf = io.BytesIO()
        render_page(src, page - 1, dpi, grey=False).save(buf, format="PNG")
        return buf.getvalue()
