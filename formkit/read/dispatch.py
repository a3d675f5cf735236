"""One way in: an input's bytes → per page a :class:`PageReading` or a typed :class:`NotAForm`.

Composition only: :mod:`.sniff` decides what the input is; a PDF is opened safely (:mod:`.open`),
its pages triaged (:mod:`.triage`) and read by :mod:`.acroform` or :mod:`.textlayer`; its image
pages and image files go to the scan recogniser (:mod:`formkit.scan`). ``formkit parse`` (through
the pipeline's workers) and ``formkit debug`` both read through :func:`read_input`.

A file that cannot be read at all raises :class:`~formkit.errors.InputError` with a German reason.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf

from formkit.campaign import Campaigns, as_campaigns
from formkit.errors import InputError
from formkit.layout.loader import LayoutRegistry
from formkit.read.acroform import read_widgets
from formkit.read.limits import MAX_FILE_BYTES, MAX_IMAGE_PAGES
from formkit.read.open import PDF_ERRORS, StreamLimitError, check_warnings, open_pdf
from formkit.read.sniff import InputKind, input_kind
from formkit.read.textlayer import read_text_pages
from formkit.read.triage import AcroFormPage, RasterPage, TextPage, has_markup, keyword_identities, triage
from formkit.readings import NotAForm, NotFormKind, PageReading

if TYPE_CHECKING:
    from formkit.scan.context import ReadContext
    from formkit.scan.reader import Analysis

OCR_UNAVAILABLE = "Texterkennung nicht verfügbar"
DAMAGED_NOTE = "PDF-Datei beschädigt und repariert: Werte bitte prüfen"
# A damaged file without a readable sheet may be a sheet cut off in transit, not a cover letter.
DAMAGED_NO_FORM = "PDF-Datei beschädigt oder unvollständig: kein Anmeldeformular lesbar, bitte Original anfordern"
TEMP_PREFIX = "formkit-"  # temporary copies of attachments (rasterisers read files), named so
TEMP_SUFFIXES = (".pdf", ".img")  # that a reason mentioning one can be given the input's name

PageResult = PageReading | NotAForm


@dataclass(frozen=True)
class PdfResult:
    """A PDF's pages after triage and the PDF readers; image pages are still :class:`RasterPage`."""

    page_count: int
    pages: tuple[PageReading | NotAForm | RasterPage, ...]


@dataclass(frozen=True)
class FileReading:
    """Every page of one input, read; *analyses*: what OCR saw per page (``full=True``, for debug)."""

    kind: InputKind
    page_count: int
    pages: tuple[PageResult, ...]
    analyses: Mapping[int, Analysis] = field(default_factory=dict, repr=False, compare=False)


# --- PDF ----------------------------------------------------------------------------------------


def read_pdf(data: bytes, registry: Campaigns | LayoutRegistry) -> PdfResult:
    """Triage and read every page of a returned PDF; InputError when the file cannot be read."""
    campaigns = as_campaigns(registry)
    pdf = open_pdf(data)
    try:
        kw = keyword_identities(pdf)
        triaged = triage(pdf, campaigns, kw)
        text = read_text_pages(data, pdf, [t for t in triaged if isinstance(t, TextPage)], campaigns, kw)
        pages = tuple(_answered_over(read_widgets(list(t.widgets), t.form, t.page, t.identity, t.problems), pdf)
                      if isinstance(t, AcroFormPage) else text[t.page] if isinstance(t, TextPage) else t
                      for t in triaged)
        warnings = pdf.get_warnings()  # qpdf hands them out once
        check_warnings(warnings)
        if any("damaged" in w or "reconstruct" in w for w in warnings):
            # pypdf rejected most of these; qpdf rebuilds the cross-reference table. What it read is
            # kept, but a person looks at it: an object lost to the damage reads as an empty field.
            pages = tuple(replace(p, problems=(*p.problems, DAMAGED_NOTE)) if isinstance(p, PageReading)
                          else NotAForm(p.page, DAMAGED_NO_FORM, NotFormKind.DAMAGED)
                          if isinstance(p, NotAForm) and p.kind is NotFormKind.NO_FORM else p
                          for p in pages)
        return PdfResult(len(pages), pages)
    except StreamLimitError as e:
        raise InputError(f"PDF-Datei überschreitet eine Sicherheitsgrenze (Dekompressionsbombe?): {e}"[:200]) from None
    except RecursionError:
        raise InputError("PDF-Struktur zu tief verschachtelt") from None
    except PDF_ERRORS as e:
        raise InputError(f"beschädigte PDF-Datei ({type(e).__name__})") from None
    finally:
        pdf.close()


def _answered_over(reading: PageReading | NotAForm, pdf: pikepdf.Pdf) -> PageReading | NotAForm | RasterPage:
    """A sheet with no box ticked in its fields but whose page carries text boxes, ink or stamps
    (Acrobat's "Fill & Sign", Preview's text tool: the answers, a cross too, written over the form
    rather than into it) is read as the page shows it, by OCR; else the fields' reading. A packet's
    printed values are then verified by their ink, as on paper."""
    if isinstance(reading, PageReading) and not any(f.value for f in reading.fields.values() if f.state is not None) \
            and has_markup(pdf.pages[reading.page - 1].obj):
        return RasterPage(reading.page)
    return reading


# --- the dispatcher -----------------------------------------------------------------------------


def read_bytes(path: Path) -> bytes:
    """A file's bytes, refused above MAX_FILE_BYTES before they are read."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError("Datei zu groß")
    return path.read_bytes()


def read_input(data: bytes, registry: Campaigns | LayoutRegistry, path: Path | None = None, *,
               only: int | None = None, full: bool = False, context: ReadContext | None = None) -> FileReading:
    """Read one input (its bytes; *path*: the same bytes as a file, saves a temporary copy).

    *only*: read just this 1-based page (the result holds it alone, or nothing when there is no
    such page). *full*: keep what OCR saw of each image page (for ``formkit debug``). *context*:
    the mailing list and events the scan reader verifies prefilled values and reads text with.
    """
    campaigns = as_campaigns(registry)
    kind = input_kind(data)
    analyses: dict[int, Analysis] = {}
    if kind is InputKind.PDF:
        result = read_pdf(data, campaigns)
        wanted = [p for p in result.pages if only in (None, p.page)]
        if any(isinstance(p, RasterPage) for p in wanted):
            with _as_file(data, path, ".pdf") as file:
                pages = tuple(_ocr_pdf_page(file, p.page, campaigns, full, context, analyses) if isinstance(p, RasterPage)
                              else p for p in wanted)
        else:
            pages = tuple(p for p in wanted if not isinstance(p, RasterPage))
        return FileReading(kind, result.page_count, pages, analyses)
    with _as_file(data, path, ".img") as file:
        count, pages = _ocr_image(file, campaigns, only, full, context, analyses)
    return FileReading(kind, count, pages, analyses)


@contextmanager
def _as_file(data: bytes, path: Path | None, suffix: str) -> Iterator[Path]:
    """The input as a file path (the rasterisers read files): *path*, or a temporary copy."""
    if path is not None:
        yield path
        return
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _ocr_pdf_page(path: Path, page_no: int, campaigns: Campaigns, full: bool, context: ReadContext | None,
                  analyses: dict[int, Analysis]) -> PageResult:
    try:
        from formkit.scan import rasterize_pdf_page
        from formkit.scan.reader import analyse_page
    except ImportError:
        return NotAForm(page_no, OCR_UNAVAILABLE, NotFormKind.OCR_UNAVAILABLE)
    a = analyse_page(rasterize_pdf_page(path, page_no - 1), page_no, campaigns, full=full, context=context)
    if full:
        analyses[page_no] = a
    return a.result


def _ocr_image(path: Path, campaigns: Campaigns, only: int | None, full: bool, context: ReadContext | None,
               analyses: dict[int, Analysis]) -> tuple[int, tuple[PageResult, ...]]:
    """(frames looked at, the pages read) of a TIFF/PNG/JPEG."""
    try:
        from formkit.scan import iter_image_pages
        from formkit.scan.reader import analyse_page
    except ImportError:
        return 1, (NotAForm(1, OCR_UNAVAILABLE, NotFormKind.OCR_UNAVAILABLE),)
    out: list[PageResult] = []
    count = 0
    for i, image in enumerate(iter_image_pages(path), start=1):
        if i > MAX_IMAGE_PAGES:
            raise InputError(f"zu viele Bildseiten (höchstens {MAX_IMAGE_PAGES})")
        count = i
        if only not in (None, i):
            continue
        a = analyse_page(image, i, campaigns, full=full, context=context)
        if full:
            analyses[i] = a
        out.append(a.result)
    return count, tuple(out)
