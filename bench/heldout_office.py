"""A fourth held-out check of the CLI: what an office's machines and people do to a return.

`python -m bench heldout_office` tries return kinds that `bench heldout` (other fillers),
`bench heldout_campaigns` (edited campaigns) and `bench heldout_fonts` (fonts, producers,
degradations, mail) do not:
- an office multifunction printer's scan-to-PDF: image-only PDFs with a colour JPEG (300 dpi) or
  a CCITT G4 b/w image (200 and 300 dpi) inside; a duplex scan with blank back pages (a little
  dust on them); "searchable" PDFs (the scanner's invisible OCR text over the image); the whole packet scanned (the sheet not the first page); a pile of three returned
  sheets in one PDF; the scanner set to US Letter; the sheet fed upside down; a page fed sideways
  (landscape image, shown upright by the page's /Rotate, and once without);
- the paper and what lies on it: grey recycled paper with specks; a yellow highlighter stroke over
  the name (colour scan) and a pink one faxed (Ghostscript's fax driver dithers it); a blue
  receipt stamp (Eingangsstempel) over the date, scanned and faxed; a signature that runs into the
  date box;
- text at 7 pt (fax fine and normal), 8 pt and 16 pt bold (wider than its box), Liberation Mono
  at 8 and 10 pt;
- PDFs: an AcroForm whose widgets have no appearance streams at all (NeedAppearances), one
  flattened like a viewer's "export as PDF" (PyMuPDF bake), one printed to PDF through cairo
  (pdftocairo), one protected by an owner password (AES-256, opens without one), one that needs a
  password to open; Acrobat-like values (UTF-16BE, lines parted by CR), a tick only in /AS or only
  in /V; Acrobat's "Fill & Sign" (FreeText typewriter annotations over empty fields);
- containers and names: ZIP files in the inbox (deflated, stored with two PDFs, macOS's with
  __MACOSX) and attached to an e-mail and to an Outlook .msg; a forwarded e-mail (the original
  .eml attached inside the .eml); file names with umlauts and spaces, one decomposed (NFD, as
  macOS writes them); sub-folders two deep; a grey LZW TIFF of two pages whose second is the sheet;
- image files: phone JPEGs stored sideways or upside down with an EXIF Orientation tag, a CMYK
  JPEG, a JPEG-compressed TIFF, an RGBA PNG, a tick in light pencil; a 600 dpi colour scan, a
  flatbed scan with the lid open, the scanner set to A3, a copier's "2 auf 1" page, a sheet the
  scanner drew twice.

For each return the truth is known; `formkit parse` runs twice, then export, allocate and confirm.
Counted as in `bench heldout_fonts`: records ``ok`` with a wrong value (the worst error), wrong values
stated sure (>= OCR_OK), inputs lost, crashes and English words in the output, duplicates after the
second run; besides, rows of pages that are no return (blank backs, cover letters) that came out
``ok``. Set FK_HELDOUT_KEEP=folder to keep everything for a look.
"""

from __future__ import annotations

import datetime as dt
import email.message
import email.policy
import io
import os
import random
import subprocess
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from bench.heldout import gs, overlay
from bench.heldout_fonts import fill_da
from bench.rehearsal import (
    VENUES,
    Inbox,
    Return,
    member_truth,
    packets_of,
    print_sure_wrong,
    read_csv,
    reg_page,
    rehearse,
    tick_state,
)
from formkit.layout.models import FormLayout
from tests.fax import fax_two_up
from tests.fill import Font, fill_pymupdf, fill_pypdf, fill_typewriter
from tests.msgfile import have_gsf, make_msg
from tests.photo import grey_at
from tests.prefilled import Pen

FONTS = Path("/usr/share/fonts/truetype")
HAND = FONTS / "fifthhorseman/dkg.ttf"

# Returners of their own (no other bench uses these names, institutions or streets).
PEOPLE = [
    {"name": "Roswitha Eichhorn-Plötz", "institution": "Landratsamt Kyffhäuserkreis / Sozialamt",
     "address": "Markt 8\n99706 Sondershausen", "phone": "03632 741-233", "email": "r.eichhorn@kyffhaeuser.de"},
    {"name": "Dr. Volkmar Seidenstücker", "institution": "Hochschule Schmalkalden, Fakultät Wirtschaftsrecht",
     "address": "Blechhammer 9\n98574 Schmalkalden", "phone": "03683 688-4102", "email": "v.seidenstuecker@hs-sm.de"},
    {"name": "Kühnel, Mandy", "institution": "Familienbüro Stadt Ilmenau",
     "address": "Am Markt 7\n98693 Ilmenau", "phone": "03677 600-318", "email": "m.kuehnel@ilmenau.de"},
    {"name": "Benedikt Rauschenbach", "institution": "Caritas-Regionalstelle Heiligenstadt",
     "address": "Lindenallee 21\n37308 Heilbad Heiligenstadt", "phone": "03606 5068-14",
     "email": "rauschenbach@caritas-eichsfeld.de"},
    {"name": "Gudrun Päßler", "institution": "Seniorenbeirat der Stadt Gera",
     "address": "Kornmarkt 12\n07545 Gera", "phone": "0365 838-1109", "email": "paessler@gera.de"},
    {"name": "Jens-Uwe Trautvetter", "institution": "Verwaltungsgemeinschaft Hainich-Werratal",
     "address": "Hauptstraße 62\n99826 Mihla", "phone": "036924 4720", "email": "trautvetter@vg-hw.de"},
    {"name": "Silke Ochsenfahrt", "institution": "Jugendamt Landkreis Sömmerda, Frühe Hilfen",
     "address": "Bahnhofstraße 9\n99610 Sömmerda", "phone": "03634 354-512", "email": "s.ochsenfahrt@lra-soemmerda.de"},
    {"name": "Thilo Weißgerber", "institution": "Evangelischer Kirchenkreis Schleiz",
     "address": "Kirchplatz 1\n07907 Schleiz", "phone": "03663 42 06 77", "email": "weissgerber@kirchenkreis-schleiz.de"},
    {"name": "Henrike Vögler", "institution": "Netzwerk Familienbildung Saalfeld-Rudolstadt",
     "address": "Schloßstraße 24\n07318 Saalfeld", "phone": "03671 823-660", "email": "voegler@slf-rudolstadt.de"},
    {"name": "Arne Großkreutz", "institution": "Stadtverwaltung Eisenach, Fachdienst Soziales",
     "address": "Markt 22\n99817 Eisenach", "phone": "03691 670-712", "email": "grosskreutz@eisenach.de"},
]
FIRSTS = ["Carola", "Frank", "Nadine", "Olaf", "Petra", "Ronny", "Tina", "Uwe", "Vera", "Kai"]


def person(i: int, venue: int, date: str = "26.08.2021", people: list[dict[str, str]] | None = None,
           firsts: list[str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Returner *i* of *people* (PEOPLE): from the eleventh on a colleague with a first name (of
    *firsts*, FIRSTS) and e-mail of their own."""
    people, firsts = people or PEOPLE, firsts or FIRSTS
    p = dict(people[i % len(people)])
    if i >= len(people):
        first = firsts[(i // len(people) - 1) % len(firsts)]
        last = p["name"].split(",")[0] if "," in p["name"] else p["name"].split()[-1]
        p["name"] = f"{first} {last}"
        local, dom = p["email"].split("@")
        p["email"] = f"{first.lower()}.{local.split('.')[-1]}@{dom}"
    values = {**p, "date": date, **{v: ("1" if j == venue else "") for j, v in enumerate(VENUES)}}
    return values, {**p, "date": date, "venue": VENUES[venue]}


# ---- the office's scanner: image-only PDFs ----

def colour(pdf: bytes, dpi: int, page: int = 1) -> Image.Image:
    """Page *page* of *pdf* as a colour scanner sees the print (anti-aliased RGB)."""
    png = gs(pdf, "png16m", f"{dpi}", ("-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", f"-dFirstPage={page}",
                                         f"-dLastPage={page}"))
    return Image.open(io.BytesIO(png)).convert("RGB")


def pages_grey(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Every page of *pdf* in grey at *dpi*."""
    n = len(PdfReader(io.BytesIO(pdf)).pages)
    out = []
    for k in range(1, n + 1):
        png = gs(pdf, "pnggray", f"{dpi}", ("-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", f"-dFirstPage={k}",
                                              f"-dLastPage={k}"))
        out.append(Image.open(io.BytesIO(png)).convert("L"))
    return out


def bw(img: Image.Image, level: int = 150) -> Image.Image:
    """A b/w scanner's threshold (no dithering)."""
    a = np.asarray(img.convert("L"))
    return Image.fromarray(np.where(a < level, 0, 255).astype(np.uint8)).convert("1")


def scan_pdf(images: list[Image.Image], dpi: int, quality: int = 80) -> bytes:
    """What a multifunction printer's scan-to-PDF writes: one image per page, nothing else. b/w
    images go in as CCITT G4, grey and colour ones as JPEG (Pillow writes both filters)."""
    buf = io.BytesIO()
    first, rest = images[0], images[1:]
    opts = {} if first.mode == "1" else {"quality": quality}
    first.save(buf, format="PDF", resolution=dpi, save_all=True, append_images=rest, **opts)
    return buf.getvalue()


def blank_back(size: tuple[int, int], rng: random.Random, mode: str) -> Image.Image:
    """The back of a sheet in a duplex scan: paper with a few specks of dust and a faint edge."""
    a = np.full((size[1], size[0]), 250, np.uint8)
    gen = np.random.default_rng(rng.randrange(1 << 30))
    for _ in range(12):
        y, x = gen.integers(0, size[1] - 6), gen.integers(0, size[0] - 6)
        a[y:y + gen.integers(1, 5), x:x + gen.integers(1, 5)] = 40
    a[:, :4] = 120  # the scanner's lid edge
    img = Image.fromarray(a)
    return bw(img) if mode == "1" else img


def searchable(img: Image.Image, dpi: int) -> bytes:
    """A "searchable PDF" as scanners with OCR write it: the page image and, invisible over it, the
    scanner's own reading (here Tesseract's PDF renderer, errors and all)."""
    with tempfile.TemporaryDirectory(prefix="fk-hoo-") as tmp:
        src = Path(tmp, "scan.png")
        img.save(src, dpi=(dpi, dpi))
        subprocess.run(["tesseract", str(src), str(Path(tmp, "out")), "-l", "deu", "pdf"], check=True,
                       capture_output=True, timeout=300, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        return Path(tmp, "out.pdf").read_bytes()


def letter_page(pdf: bytes) -> bytes:
    """A scan-to-PDF with the scanner set to US Letter: the A4 image cut to 8.5 × 11 in."""
    img = grey_at(pdf, 200)
    w, h = round(8.5 * 200), round(11 * 200)
    page = Image.new("L", (w, h), 255)
    page.paste(img, (0, 0))  # the sheet lies at the glass's corner; A4's bottom 18 mm are lost
    return scan_pdf([page], 200)


def sideways(pdf: bytes, with_rotate: bool) -> bytes:
    """The sheet fed sideways: the image stored landscape; shown upright by /Rotate 90 or not at all."""
    import pikepdf

    img = grey_at(pdf, 200).rotate(90, expand=True)
    data = scan_pdf([img], 200)
    if not with_rotate:
        return data
    with pikepdf.open(io.BytesIO(data)) as doc:
        doc.pages[0].Rotate = 270  # the viewer turns it back upright
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


# ---- paper and marks ----

def recycled(pdf: bytes, rng: random.Random) -> bytes:
    """Grey recycled paper with dark specks and fibres, scanned grey at 300 dpi, JPEG in a PDF."""
    a = np.asarray(grey_at(pdf, 300)).astype(np.float32) / 255
    gen = np.random.default_rng(rng.randrange(1 << 30))
    paper = 0.80 + 0.05 * gen.random(a.shape)
    out = a * paper
    for _ in range(400):  # specks
        y, x = gen.integers(0, a.shape[0] - 4), gen.integers(0, a.shape[1] - 4)
        out[y:y + gen.integers(1, 4), x:x + gen.integers(1, 4)] *= 0.4
    return scan_pdf([Image.fromarray((out * 255).clip(0, 255).astype(np.uint8))], 300)


def highlight(img: Image.Image, form: FormLayout, field: str, dpi: int, rgb: tuple[int, int, int]) -> Image.Image:
    """A highlighter stroke over the value of *field* (multiplied, as ink on paper), a little slanted."""
    b = form.field(field).box
    px = dpi / 25.4
    mark = Image.new("RGB", img.size, (255, 255, 255))
    d = ImageDraw.Draw(mark)
    x0, x1 = (b.x + 1) * px, (b.x + b.w * 0.7) * px
    yc = (b.y + b.h * 0.55) * px
    half = 2.6 * px
    d.polygon([(x0, yc - half), (x1, yc - half - 0.8 * px), (x1, yc + half - 0.8 * px), (x0, yc + half)], fill=rgb)
    a = np.asarray(img.convert("RGB")).astype(np.float32) * np.asarray(mark).astype(np.float32) / 255
    return Image.fromarray(a.astype(np.uint8))


def stamp(img: Image.Image, form: FormLayout, dpi: int, ink: tuple[int, int, int] = (40, 60, 170)) -> Image.Image:
    """A receipt stamp ("EINGANG 30. AUG. 2021") pressed over the date box, a little turned."""
    b = form.field("date").box
    px = dpi / 25.4
    w, h = round(46 * px), round(18 * px)
    layer = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(layer)
    d.rectangle((2, 2, w - 3, h - 3), outline=255, width=max(2, round(0.5 * px)))
    big = ImageFont.truetype(str(FONTS / "dejavu/DejaVuSans-Bold.ttf"), round(4.2 * px))
    small = ImageFont.truetype(str(FONTS / "dejavu/DejaVuSans.ttf"), round(2.8 * px))
    d.text((w / 2, h * 0.3), "EINGANG", fill=255, font=small, anchor="mm")
    d.text((w / 2, h * 0.68), "30. AUG. 2021", fill=255, font=big, anchor="mm")
    layer = layer.rotate(-4, expand=True, resample=Image.Resampling.BICUBIC)
    gen = np.random.default_rng(7)
    la = np.asarray(layer).astype(np.float32) / 255 * (0.55 + 0.45 * gen.random((layer.height, layer.width)))
    out = np.asarray(img.convert("RGB")).astype(np.float32)
    x, y = round((b.x + 8) * px), round((b.y - 4) * px)
    region = out[y:y + layer.height, x:x + layer.width]
    inkv = np.array(ink, np.float32)
    region[:] = region * (1 - la[..., None]) + np.minimum(region, inkv) * la[..., None]
    return Image.fromarray(out.clip(0, 255).astype(np.uint8))


def signed_into_date(form: FormLayout, pdf: bytes, name: str) -> bytes:
    """A large signature begun left of its box: its first letters run over the date box."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from tests.prefilled import onto_first_page

    if "Hand" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Hand", str(HAND)))
    d = form.field("date").box
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(form.width * mm, form.height * mm), invariant=1)
    c.setFont("Hand", 30)
    c.drawString((d.x + d.w * 0.6) * mm, (form.height - d.y2 + 2) * mm, name.split()[-1].rstrip(","))
    c.showPage()
    c.save()
    return onto_first_page(pdf, buf.getvalue())


def stamped_pdf(form: FormLayout, pdf: bytes) -> bytes:
    """The receipt stamp drawn onto the PDF page (for the fax: the fax machine sees it black)."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from tests.prefilled import onto_first_page

    b = form.field("date").box
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(form.width * mm, form.height * mm), invariant=1)
    c.translate((b.x + 8) * mm, (form.height - b.y + 4 - 18) * mm)
    c.rotate(4)
    c.setStrokeColorRGB(0.15, 0.25, 0.65)
    c.setFillColorRGB(0.15, 0.25, 0.65)
    c.setLineWidth(1.4)
    c.rect(0, 0, 46 * mm, 18 * mm)
    c.setFont("Helvetica", 8)
    c.drawCentredString(23 * mm, 12 * mm, "EINGANG")
    c.setFont("Helvetica-Bold", 12)
    c.drawCentredString(23 * mm, 4.5 * mm, "30. AUG. 2021")
    c.showPage()
    c.save()
    return onto_first_page(pdf, buf.getvalue())


def black_surround(img: Image.Image, dpi: int) -> Image.Image:
    """A flatbed scan with the lid open: the sheet a little turned on a black glass larger than A4."""
    px = dpi / 25.4
    glass = Image.new("L", (round(216 * px), round(310 * px)), 25)
    turned = img.rotate(0.8, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=25)
    glass.paste(turned, (round(2 * px), round(3 * px)))
    return glass


def on_a3(img: Image.Image, dpi: int) -> Image.Image:
    """The scanner set to A3: the A4 sheet lies in the glass's corner, the rest is the white lid."""
    px = dpi / 25.4
    a3 = Image.new("L", (round(297 * px), round(420 * px)), 245)
    a3.paste(img, (0, 0))
    return a3


def jpeg_rgb(img: Image.Image, quality: int, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()


# ---- PDFs from other programs ----

def without_appearances(pdf: bytes, values: dict[str, str]) -> bytes:
    """/V (and /AS for ticks) set, every widget's /AP removed, NeedAppearances: a form-filling
    script that leaves drawing to the viewer."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for f in doc.Root.AcroForm.Fields:
            name = str(f.get("/T", ""))
            if f.get("/FT") == "/Btn":
                f.V = f.AS = tick_state(f, values.get(name) == "1")
            elif name in values:
                f.V = pikepdf.String(values[name])
            if "/AP" in f:
                del f["/AP"]
        doc.Root.AcroForm.NeedAppearances = True
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def acrobat_like(pdf: bytes, values: dict[str, str], tick_as: str = "both") -> bytes:
    """Values as Acrobat writes them: text in UTF-16BE with a byte-order mark, lines parted by a
    carriage return, no appearance (NeedAppearances); a tick with *tick_as* 'both' (/V and /AS),
    'as' (only the widget's /AS: what the page shows) or 'v' (only /V, the widget /Off)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for f in doc.Root.AcroForm.Fields:
            name = str(f.get("/T", ""))
            if name not in values:
                continue
            if f.get("/FT") == "/Btn":
                state = tick_state(f, values[name] == "1")
                if tick_as in ("both", "v"):
                    f.V = state
                if tick_as in ("both", "as"):
                    f.AS = state
                else:
                    f.AS = pikepdf.Name("/Off")
                continue
            f.V = pikepdf.String(b"\xfe\xff" + values[name].replace("\n", "\r").encode("utf-16-be"))
            if "/AP" in f:
                del f["/AP"]
        doc.Root.AcroForm.NeedAppearances = True
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def baked(pdf: bytes) -> bytes:
    """Flattened as a viewer's "export as PDF" does: widgets become page content, the form is gone."""
    import fitz

    doc = fitz.open(stream=pdf, filetype="pdf")
    doc.bake()
    return doc.tobytes(garbage=3, deflate=True)


def cairo_print(pdf: bytes) -> bytes:
    """Printed to a file through cairo (pdftocairo -pdf: GTK's "print to file")."""
    with tempfile.TemporaryDirectory(prefix="fk-hoo-") as tmp:
        src, out = Path(tmp, "in.pdf"), Path(tmp, "out.pdf")
        src.write_bytes(pdf)
        subprocess.run(["pdftocairo", "-pdf", str(src), str(out)], check=True, capture_output=True, timeout=120)
        return out.read_bytes()


def encrypted(pdf: bytes, user: str) -> bytes:
    """AES-256 with an owner password (printing allowed); *user* non-empty: needed to open it."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        out = io.BytesIO()
        doc.save(out, encryption=pikepdf.Encryption(owner="sekretariat", user=user, R=6,
                                                    allow=pikepdf.Permissions(modify_form=False, modify_other=False)))
        return out.getvalue()


# ---- containers ----

def zipped(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP as Windows' "send to compressed folder" writes it (deflate, names in UTF-8); with
    ZIP_STORED as tools write it that do not compress PDFs."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2021, 8, 26, 9, 30, 0))
            info.compress_type = method
            z.writestr(info, data)
    return buf.getvalue()


def apple_double(name: str) -> bytes:
    """The resource-fork file macOS's "Compress" puts beside each file in __MACOSX/."""
    return b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(60) + name.encode()


def exif_rotated(img: Image.Image, orientation: int) -> bytes:
    """A phone's JPEG: the pixels as the sensor saw them, an EXIF Orientation tag to turn them upright
    (6: turn 90° clockwise to view, 3: 180°, 8: 90° counter-clockwise)."""
    stored = {6: img.rotate(90, expand=True), 3: img.rotate(180), 8: img.rotate(-90, expand=True)}[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    stored.convert("RGB").save(buf, format="JPEG", quality=85, exif=exif.tobytes())
    return buf.getvalue()


def cmyk_jpeg(img: Image.Image, dpi: int) -> bytes:
    """A CMYK JPEG (a scanner driver or an image program set to print colours)."""
    buf = io.BytesIO()
    img.convert("CMYK").save(buf, format="JPEG", quality=85, dpi=(dpi, dpi))
    return buf.getvalue()


def jpeg_tiff(img: Image.Image, dpi: int) -> bytes:
    """A TIFF with JPEG-compressed strips, as multifunction printers write "TIFF (JPEG)"."""
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="TIFF", compression="jpeg", quality=80, dpi=(dpi, dpi))
    return buf.getvalue()


def rgba_png(img: Image.Image) -> bytes:
    """A PNG with an alpha channel (a screenshot tool's or an image editor's export)."""
    rgba = img.convert("RGBA")
    buf = io.BytesIO()
    rgba.save(buf, format="PNG", dpi=(150, 150))
    return buf.getvalue()


def pencil_tick(form: FormLayout, pdf: bytes, venue: str) -> bytes:
    """A light pencil cross (grey 0.65, thin) in the venue's box."""
    from reportlab.pdfgen.canvas import Canvas

    from tests.prefilled import onto_first_page

    b = form.field(venue).box
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(form.width * 2.834645669, form.height * 2.834645669), invariant=1)
    mmp = 2.834645669
    c.setStrokeGray(0.62)
    c.setLineWidth(0.6)
    top = form.height
    c.line((b.x + 1) * mmp, (top - b.y - 1) * mmp, (b.x2 - 1) * mmp, (top - b.y2 + 1) * mmp)
    c.line((b.x + 1) * mmp, (top - b.y2 + 1) * mmp, (b.x2 - 1) * mmp, (top - b.y - 1) * mmp)
    c.showPage()
    c.save()
    return onto_first_page(pdf, buf.getvalue())


def mail(sender: str, subject: str, body: str, parts: list[tuple[bytes, str, str, str]],
         date: str = "Thu, 26 Aug 2021 09:41:00 +0200") -> email.message.EmailMessage:
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"], m["To"] = sender, "anmeldung@tmasgff.example"
    m["Subject"], m["Date"] = subject, date
    m.set_content(body)
    for data, maintype, subtype, name in parts:
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return m


def forwarded(original: email.message.EmailMessage, by: str) -> bytes:
    """A colleague forwards the registration "as attachment": the original .eml inside a new mail."""
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"], m["To"] = by, "anmeldung@tmasgff.example"
    m["Subject"] = f"WG: {original['Subject']}"
    m["Date"] = "Mon, 30 Aug 2021 11:02:00 +0200"
    m.set_content("Hallo,\nbitte die Anmeldung unten noch aufnehmen, kam bei mir an.\nViele Grüße")
    m.add_attachment(original)  # message/rfc822
    return bytes(m)


def grey_tiff_pages(images: list[Image.Image], dpi: int) -> bytes:
    buf = io.BytesIO()
    images[0].save(buf, format="TIFF", compression="tiff_lzw", dpi=(dpi, dpi), save_all=True,
                   append_images=images[1:])
    return buf.getvalue()


# ---- the returns ----

def build(work: Path, form: FormLayout, rng: random.Random) -> list[Return]:
    box = Inbox(work / "eingang")
    inbox, out, put = box.folder, box.returns, box.put
    blank = (work / "blank.pdf").read_bytes()
    packets = packets_of(work / "pakete")
    ids = sorted(packets)
    n = iter(range(1000))

    def member(k: int, venue: str) -> tuple[bytes, bytes, dict[str, str]]:
        """Member *k*'s whole packet, its sheet, and the truth of the sheet sent back ticked."""
        whole = packets[ids[k]].read_bytes()
        sheet = reg_page(whole)
        return whole, sheet, member_truth(sheet, venue)

    def typed(face: str = "Helvetica", size: float = 10) -> tuple[bytes, dict[str, str]]:
        values, truth = person(next(n), rng.randrange(5))
        return fill_pymupdf(blank, values, Font(face, size)), truth

    # 1) the office's scanner: scan-to-PDF.
    pdf, truth = typed("Helvetica", 10)
    put("scan/Scan_0001.pdf", scan_pdf([colour(pdf, 300)], 300, 75),
        Return("", "MFP-Scan", "colour 300 dpi JPEG PDF", truth))
    _, sheet, t = member(0, VENUES[1])
    put("scan/Scan_0002.pdf", scan_pdf([bw(grey_at(Pen(form).tick(VENUES[1]).onto(sheet), 200))], 200),
        Return("", "MFP-Scan", "member ticked, b/w 200 dpi CCITT G4 PDF", t))
    pdf, truth = typed("Times", 11)
    pages = [bw(grey_at(pdf, 300)), blank_back((2480, 3508), rng, "1")]
    put("scan/Scan_0003.pdf", scan_pdf(pages, 300),
        Return("", "MFP-Scan", "duplex b/w 300 dpi G4: sheet, blank back", truth, page=1))
    whole, sheet, t = member(1, VENUES[3])
    ticked_whole = Pen(form).tick(VENUES[3]).onto(sheet)
    pkt = pages_grey(whole, 150)
    sheet_at = next(i for i, p in enumerate(PdfReader(io.BytesIO(whole)).pages) if "/Annots" in p)
    pkt[sheet_at] = grey_at(ticked_whole, 150)
    put("scan/Scan_0004.pdf", scan_pdf(pkt, 150, 70),
        Return("", "MFP-Scan", f"whole packet scanned grey 150 dpi, sheet page {sheet_at + 1} of {len(pkt)}", t,
               page=sheet_at + 1))
    whole, sheet, t = member(2, VENUES[0])
    letter = pages_grey(whole, 200)[0]  # the packet's covering letter, then the sheet and blank backs
    pages = [bw(letter), blank_back(letter.size, rng, "1"), bw(grey_at(Pen(form).tick(VENUES[0]).onto(sheet), 200)),
             blank_back(letter.size, rng, "1")]
    put("scan/Scan_0005.pdf", scan_pdf(pages, 200),
        Return("", "MFP-Scan", "duplex b/w 200: covering letter, blank, sheet (page 3), blank", t, page=3))
    trio, truths = [], []
    for _ in range(3):
        pdf, truth = typed("Courier", 10)
        trio.append(bw(grey_at(pdf, 200)))
        truths.append(truth)
    put("scan/Stapel_Anmeldungen.pdf", scan_pdf(trio, 200),
        *[Return("", "MFP-Scan", f"pile of three sheets in one G4 PDF, page {k + 1}", tr, page=k + 1)
          for k, tr in enumerate(truths)])
    pdf, truth = typed("Helvetica", 10)
    put("scan/Scan_durchsuchbar_grau.pdf", searchable(grey_at(pdf, 300), 300),
        Return("", "MFP-Scan", "searchable PDF: grey 300 image with the scanner's invisible OCR text", truth))
    _, sheet, t = member(6, VENUES[4])
    put("scan/Scan_durchsuchbar_sw.pdf", searchable(bw(grey_at(Pen(form).tick(VENUES[4]).onto(sheet), 200)), 200),
        Return("", "MFP-Scan", "searchable PDF: member ticked, b/w 200 image with invisible OCR text", t))
    pdf, truth = typed("Helvetica", 11)
    put("scan/Scan_letter.pdf", letter_page(pdf),
        Return("", "MFP-Scan", "scanner set to US Letter (grey 200, bottom 18 mm cut)", truth))
    pdf, truth = typed("Times", 12)
    put("scan/Scan_kopfueber.pdf", scan_pdf([grey_at(pdf, 200).rotate(180)], 200),
        Return("", "MFP-Scan", "fed upside down, grey 200 JPEG PDF", truth))
    pdf, truth = typed("Helvetica", 10)
    put("scan/Scan_quer_rotate.pdf", sideways(pdf, True),
        Return("", "MFP-Scan", "fed sideways, landscape image shown upright by /Rotate", truth))
    pdf, truth = typed("Helvetica", 10)
    put("scan/Scan_quer.pdf", sideways(pdf, False),
        Return("", "MFP-Scan", "fed sideways, landscape image, no /Rotate", truth))

    # 2) paper and what lies on it.
    pdf, truth = typed("Times", 11)
    put("papier/recycling.pdf", recycled(pdf, rng), Return("", "Papier", "grey recycled paper, specks, 300 JPEG PDF",
                                                           truth))
    pdf, truth = typed("Helvetica", 10)
    put("papier/textmarker-gelb.jpg", jpeg_rgb(highlight(colour(pdf, 300), form, "name", 300, (255, 240, 70)), 85,
                                               300),
        Return("", "Papier", "yellow highlighter over the name, colour 300 JPEG", truth))
    _, sheet, t = member(3, VENUES[2])
    marked = highlight(colour(Pen(form).tick(VENUES[2]).onto(sheet), 204), form, "institution", 204, (255, 150, 200))
    buf = io.BytesIO()
    marked.save(buf, format="PDF", resolution=204)
    put("papier/textmarker-rosa.tif", gs(buf.getvalue(), "tiffg3", "204x196"),
        Return("", "Papier", "member ticked, pink highlighter over the institution, faxed (dithered)", t))
    pdf, truth = typed("Helvetica", 10)
    put("papier/stempel.jpg", jpeg_rgb(stamp(colour(pdf, 300), form, 300), 85, 300),
        Return("", "Papier", "blue receipt stamp over the date, colour 300 JPEG", truth))
    pdf, truth = typed("Times", 11)
    put("papier/stempel-fax.tif", gs(stamped_pdf(form, pdf), "tiffg3", "204x196"),
        Return("", "Papier", "receipt stamp over the date, faxed fine", truth))
    pdf, truth = typed("Helvetica", 10)
    put("papier/unterschrift.tif", gs(signed_into_date(form, pdf, truth["name"]), "tiffg3", "204x196"),
        Return("", "Papier", "signature running over the date box, faxed fine", truth))
    _, sheet, t = member(4, VENUES[4])
    put("papier/stempel-paket.tif", gs(stamped_pdf(form, Pen(form).tick(VENUES[4]).onto(sheet)), "tiffg3", "204x98"),
        Return("", "Papier", "member ticked, receipt stamp over the date, faxed normal", t))

    # 3) text sizes not tried: 7 pt, 16 pt bold.
    for label, font_file, size, res in [("Liberation Sans 7", "liberation2/LiberationSans-Regular.ttf", 7, "204x196"),
                                        ("DejaVu Sans 7", "dejavu/DejaVuSans.ttf", 7, "204x98"),
                                        ("DejaVu Sans Bold 16", "dejavu/DejaVuSans-Bold.ttf", 16, "204x196"),
                                        ("Liberation Sans 8", "liberation2/LiberationSans-Regular.ttf", 8, "204x196"),
                                        ("Liberation Mono 10", "liberation2/LiberationMono-Regular.ttf", 10, "204x196"),
                                        ("Liberation Mono 8", "liberation2/LiberationMono-Regular.ttf", 8, "204x196")]:
        # people of their own (numbered beyond the others) whose values hold what these sizes and
        # faces lose: an umlaut and 'rn' (7 and 8 pt), a W opening the surname and a noun (mono)
        who = {"Liberation Sans 7": 94, "Liberation Sans 8": 90, "Liberation Mono 10": 97,
               "Liberation Mono 8": 91}.get(label)
        values, truth = person(next(n) if who is None else who, rng.randrange(5))
        pdf = overlay(blank, form, values, str(FONTS / font_file), size)
        put(f"groesse/{label.replace(' ', '_')}.tif", gs(pdf, "tiffg3", res),
            Return("", "Schriftgröße", f"{label} overlay, fax {res}", truth))

    # 4) PDFs from other programs.
    values, truth = person(next(n), rng.randrange(5))
    put("pdf/ohne-ap.pdf", without_appearances(blank, values),
        Return("", "PDF", "AcroForm /V only, every /AP removed, NeedAppearances", truth))
    values, truth = person(next(n), rng.randrange(5))
    put("pdf/vorschau-export.pdf", baked(fill_pymupdf(blank, values, Font("Helvetica", 10))),
        Return("", "PDF", "flattened (PyMuPDF bake, like Preview's export)", truth))
    values, truth = person(next(n), rng.randrange(5))
    put("pdf/cairo-druck.pdf", cairo_print(fill_da(blank, values, "Helvetica", 10)),
        Return("", "PDF", "printed to file through cairo (pdftocairo -pdf)", truth))
    values, truth = person(next(n), rng.randrange(5))
    put("pdf/geschuetzt.pdf", encrypted(fill_pypdf(blank, values), ""),
        Return("", "PDF", "owner password AES-256, opens without one", truth))
    values, truth = person(next(n), rng.randrange(5))
    put("pdf/acrobat-utf16.pdf", acrobat_like(blank, values),
        Return("", "PDF", "Acrobat-like: /V UTF-16BE with BOM, address lines parted by CR, no /AP", truth))
    values, truth = person(next(n), 1)
    put("pdf/nur-as.pdf", acrobat_like(blank, values, "as"),
        Return("", "PDF", "tick only in the widget's /AS (shown), /V unset", truth))
    values, truth = person(next(n), 2)
    put("pdf/nur-v.pdf", acrobat_like(blank, values, "v"),
        Return("", "PDF", "tick only in /V, the widget shows /Off", truth, "Kreuz nicht sichtbar"))
    values, truth = person(next(n), rng.randrange(5))
    put("pdf/ausfuellen-und-unterschreiben.pdf", fill_typewriter(blank, form, values),
        Return("", "PDF", "Fill & Sign: fields empty, answers as FreeText typewriter annotations (read by OCR)",
               truth))
    values, truth = person(next(n), rng.randrange(5))
    put("pdf/passwort.pdf", encrypted(fill_pypdf(blank, values), "geheim"),
        Return("", "PDF", "needs a password to open", truth, "Passwort nötig"))

    # 5) containers and names.
    values, truth = person(next(n), rng.randrange(5))
    put("zip/Anmeldung.zip", zipped([("Anmeldung Trautvetter.pdf", fill_pypdf(blank, values))]),
        Return("", "Container", "ZIP file (deflated) holding the filled PDF", truth))
    (va, ta), (vb, tb) = person(next(n), 0), person(next(n), 2)
    put("zip/zwei-anmeldungen.zip", zipped([("Anmeldung_1.pdf", fill_pypdf(blank, va)),
                                            ("Anmeldung_2.pdf", fill_pymupdf(blank, vb))], zipfile.ZIP_STORED),
        Return("", "Container", "ZIP (stored) of two filled PDFs, first", ta, page=None),
        Return("", "Container", "ZIP (stored) of two filled PDFs, second", tb, page=None))
    out[-2].file, out[-1].file = "zip/zwei-anmeldungen.zip#Anmeldung_1.pdf", "zip/zwei-anmeldungen.zip#Anmeldung_2.pdf"
    values, truth = person(next(n), rng.randrange(5))
    put("zip/Archiv.zip", zipped([("Anmeldung/", b""), ("Anmeldung/Bogen.pdf", fill_pypdf(blank, values)),
                                  ("__MACOSX/Anmeldung/._Bogen.pdf", apple_double("Bogen.pdf"))]),
        Return("", "Container", "macOS ZIP: a folder, the PDF and its __MACOSX resource fork", truth))
    values, truth = person(next(n), rng.randrange(5))
    put("zip/mail-mit-zip.eml", bytes(mail(truth["email"], "Anmeldung", "Anbei gezippt.",
                                           [(zipped([("anmeldung.pdf", fill_pymupdf(blank, values))]), "application",
                                             "zip", "Anmeldung.zip")])),
        Return("", "Container", "e-mail with a ZIP attachment holding the PDF", truth))
    values, truth = person(next(n), rng.randrange(5))
    original = mail(truth["email"], "Anmeldung Regionaltreffen", "Anbei meine Anmeldung.",
                    [(fill_pypdf(blank, values), "application", "pdf", "Anmeldebogen.pdf")])
    put("mail/weitergeleitet.eml", forwarded(original, "kollegin@tmasgff.example"),
        Return("", "Container", "forwarded as attachment: .eml inside .eml", truth))
    values, truth = person(next(n), rng.randrange(5))
    put("mail/Anmeldung Gudrun Päßler (2).pdf", fill_pymupdf(blank, values, Font("Times", 10)),
        Return("", "Container", "file name with umlauts, ß, spaces, brackets", truth))
    values, truth = person(next(n), rng.randrange(5))
    put(unicodedata.normalize("NFD", "mail/Rückmeldung Jürgen Größe.pdf"), fill_pypdf(blank, values),
        Return("", "Container", "file name decomposed (NFD, macOS)", truth))
    values, truth = person(next(n), rng.randrange(5))
    put("Fax Eingang/2021/August/fax 0826 0915.tif", gs(fill_pymupdf(blank, values, Font("Courier", 10)), "tiffg3",
                                                       "204x196"),
        Return("", "Container", "fax in sub-folders two deep, spaces in names", truth))
    values, truth = person(next(n), rng.randrange(5))
    cover_page = Image.new("L", (2480, 3508), 255)
    ImageDraw.Draw(cover_page).text((300, 400), "Anmeldung anbei, 2 Seiten", fill=0,
                                    font=ImageFont.truetype(str(FONTS / "dejavu/DejaVuSans.ttf"), 60))
    put("scan/zwei-seiten-grau.tif", grey_tiff_pages([cover_page, grey_at(fill_pypdf(blank, values), 300)], 300),
        Return("", "Container", "grey LZW TIFF 300 dpi, cover page 1, sheet page 2", truth, page=2))
    if have_gsf():
        values, truth = person(next(n), rng.randrange(5))
        make_msg(inbox / "mail" / "outlook-zip.msg", "AW: Einladung", truth["email"], truth["name"],
                 dt.datetime(2021, 8, 27, 7, 55, tzinfo=dt.UTC),
                 [("Anmeldung.zip", "application/x-zip-compressed", zipped([("Anmeldebogen.pdf",
                                                                            fill_pypdf(blank, values))]))])
        out.append(Return("mail/outlook-zip.msg", "Container", "Outlook .msg with a ZIP attachment", truth))

    # 6) image files as phones, scanners and programs write them.
    pdf, truth = typed("Helvetica", 11)
    put("bild/handy-exif6.jpg", exif_rotated(colour(pdf, 200), 6),
        Return("", "Bilddatei", "phone JPEG stored sideways, EXIF Orientation 6", truth))
    pdf, truth = typed("Times", 11)
    put("bild/handy-exif3.jpg", exif_rotated(colour(pdf, 200), 3),
        Return("", "Bilddatei", "phone JPEG stored upside down, EXIF Orientation 3", truth))
    pdf, truth = typed("Helvetica", 10)
    put("bild/cmyk.jpg", cmyk_jpeg(colour(pdf, 300), 300), Return("", "Bilddatei", "CMYK JPEG 300 dpi", truth))
    pdf, truth = typed("Helvetica", 10)
    put("bild/mfp-jpeg.tif", jpeg_tiff(colour(pdf, 200), 200),
        Return("", "Bilddatei", "TIFF with JPEG-compressed strips, colour 200 dpi", truth))
    pdf, truth = typed("Times", 12)
    put("bild/screenshot.png", rgba_png(colour(pdf, 150)), Return("", "Bilddatei", "RGBA PNG 150 dpi", truth))
    _, sheet, t = member(5, VENUES[1])
    put("bild/bleistift.jpg", jpeg_rgb(colour(pencil_tick(form, sheet, VENUES[1]), 300), 85, 300),
        Return("", "Bilddatei", "member's tick in light pencil, colour 300 JPEG", t))
    pdf, truth = typed("Helvetica", 10)
    put("scan/Scan_600_farbe.pdf", scan_pdf([colour(pdf, 600)], 600, 85),
        Return("", "MFP-Scan", "colour 600 dpi JPEG PDF (35 million pixels)", truth))
    pdf, truth = typed("Times", 11)
    put("scan/deckel-offen.jpg", jpeg_rgb(black_surround(grey_at(pdf, 300), 300), 85, 300),
        Return("", "MFP-Scan", "flatbed with the lid open: black around the sheet, grey 300", truth))
    pdf, truth = typed("Helvetica", 10)
    put("scan/Scan_A3.pdf", scan_pdf([on_a3(grey_at(pdf, 200), 200)], 200),
        Return("", "MFP-Scan", "scanner set to A3: the sheet in the glass's corner, grey 200", truth))
    (va, ta), (vb, tb) = person(next(n), 1), person(next(n), 3)
    put("scan/zwei-auf-eins.tif", fax_two_up(fill_pymupdf(blank, va, Font("Helvetica", 10)),
                                         fill_pymupdf(blank, vb, Font("Helvetica", 10))),
        Return("", "MFP-Scan", "copier '2 auf 1': two sheets at 70 % on one landscape page, faxed fine", ta,
               "zwei Bogen auf einer Seite"))
    pdf, truth = typed("Courier", 10)
    page = bw(grey_at(pdf, 200))
    put("scan/doppelt-eingezogen.pdf", scan_pdf([page, page.copy()], 200),
        Return("", "MFP-Scan", "the scanner drew the sheet twice: page 1", truth, page=1),
        Return("", "MFP-Scan", "the scanner drew the sheet twice: page 2", truth, "dieselbe Anmeldung zweimal", page=2))
    return out


def run() -> None:
    rehearse("fk-hoo-", 2026, build, checks)


def checks(returns: list[Return], work: Path) -> None:
    extra(returns, work)
    print_sure_wrong(returns, work / "formkit.sqlite", cased=True)


def extra(returns: list[Return], work: Path) -> None:
    """Rows of pages that are no return (blank backs, letters, cover pages) must not be ok; every
    file of the inbox must have a row (by its name, whatever the CSV made of it)."""
    files = sorted(p for p in (work / "eingang").rglob("*") if p.is_file())
    rows = read_csv(work / "lauf1.csv")
    claimed = {(Path(r.file.split("#")[0]).name, r.page) for r in returns}
    others = []
    for row in rows:
        name = Path(row["source"].split("#")[0]).name
        page = int(row["page"]) if row.get("page", "").isdigit() else None
        if (name, None) in claimed or (name, page) in claimed:
            continue
        others.append(row)
    ok = [r for r in others if r["status"] == "ok"]
    print(f"\nZeilen ohne Rückläufer (Rückseiten, Anschreiben, Deckblätter): {len(others)}, davon ok: {len(ok)}")
    for r in others:
        print(f"  {r['source']} S. {r['page']}: {r['status']} {r['reason'][:100]}")
    names = {unicodedata.normalize("NFC", Path(r["source"].split("#")[0]).name) for r in rows}
    missing = [str(f.relative_to(work / "eingang")) for f in files if unicodedata.normalize("NFC", f.name) not in names]
    print(f"Dateien ohne Zeile: {missing}")


if __name__ == "__main__":
    run()
