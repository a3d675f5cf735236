"""Composing a layout's pages: flow pages (with automatic continuation), letters and forms."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame

from formkit.errors import LayoutError
from formkit.geometry import A4
from formkit.layout.loader import LayoutRegistry, LoadedLayout
from formkit.layout.models import DocumentLayout, FlowPage, FormLayout, FormPage, LetterBlock
from formkit.render import blocks
from formkit.render.fonts import REGULAR, register_fonts
from formkit.render.form import FormOutcome, draw_form, identity, template_context
from formkit.render.letter import BODY_TOP, draw_letter_head, letter_flowables
from formkit.safefile import write_bytes


@dataclass(frozen=True)
class RenderOptions:
    """Per-document personalisation; empty for the generic documents."""

    address_lines: tuple[str, ...] = ()
    salutation: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    recipient_id: str | None = None
    fillable: bool = True
    title: str | None = None
    # Extra template context (e.g. recipient, meeting) beside the event data.
    context: Mapping[str, Any] = field(default_factory=dict)
    letter_date: str | None = None  # printed in the letter's information block
    first_page: int = 1  # number printed on the first page ("Seite n"), for parts of a longer document


@dataclass
class RenderResult:
    pages: int = 0
    warnings: list[str] = field(default_factory=list)


def new_canvas(target: str | Path | io.BytesIO, title: str) -> Canvas:
    """A canvas with deterministic output (no timestamps, fixed document id)."""
    register_fonts()
    c = Canvas(target if isinstance(target, io.BytesIO) else str(target), pagesize=(A4[0] * mm, A4[1] * mm),
               invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("formkit")
    c.setCreator("formkit")
    return c


def flow_pages(c: Canvas, flowables: list[Flowable], margins: list[float], first_top: float | None,
               result: RenderResult, first_page: int = 1) -> None:
    """Fill pages with *flowables*; continues on new pages until all are placed.

    Pages are numbered from *first_page* on, counting the pages already in *result*."""
    top, right, bottom, left = margins
    page_w, page_h = A4
    y_top = first_top if first_top is not None else top
    while True:
        frame = Frame(left * mm, bottom * mm, (page_w - left - right) * mm, (page_h - y_top - bottom) * mm,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        before = len(flowables)
        frame.addFromList(flowables, c)
        _page_number(c, first_page + result.pages)
        c.showPage()
        result.pages += 1
        if not flowables:
            return
        if len(flowables) == before:
            # Nothing fits even on an empty page: drop the offender rather than loop forever.
            result.warnings.append("Ein Block ist größer als eine Seite und wurde ausgelassen")
            flowables.pop(0)
        y_top = top


def _page_number(c: Canvas, n: int) -> None:
    c.setFont(REGULAR, 8)
    c.setFillColorRGB(0.4, 0.4, 0.4)
    c.drawRightString((A4[0] - 20) * mm, 10 * mm, f"Seite {n}")
    c.setFillColorRGB(0, 0, 0)


def render_layout(c: Canvas, loaded: LoadedLayout, registry: LayoutRegistry, options: RenderOptions) -> RenderResult:
    """Draw every page of *loaded* on *c*; returns the page count and any warnings."""
    result = RenderResult()
    layout = loaded.layout
    if isinstance(layout, FormLayout):
        _form_page(c, loaded, options, result)
        return result
    assert isinstance(layout, DocumentLayout)
    ctx = {**template_context(loaded.event, loaded.statements), **options.context}
    width = (A4[0] - layout.margins[1] - layout.margins[3]) * mm
    for page in layout.pages:
        if isinstance(page, FormPage):
            _form_page(c, registry.form(page.form), options, result)
            continue
        assert isinstance(page, FlowPage)
        items = list(page.blocks)
        first_top = None
        flowables: list[Flowable] = []
        if items and isinstance(items[0], LetterBlock):
            if loaded.event is None:
                raise LayoutError(f"{loaded.path}: der Block „letter“ braucht Veranstaltungsdaten (event)")
            draw_letter_head(c, loaded.event, A4[1], list(options.address_lines), options.letter_date)
            if items[0].body:
                flowables.extend(letter_flowables(loaded.event, options.salutation))
            first_top = BODY_TOP
            items = items[1:]
        for b in items:
            try:
                flowables.extend(blocks.to_flowables(b, ctx, loaded.event, loaded.statements, width))
            except LayoutError as e:
                raise LayoutError(f"{loaded.path}: pages[{layout.pages.index(page)}]: {e.message}") from None
        flow_pages(c, flowables, layout.margins, first_top, result, options.first_page)
    return result


def _form_page(c: Canvas, loaded: LoadedLayout, options: RenderOptions, result: RenderResult) -> None:
    form = loaded.layout
    assert isinstance(form, FormLayout)
    outcome: FormOutcome = draw_form(
        c, form, loaded.event, loaded.statements, options.values, options.recipient_id, options.fillable
    )
    result.warnings.extend(outcome.warnings)
    c.showPage()
    result.pages += 1


def _identities(loaded: LoadedLayout, registry: LayoutRegistry, options: RenderOptions) -> list[str]:
    """Identity payloads of the form pages, for the PDF's /Keywords (read back by the parser)."""
    layout = loaded.layout
    forms = [loaded] if isinstance(layout, FormLayout) else [
        registry.form(p.form) for p in layout.pages if isinstance(p, FormPage)]
    return [identity(f.layout, f.event, options.recipient_id, options.values).payload() for f in forms
            if isinstance(f.layout, FormLayout)]


def render_to_bytes(name_or_path: str, registry: LayoutRegistry | None = None,
                    options: RenderOptions | None = None) -> tuple[bytes, RenderResult]:
    registry = registry or LayoutRegistry()
    loaded = registry.get(name_or_path)
    buf = io.BytesIO()
    c = new_canvas(buf, (options.title if options and options.title else None) or loaded.layout.title)
    options = options or RenderOptions()
    result = render_layout(c, loaded, registry, options)
    c.setKeywords(" ".join(_identities(loaded, registry, options)))
    c.save()
    return buf.getvalue(), result


def render_to_file(name_or_path: str, out: Path, registry: LayoutRegistry | None = None,
                   options: RenderOptions | None = None) -> RenderResult:
    data, result = render_to_bytes(name_or_path, registry, options)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(out, data)  # never through a link planted at a temporary name
    return result
