"""Reading returned PDFs: AcroForm values, the text layer of flattened sheets, and page triage.

Each page of a returned PDF ends as one of:

- :class:`~formkit.readings.PageReading` (``method="acroform"`` or ``"textlayer"``),
- :class:`~formkit.readings.NotAForm` (cover letter, blank page, someone else's form: ``foreign``),
- :class:`RasterPage`: a page that is only an image, for the OCR path.

A file that cannot be read at all raises :class:`~formkit.errors.InputError` with a German reason.
The geometry comes from the layout (``FormLayout.fields[*].box``); nothing here knows a coordinate.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from formkit.errors import InputError
from formkit.geometry import MM
from formkit.ident import FormIdentity, parse_payload
from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.readings import FieldReading, NotAForm, PageReading
from formkit.textlayer import path_points, pdftotext_words, read_textlayer

# --- limits (hostile input): chosen far above any real returned form, far below harm -------
MAX_PAGES = 100  # an invitation has 5 pages; a returned bundle of 100 pages is already odd
MAX_ANNOTS_PER_PAGE = 500  # our sheet has 10 widgets
MAX_FIELD_DEPTH = 16  # /Parent chain of a field (ours: 1)
MAX_STREAM_BYTES = 20_000_000  # decompressed size of one stream (pypdf's default is 75 MB)


_FK1 = re.compile(rb"FK1:[a-z][a-z0-9-]*:\d+(?::[A-Za-z0-9][A-Za-z0-9._-]{0,31})?")


@dataclass(frozen=True)
class RasterPage:
    """A page with no text and at least one image: its content can only be read by OCR."""

    page: int  # 1-based


PageResult = PageReading | NotAForm | RasterPage


@dataclass(frozen=True)
class PdfResult:
    page_count: int
    pages: tuple[PageResult, ...]


def harden_pypdf() -> None:
    """Tighten pypdf's resource limits for this execution context (called in each worker)."""
    import pypdf

    if not hasattr(pypdf, "overwrite_configuration"):  # pypdf < 7: its defaults apply
        return
    pypdf.overwrite_configuration(
        disable_legacy_handling=True,
        maximum_declared_stream_length=MAX_STREAM_BYTES,
        array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
        zlib_maximum_output_length=MAX_STREAM_BYTES,
        lzw_maximum_output_length=MAX_STREAM_BYTES,
        run_length_maximum_output_length=MAX_STREAM_BYTES,
        jbig2_maximum_output_length=MAX_STREAM_BYTES,
        image_maximum_buffer_size=MAX_STREAM_BYTES,
        page_tree_maximum_entries=10_000,
        page_tree_maximum_depth=32,
        form_fields_maximum_entries=5_000,
        form_fields_maximum_depth=MAX_FIELD_DEPTH,
    )


# --- the forms we know -----------------------------------------------------------------------


@dataclass(frozen=True)
class KnownForm:
    layout: FormLayout
    names: frozenset[str]


class FormIndex:
    """The form layouts of a registry, found by identity or by their set of field names."""

    def __init__(self, registry: LayoutRegistry) -> None:
        self.registry = registry
        self.forms = [KnownForm(lo.layout, frozenset(f.name for f in lo.layout.fields))
                      for lo in registry.forms() if isinstance(lo.layout, FormLayout)]

    def by_identity(self, ident: FormIdentity) -> FormLayout | None:
        for k in self.forms:
            if k.layout.id == ident.layout_id and k.layout.version == ident.version:
                return k.layout
        return None

    def by_names(self, names: Iterable[str]) -> FormLayout | None:
        have = set(names)
        for k in self.forms:
            if k.names <= have:
                return k.layout
        return None


_INDEX_CACHE: dict[int, FormIndex] = {}


def form_index(registry: LayoutRegistry) -> FormIndex:
    key = id(registry)
    if key not in _INDEX_CACHE:
        _INDEX_CACHE[key] = FormIndex(registry)
    return _INDEX_CACHE[key]


# --- opening -----------------------------------------------------------------------------------


def open_pdf(data: bytes) -> PdfReader:
    """A pypdf reader, or InputError with the reason the file cannot be read."""
    if not data:
        raise InputError("leere Datei (0 Byte)")
    if b"%PDF-" not in data[:1024]:
        raise InputError("keine PDF-Datei")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (PyPdfError, NotImplementedError, ValueError, KeyError) as e:
                raise InputError(f"verschlüsselte PDF-Datei, nicht lesbar ({type(e).__name__})") from None
            if not ok:
                raise InputError("verschlüsselte PDF-Datei (Passwort erforderlich)")
        n = len(reader.pages)
    except InputError:
        raise
    except LimitReachedError as e:
        raise InputError(f"PDF-Datei überschreitet eine Sicherheitsgrenze: {e}"[:200]) from None
    except RecursionError:
        raise InputError("PDF-Struktur zu tief verschachtelt") from None
    except MemoryError:
        raise InputError("PDF-Datei sprengt die Speichergrenze") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, AssertionError) as e:
        raise InputError(f"beschädigte PDF-Datei ({type(e).__name__})") from None
    if n == 0:
        raise InputError("PDF-Datei ohne Seiten")
    if n > MAX_PAGES:
        raise InputError(f"zu viele Seiten ({n}, höchstens {MAX_PAGES})")
    return reader


def keyword_identities(reader: PdfReader) -> list[FormIdentity]:
    """Identity payloads in the document's /Keywords (written by our renderer)."""
    try:
        meta = reader.metadata
        text = str(meta.get("/Keywords", "")) if meta else ""
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return []
    out = []
    for m in _FK1.finditer(text.encode("latin-1", "replace")):
        ident = parse_payload(m.group().decode("ascii"))
        if ident:
            out.append(ident)
    return out


# --- AcroForm values ---------------------------------------------------------------------------


def _inherited(field: DictionaryObject, key: str) -> Any:
    node: Any = field
    for _ in range(MAX_FIELD_DEPTH):
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        if parent is None:
            return None
        node = parent.get_object()
    return None


def _field_name(field: DictionaryObject) -> str:
    parts = []
    node: Any = field
    for _ in range(MAX_FIELD_DEPTH):
        t = node.get("/T")
        if t is not None:
            parts.append(_text(t))
        parent = node.get("/Parent")
        if parent is None:
            break
        node = parent.get_object()
    return ".".join(reversed(parts))


def _terminal_field(annot: DictionaryObject) -> DictionaryObject:
    """The field an annotation belongs to (the annotation itself when field and widget are merged)."""
    if "/T" in annot:
        return annot
    parent = annot.get("/Parent")
    return parent.get_object() if parent is not None else annot


def _text(value: Any) -> str:
    """A field value as text, whatever encoding the filler used (PDFDocEncoding, UTF-16, UTF-8)."""
    if value is None:
        return ""
    if isinstance(value, StreamObject):
        raw = value.get_data()
        return _decode_bytes(raw)
    if isinstance(value, ArrayObject):
        return "|".join(_text(v) for v in value)
    if isinstance(value, TextStringObject):
        s = str(value)
        # Some fillers write UTF-8 bytes into a PDFDocEncoded string: "MÃ¼ller" -> "Müller".
        try:
            fixed = s.encode("latin-1").decode("utf-8")
            if fixed != s and any(ord(c) > 127 for c in fixed):
                return fixed
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        return s
    if isinstance(value, ByteStringObject):
        return _decode_bytes(bytes(value))
    if isinstance(value, NameObject):
        return str(value)[1:]
    return str(value)


def _decode_bytes(raw: bytes) -> str:
    if raw[:2] in (b"\xfe\xff", b"\xff\xfe"):
        return raw.decode("utf-16", "replace")
    if raw[:3] == b"\xef\xbb\xbf":
        return raw[3:].decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from pypdf._codecs import _pdfdoc_encoding

        return "".join(_pdfdoc_encoding[b] or "\ufffd" for b in raw)


def _normalise_newlines(s: str) -> str:
    return s.replace("\r\n", "\n").replace("\r", "\n")


def _state_name(value: Any) -> str | None:
    if value is None:
        return None
    s = _text(value).strip()
    return s.lstrip("/") if s else None


def _checkbox(name: str, field: DictionaryObject, annot: DictionaryObject) -> FieldReading:
    """A check box's state from /V (the field's value) and /AS (the widget's appearance)."""
    on_states: set[str] = set()
    ap: Any = annot.get("/AP")
    ap = ap.get_object() if ap is not None else None
    if isinstance(ap, DictionaryObject):
        normal: Any = ap.get("/N")
        normal = normal.get_object() if normal is not None else None
        # /N is a dictionary of states for a check box (a stream would be a single appearance).
        if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):
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


def _widgets(page: Any) -> list[DictionaryObject]:
    annots = page.get("/Annots")
    if annots is None:
        return []
    annots = annots.get_object()
    if not isinstance(annots, ArrayObject):
        return []
    out = []
    for ref in annots[:MAX_ANNOTS_PER_PAGE]:
        a = ref.get_object()
        if isinstance(a, DictionaryObject) and a.get("/Subtype") == "/Widget":
            out.append(a)
    return out


def read_widgets(widgets: list[DictionaryObject], form: FormLayout, page_no: int,
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
    """The identity in the page's own content stream (our footer), without text extraction."""
    try:
        contents = page.get_contents()
        raw = contents.get_data() if contents is not None else b""
    except LimitReachedError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return None
    m = _FK1.search(raw)
    return parse_payload(m.group().decode("ascii")) if m else None


def _has_image(page: Any, depth: int = 0) -> bool:
    try:
        res = page.get("/Resources")
        res = res.get_object() if res is not None else None
        xo = res.get("/XObject") if isinstance(res, DictionaryObject) else None
        if xo is None:
            contents = page.get_contents() if depth == 0 else None
            return contents is not None and b"BI" in contents.get_data()
        for ref in xo.get_object().values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                return True
            if obj.get("/Subtype") == "/Form" and depth < 3 and _has_image(obj, depth + 1):
                return True
        if depth == 0:
            contents = page.get_contents()
            return contents is not None and b"\nBI" in contents.get_data()
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return False


def _has_fonts(page: Any) -> bool:
    try:
        res = page.get("/Resources")
        res = res.get_object() if res is not None else None
        return isinstance(res, DictionaryObject) and res.get("/Font") is not None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return True


def _page_box(page: Any) -> tuple[float, float]:
    """(left, top) of the page's media box in PDF user space."""
    mb = page.mediabox
    return float(mb.left), float(mb.top)


def read_pdf(data: bytes, registry: LayoutRegistry) -> PdfResult:
    """Triage and read every page of a returned PDF; InputError when the file cannot be read."""
    try:
        return _read_pdf(data, registry)
    except LimitReachedError as e:
        raise InputError(f"PDF-Datei überschreitet eine Sicherheitsgrenze (Dekompressionsbombe?): {e}"[:200]) from None
    except RecursionError:
        raise InputError("PDF-Struktur zu tief verschachtelt") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as e:
        raise InputError(f"beschädigte PDF-Datei ({type(e).__name__})") from None


def _read_pdf(data: bytes, registry: LayoutRegistry) -> PdfResult:
    reader = open_pdf(data)
    index = form_index(registry)
    kw = keyword_identities(reader)
    n = len(reader.pages)
    results: dict[int, PageResult] = {}
    pending: list[int] = []  # 1-based pages that need the text layer
    raw_ids: dict[int, FormIdentity | None] = {}
    for i in range(n):
        page_no = i + 1
        page = reader.pages[i]
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
        same = [k for k in kw if by_names and k.layout_id == by_names.id]
        ident = same[0] if len(same) == 1 else None
        if ident is None:
            raw_ids[page_no] = _raw_identity(page)
            ident = raw_ids[page_no] or (same[0] if same else None)
        form = index.by_identity(ident) if ident else None
        problems: tuple[str, ...] = ()
        if ident and form is None:
            results[page_no] = NotAForm(page_no, f"unbekannte Formularversion {ident.layout_id} v{ident.version}")
            continue
        if form is None and by_names is not None:
            form = by_names
            ident = FormIdentity(form.id, form.version)
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
            page = reader.pages[page_no - 1]
            results[page_no] = RasterPage(page_no) if _has_image(page) and not _has_fonts(page) \
                else NotAForm(page_no, "keine Formularseite")
        pending = [p for p in pending if p not in results]
    if pending:
        _read_pending(data, reader, index, kw, pending, raw_ids, results)
    return PdfResult(n, tuple(results[i + 1] for i in range(n)))


def _read_pending(data: bytes, reader: PdfReader, index: FormIndex, kw: list[FormIdentity], pending: list[int],
                  raw_ids: dict[int, FormIdentity | None], results: dict[int, PageResult]) -> None:
    words_by_page = pdftotext_words(data, min(pending), max(pending))
    for page_no in pending:
        words = words_by_page.get(page_no, [])
        page = reader.pages[page_no - 1]
        ident = raw_ids.get(page_no)
        if ident is None:
            text = " ".join(w.text for w in words)
            found = _FK1.search(text.encode("utf-8", "replace"))
            ident = parse_payload(found.group().decode("ascii")) if found else None
        if ident is None:
            if not words and _has_image(page):
                results[page_no] = RasterPage(page_no)
            else:
                results[page_no] = NotAForm(page_no, "keine Formularseite")
            continue
        form = index.by_identity(ident)
        if form is None:
            results[page_no] = NotAForm(page_no, f"unbekannte Formularversion {ident.layout_id} v{ident.version}")
            continue
        if ident.recipient_id is None:
            same = [k for k in kw if k.layout_id == ident.layout_id and k.version == ident.version and k.recipient_id]
            if same:
                ident = same[0]
        left, top = _page_box(page)
        try:
            pts = [((x - left) / MM, (top - y) / MM) for x, y in path_points(page, reader)]
        except RecursionError:
            pts = []
        results[page_no] = read_textlayer(words, pts, form, page_no, ident)
