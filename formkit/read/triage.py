"""Page triage: which pages of a returned PDF are our AcroForm, our text layer, an image, or no form.

Decided from the PDF's structure alone (widgets and their names, our identity in /Keywords or in a
page's own content stream, images); nothing here reads a value. The text-layer pages whose identity
is only in their extracted text are settled by :mod:`.textlayer`, which has those words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from formkit.campaign import Campaigns, Unresolved
from formkit.ident import PAYLOAD_BYTES, FormIdentity, parse_payload
from formkit.layout.models import FormLayout
from formkit.read.acroform import field_name, page_widgets, terminal_field
from formkit.read.limits import MAX_STREAM_BYTES, MAX_XOBJECTS
from formkit.read.open import PDF_ERRORS, READ_ERRORS, content_bytes, inherited
from formkit.read.strings import pdf_text
from formkit.readings import NotAForm, NotFormKind

_INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s")  # the operator that starts an inline image
NO_FORM_PAGE = "keine Formularseite"


@dataclass(frozen=True)
class RasterPage:
    """A page with an image and without our footer in its content stream: read by OCR.

    Such a page may carry text too (a fax gateway's header line, an OCR text layer): that text is
    not ours and says nothing reliable about the sheet on the image.
    """

    page: int  # 1-based


@dataclass(frozen=True)
class AcroFormPage:
    """A page whose widgets are the fields of one of our forms."""

    page: int
    form: FormLayout
    identity: FormIdentity
    widgets: tuple[Any, ...] = field(repr=False)
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextPage:
    """A page without (all of) our fields: its text layer is read; the identity in its content
    stream when found there, else its words must show it."""

    page: int
    identity: FormIdentity | None


Triaged = AcroFormPage | TextPage | RasterPage | NotAForm


# --- the forms we know -----------------------------------------------------------------------


@dataclass(frozen=True)
class KnownForm:
    identity: FormIdentity  # campaign, form id and version of the layout
    layout: FormLayout
    names: frozenset[str]


class FormIndex:
    """The loaded forms, found by identity (through the one resolver) or by their field names."""

    def __init__(self, campaigns: Campaigns) -> None:
        self.campaigns = campaigns
        self.forms = [KnownForm(FormIdentity(f.id, f.version, campaign=c.id), f,
                                frozenset(x.name for x in f.fields)) for c, f in campaigns.forms()]

    def by_identity(self, ident: FormIdentity) -> FormLayout | Unresolved:
        return self.campaigns.resolve(ident)

    def by_names(self, names: Iterable[str]) -> KnownForm | None:
        """The one loaded form whose fields the page has; None when none or several fit (two
        campaigns' sheets with the same field names cannot be told apart without an identity)."""
        have = set(names)
        fits = [k for k in self.forms if k.names <= have]
        best = max((len(k.names) for k in fits), default=0)
        fits = [k for k in fits if len(k.names) == best]
        return fits[0] if len(fits) == 1 else None


_LAST_INDEX: FormIndex | None = None


def form_index(campaigns: Campaigns) -> FormIndex:
    """The index of *campaigns*, built once per loaded set (a process reads with one set; a cache
    keyed by id() would keep every set ever loaded alive, as the review server and tests load many)."""
    global _LAST_INDEX
    if _LAST_INDEX is None or _LAST_INDEX.campaigns is not campaigns:
        _LAST_INDEX = FormIndex(campaigns)
    return _LAST_INDEX


# --- identities ---------------------------------------------------------------------------------


def keyword_identities(pdf: pikepdf.Pdf) -> list[FormIdentity]:
    """Identity payloads in the document's /Keywords (written by our renderer)."""
    try:
        info = pdf.trailer.get("/Info")
        kw = info.get("/Keywords") if isinstance(info, pikepdf.Dictionary) else None
        text = pdf_text(kw) if isinstance(kw, pikepdf.String) else ""
    except READ_ERRORS:
        return []
    out = []
    for m in PAYLOAD_BYTES.finditer(text.encode("latin-1", "replace")):
        ident = parse_payload(m.group().decode("ascii"))
        if ident:
            out.append(ident)
    return out


def raw_identity(page: Any) -> FormIdentity | None:
    """The identity in the page's own content stream (our footer), without text extraction.

    StreamLimitError (a decompression bomb) goes up: the file is rejected.
    """
    try:
        raw = content_bytes(page, MAX_STREAM_BYTES) or b""
    except PDF_ERRORS:
        return None
    m = PAYLOAD_BYTES.search(raw)
    return parse_payload(m.group().decode("ascii")) if m else None


def has_image(page: Any, depth: int = 0) -> bool:
    try:
        res = inherited(page, "/Resources") if depth == 0 else page.get("/Resources")
        xo = res.get("/XObject") if isinstance(res, pikepdf.Dictionary) else None
        if not isinstance(xo, pikepdf.Dictionary):
            data = content_bytes(page, MAX_STREAM_BYTES) if depth == 0 else None
            return data is not None and _INLINE_IMAGE.search(data) is not None
        for k, key in enumerate(xo.keys()):
            if k >= MAX_XOBJECTS:
                break
            obj = xo.get(key)
            if not isinstance(obj, pikepdf.Stream):
                continue
            if obj.get("/Subtype") == "/Image":
                return True
            if obj.get("/Subtype") == "/Form" and depth < 3 and has_image(obj, depth + 1):
                return True
        if depth == 0:
            data = content_bytes(page, MAX_STREAM_BYTES)
            return data is not None and _INLINE_IMAGE.search(data) is not None
    except READ_ERRORS:
        return False
    return False


# Annotations a viewer's comment and "Fill & Sign" tools draw onto a page: text boxes (Acrobat's
# typewriter, Preview's text tool), freehand ink, stamps and shapes (a tick drawn as a cross or a
# circle). Links, sticky-note icons (/Text) and widgets are not answers.
_MARKUPS = frozenset({"/FreeText", "/Ink", "/Stamp", "/Square", "/Circle", "/Line", "/PolyLine", "/Polygon"})
MAX_ANNOTS = 2000  # a page with more is not looked through (a hostile file)


def has_markup(page: Any) -> bool:
    """Does the page carry markup annotations (answers written over a form rather than into it)?"""
    try:
        annots = page.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            return False
        for k, a in enumerate(annots):
            if k >= MAX_ANNOTS:
                break
            if isinstance(a, pikepdf.Dictionary) and str(a.get("/Subtype")) in _MARKUPS:
                return True
    except READ_ERRORS:
        return False
    return False


# --- triage -------------------------------------------------------------------------------------


def triage(pdf: pikepdf.Pdf, campaigns: Campaigns, kw: list[FormIdentity]) -> list[Triaged]:
    """One entry per page, in page order. *kw*: the identities in the document's /Keywords."""
    index = form_index(campaigns)
    pages = [pdf.pages[i].obj for i in range(len(pdf.pages))]
    results: dict[int, Triaged] = {}
    pending: list[int] = []  # 1-based pages that need the text layer
    raw_ids: dict[int, FormIdentity | None] = {}
    for i, page in enumerate(pages):
        page_no = i + 1
        widgets = page_widgets(page)
        if not widgets:
            raw_ids[page_no] = raw_identity(page)
            pending.append(page_no)
            continue
        names = {field_name(terminal_field(w)) for w in widgets}
        short = names | {nm.rsplit(".", 1)[-1] for nm in names}
        by_names = index.by_names(short)
        # /Keywords names the sheet (and recipient) when it holds exactly one sheet of this layout;
        # otherwise the page's own footer does (decoding the content stream costs ~3 ms).
        same = [k for k in kw if by_names and (k.campaign, k.layout_id) == (by_names.identity.campaign,
                                                                           by_names.identity.layout_id)]
        ident = same[0] if len(same) == 1 else None
        if ident is None:
            raw_ids[page_no] = raw_identity(page)
            ident = raw_ids[page_no] or (same[0] if same else None)
        found = index.by_identity(ident) if ident else None
        problems: tuple[str, ...] = ()
        if isinstance(found, Unresolved):
            results[page_no] = NotAForm(page_no, found.reason, kind=NotFormKind.UNREADABLE)
            continue
        form = found
        if form is None and by_names is not None:
            form = by_names.layout
            ident = by_names.identity
            problems = ("Formularkennung fehlt (nur an den Feldnamen erkannt)",)
        if form is None or ident is None:
            shown = ", ".join(sorted(names)[:5])
            results[page_no] = NotAForm(page_no, f"fremdes Formular (Felder: {shown})", kind=NotFormKind.FOREIGN)
            continue
        if not ({f.name for f in form.fields} <= short):
            pending.append(page_no)  # our identity but the fields are gone: read the text layer
            continue
        results[page_no] = AcroFormPage(page_no, form, ident, tuple(widgets), problems)
    if pending and any(isinstance(r, AcroFormPage) for r in results.values()):
        # The fillable sheet is here: other pages are cover letter and enclosures unless they carry
        # our identity in their own content; skip the (slow) text extraction for them.
        for page_no in [p for p in pending if raw_ids.get(p) is None]:
            page = pages[page_no - 1]
            results[page_no] = RasterPage(page_no) if has_image(page) else NotAForm(page_no, NO_FORM_PAGE)
        pending = [p for p in pending if p not in results]
    for page_no in pending:
        page = pages[page_no - 1]
        ident = raw_ids[page_no] if page_no in raw_ids else raw_identity(page)
        # An image without our footer in the content stream: whatever text the page also carries
        # (a gateway's header line, an OCR layer) is not ours; the image is read by OCR.
        results[page_no] = RasterPage(page_no) if ident is None and has_image(page) else TextPage(page_no, ident)
    return [results[i + 1] for i in range(len(pages))]
