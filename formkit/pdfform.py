"""Reading returned PDFs: AcroForm values, the text layer of flattened sheets, and page triage.

Each page of a returned PDF ends as one of:

- :class:`~formkit.readings.PageReading` (``method="acroform"`` or ``"textlayer"``),
- :class:`~formkit.readings.NotAForm` (cover letter, blank page, someone else's form: ``foreign``),
- :class:`RasterPage`: a page that is only an image, for the OCR path.

A file that cannot be read at all raises :class:`~formkit.errors.InputError` with a German reason.
The geometry comes from the layout (``FormLayout.fields[*].box``); nothing here knows a coordinate.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import pikepdf

from formkit.campaign import Campaigns, Unresolved, as_campaigns
from formkit.errors import InputError
from formkit.geometry import MM
from formkit.ident import PAYLOAD_BYTES, FormIdentity, parse_payload
from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.readings import FieldReading, NotAForm, PageReading
from formkit.textlayer import (
    PDF_ERRORS,
    StreamLimitError,
    content_bytes,
    footer_problem,
    path_points,
    pdftotext_words,
    read_textlayer,
    stream_bytes,
    unrotate,
)

# --- limits (hostile input): chosen far above any real returned form, far below harm -------
MAX_PAGES = 100  # an invitation has 5 pages; a returned bundle of 100 pages is already odd
MAX_ANNOTS_PER_PAGE = 500  # our sheet has 10 widgets
MAX_FIELD_DEPTH = 16  # /Parent chain of a field (ours: 1)
MAX_STREAM_BYTES = 20_000_000  # decompressed size of one stream (a page's content: all its streams)
MAX_XOBJECTS = 1_000  # XObjects of one page looked at for images
MAX_CONTAINER = 1_000_000  # entries of one array or dictionary

_OPEN_ERRORS = (*PDF_ERRORS, OSError)
_READ_ERRORS = (*PDF_ERRORS, StreamLimitError)


_FK1 = PAYLOAD_BYTES  # our identity (FK2, or FK1 of the 2018 sheets) in raw page content
_INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s")  # the operator that starts an inline image


@dataclass(frozen=True)
class RasterPage:
    """A page with an image and without our footer in its content stream: read by OCR.

    Such a page may carry text too (a fax gateway's header line, an OCR text layer): that text is
    not ours and says nothing reliable about the sheet on the image.
    """

    page: int  # 1-based


PageResult = PageReading | NotAForm | RasterPage


@dataclass(frozen=True)
class PdfResult:
    page_count: int
    pages: tuple[PageResult, ...]


def harden_pdf_reader() -> None:
    """Tighten qpdf's process-wide limits for this execution context (called in each worker).

    The streams formkit decodes itself are bounded anyway (:func:`formkit.textlayer.stream_bytes`);
    these limits cover what qpdf decodes on its own: object and cross-reference streams.
    """
    settings: Any = pikepdf.settings
    if not hasattr(settings, "set_qpdf_limits"):  # pikepdf < 10: qpdf's defaults apply
        return
    settings.set_qpdf_limits(
        doc_max_warnings=10_000,
        parser_max_container_size=MAX_CONTAINER,
        flate_max_memory=MAX_STREAM_BYTES,
        run_length_max_memory=MAX_STREAM_BYTES,
        png_max_memory=MAX_STREAM_BYTES,
        tiff_max_memory=MAX_STREAM_BYTES,
        dct_max_memory=MAX_STREAM_BYTES,
    )


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


_INDEX_CACHE: dict[int, FormIndex] = {}


def form_index(campaigns: Campaigns) -> FormIndex:
    key = id(campaigns)
    if key not in _INDEX_CACHE:
        _INDEX_CACHE[key] = FormIndex(campaigns)
    return _INDEX_CACHE[key]


# --- opening -----------------------------------------------------------------------------------


def open_pdf(data: bytes) -> pikepdf.Pdf:
    """An open qpdf document (close it after use), or InputError with the reason it cannot be read."""
    if not data:
        raise InputError("leere Datei (0 Byte)")
    if b"%PDF-" not in data[:1024]:
        raise InputError("keine PDF-Datei")
    try:
        pdf = pikepdf.Pdf.open(io.BytesIO(data))  # decrypts with the empty user password, repairs xref
    except pikepdf.PasswordError:
        raise InputError("verschlüsselte PDF-Datei (Passwort erforderlich)") from None
    except RecursionError:
        raise InputError("PDF-Struktur zu tief verschachtelt") from None
    except MemoryError:
        raise InputError("PDF-Datei sprengt die Speichergrenze") from None
    except _OPEN_ERRORS as e:
        if b"/Encrypt" in data and "encrypt" in str(e).lower():
            raise InputError(f"verschlüsselte PDF-Datei, nicht lesbar ({type(e).__name__})") from None
        raise InputError(f"beschädigte PDF-Datei ({type(e).__name__})") from None
    try:
        n = len(pdf.pages)
        if n == 0:
            _check_warnings(pdf.get_warnings())
            raise InputError("PDF-Datei ohne Seiten")
        if n > MAX_PAGES:
            raise InputError(f"zu viele Seiten ({n}, höchstens {MAX_PAGES})")
    except InputError:
        pdf.close()
        raise
    except RecursionError:
        pdf.close()
        raise InputError("PDF-Struktur zu tief verschachtelt") from None
    except _OPEN_ERRORS as e:
        pdf.close()
        raise InputError(f"beschädigte PDF-Datei ({type(e).__name__})") from None
    return pdf


def _check_warnings(warnings: Iterable[str]) -> None:
    """InputError when qpdf dropped part of the file at one of its limits (it only warns then)."""
    for w in warnings:
        if "deeply nested" in w:
            raise InputError("PDF-Struktur zu tief verschachtelt")
        m = re.search(r"limits error\(([\w-]+)\)|(\w+ memory limit exceeded)", w)
        # parser-max-errors: a damaged content stream, parsed as far as it goes (not an attack).
        if m and m.group(1) != "parser-max-errors":  # (the warning names the stream's address: left out)
            raise InputError(f"PDF-Datei überschreitet eine Sicherheitsgrenze: {m.group(1) or m.group(2)}")


def keyword_identities(pdf: pikepdf.Pdf) -> list[FormIdentity]:
    """Identity payloads in the document's /Keywords (written by our renderer)."""
    try:
        info = pdf.trailer.get("/Info")
        kw = info.get("/Keywords") if isinstance(info, pikepdf.Dictionary) else None
        text = _text(kw) if isinstance(kw, pikepdf.String) else ""
    except _READ_ERRORS:
        return []
    out = []
    for m in _FK1.finditer(text.encode("latin-1", "replace")):
        ident = parse_payload(m.group().decode("ascii"))
        if ident:
            out.append(ident)
    return out


# --- AcroForm values ---------------------------------------------------------------------------


def _parent(node: Any) -> Any:
    parent = node.get("/Parent")
    return parent if isinstance(parent, pikepdf.Dictionary) else None


def _inherited(field: Any, key: str) -> Any:
    node: Any = field
    for _ in range(MAX_FIELD_DEPTH):
        if key in node:
            return node.get(key)
        node = _parent(node)
        if node is None:
            return None
    return None


def _field_name(field: Any) -> str:
    parts = []
    node: Any = field
    for _ in range(MAX_FIELD_DEPTH):
        t = node.get("/T")
        if t is not None:
            parts.append(_text(t))
        node = _parent(node)
        if node is None:
            break
    return ".".join(reversed(parts))


def _terminal_field(annot: Any) -> Any:
    """The field an annotation belongs to (the annotation itself when field and widget are merged)."""
    if "/T" in annot:
        return annot
    parent = _parent(annot)
    return parent if parent is not None else annot


# PDFDocEncoding (PDF 32000-1, Annex D) as pypdf tabled it: Latin-1 but for these bytes; None = undefined.
_PDFDOC_DIFF: dict[int, str | None] = {
    0x00: None, 0x16: None, 0x7F: None, 0x9F: None, 0xAD: None,
    **dict(zip(range(0x18, 0x20), "\u02d8\u02c7\u02c6\u02d9\u02dd\u02db\u02da\u02dc", strict=True)),
    **dict(zip(range(0x80, 0x9F), "\u2022\u2020\u2021\u2026\u2014\u2013\u0192\u2044\u2039\u203a\u2212\u2030"
                                  "\u201e\u201c\u201d\u2018\u2019\u201a\u2122\ufb01\ufb02\u0141\u0152\u0160"
                                  "\u0178\u017d\u0131\u0142\u0153\u0161\u017e", strict=True)),
    0xA0: "\u20ac",
}
_PDFDOC = {b: ("\ufffd" if c is None else c) for b, c in _PDFDOC_DIFF.items()}
_PDFDOC_UNDEFINED = re.compile("[" + "".join(chr(b) for b, c in _PDFDOC_DIFF.items() if c is None) + "]")


def _pdfdoc(raw: bytes) -> str:
    """Bytes as PDFDocEncoding; undefined bytes become U+FFFD."""
    return raw.decode("latin-1").translate(_PDFDOC)


def _string_text(raw: bytes) -> str:
    """A PDF string: UTF-16 or UTF-8 with their byte-order marks, else PDFDocEncoding when every byte
    is defined there (then mis-encoded UTF-8 is repaired), else :func:`_decode_bytes`."""
    s: str | None = None
    if raw.startswith(codecs.BOM_UTF8):
        try:
            s = raw[3:].decode("utf-8")
        except UnicodeDecodeError:
            s = None
    if s is None and raw.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
        try:
            s = raw.decode("utf-16")
        except UnicodeDecodeError:
            return _decode_bytes(raw)
    if s is None:
        latin = raw.decode("latin-1")
        if _PDFDOC_UNDEFINED.search(latin):
            return _decode_bytes(raw)
        s = latin.translate(_PDFDOC)
    # Some fillers write UTF-8 bytes into a PDFDocEncoded string: "MÃ¼ller" -> "Müller".
    try:
        fixed = s.encode("latin-1").decode("utf-8")
        if fixed != s and any(ord(c) > 127 for c in fixed):
            return fixed
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return s


def _text(value: Any) -> str:
    """A field value as text, whatever encoding the filler used (PDFDocEncoding, UTF-16, UTF-8)."""
    if value is None:
        return ""
    if isinstance(value, pikepdf.String):
        return _string_text(bytes(value))
    if isinstance(value, pikepdf.Name):
        return str(value)[1:]
    if isinstance(value, pikepdf.Stream):
        raw = stream_bytes(value, MAX_STREAM_BYTES)
        return _decode_bytes(raw) if raw is not None else ""
    if isinstance(value, pikepdf.Array):
        return "|".join(_text(value[i]) for i in range(min(len(value), MAX_ANNOTS_PER_PAGE)))
    if isinstance(value, pikepdf.Object):  # dictionary, null, operator: no text
        return ""
    return str(value)


def _decode_bytes(raw: bytes) -> str:
    if raw[:2] in (b"\xfe\xff", b"\xff\xfe"):
        return raw.decode("utf-16", "replace")
    if raw[:3] == b"\xef\xbb\xbf":
        return raw[3:].decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _pdfdoc(raw)


def _normalise_newlines(s: str) -> str:
    return s.replace("\r\n", "\n").replace("\r", "\n")


def _state_name(value: Any) -> str | None:
    if value is None:
        return None
    s = _text(value).strip()
    return s.lstrip("/") if s else None


def _checkbox(name: str, field: Any, annot: Any) -> FieldReading:
    """A check box's state from /V (the field's value) and /AS (the widget's appearance)."""
    on_states: set[str] = set()
    ap = annot.get("/AP")
    if isinstance(ap, pikepdf.Dictionary):
        normal = ap.get("/N")
        # /N is a dictionary of states for a check box (a stream would be a single appearance).
        if isinstance(normal, pikepdf.Dictionary) and not isinstance(normal, pikepdf.Stream):
            on_states = {str(k)[1:] for k in normal if str(k) != "/Off"}
    v = _state_name(_inherited(field, "/V"))
    as_ = _state_name(annot.get("/AS"))

    def on(state: str | None) -> bool | None:
        if state is None:
            return None
        if state == "Off" or state.lower() in {"", "off", "no", "nein", "false", "0"}:
            return False
        return state in on_states if on_states else True

    v_on, as_on = on(v), on(as_)
    if v_on is None and as_on is None:
        ticked, agree = False, True
    elif v_on is None or as_on is None:
        ticked, agree = bool(v_on or as_on), True
    else:
        ticked, agree = v_on, v_on == as_on
    if agree:
        return FieldReading(name, "1" if ticked else "", 1.0, "acroform", "ticked" if ticked else "empty", 1.0)
    # /V and /AS disagree: what the person saw (/AS) may differ from the stored value.
    return FieldReading(name, "1" if ticked else "", 0.5, "acroform", "uncertain", 0.5)


def _widgets(page: Any) -> list[Any]:
    """The widget annotations of a page dictionary (at most MAX_ANNOTS_PER_PAGE annotations looked at)."""
    annots = page.get("/Annots")
    if not isinstance(annots, pikepdf.Array):
        return []
    out = []
    for i in range(min(len(annots), MAX_ANNOTS_PER_PAGE)):
        a = annots[i]
        if isinstance(a, pikepdf.Dictionary) and a.get("/Subtype") == "/Widget":
            out.append(a)
    return out


def read_widgets(widgets: list[Any], form: FormLayout, page_no: int,
                 ident: FormIdentity, problems: tuple[str, ...] = ()) -> PageReading:
    specs = {f.name: f for f in form.fields}
    readings: dict[str, FieldReading] = {}
    for annot in widgets:
        field = _terminal_field(annot)
        full = _field_name(field)
        name = full if full in specs else full.rsplit(".", 1)[-1]
        spec = specs.get(name)
        if spec is None or name in readings:
            continue
        if spec.type == "checkbox":
            readings[name] = _checkbox(name, field, annot)
        else:
            value = _normalise_newlines(_text(_inherited(field, "/V")))
            readings[name] = FieldReading(name, value, 1.0, "acroform")
    for spec in form.fields:
        if spec.name not in readings:
            readings[spec.name] = FieldReading(spec.name, "", 0.0, "acroform",
                                               "uncertain" if spec.type == "checkbox" else None)
    return PageReading(page=page_no, method="acroform", identity=ident, fields=readings, problems=problems)


# --- page triage ---------------------------------------------------------------------------------


def _raw_identity(page: Any) -> FormIdentity | None:
    """The identity in the page's own content stream (our footer), without text extraction.

    StreamLimitError (a decompression bomb) goes up: the file is rejected.
    """
    try:
        raw = content_bytes(page, MAX_STREAM_BYTES) or b""
    except PDF_ERRORS:
        return None
    m = _FK1.search(raw)
    return parse_payload(m.group().decode("ascii")) if m else None


def _page_attr(page: Any, key: str) -> Any:
    """A page attribute, inherited from the page tree when the page itself lacks it."""
    node: Any = page
    for _ in range(MAX_FIELD_DEPTH):
        value = node.get(key)
        if value is not None:
            return value
        node = _parent(node)
        if node is None:
            return None
    return None


def _has_image(page: Any, depth: int = 0) -> bool:
    try:
        res = _page_attr(page, "/Resources") if depth == 0 else page.get("/Resources")
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
            if obj.get("/Subtype") == "/Form" and depth < 3 and _has_image(obj, depth + 1):
                return True
        if depth == 0:
            data = content_bytes(page, MAX_STREAM_BYTES)
            return data is not None and _INLINE_IMAGE.search(data) is not None
    except _READ_ERRORS:
        return False
    return False


def _page_box(page: Any) -> tuple[float, float, float, float]:
    """(left, top, width, height) of the page's media box in PDF user space."""
    mb = _page_attr(page, "/MediaBox")
    if isinstance(mb, pikepdf.Array) and len(mb) == 4:
        x0, y0, x1, y1 = (float(v) for v in mb)
        return min(x0, x1), max(y0, y1), abs(x1 - x0), abs(y1 - y0)
    return 0.0, 792.0, 612.0, 792.0  # PDF's default: US Letter


def _rotation(page: Any) -> int:
    """The page's /Rotate (inherited), 0 when missing or not a number."""
    value = _page_attr(page, "/Rotate")
    try:
        return int(value) % 360 if value is not None else 0
    except (TypeError, ValueError):
        return 0


def read_pdf(data: bytes, registry: Campaigns | LayoutRegistry) -> PdfResult:
    """Triage and read every page of a returned PDF; InputError when the file cannot be read."""
    registry = as_campaigns(registry)
    pdf = open_pdf(data)
    try:
        result = _read_pdf(data, pdf, registry)
        warnings = pdf.get_warnings()  # qpdf hands them out once
        _check_warnings(warnings)
        if any("damaged" in w or "reconstruct" in w for w in warnings):
            # pypdf rejected most of these; qpdf rebuilds the cross-reference table. What it read is
            # kept, but a person looks at it: an object lost to the damage reads as an empty field.
            note = "PDF-Datei beschädigt und repariert: Werte bitte prüfen"
            result = PdfResult(result.page_count, tuple(
                replace(p, problems=(*p.problems, note)) if isinstance(p, PageReading) else p for p in result.pages))
        return result
    except StreamLimitError as e:
        raise InputError(f"PDF-Datei überschreitet eine Sicherheitsgrenze (Dekompressionsbombe?): {e}"[:200]) from None
    except RecursionError:
        raise InputError("PDF-Struktur zu tief verschachtelt") from None
    except PDF_ERRORS as e:
        raise InputError(f"beschädigte PDF-Datei ({type(e).__name__})") from None
    finally:
        pdf.close()


def _read_pdf(data: bytes, pdf: pikepdf.Pdf, registry: Campaigns) -> PdfResult:
    index = form_index(registry)
    kw = keyword_identities(pdf)
    pages = [pdf.pages[i].obj for i in range(len(pdf.pages))]
    n = len(pages)
    results: dict[int, PageResult] = {}
    pending: list[int] = []  # 1-based pages that need the text layer
    raw_ids: dict[int, FormIdentity | None] = {}
    for i in range(n):
        page_no = i + 1
        page = pages[i]
        widgets = _widgets(page)
        if not widgets:
            raw_ids[page_no] = _raw_identity(page)
            pending.append(page_no)
            continue
        names = {_field_name(_terminal_field(w)) for w in widgets}
        short = names | {nm.rsplit(".", 1)[-1] for nm in names}
        by_names = index.by_names(short)
        # /Keywords names the sheet (and recipient) when it holds exactly one sheet of this layout;
        # otherwise the page's own footer does (decoding the content stream costs ~3 ms).
        same = [k for k in kw if by_names and (k.campaign, k.layout_id) == (by_names.identity.campaign,
                                                                           by_names.identity.layout_id)]
        ident = same[0] if len(same) == 1 else None
        if ident is None:
            raw_ids[page_no] = _raw_identity(page)
            ident = raw_ids[page_no] or (same[0] if same else None)
        found = index.by_identity(ident) if ident else None
        problems: tuple[str, ...] = ()
        if isinstance(found, Unresolved):
            results[page_no] = NotAForm(page_no, found.reason, recognised=True)
            continue
        form = found
        if form is None and by_names is not None:
            form = by_names.layout
            ident = by_names.identity
            problems = ("Formularkennung fehlt (nur an den Feldnamen erkannt)",)
        if form is None or ident is None:
            shown = ", ".join(sorted(names)[:5])
            results[page_no] = NotAForm(page_no, f"fremdes Formular (Felder: {shown})", foreign=True)
            continue
        if not ({f.name for f in form.fields} <= short):
            pending.append(page_no)  # our identity but the fields are gone: read the text layer
            continue
        results[page_no] = read_widgets(widgets, form, page_no, ident, problems)
    if pending and any(isinstance(r, PageReading) for r in results.values()):
        # The fillable sheet is here: other pages are cover letter and enclosures unless they carry
        # our identity in their own content; skip the (slow) text extraction for them.
        for page_no in [p for p in pending if raw_ids.get(p) is None]:
            page = pages[page_no - 1]
            results[page_no] = RasterPage(page_no) if _has_image(page) else NotAForm(page_no, "keine Formularseite")
        pending = [p for p in pending if p not in results]
    if pending:
        _read_pending(data, pdf, pages, index, kw, pending, raw_ids, results)
    return PdfResult(n, tuple(results[i + 1] for i in range(n)))


def _read_pending(data: bytes, pdf: pikepdf.Pdf, pages: list[Any], index: FormIndex, kw: list[FormIdentity],
                  pending: list[int], raw_ids: dict[int, FormIdentity | None],
                  results: dict[int, PageResult]) -> None:
    words_by_page = pdftotext_words(data, min(pending), max(pending))
    for page_no in pending:
        words = words_by_page.get(page_no, [])
        page = pages[page_no - 1]
        ident = raw_ids[page_no] if page_no in raw_ids else _raw_identity(page)
        if ident is None and _has_image(page):
            # An image without our footer in the content stream: whatever text the page also
            # carries (a gateway's header line, an OCR layer) is not ours; the image is read by OCR.
            results[page_no] = RasterPage(page_no)
            continue
        if ident is None:
            text = " ".join(w.text for w in words)
            found = _FK1.search(text.encode("utf-8", "replace"))
            ident = parse_payload(found.group().decode("ascii")) if found else None
        if ident is None:
            results[page_no] = NotAForm(page_no, "keine Formularseite")
            continue
        form = index.by_identity(ident)
        if isinstance(form, Unresolved):
            results[page_no] = NotAForm(page_no, form.reason, recognised=True)
            continue
        if ident.recipient_id is None:
            same = [k for k in kw if (k.campaign, k.layout_id, k.version) == (ident.campaign, ident.layout_id,
                                                                              ident.version) and k.recipient_id]
            if same:
                ident = same[0]
        left, top, width, height = _page_box(page)
        try:
            pts = [((x - left) / MM, (top - y) / MM) for x, y in path_points(page, pdf, MAX_STREAM_BYTES)]
        except RecursionError:
            pts = []
        # pdftotext gives boxes in the page as shown (turned by /Rotate); strokes and layout are unturned.
        words = unrotate(words, _rotation(page), width / MM, height / MM)
        reading = read_textlayer(words, pts, form, page_no, ident)
        problem = footer_problem(words, form)
        results[page_no] = replace(reading, problems=(*reading.problems, problem)) if problem else reading
