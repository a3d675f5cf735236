"""A third held-out check of the CLI: fonts, fillers, producers, degradations and mail none of the
project's code was tuned on.

`python -m bench heldout_fonts` finds what `bench heldout` (other fillers on one campaign) and
`bench heldout_campaigns` (edited campaigns) cannot:
- fonts: a word processor drawing text on the printed sheet (reportlab, not in fields) in DejaVu
  Sans/Serif/Mono and Liberation Sans/Serif/Mono, regular and bold, 8-14 pt; a filler that sets the
  fields' /DA to one of URW's PostScript fonts (Bookman, Avant Garde, New Century Schoolbook,
  Palatino, Helvetica-Narrow, bold faces) and writes the appearance in it. Noto is used when
  installed. Helvetica, Times and Courier faxed by Ghostscript are URW's Nimbus already (the benches);
- producers: qpdf with object streams, pikepdf re-saved, PyMuPDF with its own font size, "print
  to PDF" (Ghostscript pdfwrite), a PDF whose form dictionary was removed (widgets kept), one
  whose annotations were flattened by qpdf, a PDF/A re-save;
- degradations: grey JPEG scans at 150/300/600 dpi, a colour scan, JPEG quality 30, 2-4° skew,
  upside down, a phone photo (perspective, uneven light, table around the page), a fax of a fax,
  a fax with a G3 line-error streak, a TIFF holding two sheets, a fax that stopped half-way;
- mail: a PDF attached to an .eml with a German (RFC 2047) subject and file name, to an Outlook
  .msg, an e-mail whose body holds the answers, the same sheet as e-mail PDF and as photo;
- time: a fax whose TIFF names its receipt time (tag DateTime) after the deadline.

For each return the truth is known; `formkit parse` runs twice, then export, allocate and confirm.
Counted: records ``ok`` with a wrong value (the worst error), wrong values stated sure (>= OCR_OK),
inputs lost, crashes and English words in the output, duplicates after the second run, records to
a person by kind. Set FK_HELDOUT_KEEP=folder to keep everything for a look.
"""

from __future__ import annotations

import datetime as dt
import email.message
import email.policy
import io
import random
import re
import subprocess
import tempfile
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from bench.heldout import (
    fill_pikepdf_v,
    gs,
    gs_flatten,
    jpeg,
    overlay,
    pdf_of_scan,
    tiff,
    to_bw,
)
from bench.rehearsal import (
    TOWNS,
    VENUES,
    Inbox,
    Return,
    member_truth,
    packets_of,
    reg_page,
    rehearse,
    tick_state,
)
from formkit.layout.models import FormLayout
from tests.fill import Font, fill_pymupdf, fill_pypdf
from tests.photo import grey_at, photo
from tests.prefilled import Pen

FINE, NORMAL = (204, 196), (204, 98)
DEADLINE_LATE = "2021:09:10 14:22:05"  # bench.heldout's campaign closes on 2021-09-01

# Returners of their own (no other bench uses these names, institutions or streets).
PEOPLE = [
    {"name": "Dr. Cornelia Wüstefeld", "institution": "Landratsamt Sonneberg / Jugendamt",
     "address": "Bahnhofstraße 66\n96515 Sonneberg", "phone": "03675 871-402", "email": "c.wuestefeld@lkson.de"},
    {"name": "Häußler, Torben", "institution": "Stadtjugendring Jena e. V.",
     "address": "Löbdergraben 25\n07743 Jena", "phone": "03641 44 82 10", "email": "haeussler@sjr-jena.de"},
    {"name": "Franziska Oberdörfer", "institution": "Familienzentrum Rudolstadt, Leitung",
     "address": "Schwarzburger Chaussee 12\n07407 Rudolstadt", "phone": "03672 41170",
     "email": "f.oberdoerfer@fz-rudolstadt.de"},
    {"name": "Matthias Quendt", "institution": "Gemeinde Schmiedefeld am Rennsteig",
     "address": "Suhler Straße 4\n98711 Schmiedefeld", "phone": "036782 61-22", "email": "quendt@schmiedefeld.de"},
    {"name": "Yvonne Grützmacher-Beck", "institution": "Diakoniewerk Ostthüringen gGmbH / Sozialplanung",
     "address": "Heinrichstraße 44\n07545 Gera", "phone": "0365 551 337", "email": "y.gruetzmacher@dwot.de"},
    {"name": "Prof. Dr. Egon Saalbach", "institution": "Ernst-Abbe-Hochschule Jena, Fachbereich Sozialwesen",
     "address": "Carl-Zeiss-Promenade 2\n07745 Jena", "phone": "03641 205-800", "email": "egon.saalbach@eah-jena.de"},
    {"name": "Gülten Aydemir", "institution": "Integrationsbeirat Nordhausen",
     "address": "Markt 15\n99734 Nordhausen", "phone": "03631 696-117", "email": "aydemir@nordhausen.de"},
    {"name": "Ludwig Kämmerer", "institution": "Verwaltungsgemeinschaft Dingelstädt",
     "address": "Kirchplatz 3\n37351 Dingelstädt", "phone": "036075 5120", "email": "kaemmerer@vg-dingelstaedt.de"},
    {"name": "Annegret Wolfframm", "institution": "Seniorenbüro Altenburger Land",
     "address": "Lindenaustraße 9\n04600 Altenburg", "phone": "03447 586-250", "email": "wolfframm@altenburgerland.de"},
    {"name": "Sebastian Pietsch", "institution": "Kinderschutzbund Ortsverband Meiningen",
     "address": "Georgstraße 21\n98617 Meiningen", "phone": "03693 88 19 40", "email": "pietsch@ksb-meiningen.de"},
    {"name": "Ilse Thränhardt", "institution": "Landratsamt Greiz, Fachdienst Sozialhilfe",
     "address": "Dr.-Rathenau-Platz 11\n07973 Greiz", "phone": "03661 876-519", "email": "i.thraenhardt@landkreis-greiz.de"},
    {"name": "Marco Bienstein", "institution": "Stadt Bad Langensalza / Ordnungsamt",
     "address": "Marktstraße 1\n99947 Bad Langensalza", "phone": "03603 859-0", "email": "bienstein@bad-langensalza.de"},
]
FIRSTS = ["Katrin", "Holger", "Doreen", "Steffen", "Manuela", "René", "Sandra", "Dirk", "Ramona", "Enrico"]


def person(i: int, venue: int, date: str = "27.08.2021") -> tuple[dict[str, str], dict[str, str]]:
    """Returner *i*: from the twelfth on a colleague with a first name and e-mail of their own."""
    p = dict(PEOPLE[i % len(PEOPLE)])
    if i >= len(PEOPLE):
        first = FIRSTS[(i // len(PEOPLE) - 1) % len(FIRSTS)]
        p["name"] = re.sub(r"(\w+)(?=\s\S+$)|(?<=, )\w+$", first, p["name"], count=1)
        local, dom = p["email"].split("@")
        p["email"] = f"{first.lower().replace('é', 'e')}.{local.split('.')[-1]}@{dom}"
    values = {**p, "date": date, **{v: ("1" if j == venue else "") for j, v in enumerate(VENUES)}}
    return values, {**p, "date": date, "venue": VENUES[venue]}


# ---- a filler that types in a font of its own (/DA and appearance in that font) ----

def fill_da(pdf: bytes, values: dict[str, str], ps_font: str, size: float) -> bytes:
    """Fill like a viewer whose user chose *ps_font* (a PostScript name, not embedded: the printer's
    or Ghostscript's URW face is used) at *size* pt: /V, /DA naming the font in /DR, and an
    appearance stream drawn in it; ticks get their on-state. Values must be Latin-1."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        font = doc.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name("/" + ps_font),
                                                    Encoding=pikepdf.Name.WinAnsiEncoding))
        af = doc.Root.AcroForm
        if "/DR" not in af:
            af.DR = pikepdf.Dictionary()
        if "/Font" not in af.DR:
            af.DR.Font = pikepdf.Dictionary()
        af.DR.Font.FkUser = font
        for f in af.Fields:
            name = str(f.get("/T", ""))
            if name not in values:
                continue
            if f.get("/FT") == "/Btn":
                f.V = f.AS = tick_state(f, values[name] == "1")
                continue
            value = values[name]
            f.V = pikepdf.String(value)
            f.DA = pikepdf.String(f"/FkUser {size:g} Tf 0 g")
            x0, y0, x1, y1 = (float(v) for v in f.Rect)
            w, h = x1 - x0, y1 - y0
            lines = value.split("\n")
            lead = size * 1.15
            top = h / 2 + (len(lines) * lead) / 2 - size * 0.8 if len(lines) > 1 else (h - size * 0.7) / 2
            ops = ["/Tx BMC", "q", "BT", f"/FkUser {size:g} Tf", "0 g"]
            for k, line in enumerate(lines):
                text = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
                ops.append(f"1 0 0 1 2 {top - k * lead:.2f} Tm")
                ops.append(f"({text.decode('latin-1')}) Tj")
            ops += ["ET", "Q", "EMC"]
            stream = pikepdf.Stream(doc, "\n".join(ops).encode("latin-1"))
            stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
            stream.BBox = [0, 0, w, h]
            stream.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(FkUser=font))
            f.AP = pikepdf.Dictionary(N=stream)
        if "/NeedAppearances" in af:
            del af["/NeedAppearances"]
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


# ---- producers ----

def qpdf(pdf: bytes, *args: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="fk-hf-") as tmp:
        src, out = Path(tmp, "in.pdf"), Path(tmp, "out.pdf")
        src.write_bytes(pdf)
        r = subprocess.run(["qpdf", *args, str(src), str(out)], capture_output=True, timeout=120)
        assert r.returncode in (0, 3), r.stderr  # 3: warnings
        return out.read_bytes()


def without_acroform(pdf: bytes) -> bytes:
    """The form dictionary removed, the widgets (with their appearances) left on the page: what a
    tool that "removes the form" but keeps the look does."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pikepdf warns of exactly this: widgets without /AcroForm
        del doc.Root["/AcroForm"]
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def pdfa(pdf: bytes) -> bytes:
    """A re-save as PDF/A-2b by Ghostscript (fields become page content)."""
    return gs(pdf, "pdfwrite", "72", ("-dPDFA=2", "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB",
                                      "-dShowAnnots=true"))


# ---- degradations ----

def colour_scan(pdf: bytes, dpi: int, quality: int) -> bytes:
    """A colour flatbed scan: cream paper, the ink a little blue, JPEG."""
    png = gs(pdf, "png16m", f"{dpi}", ("-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", "-dFirstPage=1",
                                         "-dLastPage=1"))
    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.float32) / 255
    paper, ink = np.array([0.97, 0.95, 0.88]), np.array([0.12, 0.14, 0.30])
    out = ink + (paper - ink) * a
    buf = io.BytesIO()
    Image.fromarray((out * 255).astype(np.uint8)).save(buf, format="JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()


def rotated(img: Image.Image, deg: float) -> Image.Image:
    return img.rotate(deg, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def fax_of_fax(pdf: bytes) -> bytes:
    """A fine fax printed by the receiving machine and faxed on in normal mode."""
    first = Image.open(io.BytesIO(gs(pdf, "tiffg3", "204x196"))).convert("L")
    square = first.resize((first.width, round(first.height * 204 / 196)), Image.Resampling.NEAREST)
    printed = square.filter(ImageFilter.GaussianBlur(0.5))
    return gs(pdf_of_scan(printed, 204), "tiffg3", "204x98")


def streak(pdf: bytes, rng: random.Random, at_mm: float) -> bytes:
    """A fine fax with a G3 line error: rows of garbage across the whole width at *at_mm* from the top
    (a black run, then rows of random bits, as a decoder that lost sync draws them)."""
    img = Image.open(io.BytesIO(gs(pdf, "tiffg3", "204x196"))).convert("L")
    a = np.asarray(img).copy()
    row = round(at_mm / 25.4 * 196)
    gen = np.random.default_rng(rng.randrange(1 << 30))
    a[row:row + 2, :] = 0
    a[row + 2:row + 5, :] = np.where(gen.random((3, a.shape[1])) < 0.3, 0, 255)
    return tiff(Image.fromarray(a).convert("1"), FINE, "group3")


def half(pdf: bytes, keep: str) -> bytes:
    """A fax that stopped (or started) half-way: only the *keep* half of the page arrived."""
    img = Image.open(io.BytesIO(gs(pdf, "tiffg3", "204x196"))).convert("1")
    box = (0, 0, img.width, img.height // 2) if keep == "top" else (0, img.height // 2, img.width, img.height)
    return tiff(img.crop(box), FINE, "group3")


def two_sheets(a: bytes, b: bytes) -> bytes:
    """One TIFF of two faxed sheets (a fax server's file of one transmission)."""
    pa = Image.open(io.BytesIO(gs(a, "tiffg3", "204x196"))).convert("1")
    pb = Image.open(io.BytesIO(gs(b, "tiffg3", "204x196"))).convert("1")
    buf = io.BytesIO()
    pa.save(buf, format="TIFF", compression="group4", dpi=FINE, save_all=True, append_images=[pb])
    return buf.getvalue()


def fax_with_time(pdf: bytes, stamp: str) -> bytes:
    """A fine fax whose TIFF names its receipt time (tag 306 DateTime), as fax servers write it."""
    img = Image.open(io.BytesIO(gs(pdf, "tiffg3", "204x196"))).convert("1")
    buf = io.BytesIO()
    img.save(buf, format="TIFF", compression="group3", dpi=FINE, tiffinfo={306: stamp})
    return buf.getvalue()


# ---- mail ----

def mail(sender: str, subject: str, body: str, parts: list[tuple[bytes, str, str, str]],
         date: str = "Fri, 27 Aug 2021 08:41:00 +0200") -> bytes:
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"], m["To"] = sender, "anmeldung@tmasgff.example"
    m["Subject"], m["Date"] = subject, date
    m.set_content(body)
    for data, maintype, subtype, name in parts:
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(m)


# ---- the returns ----

def fonts_available() -> list[tuple[str, Path, float, str]]:
    """(label, font file, size, fax mode) for the word processor's overlay; missing fonts left out."""
    t = Path("/usr/share/fonts/truetype")
    wanted = [("DejaVu Sans 8", t / "dejavu/DejaVuSans.ttf", 8, "fine"),
              ("DejaVu Sans Bold 11", t / "dejavu/DejaVuSans-Bold.ttf", 11, "normal"),
              ("DejaVu Serif 12", t / "dejavu/DejaVuSerif.ttf", 12, "fine"),
              ("DejaVu Serif Bold 9", t / "dejavu/DejaVuSerif-Bold.ttf", 9, "fine"),
              ("DejaVu Sans Mono 10", t / "dejavu/DejaVuSansMono.ttf", 10, "normal"),
              ("DejaVu Sans Mono Bold 13", t / "dejavu/DejaVuSansMono-Bold.ttf", 13, "fine"),
              ("Liberation Sans 14", t / "liberation2/LiberationSans-Regular.ttf", 14, "fine"),
              ("Liberation Sans Bold 10", t / "liberation2/LiberationSans-Bold.ttf", 10, "normal"),
              ("Liberation Serif 9", t / "liberation2/LiberationSerif-Regular.ttf", 9, "fine"),
              ("Liberation Serif Bold 12", t / "liberation2/LiberationSerif-Bold.ttf", 12, "normal"),
              ("Liberation Mono 11", t / "liberation2/LiberationMono-Regular.ttf", 11, "fine"),
              ("Liberation Mono Bold 8", t / "liberation2/LiberationMono-Bold.ttf", 8, "fine"),
              ("Noto Sans 10", t / "noto/NotoSans-Regular.ttf", 10, "fine"),
              ("Noto Serif 11", t / "noto/NotoSerif-Regular.ttf", 11, "normal")]
    return [w for w in wanted if w[1].exists()]


# /DA fonts: URW's PostScript 35 faces under their standard names (Ghostscript draws them with URW).
DA_FONTS = [("Bookman-Light", 10, "fine"), ("AvantGarde-Book", 9, "fine"), ("NewCenturySchlbk-Roman", 12, "fine"),
            ("Palatino-Roman", 11, "normal"), ("Helvetica-Narrow", 10, "fine"), ("Helvetica-Bold", 13, "fine"),
            ("Times-Bold", 8, "fine"), ("Courier-Bold", 10, "normal"), ("Palatino-Bold", 14, "fine")]


def build(work: Path, form: FormLayout, rng: random.Random) -> list[Return]:
    box = Inbox(work / "eingang")
    inbox, out, put, member = box.folder, box.returns, box.put, member_truth
    blank = (work / "blank.pdf").read_bytes()
    packets = packets_of(work / "pakete")
    ids = sorted(packets)
    n = iter(range(1000))

    # 1) a word processor's text on the printed sheet, in fonts we never tuned on, faxed.
    for label, font_file, size, mode in fonts_available():
        values, truth = person(next(n), rng.randrange(5))
        pdf = overlay(blank, form, values, str(font_file), size)
        put(f"schrift-{len(out):02d}.tif", gs(pdf, "tiffg3", "204x196" if mode == "fine" else "204x98"),
            Return("", f"Schrift: Textverarbeitung, Fax {mode}", f"{label} overlay, fax {mode}", truth))

    # 2) a filler whose /DA names a URW face; faxed (the appearance is what the fax shows).
    da_pdfs = []
    for ps, size, mode in DA_FONTS:
        values, truth = person(next(n), rng.randrange(5))
        pdf = fill_da(blank, values, ps, size)
        da_pdfs.append((pdf, truth, ps))
        put(f"da-{len(out):02d}.tif", gs(pdf, "tiffg3", "204x196" if mode == "fine" else "204x98"),
            Return("", f"Schrift: /DA, Fax {mode}", f"/DA {ps} {size}, fax {mode}", truth))

    # 3) producers: the filled PDF itself after other programs.
    producers = [
        ("/DA Palatino PDF as sent", lambda p: p),
        ("qpdf object streams + linearize", lambda p: qpdf(p, "--object-streams=generate", "--linearize")),
        ("qpdf --flatten-annotations=all", lambda p: qpdf(p, "--flatten-annotations=all")),
        ("form dictionary removed, widgets kept", without_acroform),
        ("print to PDF (gs pdfwrite)", gs_flatten),
        ("PDF/A-2b re-save (gs)", pdfa),
    ]
    for how, fn in producers:
        values, truth = person(next(n), rng.randrange(5))
        pdf = fn(fill_da(blank, values, "Palatino-Roman", 10))
        put(f"pdf-{len(out):02d}.pdf", pdf, Return("", "Erzeuger: PDF", how, truth))
    values, truth = person(next(n), rng.randrange(5))
    put(f"pdf-{len(out):02d}.pdf", fill_pymupdf(blank, values, Font("Courier", 0)),
        Return("", "Erzeuger: PDF", "PyMuPDF Courier auto size", truth))
    values, truth = person(next(n), rng.randrange(5))
    put(f"pdf-{len(out):02d}.pdf", qpdf(fill_pikepdf_v(blank, values), "--object-streams=generate"),
        Return("", "Erzeuger: PDF", "pikepdf /V only, qpdf object streams", truth))

    # 4) degradations of typed sheets (a /DA filler in a URW face, printed).
    degr: list[tuple[str, str, object]] = [
        ("grey 150 dpi JPEG q75", "jpg", lambda p: jpeg(grey_at(p, 150), 75, 150)),
        ("grey 300 dpi JPEG q85", "jpg", lambda p: jpeg(grey_at(p, 300), 85, 300)),
        ("grey 600 dpi JPEG q85", "jpg", lambda p: jpeg(grey_at(p, 600), 85, 600)),
        ("colour 300 dpi JPEG q80", "jpg", lambda p: colour_scan(p, 300, 80)),
        ("colour 200 dpi JPEG q30", "jpg", lambda p: colour_scan(p, 200, 30)),
        ("grey 300 skew 2", "jpg", lambda p: jpeg(rotated(grey_at(p, 300), 2.0), 80, 300)),
        ("fax skew -3.5", "tif", lambda p: tiff(to_bw(rotated(grey_at(p, 204), -3.5)), FINE)),
        ("fax skew 4", "tif", lambda p: tiff(to_bw(rotated(grey_at(p, 204), 4.0)), FINE)),
        ("fax upside down", "tif", lambda p: tiff(Image.open(io.BytesIO(gs(p, "tiffg3", "204x196"))).rotate(180),
                                                  FINE, "group3")),
        ("phone photo", "jpg", lambda p: photo(p, rng)),
        ("fax of a fax (fine, then normal)", "tif", fax_of_fax),
        ("fax line-error streak through the institution", "tif", lambda p: streak(p, rng, 112)),
        ("fax line-error streak through the e-mail", "tif", lambda p: streak(p, rng, 173)),
    ]
    faces = ["Bookman-Light", "Helvetica-Narrow", "NewCenturySchlbk-Roman", "AvantGarde-Book"]
    for k, (how, ext, fn) in enumerate(degr):
        values, truth = person(next(n), rng.randrange(5))
        face = faces[k % len(faces)]
        pdf = fill_da(blank, values, face, 10)
        put(f"scan-{len(out):02d}.{ext}", fn(pdf),  # type: ignore[operator]
            Return("", "Verschlechterung", f"/DA {face} 10; {how}", truth))
    # two sheets in one TIFF, a fax that stopped half-way (must not be ok: values are missing)
    (va, ta), (vb, tb) = person(next(n), 0), person(next(n), 3)
    put("zwei-boegen.tif", two_sheets(fill_da(blank, va, "Bookman-Light", 10), fill_da(blank, vb, "Palatino-Roman", 10)),
        Return("", "Verschlechterung", "TIFF of two sheets, page 1", ta, page=1),
        Return("", "Verschlechterung", "TIFF of two sheets, page 2", tb, page=2))
    values, truth = person(next(n), 1)
    put("halb-oben.tif", half(fill_da(blank, values, "Bookman-Light", 10), "top"),
        Return("", "Verschlechterung", "fax stopped half-way (top half only)", truth, "Bogen unvollständig"))
    values, truth = person(next(n), 2)
    put("halb-unten.tif", half(fill_da(blank, values, "Bookman-Light", 10), "bottom"),
        Return("", "Verschlechterung", "fax started half-way (bottom half only)", truth, "Bogen unvollständig"))

    # 5) members' packets, only a tick, through the new degradations.
    member_degr = [("photo", "jpg", lambda p: photo(p, rng)), ("colour 600 dpi JPEG q85", "jpg",
                                                                lambda p: colour_scan(p, 600, 85)),
                   ("fax of a fax", "tif", fax_of_fax), ("fax skew 4", "tif",
                                                         lambda p: tiff(to_bw(rotated(grey_at(p, 204), 4.0)), FINE)),
                   ("grey 150 JPEG q30", "jpg", lambda p: jpeg(grey_at(p, 150), 30, 150)),
                   ("fax upside down, normal", "tif",
                    lambda p: tiff(Image.open(io.BytesIO(gs(p, "tiffg3", "204x98"))).rotate(180), NORMAL, "group3")),
                   ("line-error streak through the name", "tif", lambda p: streak(p, rng, 95))]
    for k, (how, ext, fn) in enumerate(member_degr):
        rid = ids[k]
        sheet = reg_page(packets[rid].read_bytes())
        venue = VENUES[k % 5]
        ticked = Pen(form).tick(venue).onto(sheet)
        put(f"paket-{rid}.{ext}", fn(ticked), Return("", "Paket: nur Kreuz", f"pen tick; {how}",  # type: ignore[operator]
                                                    member(sheet, venue)))

    # 6) mail: German subject and file name, Outlook .msg, answers in the body, the same sheet twice.
    values, truth = person(next(n), 4)
    pdf = fill_da(blank, values, "Helvetica-Bold", 10)
    put("mail-umlaut.eml", mail(truth["email"], "Anmeldung für das Regionaltreffen in Pößneck – Grüße",
                                "Sehr geehrte Damen und Herren,\nanbei meine Anmeldung.\nMit freundlichen Grüßen",
                                [(pdf, "application", "pdf", "Anmeldung Pößneck – Übersicht.pdf")]),
        Return("", "E-Mail", "PDF attached, RFC 2047 subject and RFC 2231 file name", truth))
    values, truth = person(next(n), 2)
    pdf = fill_pypdf(blank, values)
    from tests.msgfile import have_gsf, make_msg

    if have_gsf():
        make_msg(inbox / "outlook.msg", "AW: Einladung – Anmeldung Apolda", truth["email"], truth["name"],
                 dt.datetime(2021, 8, 30, 9, 5, tzinfo=dt.UTC), [("Anmeldebogen_ausgefüllt.pdf", "application/pdf",
                                                                  pdf)])
        out.append(Return("outlook.msg", "E-Mail", "Outlook .msg with the filled PDF", truth))
    values, truth = person(next(n), 0)
    body = "\n".join(["Hallo,", "ich melde mich hiermit an:", f"Name: {values['name']}",
                      f"Institution: {values['institution']}", f"Anschrift: {values['address'].replace(chr(10), ', ')}",
                      f"Telefon: {values['phone']}", f"E-Mail: {values['email']}", f"Ort: {TOWNS[0][1]}", "Gruß"])
    put("nur-text.eml", mail(truth["email"], "Anmeldung Regionaltreffen Mühlhausen", body, []),
        Return("", "E-Mail", "answers in the body, no attachment", truth, "Antworten im Text der E-Mail"))
    rid = ids[8]
    sheet = reg_page(packets[rid].read_bytes())
    ticked_pdf = fill_pypdf(sheet, {VENUES[1]: "1"})
    t = member(sheet, VENUES[1])
    put(f"doppelt-{rid}.eml", mail(t["email"] or "x@example.org", "Anmeldung", "Anbei.",
                                   [(ticked_pdf, "application", "pdf", "Anmeldung.pdf")]),
        Return("", "Doppelt", "member's PDF by e-mail", t))
    put(f"doppelt-{rid}-foto.jpg", photo(Pen(form).tick(VENUES[1]).onto(sheet), rng),
        Return("", "Doppelt", "the same member's printed sheet, photographed", t))

    # 7) time: a fax after the deadline whose TIFF names its receipt time.
    values, truth = person(next(n), 3)
    put("spaet.tif", fax_with_time(fill_da(blank, values, "Helvetica-Bold", 10), DEADLINE_LATE),
        Return("", "Zeit", "fax, TIFF DateTime after the deadline", truth, "nach Anmeldeschluss"))
    rid = ids[9]
    sheet = reg_page(packets[rid].read_bytes())
    put(f"spaet-paket-{rid}.tif", fax_with_time(Pen(form).tick(VENUES[2]).onto(sheet), DEADLINE_LATE),
        Return("", "Zeit", "member's packet faxed, TIFF DateTime after the deadline", member(sheet, VENUES[2]),
               "nach Anmeldeschluss"))
    return out


# ---- the run ----

def doubled(returns: list[Return], work: Path) -> None:
    """The same sheet as e-mail PDF and as photo: one record, the other „doppelte Anmeldung“."""
    pair = [row for ret in returns if ret.group == "Doppelt" for row in ret.rows]
    dup = sum("doppelte Anmeldung" in row["reason"] for row in pair)
    print(f"derselbe Bogen als PDF und Foto: {len(pair)} Zeilen, davon als doppelt erkannt: {dup} (richtig: 1)")


def run() -> None:
    rehearse("fk-hof-", 2024, build, doubled)


if __name__ == "__main__":
    run()
