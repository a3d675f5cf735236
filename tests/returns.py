"""Helpers for the returned-form tests: hostile and odd PDFs made on the spot (no binary fixtures)."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

VENUES = {"venue_sonneberg": "Sonneberg", "venue_gotha": "Gotha", "venue_sondershausen": "Sondershausen",
          "venue_schleiz": "Schleiz"}


def values(i: int, venue: str = "venue_gotha", **over: str) -> dict[str, str]:
    """A registration with umlauts, ß and a multi-line address, one venue ticked."""
    v = {
        "name": ["Jürgen Weiß-Müller", "Käthe Groß", "Björn Ölschläger", "Grete Maßmann"][i % 4],
        "institution": f"Stadtverwaltung Großbreitenbach {i} / Bürgermeisterin",
        "address": f"Straße der Einheit {i + 1}\nc/o Rathaus, Zimmer {i}\n98701 Großbreitenbach",
        "phone": f"036781 4{i:04d}",
        "email": f"k.grosz{i}@grossbreitenbach.de",
        "date": "10.04.2018",
    }
    for name in VENUES:
        v[name] = "1" if name == venue else ""
    v.update(over)
    return v


def pdf_bytes(writer: PdfWriter) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def blank_pages(n: int) -> bytes:
    w = PdfWriter()
    for _ in range(n):
        w.add_blank_page(595, 842)
    return pdf_bytes(w)


def encrypted(pdf: bytes, password: str = "geheim") -> bytes:
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    w.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    return pdf_bytes(w)


def image_only_pdf() -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("L", (620, 877), 255)
    ImageDraw.Draw(im).rectangle((60, 60, 300, 120), outline=0, width=3)
    buf = io.BytesIO()
    im.save(buf, format="PDF", resolution=75.0)
    return buf.getvalue()


def raw_pdf(page_extra: bytes = b"", content: bytes = b"", filters: bytes = b"") -> bytes:
    """A minimal one-page PDF written by hand, with a correct xref table."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " + page_extra + b" >>",
        b"<< /Length " + str(len(content)).encode() + filters + b" >>\nstream\n" + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def decompression_bomb() -> bytes:
    """A page whose content stream inflates from ~100 KB to 100 MB."""
    return raw_pdf(content=zlib.compress(b" " * 100_000_000, 9), filters=b" /Filter /FlateDecode")


def deep_nesting(depth: int = 50_000) -> bytes:
    return raw_pdf(page_extra=b"/Foo " + b"[" * depth + b"]" * depth)


def foreign_form() -> bytes:
    """Another organisation's AcroForm (reportlab, different field names)."""
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, invariant=1)
    c.drawString(72, 800, "Antrag auf Mitgliedschaft - Sportverein")
    c.acroForm.textfield(name="Vorname", x=72, y=700, width=200, height=20, value="Max")
    c.acroForm.textfield(name="Nachname", x=72, y=660, width=200, height=20, value="Mustermann")
    c.acroForm.checkbox(name="Beitrag", x=72, y=620, checked=True)
    c.showPage()
    c.save()
    return buf.getvalue()


def set_checkbox_state(pdf: bytes, field: str, on_state: str, v: str | None, as_: str | None) -> bytes:
    """Rename a check box's on-state (as Acrobat or LibreOffice might) and set /V and /AS directly."""
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in w.pages:
        for ref in page.get("/Annots") or []:
            a = ref.get_object()
            if a.get("/T") != field:
                continue
            for key in ("/N", "/D"):
                states = a["/AP"].get(key)
                if states is None:
                    continue
                states = states.get_object()
                on = [k for k in list(states.keys()) if k != "/Off"][0]
                states[NameObject("/" + on_state)] = states.pop(on)
            if v is not None:
                a[NameObject("/V")] = NameObject("/" + v)
            if as_ is not None:
                a[NameObject("/AS")] = NameObject("/" + as_)
    return pdf_bytes(w)


def set_raw_value(pdf: bytes, field: str, value: object) -> bytes:
    """Put a raw PDF object as a text field's /V (e.g. a UTF-16 byte string)."""
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in w.pages:
        for ref in page.get("/Annots") or []:
            a = ref.get_object()
            if a.get("/T") == field:
                a[NameObject("/V")] = value  # type: ignore[assignment]
    return pdf_bytes(w)


def split_kids(pdf: bytes) -> bytes:
    """Separate every field from its widget (field dict with /Kids, widget with /Parent), as Acrobat does."""
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    fields = ArrayObject()
    for page in w.pages:
        for ref in page.get("/Annots") or []:
            a = ref.get_object()
            if "/T" not in a:
                continue
            parent = DictionaryObject()
            for key in ("/T", "/FT", "/V", "/Ff", "/TU", "/DV"):
                if key in a:
                    parent[NameObject(key)] = a.pop(key)
            parent[NameObject("/T")] = TextStringObject(str(parent["/T"]))
            pref = w._add_object(parent)
            parent[NameObject("/Kids")] = ArrayObject([ref])
            a[NameObject("/Parent")] = pref
            fields.append(pref)
    w._root_object["/AcroForm"][NameObject("/Fields")] = fields
    return pdf_bytes(w)
