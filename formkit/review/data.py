"""What the review page shows, read from the store: the queue, one record in detail, its images.

Field zones come from the form layout the record was read with (``records.campaign``,
``layout_id`` and ``layout_version``, through the one resolver), the one source of a form's
geometry. Page image, in order of preference: the registered page the scan
path stored; the returned PDF page itself, if the source file is still where it was parsed from;
else the form redrawn with the values as read (a fillable PDF has no scan to show).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formkit.campaign import Campaigns, Unresolved, as_campaigns
from formkit.errors import FormkitError, InputError
from formkit.ident import FormIdentity
from formkit.ingest import unescape_label
from formkit.layout.loader import LayoutRegistry, LoadedLayout
from formkit.layout.models import FormLayout
from formkit.layout.text import plain, render_text
from formkit.rasterise import render_page
from formkit.records import REVIEW_CONFIDENCE, collapse, value_key
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.render.form import template_context
from formkit.review import crops
from formkit.review.corrections import ReviewError, corrections_of, record_key, split_key
from formkit.review.mailing import MailingList
from formkit.review.reasons import FieldView, field_reasons, label, pct, record_reasons
from formkit.store import Claim, Store, StoredRecord

if TYPE_CHECKING:
    from formkit.recipients import Recipient

PAGE_DPI = 100  # enough to read handwriting beside the crops; an A4 page is ~830 x 1170 px
# A page that showed a record and went quiet (closed tab) no longer holds it after this long.
CLAIM_LIFETIME = dt.timedelta(minutes=10)
STATUS_WORDS = {"review": "offen", "ok": "angenommen", "rejected": "abgelehnt"}


def venue_of(values: dict[str, str]) -> str:
    ticked = [v for v in values.get("venue", "").split("|") if v]
    return ticked[0] if len(ticked) == 1 else ("mehrere Orte" if ticked else "ohne Ort")


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
    campaign: str = ""
    venue: str = ""
    reasons: tuple[str, ...] = ()
    taken_by: str | None = None

    def severity(self) -> tuple[float, int, int]:
        # Worst first: lowest confidence, then most reasons, then oldest.
        conf = 1.0 if self.confidence is None else self.confidence
        return (conf, -len([r for r in self.reason.split(";") if r.strip()]), self.seq)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "source": self.source, "page": self.page, "status": self.status,
                "reason": "; ".join(self.reasons) if self.reasons else self.reason, "reasons": list(self.reasons),
                "confidence": self.confidence, "name": self.name, "campaign": self.campaign, "venue": self.venue,
                "taken_by": self.taken_by}


def _item(rec: StoredRecord, campaign: str, reasons: Sequence[str] = (), taken: Claim | None = None) -> QueueItem:
    return QueueItem(record_key(rec.sha256, rec.page), rec.seq, rec.source, rec.page, rec.status, rec.reason,
                     rec.confidence, rec.values.get("name", ""), rec.campaign or campaign, venue_of(rec.values),
                     tuple(reasons), (taken.reviewer or "jemand anderes") if taken else None)


def review_queue(store: Store, also: set[str] | frozenset[str] = frozenset()) -> list[QueueItem]:
    """Records in review, worst first; *also* adds records already decided in this session (after them)."""
    items = [_item(r, "") for r in store.form_records()
             if r.status == "review" or record_key(r.sha256, r.page) in also]
    open_ = sorted((i for i in items if i.status == "review"), key=QueueItem.severity)
    done = sorted((i for i in items if i.status != "review"), key=lambda i: i.seq)
    return open_ + done


class ReviewData:
    """Queries of one review session (a store path, the layouts, the mailing list if given)."""

    def __init__(self, db_path: Path, registry: Campaigns | LayoutRegistry | None = None,
                 recipients: Sequence[Recipient] | None = None) -> None:
        self.db_path = db_path
        self.registry = as_campaigns(registry) if registry is not None else Campaigns.load()
        self.mailing = MailingList(recipients) if recipients else None

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

    def form_of(self, rec: StoredRecord) -> FormLayout:
        return self.form_for(rec.campaign, rec.layout_id, rec.layout_version)

    def _record(self, store: Store, key: str) -> StoredRecord:
        sha, page = split_key(key)
        rec = store.stored_record(sha, page)
        if rec is None:
            raise ReviewError(f"Datensatz {key} nicht gefunden")
        return rec

    def layout_of(self, key: str) -> FormLayout:
        with self.store() as store:
            rec = self._record(store, key)
        return self.form_of(rec)

    def _readings(self, store: Store, sha: str, page: int) -> dict[str, FieldView]:
        return {r[0]: FieldView(r[1], r[2], r[4], r[5]) for r in store.readings(sha, page)}

    def queue(self, also: set[str] | frozenset[str] = frozenset(), client: str = "",
              now: dt.datetime | None = None) -> tuple[list[QueueItem], list[dict[str, Any]]]:
        """The queue (open worst first, then decided in this session) and the overview of all records."""
        now = now or dt.datetime.now(dt.UTC)
        with self.store() as store:
            records = store.form_records()
            claims = store.live_claims(now, CLAIM_LIFETIME)
            items: list[QueueItem] = []
            counts: dict[tuple[str, str], dict[str, Any]] = {}
            forms: dict[tuple[str, str, int | None], FormLayout | None] = {}
            for rec in records:
                campaign = rec.campaign or "–"
                venue = venue_of(rec.values) if rec.status != "rejected" else "–"
                row = counts.setdefault((campaign, venue), {"campaign": campaign, "venue": venue,
                                                            "open": 0, "done": 0, "rejected": 0})
                row[{"review": "open", "ok": "done", "rejected": "rejected"}[rec.status]] += 1
                key = record_key(rec.sha256, rec.page)
                if rec.status != "review" and key not in also:
                    continue
                which = (rec.campaign, rec.layout_id, rec.layout_version)
                if which not in forms:
                    try:
                        forms[which] = self.form_of(rec)
                    except ReviewError:
                        forms[which] = None  # its campaign is not loaded: the reason as stored
                form = forms[which]
                # Confidences are only quoted for values read with doubt: skip the readings otherwise.
                readings = self._readings(store, rec.sha256, rec.page) if "unsicher" in rec.reason else {}
                reasons = ([] if rec.status != "review" else
                           record_reasons(form, rec.reason, readings) if form is not None else [rec.reason])
                claim = claims.get((rec.sha256, rec.page))
                items.append(_item(rec, campaign, reasons, claim if claim and claim.client != client else None))
        open_ = sorted((i for i in items if i.status == "review"), key=QueueItem.severity)
        done = sorted((i for i in items if i.status != "review"), key=lambda i: i.seq)
        overview = sorted(counts.values(), key=lambda r: (r["campaign"], r["venue"]))
        return open_ + done, overview

    def claim(self, key: str, client: str, reviewer: str, now: dt.datetime | None = None) -> Claim | None:
        sha, page = split_key(key)
        with self.store() as store:
            return store.claim(sha, page, client, reviewer, now or dt.datetime.now(dt.UTC), CLAIM_LIFETIME)

    def detail(self, key: str, taken: Claim | None = None) -> dict[str, Any]:
        sha, page = split_key(key)
        with self.store() as store:
            rec = self._record(store, key)
            readings = self._readings(store, sha, page)
            crop_fields = store.crop_fields(sha, page)
            history = corrections_of(store, key)
            mail = store.mail_text(sha, page) if rec.method == "mailtext" else None
        values = rec.values
        ctx = self.loaded_for(rec.campaign, rec.layout_id, rec.layout_version)
        form = ctx.layout
        assert isinstance(form, FormLayout)
        tctx = template_context(ctx.event, ctx.statements)
        venues = [v for v in values.get("venue", "").split("|") if v]
        entry = self.mailing.entry(rec.recipient_id, rec.match_id, rec.match_score, values) if self.mailing else None
        fields = []
        for f in form.fields:
            r = readings.get(f.name)
            read = r.value if r else ""
            confidence = r.confidence if r else None
            vk = value_key(f, form)  # values are keyed by the field's meaning (kind), not its name
            current = values.get(vk, read) if f.type == "text" else ""
            nlines = 1
            if f.name in crop_fields and f.multiline:
                with self.store() as store:
                    png = store.image(sha, page, f.name)
                nlines = len(crops.lines(png, True)) if png else 1
            why = field_reasons(form, f, r, current if f.type == "text" else read)
            low = confidence is not None and confidence < REVIEW_CONFIDENCE and f.type == "text"
            info = ""
            printed = entry.values.get(vk) if entry and entry.how == "qr" else None
            if low and printed and collapse(printed, f.multiline) == current and confidence is not None:
                # As record assembly: a doubtful reading that is letter for letter what the packet
                # printed for this recipient is confirmed; say so instead of flagging it.
                low, why = False, [w for w in why if "unsicher" not in w]
                info = f"unsicher gelesen ({pct(confidence)}), aber Zeichen für Zeichen wie vorgedruckt"
            fields.append({
                "name": f.name, "type": f.type, "kind": f.kind, "multiline": f.multiline, "group": f.group,
                "option": f.value or f.name,
                "label": plain(render_text(f.label, tctx)).rstrip(":"), "short": label(f),
                "box": [f.box.x, f.box.y, f.box.w, f.box.h],
                "read": read, "confidence": confidence,
                "state": r.state if r else None, "score": r.score if r else None,
                "value": read if f.type == "checkbox" else values.get(vk, read),
                "current": current,
                "low": low, "why": why, "info": info,
                "list": entry.values.get(vk) if entry and f.type == "text" else None,
                "crop_urls": [f"/api/records/{key}/crop/{f.name}.png?line={i}" for i in range(nlines)]
                if f.name in crop_fields and f.type == "text" else [],
            })
        kind = self._image_kind(sha, page, rec.source, rec.method)
        return {
            "key": key, "source": rec.source, "page_no": page, "status": rec.status,
            "status_text": STATUS_WORDS.get(rec.status, rec.status),
            "reason": rec.reason, "reasons": record_reasons(form, rec.reason, readings) if rec.status == "review"
            else [rec.reason], "method": rec.method,
            "method_text": {"acroform": "ausgefülltes PDF-Formular", "textlayer": "PDF ohne Formularfelder",
                            "ocr": "Fax oder Scan (Texterkennung)",
                            "mailtext": "E-Mail-Text ohne Anhang"}.get(rec.method, rec.method),
            # A registration typed into a mail: the mail is shown where a sheet's page would be.
            "mail": mail,
            "layout": form.id, "recipient_id": rec.recipient_id, "confidence": rec.confidence,
            "received": rec.received, "current_name": values.get("name", ""), "version": rec.version,
            "campaign": rec.campaign,
            "venue": venues[0] if len(venues) == 1 else None,
            "taken_by": (taken.reviewer or "jemand anderes") if taken else None,
            "list": {"id": entry.recipient_id, "how": entry.how, "text": entry.text} if entry else None,
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
            if store.has_image(sha, page):
                return "original"
        return "original" if self._source_file(source, method) else "rendered"

    def crop_png(self, key: str, field: str, line: int | None = None) -> bytes | None:
        """A field's crop; with *line*, trimmed to the writing (that line of a multi-line field)."""
        sha, page = split_key(key)
        with self.store() as store:
            png = store.image(sha, page, field)
            rec = self._record(store, key)
        if png is None or line is None:
            return png
        try:
            spec = self.form_of(rec).field(field)
            multiline = spec.multiline
        except (KeyError, ReviewError, FormkitError):
            multiline = False
        parts = crops.lines(png, multiline)
        return parts[line] if 0 <= line < len(parts) else None

    def page_png(self, key: str) -> bytes:
        sha, page = split_key(key)
        with self.store() as store:
            png = store.image(sha, page)
            if png is not None:
                return png
            rec = self._record(store, key)
            readings = {r[0]: r[1] for r in store.readings(sha, page)}
        path = self._source_file(rec.source, rec.method)
        if path is not None:
            try:
                return rasterize(path.read_bytes(), page)
            except (OSError, InputError):
                pass  # fall back to the redrawn form
        loaded = self.loaded_for(rec.campaign, rec.layout_id, rec.layout_version)
        pdf, _ = render_to_bytes(str(loaded.path), self.registry.campaign(rec.campaign).registry, RenderOptions(
            values=readings, recipient_id=rec.recipient_id or None, fillable=False))
        return rasterize(pdf, 1)


def rasterize(pdf: bytes, page: int, dpi: int = PAGE_DPI) -> bytes:
    """One PDF page as PNG, through the one rasteriser (:mod:`formkit.rasterise`)."""
    with tempfile.TemporaryDirectory(prefix="formkit-review-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        buf = io.BytesIO()
        render_page(src, page - 1, dpi, grey=False).save(buf, format="PNG")
        return buf.getvalue()
