"""Prefilled packet sheets come back: render, mark by hand (a pen overlay), fax with Ghostscript.

Helpers for the verification tests (no bench import): the sheet is the packet's own rendering
(print copy or e-mail PDF), the pen marks are drawn onto the PDF page, Ghostscript's fax driver
(``tiffg3``) makes the fax the reader gets.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.recipients import Recipient
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.render.form import FIELD_FONT, prepared_value, value_lines

HAND_FONT = "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf"


def sheet(registry: LayoutRegistry, who: Recipient, fillable: bool) -> bytes:
    """The registration sheet as the packet renders it for *who* (print copy or e-mail PDF)."""
    pdf, _ = render_to_bytes("registration", registry, RenderOptions(values=who.prefill_values(),
                                                                      recipient_id=who.id, fillable=fillable))
    return pdf


class Pen:
    """Marks a person makes on the printed sheet, in layout millimetres."""

    def __init__(self, form: FormLayout) -> None:
        if "Hand" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("Hand", HAND_FONT))
        self.form = form
        self.buf = io.BytesIO()
        self.c = Canvas(self.buf, pagesize=(form.width * mm, form.height * mm), invariant=1)
        self.c.setLineWidth(1.3)

    def _y(self, y: float) -> float:
        return (self.form.height - y) * mm

    def tick(self, field: str) -> Pen:
        b = self.form.field(field).box
        self.c.line((b.x + 1.2) * mm, self._y(b.y + 1.5), (b.x2 - 1) * mm, self._y(b.y2 - 1.2))
        self.c.line((b.x + 1.2) * mm, self._y(b.y2 - 1.2), (b.x2 - 1.3) * mm, self._y(b.y + 1.2))
        return self

    def strike_and_write(self, field: str, new: str) -> Pen:
        """Cross the printed value out and write the new one beside it."""
        b = self.form.field(field).box
        self.c.line((b.x + 1) * mm, self._y(b.y + b.h * 0.55), (b.x + 60) * mm, self._y(b.y + b.h * 0.45))
        self.c.setFont("Hand", 15)
        self.c.drawString((b.x + 66) * mm, self._y(b.y2 - 3), new)
        return self

    def append(self, field: str, printed: str, extra: str) -> Pen:
        """Write *extra* right after the printed value (on its baseline)."""
        spec = self.form.field(field)
        value, size, _ = prepared_value(spec, printed)
        x, y, line = value_lines(spec, value, size)[0]
        self.c.setFont("Hand", 15)
        self.c.drawString((x + 0.8) * mm + pdfmetrics.stringWidth(line, FIELD_FONT, size), self._y(y), extra)
        return self

    def _char(self, field: str, printed: str, index: int) -> tuple[float, float, float, float]:
        """Where the print copy prints character *index* of the first line of *printed* in
        *field*: its left edge and baseline (points, PDF space), its advance and the size."""
        spec = self.form.field(field)
        value, size, _ = prepared_value(spec, printed)
        x, y, line = value_lines(spec, value, size)[0]
        left = x * mm + pdfmetrics.stringWidth(line[:index], FIELD_FONT, size)
        return left, self._y(y), pdfmetrics.stringWidth(line[index], FIELD_FONT, size), size

    def dots(self, field: str, printed: str, index: int) -> Pen:
        """Two dots by hand over character *index* of the printed value (an 'u' made 'ü')."""
        left, base, adv, size = self._char(field, printed, index)
        self.c.setFillGray(0)
        for dx in (0.3, 0.7):
            self.c.circle(left + adv * dx, base + 0.86 * size, 0.35 * mm, stroke=0, fill=1)
        return self

    def overwrite(self, field: str, printed: str, index: int, letter: str) -> Pen:
        """*letter* written by hand over character *index* of the printed value."""
        left, base, adv, _ = self._char(field, printed, index)
        self.c.setFont("Hand", 15)
        self.c.drawCentredString(left + adv / 2, base - 0.5 * mm, letter)
        return self

    def white_out(self, field: str, printed: str, index: int) -> Pen:
        """Paper-white over the marks above the x-height of character *index* ('Köhler' printed
        as 'Kohler': the e-mail PDF's value changed in a program before it was printed)."""
        left, base, adv, size = self._char(field, printed, index)
        self.c.setFillGray(1)
        self.c.rect(left + 0.03 * size, base + 0.56 * size, adv - 0.06 * size, 0.3 * size, stroke=0, fill=1)
        self.c.setFillGray(0)
        return self

    def cover(self, field: str, printed: str, index: int) -> Pen:
        """Paper-white over character *index* of the printed value (its last letter: 'Leite' printed
        for 'Leiter', the value shortened in a program before printing)."""
        left, base, adv, size = self._char(field, printed, index)
        self.c.setFillGray(1)
        self.c.rect(left, base - 0.25 * size, adv, 1.05 * size, stroke=0, fill=1)
        self.c.setFillGray(0)
        return self

    def onto(self, pdf: bytes) -> bytes:
        self.c.showPage()
        self.c.save()
        return onto_first_page(pdf, self.buf.getvalue())


def onto_first_page(pdf: bytes, drawn: bytes) -> bytes:
    """*pdf* with the first page of *drawn* (a one-page overlay) stamped onto its first page."""
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    w.pages[0].merge_page(PdfReader(io.BytesIO(drawn)).pages[0])
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def fax(pdf: bytes, target: Path, mode: str = "fine") -> Path:
    """The sheet through Ghostscript's fax driver (fine 204x196 or normal 204x98 dpi) as a TIFF."""
    res = "204x196" if mode == "fine" else "204x98"
    with tempfile.TemporaryDirectory(prefix="fk-fax-") as tmp:
        src = Path(tmp, "in.pdf")
        src.write_bytes(pdf)
        subprocess.run(["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffg3", f"-r{res}",
                        "-dFirstPage=1", "-dLastPage=1", f"-sOutputFile={target}", str(src)],
                       check=True, capture_output=True, timeout=120)
    return target
