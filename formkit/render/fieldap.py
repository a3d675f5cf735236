"""Text-field appearances that draw a value where the print copy prints it.

reportlab's own appearance of a text field puts the first line at the top of the widget
(``height - fontSize``). A viewer that draws the appearance as it is, and every fax driver
(Ghostscript does not regenerate appearances, even with ``NeedAppearances``), then prints a
single-line value 3-4 mm higher than the print copy, against the box's top border: on a
normal-mode fax the letters merged with the border and lost their tops to line removal, and the
scan verifier (formkit.scan.verify) could not confirm them. Viewers that regenerate an appearance
(MuPDF after an edit, poppler with NeedAppearances: tests/test_field_appearance.py) centre a
single line vertically, as the print copy does; Acrobat and pdf.js were not tried here.

So the e-mail PDF's text fields get an appearance drawn from the same line positions as the print
copy (:func:`formkit.render.form.value_lines`: one source for both), in the field's font and size;
the field's value, ``/DA`` and flags stay reportlab's, so viewers and fillers treat the field as
before.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.acroform import AcroForm, PDFFromString, escPDF
from reportlab.pdfgen.canvas import Canvas

# (x, baseline y, text) per line, in points from the widget's lower-left corner.
Lines = list[tuple[float, float, str]]


class PlacedAcroForm(AcroForm):
    """reportlab's AcroForm; :meth:`placed_textfield` draws the value at given line positions."""

    _lines: Lines | None = None

    def placed_textfield(self, lines: Lines, **kwargs: Any) -> None:
        """``textfield(**kwargs)`` with an appearance that draws *lines* instead of reportlab's."""
        self._lines = lines
        try:
            self.textfield(**kwargs)
        finally:
            self._lines = None

    def txAP(self, key: str, value: Any, iFontName: str, rFontName: str, fontSize: float,  # noqa: N802, N803
             *args: Any, **kwargs: Any) -> Any:
        lines = self._lines
        if lines is None or kwargs.get("wkind", "textfield") != "textfield":
            return super().txAP(key, value, iFontName, rFontName, fontSize, *args, **kwargs)
        width, height = kwargs["width"], kwargs["height"]
        ops = ["/Tx BMC", "q", f"0 0 {fp_str(width)} {fp_str(height)} re W n"]
        if any(text for _, _, text in lines):
            ops += ["BT", f"/{iFontName} {fp_str(fontSize)} Tf", "0 g"]
            for x, y, text in lines:
                if text:
                    ops.append(f"1 0 0 1 {fp_str(x)} {fp_str(y)} Tm ({escPDF(text)}) Tj")
            ops.append("ET")
        ops += ["Q", "EMC", ""]
        return self.makeStream(width, height, "\n".join(ops),
                               Resources=PDFFromString(f"<< /ProcSet [/PDF /Text] /Font {rFontName} >>"))


def acroform(c: Canvas) -> PlacedAcroForm:
    """The canvas's AcroForm, created as a :class:`PlacedAcroForm` (``Canvas.acroForm`` would
    create reportlab's plain one)."""
    af = getattr(c, "AcroForm", None)
    if af is None:
        af = PlacedAcroForm(c)
        c._doc._catalog.AcroForm = c.AcroForm = af
    if not isinstance(af, PlacedAcroForm):
        raise TypeError("the canvas already has reportlab's plain AcroForm")
    return af
