"""Fill a rendered form the way other programs do: pypdf, PyMuPDF, pdftk (test and benchmark helpers).

Every filler takes the PDF bytes and ``values`` (field name -> text; check boxes "1" ticked, ""
not ticked) and returns the filled PDF bytes. Fields not named in ``values`` are left alone.
Used by the tests, the benchmarks and the scan corpus generator; PyMuPDF is test-only (AGPL).

A :class:`Font` makes the filler type in another appearance font and size, the way each tool
allows it: pypdf and pdftk draw with the field's default appearance (``/DA``, the font added to
the form's ``/DR``), PyMuPDF with ``widget.text_font``/``text_fontsize``. Only the fields named in
``values`` are typed in it; fields left alone keep the appearance they had.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from formkit.layout.models import FormLayout

TRUTHY = {"1", "x", "yes", "ja", "true", "on"}
# The PDF base fonts a viewer offers for form fields: (resource name in /DR, PostScript name, PyMuPDF name).
BASE_FONTS = {"Helvetica": ("/Helv", "Helvetica", "Helv"), "Courier": ("/Cour", "Courier", "Cour"),
              "Times": ("/TiRo", "Times-Roman", "TiRo")}


@dataclass(frozen=True)
class Font:
    """The appearance font a person chose in the filling tool: a base font family and a size in pt."""

    family: str = "Helvetica"  # a key of BASE_FONTS
    size: float = 10.0

    @property
    def label(self) -> str:
        return f"{self.family} {self.size:g}"

    @property
    def postscript(self) -> str:
        return BASE_FONTS[self.family][1]


def with_font(pdf: bytes, font: Font, names: set[str]) -> bytes:
    """The form with *font* as the default appearance of the text fields *names* (``/DA``), the
    font added to the form's resources (``/DR``) if missing: what pypdf and pdftk draw with."""
    key, ps, _ = BASE_FONTS[font.family]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    af = writer._root_object["/AcroForm"]
    dr = af.setdefault(NameObject("/DR"), DictionaryObject())
    fonts = dr.setdefault(NameObject("/Font"), DictionaryObject())
    if key not in fonts:
        fonts[NameObject(key)] = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/" + ps), NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
    for page in writer.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            parent = annot.get("/Parent")
            field = parent.get_object() if parent is not None and "/T" not in annot else annot
            if field.get("/T") in names and field.get("/FT", annot.get("/FT")) == "/Tx":
                da = TextStringObject(f"{key} {font.size:g} Tf 0 g")
                annot[NameObject("/DA")] = da
                field[NameObject("/DA")] = da
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def is_ticked(value: str) -> bool:
    return value.strip().lower() in TRUTHY


def checkbox_on_states(pdf: bytes) -> dict[str, str]:
    """Check-box field name -> its on-state name (without the slash), read from the widgets."""
    reader = PdfReader(io.BytesIO(pdf))
    out: dict[str, str] = {}
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            parent = annot.get("/Parent")
            field = parent.get_object() if parent is not None and "/T" not in annot else annot
            name, ftype = field.get("/T"), field.get("/FT", annot.get("/FT"))
            ap = annot.get("/AP")
            if name is None or ftype != "/Btn" or ap is None or "/N" not in ap:
                continue
            states = [str(k)[1:] for k in ap["/N"].get_object() if str(k) != "/Off"]
            if states:
                out[str(name)] = states[0]
    return out


def fill_pypdf(pdf: bytes, values: dict[str, str], need_appearances: bool | None = None,
               font: Font | None = None) -> bytes:
    """Fill with pypdf; ``need_appearances`` True/False sets the flag, None leaves pypdf's default."""
    on_states = checkbox_on_states(pdf)
    if font is not None:
        pdf = with_font(pdf, font, {k for k in values if k not in on_states})
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    texts = {k: v for k, v in values.items() if k not in on_states}
    boxes = {k: NameObject("/" + on_states[k]) if is_ticked(v) else NameObject("/Off")
             for k, v in values.items() if k in on_states}
    for page in writer.pages:
        if "/Annots" not in page:
            continue
        writer.update_page_form_field_values(page, {**texts, **boxes}, auto_regenerate=False)
    if need_appearances is not None:
        writer.set_need_appearances_writer(need_appearances)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def fill_pymupdf(pdf: bytes, values: dict[str, str], font: Font | None = None, redraw_all: bool = False) -> bytes:
    """Fill with PyMuPDF (``fitz``, pymupdf<2): widgets get MuPDF's own appearance streams.
    *redraw_all*: every text field is drawn anew in *font*, the ones not in *values* with the value
    they hold (a program that sets one font for all fields, as a person picks it once)."""
    import pymupdf as fitz

    doc = fitz.open(stream=pdf, filetype="pdf")
    try:
        for page in doc:
            for w in page.widgets() or []:
                redraw = redraw_all and w.field_type == fitz.PDF_WIDGET_TYPE_TEXT
                if w.field_name not in values and not redraw:
                    continue
                v = values.get(w.field_name, w.field_value or "")
                if w.field_type == fitz.PDF_WIDGET_TYPE_CHECKBOX:
                    w.field_value = w.on_state() if is_ticked(v) else "Off"
                else:
                    w.field_value = v
                    if font is not None:
                        w.text_font = BASE_FONTS[font.family][2]
                        w.text_fontsize = font.size
                w.update()
        return bytes(doc.tobytes(garbage=1, deflate=True))
    finally:
        doc.close()


def xfdf(values: dict[str, str], on_states: dict[str, str]) -> bytes:
    """An XFDF document (UTF-8) for pdftk's ``fill_form``."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<xfdf xmlns="http://ns.adobe.com/xfdf/" xml:space="preserve"><fields>']
    for name, value in values.items():
        if name in on_states:
            value = on_states[name] if is_ticked(value) else "Off"
        parts.append(f"<field name={quoteattr(name)}><value>{escape(value)}</value></field>")
    parts.append("</fields></xfdf>")
    return "\n".join(parts).encode("utf-8")


def fill_pdftk(pdf: bytes, values: dict[str, str], flatten: bool = False, font: Font | None = None) -> bytes:
    """Fill with pdftk (Java) from UTF-8 XFDF; ``flatten`` bakes the values and removes the fields."""
    if font is not None:
        pdf = with_font(pdf, font, {k for k in values if k not in checkbox_on_states(pdf)})
    with tempfile.TemporaryDirectory(prefix="fk-pdftk-") as tmp:
        src, data, out = Path(tmp, "in.pdf"), Path(tmp, "data.xfdf"), Path(tmp, "out.pdf")
        src.write_bytes(pdf)
        data.write_bytes(xfdf(values, checkbox_on_states(pdf)))
        cmd = ["pdftk", str(src), "fill_form", str(data), "output", str(out)]
        if flatten:
            cmd.append("flatten")
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        return out.read_bytes()


def flatten_pdftk(pdf: bytes) -> bytes:
    """Bake an already filled PDF (what "print to PDF" does to a form)."""
    with tempfile.TemporaryDirectory(prefix="fk-pdftk-") as tmp:
        src, out = Path(tmp, "in.pdf"), Path(tmp, "out.pdf")
        src.write_bytes(pdf)
        subprocess.run(["pdftk", str(src), "output", str(out), "flatten"], check=True, capture_output=True,
                       timeout=120)
        return out.read_bytes()


def sample_values(i: int = 0) -> dict[str, str]:
    """A plausible, varied registration (umlauts, ß, multi-line address, one venue ticked)."""
    venues = ["venue_sonneberg", "venue_gotha", "venue_sondershausen", "venue_schleiz"]
    first = ["Jürgen", "Käthe", "Björn", "Grete", "Ömer", "Maß"][i % 6]
    v = {
        "name": f"Weiß-Müller, {first}",
        "institution": f"Gemeinde Großbreitenbach {i} / Bürgermeisterin",
        "address": f"Straße der Einheit {i + 1}\n98701 Großbreitenbach",
        "phone": f"036781 4{i:04d}",
        "email": f"k.weiss{i}@grossbreitenbach.de",
        "date": "12.04.2018",
    }
    for j, name in enumerate(venues):
        v[name] = "1" if j == i % 4 else ""
    return v


def fill_typewriter(pdf: bytes, form: FormLayout, values: dict[str, str]) -> bytes:
    """Acrobat Reader's "Fill & Sign" / Preview's text tool: the fields left empty, the answers
    FreeText (typewriter) annotations laid over the boxes, a tick an 'X' annotation in its box."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        font = doc.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica,
                                                    Encoding=pikepdf.Name.WinAnsiEncoding))
        mmp = 72 / 25.4
        for name, value in values.items():
            spec = form.field(name)
            if spec.type == "checkbox":
                if value != "1":
                    continue
                value = "X"
            if not value:
                continue
            b = spec.box
            x0, y1 = b.x * mmp, (form.height - b.y) * mmp
            x1, y0 = b.x2 * mmp, (form.height - b.y2) * mmp
            lines = value.split("\n")
            ops = ["BT", "/Helv 10 Tf", "0 g"]
            for k, line in enumerate(lines):
                text = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
                ops += [f"1 0 0 1 3 {y1 - y0 - 12 - 11.5 * k:.2f} Tm", f"({text.decode('latin-1')}) Tj"]
            ops.append("ET")
            ap = pikepdf.Stream(doc, "\n".join(ops).encode("latin-1"))
            ap.Type, ap.Subtype, ap.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, x1 - x0, y1 - y0]
            ap.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=font))
            annot = doc.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FreeText, Rect=[x0, y0, x1, y1],
                Contents=pikepdf.String(value), DA=pikepdf.String("/Helv 10 Tf 0 g"),
                IT=pikepdf.Name.FreeTextTypeWriter, F=4, AP=pikepdf.Dictionary(N=ap)))
            page.Annots.append(annot)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
