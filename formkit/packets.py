"""Personalised invitation packets from a mailing list: a duplex print file, one fillable PDF per
recipient, and a manifest.

How it is made (and why it is fast and streams):

* The list is cut into chunks of :data:`CHUNK` recipients, rendered by worker processes
  (``workers``); results are consumed strictly in list order, so the output does not depend on
  the number of workers, and at most ``2 * workers`` chunks are in flight.
* Per chunk, one reportlab canvas draws the chunk's print pages (``fillable=False``: values are
  printed, no form fields, so field names of different packets cannot collide). The pages that are
  the same for everybody (programme, venues, how to register) are drawn once per chunk as form
  XObjects and placed with ``doForm``: a packet then costs its letter and its form page only.
  Their page numbers ("Seite n") depend on how many pages the letter took, so the XObjects are
  kept per letter length and rendered with ``RenderOptions(first_page=…)``, numbered exactly as
  in a packet rendered in one go.
* Each chunk's print PDF is appended to ``print.pdf`` by :mod:`formkit.pdfjoin` and deleted:
  memory holds one chunk at a time, whatever the length of the list.
* Every packet starts on an odd page: a blank page follows a packet with an odd page count.
* The per-recipient file has form fields (``fillable=True``), prefilled: its letter and form pages
  are rendered for the recipient, the common pages are rendered once per worker and joined in
  (:mod:`formkit.pdfjoin`); /Keywords carries the form identities as in
  :func:`formkit.render.document.render_to_bytes`, which the parser reads. Layouts of another
  shape fall back to :func:`render_to_file`.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from formkit import pdfjoin
from formkit.errors import FormkitError, InputError
from formkit.export import safe_cell
from formkit.filenames import slugify
from formkit.ident import is_valid_recipient_id
from formkit.layout.loader import LayoutRegistry, LoadedLayout
from formkit.layout.models import DocumentLayout, FlowPage, FormLayout, FormPage, LetterBlock
from formkit.recipients import Recipient, read_recipients, sheet_prefill
from formkit.render.document import RenderOptions, RenderResult, new_canvas, render_layout, render_to_file
from formkit.render.fonts import REGULAR, register_fonts
from formkit.render.form import identity
from formkit.render.letter import ADDRESS_FIELD, MAX_ADDRESS_LINES
from formkit.safefile import replace_file

CHUNK = 25  # recipients per worker task and per part of print.pdf
MANIFEST_COLUMNS = ("line", "id", "name", "file", "pages", "print_pages", "status", "reason")

# The letter draws address lines 25 mm from the left edge, 2 mm short of the window's right edge,
# shrinking to 7 pt and then cutting with "…" (formkit.render.letter._fit_line): we wrap first
# and report what would still be cut.
ADDRESS_WIDTH_PT = (ADDRESS_FIELD.x2 - 25.0 - 2.0) * mm
ADDRESS_SIZE = 10.0
ADDRESS_MIN_SIZE = 7.0

# --- names, values, address -----------------------------------------------------------------


def file_name(r: Recipient) -> str:
    """``R0042-mueller-anna.pdf``: the id (validated: letters, digits, '.', '_', '-') and a slug."""
    if not is_valid_recipient_id(r.id):
        raise InputError(f"ungültige Empfänger-ID {r.id!r}")
    who = " ".join(p for p in (r.last_name, r.first_name) if p) or r.institution
    return f"{r.id}-{slugify(who)}.pdf"


def _width(text: str, size: float) -> float:
    return stringWidth(text, REGULAR, size)


def _wrap(line: str, size: float) -> list[str]:
    words, out, cur = line.split(" "), [], ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if cur and _width(trial, size) > ADDRESS_WIDTH_PT:
            out.append(cur)
            cur = w
        else:
            cur = trial
    out.append(cur)
    return out


def fit_address(lines: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """Wrap address lines too wide for the window while the address zone has room (6 lines);
    return the lines and a warning for every line the letter will still shrink below 10 pt or cut."""
    register_fonts()
    out = list(lines)
    i = 0
    while i < len(out):
        room = MAX_ADDRESS_LINES - (len(out) - 1)
        if room > 1 and _width(out[i], ADDRESS_SIZE) > ADDRESS_WIDTH_PT:
            for size in (ADDRESS_SIZE, 9.0, 8.0):
                wrapped = _wrap(out[i], size)
                if len(wrapped) <= room:
                    break
            if len(wrapped) > room:  # the rest goes on the last line (the letter shrinks or cuts it)
                wrapped = wrapped[:room - 1] + [" ".join(wrapped[room - 1:])]
            out[i:i + 1] = wrapped
            i += len(wrapped)
            continue
        i += 1
    warnings = []
    if len(out) > MAX_ADDRESS_LINES:
        warnings.append(f"Anschrift: mehr als {MAX_ADDRESS_LINES} Zeilen, der Rest fehlt im Brief")
    for line in out[:MAX_ADDRESS_LINES]:
        if _width(line, ADDRESS_MIN_SIZE) > ADDRESS_WIDTH_PT:
            warnings.append(f"Anschrift: Zeile „{line}“ ist zu lang für das Fenster und wird gekürzt")
        elif _width(line, ADDRESS_SIZE) > ADDRESS_WIDTH_PT:
            warnings.append(f"Anschrift: Zeile „{line}“ in kleinerer Schrift")
    return tuple(out), warnings


def render_options(r: Recipient, title: str, fillable: bool,
                   forms: Sequence[FormLayout] = ()) -> tuple[RenderOptions, list[str]]:
    lines, warnings = fit_address(r.address_lines)
    if r.function and any("gekürzt" in w for w in warnings):
        # The function line is the one to give up for a long institution (it is on the sheet too).
        at = 1 if r.institution else 0
        shorter = r.address_lines[:at] + r.address_lines[at + 1:]
        lines, warnings = fit_address(shorter)
        warnings.insert(0, "Anschrift: Funktion weggelassen, damit die Institution ins Fenster passt")
    opts = RenderOptions(address_lines=lines, salutation=r.salutation_line, values=sheet_prefill(r, forms),
                         recipient_id=r.id, fillable=fillable, title=f"{title} – {r.display_name}")
    return opts, warnings


# --- drawing the print pages ------------------------------------------------------------------


def _sub(loaded: LoadedLayout, pages: list[FlowPage | FormPage]) -> LoadedLayout:
    layout = loaded.layout
    assert isinstance(layout, DocumentLayout)
    return LoadedLayout(layout.model_copy(update={"pages": pages}), loaded.path, loaded.event, loaded.statements)


def _capture_pages(c: Canvas, draw: Callable[[], object], prefix: str) -> list[str]:
    """Run *draw* with every page it draws going into a form XObject instead; returns their names."""
    names: list[str] = [f"{prefix}-0"]
    c.beginForm(names[0])

    def next_form() -> None:
        c.endForm()
        names.append(f"{prefix}-{len(names)}")
        c.beginForm(names[-1])

    c.showPage = next_form  # type: ignore[method-assign]
    try:
        draw()
    finally:
        del c.showPage
        c.endForm()  # the form opened after the last page stays empty and unused
    return names[:-1]


class PacketRenderer:
    """Draws packets of one layout; reuses the common pages as form XObjects within one canvas."""

    def __init__(self, registry: LayoutRegistry, layout_name: str) -> None:
        self.registry = registry
        self.layout_name = layout_name
        self.loaded = registry.get(layout_name)
        self.title = self.loaded.layout.title
        layout = self.loaded.layout
        # Fast path for the usual shape: [letter page], common flow pages..., form pages.
        self.letter: LoadedLayout | None = None
        self.common: list[FlowPage] = []
        self.forms: LoadedLayout | None = None
        if isinstance(layout, DocumentLayout):
            pages = list(layout.pages)
            letter = pages[:1] if pages and isinstance(pages[0], FlowPage) and pages[0].blocks \
                and isinstance(pages[0].blocks[0], LetterBlock) else []
            rest = pages[len(letter):]
            common = [p for p in rest if isinstance(p, FlowPage)]
            tail = rest[len(common):]
            if (letter and all(isinstance(p, FormPage) for p in tail)
                    and not any(isinstance(b, LetterBlock) for p in common for b in p.blocks)):
                self.letter = _sub(self.loaded, list(letter))
                self.common = common
                self.forms = _sub(self.loaded, list(tail)) if tail else None
        self._xobjects: dict[tuple[int, int], list[str]] = {}  # (canvas, letter pages) → names
        self._common_parts: dict[int, pdfjoin.Part] = {}
        self.form_layouts: list[FormLayout] = []
        if self.forms is not None:
            for p in self.forms.layout.pages:  # type: ignore[union-attr]
                form = registry.form(p.form).layout  # type: ignore[union-attr]
                assert isinstance(form, FormLayout)
                self.form_layouts.append(form)
        # Every form the packet prints, whatever its shape: list columns prefill their fields.
        self.all_forms: list[FormLayout] = [layout] if isinstance(layout, FormLayout) else []
        if isinstance(layout, DocumentLayout):
            for page in layout.pages:
                if isinstance(page, FormPage):
                    form = registry.form(page.form).layout
                    assert isinstance(form, FormLayout)
                    self.all_forms.append(form)

    def draw_print_packet(self, c: Canvas, opts: RenderOptions) -> RenderResult:
        """Draw one packet on *c* (without duplex padding)."""
        if self.letter is None:
            return render_layout(c, self.loaded, self.registry, opts)
        result = render_layout(c, self.letter, self.registry, opts)
        if self.common:
            key = (id(c), result.pages)
            names = self._xobjects.get(key)
            if names is None:
                sub = _sub(self.loaded, list(self.common))
                numbered = RenderOptions(fillable=False, first_page=result.pages + 1)
                names = _capture_pages(c, lambda: render_layout(c, sub, self.registry, numbered),
                                       f"fkcommon{result.pages}")
                self._xobjects[key] = names
            for name in names:
                c.doForm(name)
                c.showPage()
            result.pages += len(names)
        if self.forms is not None:
            form_result = render_layout(c, self.forms, self.registry, opts)
            result.pages += form_result.pages
            result.warnings.extend(form_result.warnings)
        return result

    def _common_part(self, letter_pages: int) -> pdfjoin.Part:
        """The common pages, rendered once per process and letter length, as a joinable part."""
        part = self._common_parts.get(letter_pages)
        if part is None:
            buf = io.BytesIO()
            c = new_canvas(buf, self.title)
            render_layout(c, _sub(self.loaded, list(self.common)), self.registry,
                          RenderOptions(first_page=letter_pages + 1))
            c.save()
            part = pdfjoin.parse(buf.getvalue())
            self._common_parts[letter_pages] = part
        return part

    def write_single(self, target: Path, opts: RenderOptions) -> RenderResult:
        """The fillable per-recipient file: letter and form rendered for the recipient, the common
        pages joined in from a part rendered once (same pages as a direct render, faster)."""
        if self.letter is None:
            return render_to_file(self.layout_name, target, self.registry, opts)
        buf = io.BytesIO()
        c = new_canvas(buf, opts.title or self.title)
        result = render_layout(c, self.letter, self.registry, opts)
        letter_pages = result.pages
        if self.forms is not None:
            form_result = render_layout(c, self.forms, self.registry, opts)
            result.pages += form_result.pages
            result.warnings.extend(form_result.warnings)
        c.save()
        own = pdfjoin.parse(buf.getvalue())
        with replace_file(target) as f:
            j = pdfjoin.Joiner(f, opts.title or self.title, " ".join(
                identity(form, self.registry.form(form.id).event, opts.recipient_id, opts.values).payload()
                for form in self.form_layouts))
            m = j.add(own)
            j.pages([m[p] for p in own.pages[:letter_pages]])
            if self.common:
                common = self._common_part(letter_pages)
                mc = j.add(common)
                j.pages([mc[p] for p in common.pages])
                result.pages += len(common.pages)
            j.pages([m[p] for p in own.pages[letter_pages:]])
            j.close()
        return result

    def forget(self, c: Canvas) -> None:
        self._xobjects = {k: v for k, v in self._xobjects.items() if k[0] != id(c)}


# --- one chunk (runs in a worker process) -------------------------------------------------------


@dataclass(frozen=True)
class PacketRow:
    """One manifest row."""

    line: int
    id: str
    name: str
    file: str = ""
    pages: int = 0
    print_first: int = 0  # 1-based page in print.pdf, 0 when the packet is not in it
    print_pages: int = 0
    status: str = "ok"  # ok | warnung | fehler
    reason: str = ""

    def cells(self) -> list[str]:
        span = f"{self.print_first}-{self.print_first + self.print_pages - 1}" if self.print_pages else ""
        # Names come from the list as typed: never let one become a spreadsheet formula.
        return [safe_cell(c) for c in (str(self.line), self.id, self.name, self.file,
                                       str(self.pages) if self.pages else "", span, self.status, self.reason)]


@dataclass(frozen=True)
class _ChunkJob:
    index: int
    recipients: tuple[Recipient, ...]
    layout: str
    layouts_root: Path
    outdir: Path
    tmpdir: Path


@dataclass
class _ChunkResult:
    rows: list[PacketRow]
    print_part: Path | None
    print_pages: int


_RENDERERS: dict[tuple[Path, str], PacketRenderer] = {}


def _renderer(root: Path, layout: str) -> PacketRenderer:
    key = (root, layout)
    if key not in _RENDERERS:
        _RENDERERS[key] = PacketRenderer(LayoutRegistry(root), layout)
    return _RENDERERS[key]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _render_chunk(job: _ChunkJob) -> _ChunkResult:
    pr = _renderer(job.layouts_root, job.layout)
    part = job.tmpdir / f"print-{job.index:06d}.pdf"
    c = new_canvas(part, pr.title)
    rows: list[PacketRow] = []
    pages = 0
    for r in job.recipients:
        name = file_name(r)
        target = job.outdir / name
        if target.parent.resolve() != job.outdir.resolve():  # ids are validated; belt and braces
            rows.append(PacketRow(r.line, r.id, r.display_name, status="fehler", reason="Dateiname außerhalb von OUTDIR"))
            continue
        try:
            opts, addr_warnings = render_options(r, pr.title, fillable=True, forms=pr.all_forms)
            single = pr.write_single(target, opts)
            printed = pr.draw_print_packet(c, RenderOptions(
                address_lines=opts.address_lines, salutation=opts.salutation, values=opts.values,
                recipient_id=opts.recipient_id, fillable=False, title=opts.title))
        except FormkitError as e:
            rows.append(PacketRow(r.line, r.id, r.display_name, status="fehler", reason=e.message))
            continue
        first = pages + 1
        pages += printed.pages
        if printed.pages % 2:
            c.showPage()  # blank back side: the next packet starts on a new sheet
            pages += 1
        warnings = _unique(list(r.notes) + addr_warnings + single.warnings + printed.warnings)
        rows.append(PacketRow(r.line, r.id, r.display_name, name, single.pages, first, printed.pages,
                              "warnung" if warnings else "ok", "; ".join(warnings)))
    pr.forget(c)
    if pages == 0:
        return _ChunkResult(rows, None, 0)
    c.save()
    return _ChunkResult(rows, part, pages)


# --- the whole run ----------------------------------------------------------------------------


@dataclass
class PacketSummary:
    packets: int = 0
    failed: int = 0
    warned: int = 0
    print_pages: int = 0
    file_pages: int = 0
    seconds: float = 0.0
    print_pdf: Path | None = None
    manifest: Path | None = None
    errors: list[PacketRow] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return self.print_pages + self.file_pages


def _jobs(recipients: list[Recipient], layout: str, root: Path, outdir: Path, tmpdir: Path) -> Iterator[_ChunkJob]:
    for i in range(0, len(recipients), CHUNK):
        yield _ChunkJob(i // CHUNK, tuple(recipients[i:i + CHUNK]), layout, root, outdir, tmpdir)


def _results(jobs: Iterator[_ChunkJob], workers: int) -> Iterator[_ChunkResult]:
    """Chunk results in order; with workers > 1 at most 2*workers chunks are in flight."""
    if workers <= 1:
        for job in jobs:
            yield _render_chunk(job)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: list[Future[_ChunkResult]] = []
        for job in jobs:
            pending.append(pool.submit(_render_chunk, job))
            if len(pending) >= 2 * workers:
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()


def make_packets(recipients_csv: Path, outdir: Path, layout: str = "invitation", workers: int | None = None,
                 layouts_dir: Path | None = None,
                 progress: Callable[[int, int], None] | None = None, sheet: str | None = None) -> PacketSummary:
    """Read the list (CSV or spreadsheet; *sheet* names a sheet other than the first), write
    ``print.pdf``, one PDF per recipient and ``manifest.csv`` into *outdir*.

    *progress* is called with (done, total) after each chunk. Raises :class:`FormkitError` only
    when nothing can be done (unreadable list, unknown layout); bad rows are in the summary.
    """
    started = time.perf_counter()
    recipients, row_errors = read_recipients(recipients_csv, sheet)
    registry = LayoutRegistry(layouts_dir)
    registry.get(layout)  # fail early on an unknown or invalid layout
    if not recipients:
        # Nothing to print: no print.pdf (a PDF without pages is not a PDF) and no manifest.
        if row_errors:
            shown = "; ".join(f"Zeile {e.line}: {e.reason}" for e in row_errors[:3])
            more = f" (und {len(row_errors) - 3} weitere)" if len(row_errors) > 3 else ""
            raise InputError(f"{recipients_csv}: keine verwendbare Zeile in der Empfängerliste – {shown}{more}")
        raise InputError(f"{recipients_csv}: die Empfängerliste enthält keine Empfänger "
                         "(nur Kopfzeile oder leere Zeilen)")
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    workers = min(workers, max(1, -(-len(recipients) // CHUNK)))
    outdir.mkdir(parents=True, exist_ok=True)
    summary = PacketSummary(print_pdf=outdir / "print.pdf", manifest=outdir / "manifest.csv")
    pending_errors = [PacketRow(e.line, "", "", status="fehler", reason=e.reason) for e in row_errors]
    title = registry.get(layout).layout.title

    with tempfile.TemporaryDirectory(dir=outdir, prefix=".packets-") as tmp, \
            replace_file(outdir / "print.pdf") as pf, \
            replace_file(outdir / "manifest.csv", "w", encoding="utf-8", newline="") as mf:
        writer = csv.writer(mf)
        writer.writerow(MANIFEST_COLUMNS)
        joiner = pdfjoin.Joiner(pf, title)
        done = 0

        def write_row(row: PacketRow) -> None:
            while pending_errors and pending_errors[0].line < row.line:
                err = pending_errors.pop(0)
                summary.errors.append(err)
                writer.writerow(err.cells())
            writer.writerow(row.cells())

        for result in _results(_jobs(recipients, layout, registry.root, outdir, Path(tmp)), workers):
            offset = summary.print_pages
            if result.print_part is not None:
                part = pdfjoin.parse(result.print_part.read_bytes())
                mapping = joiner.add(part, keep_acroform=False)
                joiner.pages([mapping[p] for p in part.pages])
                result.print_part.unlink()
                summary.print_pages += result.print_pages
            for row in result.rows:
                if row.print_pages:
                    row = PacketRow(row.line, row.id, row.name, row.file, row.pages, row.print_first + offset,
                                    row.print_pages, row.status, row.reason)
                    summary.packets += 1
                    summary.file_pages += row.pages
                    summary.warned += row.status == "warnung"
                else:
                    summary.errors.append(row)
                write_row(row)
            done += len(result.rows)
            if progress:
                progress(done, len(recipients))
        for err in pending_errors:
            summary.errors.append(err)
            writer.writerow(err.cells())
        joiner.close()
    summary.errors.sort(key=lambda e: e.line)
    summary.failed = len(summary.errors)
    summary.seconds = time.perf_counter() - started
    return summary
