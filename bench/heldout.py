"""A held-out check of the whole CLI: a campaign of its own, other fillers, other degradations.

`python -m bench heldout` does what an office (or a hidden evaluation) does, with the project's
own commands only: `formkit campaign new` from lsz-2018, the event file edited (five other towns,
other dates), `formkit packets` for a small list of its own, `formkit render registration` for the
blank sheet; then it makes returned forms with other tools and other degradations than the scan
bench's generator (bench/returns.py), knowing the truth of each, runs `formkit parse` on the
folder twice with `--recipients` and compares the CSV with the truth.

Reported: records ``ok`` with a WRONG value (every one, with its file: the worst error), records
that should have gone to a person but came out ``ok``, the share to a person by group, rejected
rows and their reasons, lost inputs, duplicates after the second run, and the German CSV's form.
Set FK_HELDOUT_KEEP=folder to keep the campaign, the inbox and the CSVs for a look.
"""

from __future__ import annotations

import email.message
import io
import random
import re
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

from bench.rehearsal import (
    ROOT,
    VENUES,
    Inbox,
    Return,
    cities_of,
    exact,
    formkit,
    match,
    member_truth,
    packets_of,
    parse_twice,
    prepare,
    print_worst,
    read_csv,
    reg_page,
    registration_form,
    table,
    tick_state,
    workdir,
)
from formkit.layout.models import FormLayout
from tests.fill import Font, fill_pdftk, fill_pymupdf, fill_pypdf, flatten_pdftk
from tests.prefilled import Pen, onto_first_page

# Not on the list: names, institutions and streets of their own.
STRANGERS = [
    {"name": "Dr. Theresa Birnbaum-Kühn", "institution": "Caritasverband für das Bistum Erfurt e. V. / Referentin",
     "address": "Regierungsstraße 55\n99084 Erfurt", "phone": "0361 6729-115", "email": "t.birnbaum@caritas-erfurt.de"},
    {"name": "Gölzner, Wolfgang", "institution": "Volkssolidarität Saale-Orla / Seniorenbeauftragter",
     "address": "Schulplatz 2\n07907 Schleiz", "phone": "03663 42217", "email": "w.goelzner@vs-saaleorla.de"},
    {"name": "Lena Pfützenreuter", "institution": "Jugendamt Ilm-Kreis, Allgemeiner Sozialer Dienst",
     "address": "Krappgartenstraße 3\n99310 Arnstadt", "phone": "03628 738-410", "email": "lena.pfuetzenreuter@ilm-kreis.de"},
    {"name": "Mehmet Yıldız".replace("ı", "i"), "institution": "Mehrgenerationenhaus Sömmerda",
     "address": "Poststraße 8\n99610 Sömmerda", "phone": "03634 31975", "email": "yildiz@mgh-soemmerda.de"},
    {"name": "Ines Wächtler", "institution": "Evangelische Jugendhilfe Gera gGmbH, Bereichsleitung",
     "address": "Talstraße 30\n07545 Gera", "phone": "0365 83216-40", "email": "ines.waechtler@ejh-gera.de"},
    {"name": "Prof. Dr. Rüdiger Oßwald", "institution": "Universität Erfurt, Staatswissenschaftliche Fakultät",
     "address": "Nordhäuser Straße 63\n99089 Erfurt", "phone": "0361 737-4711", "email": "r.osswald@uni-erfurt.de"},
    {"name": "Sabine Zöllner-Fiedler", "institution": "Bürgerstiftung Ilmenau",
     "address": "Lindenstraße 12\n98693 Ilmenau", "phone": "03677 20981", "email": "zoellner@buergerstiftung-ilmenau.de"},
    {"name": "Kai-Uwe Rößler", "institution": "Stadtverwaltung Saalfeld / Amt für Jugend und Soziales",
     "address": "Markt 1\n07318 Saalfeld", "phone": "03671 598-350", "email": "k.roessler@saalfeld.de"},
]




# ---- degradations (own choices, not bench/returns.py's) ----

def gs(pdf: bytes, device: str, res: str, extra: tuple[str, ...] = ()) -> bytes:
    with tempfile.TemporaryDirectory(prefix="fk-ho-") as tmp:
        src, out = Path(tmp, "in.pdf"), Path(tmp, "out")
        src.write_bytes(pdf)
        subprocess.run(["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", f"-sDEVICE={device}", f"-r{res}", *extra,
                        f"-sOutputFile={out}", str(src)], check=True, capture_output=True, timeout=300)
        return out.read_bytes()


def grey(pdf: bytes, dpi: int) -> Image.Image:
    png = gs(pdf, "pnggray", f"{dpi}", ("-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", "-dFirstPage=1",
                                          "-dLastPage=1"))
    return Image.open(io.BytesIO(png)).convert("L")


def to_bw(img: Image.Image, level: int = 140) -> Image.Image:
    a = np.asarray(img.convert("L"))
    return Image.fromarray(np.where(a < level, 0, 255).astype(np.uint8)).convert("1")


def tiff(img: Image.Image, dpi: tuple[int, int], compression: str = "group4") -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="TIFF", compression=compression, dpi=dpi)
    return buf.getvalue()


def jpeg(img: Image.Image, quality: int, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.convert("L").save(buf, format="JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()


def skewed(img: Image.Image, deg: float) -> Image.Image:
    return img.convert("L").rotate(deg, resample=Image.Resampling.BILINEAR, fillcolor=255)


def scaled(img: Image.Image, f: float) -> Image.Image:
    """The page copied at *f* (a copier's 97 %), placed on a page of the same size."""
    g = img.convert("L")
    small = g.resize((round(g.width * f), round(g.height * f)), Image.Resampling.BILINEAR)
    out = Image.new("L", g.size, 255)
    out.paste(small, ((g.width - small.width) // 2, (g.height - small.height) // 2))
    return out


def salt_pepper(img: Image.Image, share: float, rng: random.Random) -> Image.Image:
    a = np.asarray(img.convert("L")).copy()
    gen = np.random.default_rng(rng.randrange(1 << 30))
    m = gen.random(a.shape)
    a[m < share / 2] = 0
    a[m > 1 - share / 2] = 255
    return Image.fromarray(a)


def cut(img: Image.Image, edge: str, mm: float, dpi: tuple[int, int]) -> Image.Image:
    px, py = round(mm / 25.4 * dpi[0]), round(mm / 25.4 * dpi[1])
    box = {"left": (px, 0, img.width, img.height), "right": (0, 0, img.width - px, img.height),
           "top": (0, py, img.width, img.height), "bottom": (0, 0, img.width, img.height - py)}[edge]
    return img.crop(box)


def pdf_of_scan(img: Image.Image, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.convert("L").save(buf, format="PDF", resolution=dpi)
    return buf.getvalue()


def multipage(cover: Image.Image, page: Image.Image, dpi: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    cover.convert("1").save(buf, format="TIFF", compression="group4", dpi=dpi, save_all=True,
                            append_images=[page.convert("1")])
    return buf.getvalue()


def eml(pdf: bytes, sender: str, name: str) -> bytes:
    m = email.message.EmailMessage()
    m["From"], m["To"] = sender, "anmeldung@tmasgff.example"
    m["Subject"] = "Anmeldung Regionaltreffen"
    m["Date"] = "Mon, 09 Aug 2021 10:15:00 +0200"
    m.set_content("Sehr geehrte Damen und Herren,\nanbei meine Anmeldung.\nMit freundlichen Grüßen")
    m.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
    return bytes(m)


# ---- fillers other than the project's ----

def fill_pikepdf_v(pdf: bytes, values: dict[str, str]) -> bytes:
    """qpdf/pikepdf writing /V only (no appearance), NeedAppearances set: what some scripts do."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for f in doc.Root.AcroForm.Fields:
            name = str(f.get("/T", ""))
            if name not in values:
                continue
            if f.get("/FT") == "/Btn":
                f.V = f.AS = tick_state(f, values[name] == "1")
            else:
                f.V = pikepdf.String(values[name])
        doc.Root.AcroForm.NeedAppearances = True
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def gs_flatten(pdf: bytes) -> bytes:
    """"Print to PDF" with Ghostscript's pdfwrite: the appearances become page content."""
    return gs(pdf, "pdfwrite", "72", ("-dPrinted", "-dShowAnnots=true"))


def overlay(pdf: bytes, form: FormLayout, values: dict[str, str], font_file: str, size: float,
            cover_qr: bool = False) -> bytes:
    """Text drawn onto the printed sheet in *font_file*: a typewriter, a word processor's overlay or
    (with a script font) handwriting; ticks as crosses. ``cover_qr`` pastes a label over the QR code."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    fname = Path(font_file).stem
    if fname not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(fname, font_file))
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(form.width * mm, form.height * mm), invariant=1)
    top = form.height
    for name, value in values.items():
        b = form.field(name).box
        if form.field(name).type == "checkbox":
            if value == "1":
                c.setLineWidth(1.4)
                c.line((b.x + 1) * mm, (top - b.y - 1) * mm, (b.x2 - 1) * mm, (top - b.y2 + 1) * mm)
                c.line((b.x + 1) * mm, (top - b.y2 + 1) * mm, (b.x2 - 1) * mm, (top - b.y - 1) * mm)
            continue
        c.setFont(fname, size)
        for i, line in enumerate(value.split("\n")):
            c.drawString((b.x + 1.5) * mm, (top - b.y - 4 - i * size * 0.42) * mm - 4, line)
    if cover_qr:
        c.setFillGray(1)
        c.rect(form.qr.x * mm, (top - form.qr.y - form.qr.size) * mm, form.qr.size * mm, form.qr.size * mm,
               stroke=0, fill=1)
    c.showPage()
    c.save()
    return onto_first_page(pdf, buf.getvalue())


# ---- the returns ----

def build(work: Path, form: FormLayout, rng: random.Random) -> list[Return]:
    box = Inbox(work / "eingang")
    inbox, out, put = box.folder, box.returns, box.put
    blank = (work / "blank.pdf").read_bytes()
    packets = packets_of(work / "pakete")
    fine, normal = (204, 196), (204, 98)

    def member(pdf: bytes, venue: str) -> dict[str, str]:
        """The truth of a member's packet *pdf* (its sheet or the whole) sent back with *venue*
        ticked and nothing typed."""
        return member_truth(reg_page(pdf), venue)

    def covered_qr(rid: str, venue: str, font_file: Path, res: str, mode: str) -> None:
        """A member's printed sheet, ticked (crosses in *font_file*'s overlay), with a label over
        its QR code, faxed in *mode*."""
        sheet = reg_page(packets[rid].read_bytes())
        put(f"paket-ohne-qr-{rid}.tif", gs(overlay(sheet, form, {venue: "1"}, str(font_file), 10, cover_qr=True),
                                           "tiffg3", res),
            Return("", "Paket: nur Kreuz", f"QR covered by a label, fax {mode}", member(sheet, venue)))

    def stranger(i: int, venue: int, date: str = "02.08.2021") -> tuple[dict[str, str], dict[str, str]]:
        p = dict(STRANGERS[i % len(STRANGERS)])
        if i >= len(STRANGERS):  # another person of the same office: a first name of their own
            first = ["Elke", "Torsten", "Mareike", "Jens", "Brigitte", "Sven", "Heike", "Lutz"][i // len(STRANGERS) - 1]
            p["name"] = re.sub(r"(\w+)(?=\s\S+$)|(?<=, )\w+$", first, p["name"], count=1)
            local, dom = p["email"].split("@")
            p["email"] = f"{first.lower()}.{local.split('.')[-1]}@{dom}"
        values = {**p, "date": date, **{v: ("1" if j == venue else "") for j, v in enumerate(VENUES)}}
        truth = {**p, "date": date, "venue": VENUES[venue]}
        return values, truth

    fonts = [Font("Times", 9), Font("Courier", 11), Font("Helvetica", 0), Font("Times", 12), Font("Courier", 8),
             Font("Helvetica", 10)]
    # 1) strangers' filled PDFs sent as files or e-mails (7 fillers).
    pdf_fillers = [
        ("pypdf NeedAppearances", lambda v: fill_pypdf(blank, v, need_appearances=True)),
        ("pymupdf Times 9", lambda v: fill_pymupdf(blank, v, Font("Times", 9))),
        ("pymupdf Courier 11", lambda v: fill_pymupdf(blank, v, Font("Courier", 11))),
        ("pymupdf auto size", lambda v: fill_pymupdf(blank, v, Font("Helvetica", 0))),
        ("pdftk", lambda v: fill_pdftk(blank, v)),
        ("pikepdf /V only", lambda v: fill_pikepdf_v(blank, v)),
        ("pdftk flatten", lambda v: fill_pdftk(blank, v, flatten=True)),
        ("gs pdfwrite of pymupdf", lambda v: gs_flatten(fill_pymupdf(blank, v, Font("Times", 11)))),
        ("pypdf, flatten by pdftk", lambda v: flatten_pdftk(fill_pypdf(blank, v))),
    ]
    for k, (how, filler) in enumerate(pdf_fillers):
        values, truth = stranger(k, k % 5)
        pdf = filler(values)
        if k % 2:
            put(f"pdf-{k:02d}.eml", eml(pdf, truth["email"], "Anmeldung.pdf"),
                Return("", "fremd: PDF", how + " (E-Mail)", truth))
        else:
            put(f"pdf-{k:02d}.pdf", pdf, Return("", "fremd: PDF", how, truth))

    # 2) strangers' typed sheets, faxed or scanned in many ways.
    def typed(k: int) -> tuple[bytes, dict[str, str], str]:
        values, truth = stranger(k, k % 5)
        font = fonts[k % len(fonts)]
        if k % 3 == 0:
            return fill_pymupdf(blank, values, font), truth, f"pymupdf {font.label}"
        if k % 3 == 1:
            return fill_pdftk(blank, values, flatten=True), truth, "pdftk flatten"
        return fill_pypdf(blank, values), truth, "pypdf"

    degr: list[tuple[str, str, object]] = [
        ("tiffg3 fine", "tif", lambda p: gs(p, "tiffg3", "204x196")),
        ("tiffg4 fine", "tif", lambda p: gs(p, "tiffg4", "204x196")),
        ("tiffg3 normal", "tif", lambda p: gs(p, "tiffg3", "204x98")),
        ("tiffg4 normal", "tif", lambda p: gs(p, "tiffg4", "204x98")),
        ("toned light 95", "tif", lambda p: tiff(to_bw(grey(p, 204), 95), fine)),
        ("toned dark 180", "tif", lambda p: tiff(to_bw(grey(p, 204), 180), fine)),
        ("grey 300 JPEG q30", "jpg", lambda p: jpeg(grey(p, 300), 30, 300)),
        ("grey 300 JPEG q60 skew 1.5", "jpg", lambda p: jpeg(skewed(grey(p, 300), 1.5), 60, 300)),
        ("fax rotated 180", "tif", lambda p: tiff(to_bw(grey(p, 204)).rotate(180), fine)),
        ("fax skew 1", "tif", lambda p: tiff(to_bw(skewed(grey(p, 204), 1.0)), fine)),
        ("fax skew -2.5", "tif", lambda p: tiff(to_bw(skewed(grey(p, 204), -2.5)), fine)),
        ("fax skew 3", "tif", lambda p: tiff(to_bw(skewed(grey(p, 204), 3.0)), fine)),
        ("fax scaled 95", "tif", lambda p: tiff(to_bw(scaled(grey(p, 204), 0.95)), fine)),
        ("fax scaled 103", "tif", lambda p: tiff(to_bw(scaled(grey(p, 204), 1.03).resize(grey(p, 204).size)), fine)),
        ("scan 300 scaled 97", "png", lambda p: png(scaled(grey(p, 300), 0.97))),
        ("fax salt+pepper 1 %", "tif", lambda p: tiff(to_bw(salt_pepper(grey(p, 204), 0.01, rng)), fine)),
        ("fax cut 5 mm left", "tif", lambda p: tiff(to_bw(cut(grey(p, 204), "left", 5, fine)), fine)),
        ("fax cut 5 mm bottom", "tif", lambda p: tiff(to_bw(cut(grey(p, 204), "bottom", 5, fine)), fine)),
        ("fax cut 5 mm right", "tif", lambda p: tiff(to_bw(cut(grey(p, 204), "right", 5, fine)), fine)),
        ("multi-page TIFF, cover first", "tif", lambda p: multipage(cover(), to_bw(grey(p, 204)), fine)),
        ("PDF with the scan embedded", "pdf", lambda p: pdf_of_scan(grey(p, 200), 200)),
        ("normal-mode toned dark", "tif", lambda p: tiff(to_bw(grey(p, 204).resize((1728, 1169)), 170), normal)),
        ("grey 300 JPEG q45 rotated 180", "jpg", lambda p: jpeg(grey(p, 300).rotate(180), 45, 300)),
        ("fax tiffg3 fine skew via gs + noise", "tif", lambda p: tiff(to_bw(salt_pepper(skewed(grey(p, 204), 2), 0.004,
                                                                                         rng)), fine)),
    ]
    for k, (dname, ext, fn) in enumerate(degr):
        pdf, truth, how = typed(k + 9)
        put(f"fax-{k:02d}.{ext}", fn(pdf),  # type: ignore[operator]
            Return("", "fremd: Fax/Scan", f"{how}; {dname}", truth))

    # 3) members' packets, each member once: only a tick (e-mail PDF ticked in a viewer; the printed
    # copy ticked by pen, then faxed fine or normal or scanned grey).
    ids = sorted(packets)
    paths = ["pdf", "fine", "normal", "scan"]
    for k, rid in enumerate(ids[:14]):
        sheet = reg_page(packets[rid].read_bytes())
        venue = k % 5
        truth = member(sheet, VENUES[venue])
        path = paths[k % 4]
        if path == "pdf":
            put(f"paket-{rid}.pdf", fill_pypdf(sheet, {VENUES[venue]: "1"}),
                Return("", "Paket: nur Kreuz", "pypdf tick, e-mail PDF", truth))
            continue
        ticked = Pen(form).tick(VENUES[venue]).onto(sheet)
        if path == "scan":
            put(f"paket-{rid}.jpg", jpeg(skewed(grey(ticked, 300), 0.8), 50, 300),
                Return("", "Paket: nur Kreuz", "pen tick, grey scan q50 skew 0.8", truth))
        else:
            put(f"paket-{rid}.tif", gs(ticked, "tiffg3", "204x196" if path == "fine" else "204x98"),
                Return("", "Paket: nur Kreuz", f"pen tick, tiffg3 {path}", truth))

    # 4) members' corrections on prefilled packets (must go to a person), a forwarded packet.
    for k, rid in enumerate(ids[14:20]):
        sheet = reg_page(packets[rid].read_bytes())
        venue = (k + 1) % 5
        truth = member(sheet, VENUES[venue])
        if k == 0:  # new institution typed over the printed one in the e-mail PDF
            new = "Landratsamt Kyffhäuserkreis / Jugendamt"
            pdf = fill_pypdf(sheet, {"institution": new, VENUES[venue]: "1"})
            put(f"korr-{rid}.pdf", pdf, Return("", "Paket: geändert (PDF)", "pypdf: institution retyped",
                                                {**truth, "institution": new}))
        elif k == 1:  # new phone typed in PyMuPDF, then faxed
            new = "0361 555-1234"
            pdf = fill_pymupdf(sheet, {"phone": new, VENUES[venue]: "1"}, Font("Courier", 10))
            put(f"korr-{rid}.tif", gs(pdf, "tiffg3", "204x196"),
                Return("", "Paket: geändert", "pymupdf: phone retyped, fax fine", {**truth, "phone": new},
                       "Vordruck geändert"))
        elif k in (2, 3):  # printed copy: value crossed out and a new one written by hand, faxed
            fld = "email" if k == 2 else "name"
            new = "info@poessneck.de" if k == 2 else "Bernd Kühn"
            pdf = Pen(form).strike_and_write(fld, new).tick(VENUES[venue]).onto(sheet)
            put(f"korr-{rid}.tif", gs(pdf, "tiffg3", "204x196"),
                Return("", "Paket: geändert", f"pen: {fld} struck out, rewritten; fax fine",
                       {**truth, fld: new}, "Vordruck geändert"))
        elif k == 4:  # a character added by hand after the printed address
            pdf = Pen(form).append("phone", truth["phone"], " App. 12").tick(VENUES[venue]).onto(sheet)
            put(f"korr-{rid}.tif", gs(pdf, "tiffg3", "204x196"),
                Return("", "Paket: geändert", "pen: extension added to phone; fax fine",
                       {**truth, "phone": truth["phone"] + " App. 12"}, "Vordruck geändert"))
        else:  # a stranger on a forwarded packet: every text field retyped (e-mail PDF)
            values, st = stranger(40, venue)
            pdf = fill_pypdf(sheet, values)
            put(f"weiter-{rid}.pdf", pdf, Return("", "Paket: weitergeleitet", "pypdf: all fields retyped",
                                                  {**st, "date": st["date"]}, "Vordruck geändert"))

    # 5) people's mistakes on blank sheets.
    values, truth = stranger(41, 1)
    wrong = {**values, "phone": values["email"], "email": values["phone"]}
    put("fehler-vertauscht.pdf", fill_pypdf(blank, wrong), Return(
        "", "Fehler", "pypdf: phone and e-mail swapped", {**truth, "phone": values["email"], "email": values["phone"]},
        "Wert im falschen Feld"))
    values, truth = stranger(42, 1)
    wrong = {**values, "phone": values["email"], "email": values["phone"]}
    put("fehler-vertauscht.tif", gs(fill_pdftk(blank, wrong, flatten=True), "tiffg3", "204x196"), Return(
        "", "Fehler", "pdftk: phone and e-mail swapped; fax fine",
        {**truth, "phone": values["email"], "email": values["phone"]}, "Wert im falschen Feld"))
    values, truth = stranger(43, 2)
    put("fehler-ohne-name.pdf", fill_pypdf(blank, {**values, "name": ""}), Return(
        "", "Fehler", "pypdf: name empty", {**truth, "name": ""}, "Pflichtfeld leer"))
    values, truth = stranger(44, 2)
    put("fehler-ohne-name.tif", gs(fill_pymupdf(blank, {**values, "name": ""}, Font("Times", 10)), "tiffg3", "204x196"),
        Return("", "Fehler", "pymupdf: name empty; fax fine", {**truth, "name": ""}, "Pflichtfeld leer"))
    values, truth = stranger(45, 2)
    put("fehler-ohne-ort.tif", gs(fill_pdftk(blank, {**values, VENUES[2]: ""}), "tiffg3", "204x196"),
        Return("", "Fehler", "pdftk: no venue ticked; fax fine", {**truth, "venue": ""}, "kein Ort"))
    values, truth = stranger(46, 0)
    two = {**values, VENUES[3]: "1"}
    put("fehler-zwei-orte.pdf", fill_pymupdf(blank, two), Return(
        "", "Fehler", "pymupdf: two venues", {**truth, "venue": f"{VENUES[0]} + {VENUES[3]}"}, "zwei Orte"))
    values, truth = stranger(47, 0)
    two = {**values, VENUES[3]: "1"}
    put("fehler-zwei-orte.tif", gs(fill_pypdf(blank, two), "tiffg3", "204x98"), Return(
        "", "Fehler", "pypdf: two venues; fax normal", {**truth, "venue": f"{VENUES[0]} + {VENUES[3]}"}, "zwei Orte"))

    # 6) other writers: a word processor's overlay in other fonts, handwriting (script fonts).
    fonts_dir = Path("/usr/share/fonts/truetype")
    writers = [("DejaVu Serif 10 overlay", fonts_dir / "dejavu/DejaVuSerif.ttf", 10, False),
               ("Liberation Mono 9 overlay", fonts_dir / "liberation2/LiberationMono-Regular.ttf", 9, False),
               ("DejaVu Sans Condensed 11 overlay", fonts_dir / "dejavu/DejaVuSansCondensed.ttf", 11, False),
               ("handwriting femkeklaver 14", fonts_dir / "femkeklaver/femkeklaver.ttf", 14, True),
               ("handwriting dkg 15", fonts_dir / "fifthhorseman/dkg.ttf", 15, True),
               ("handwriting breip 15", fonts_dir / "breip/Breip.ttf", 15, True)]
    for k, (how, font_file, size, hand) in enumerate(writers):
        values, truth = stranger(52 + k, k % 5)
        pdf = overlay(blank, form, values, str(font_file), size)
        data = gs(pdf, "tiffg3", "204x196" if k % 2 == 0 else "204x98")
        put(f"andere-{k:02d}.tif", data, Return("", "fremd: Hand/Schreibmaschine" if hand else "fremd: andere Schrift",
                                                 how + (", fax fine" if k % 2 == 0 else ", fax normal"), truth))

    # 7) more people: name and institution swapped; the whole packet (every page) sent back;
    # a sheet of the other loaded campaign (lsz-2018); the same fax twice; QR covered.
    values, truth = stranger(58, 3)
    swapped = {**values, "name": values["institution"], "institution": values["name"]}
    put("fehler-name-institution.pdf", fill_pypdf(blank, swapped),
        Return("", "Fehler", "pypdf: name and institution swapped",
               {**truth, "name": values["institution"], "institution": values["name"]}, "Wert im falschen Feld"))
    rid = ids[20]
    whole = packets[rid].read_bytes()
    put(f"paket-ganz-{rid}.pdf", fill_pypdf(whole, {VENUES[2]: "1"}),
        Return("", "Paket: nur Kreuz", "pypdf tick in the whole packet PDF (all pages)", member(whole, VENUES[2])))
    covered_qr(ids[21], VENUES[4], writers[0][1], "204x196", "fine")
    old_blank = (work / "blank-2018.pdf").read_bytes()
    values, truth = stranger(59, 0)
    values = {k: v for k, v in values.items() if not k.startswith("venue_")} | {"venue_gotha": "1",
                                                                                "date": "05.04.2018"}
    put("lsz2018-fremd.tif", gs(fill_pdftk(old_blank, values), "tiffg3", "204x196"),
        Return("", "fremd: Fax/Scan", "lsz-2018 sheet, pdftk, fax fine",
               {**truth, "date": "05.04.2018", "venue": "venue_gotha"}))
    covered_qr(ids[22], VENUES[1], writers[0][1], "204x98", "normal")
    rid = ids[23]
    sheet = reg_page(packets[rid].read_bytes())
    put(f"paket-bild-{rid}.pdf", pdf_of_scan(grey(fill_pypdf(sheet, {VENUES[0]: "1"}), 150), 150),
        Return("", "Paket: nur Kreuz", "ticked e-mail PDF printed to a PDF as a 150-dpi image",
               member(sheet, VENUES[0])))
    values, truth = stranger(60, 4)
    put("fremd-ohne-qr.tif", gs(overlay(fill_pdftk(blank, values, flatten=True), form, {}, str(writers[0][1]), 10,
                                        cover_qr=True), "tiffg3", "204x196"),
        Return("", "fremd: Fax/Scan", "pdftk flatten, QR covered, fax fine", truth))
    twice = inbox / "fax-00.tif"
    put("nochmal/fax-00-kopie.tif", twice.read_bytes(), Return("", "Kopie", "the same fax again, other name",
                                                               dict(out[[r.file for r in out].index("fax-00.tif")].truth),
                                                               "dieselbe Datei zweimal"))
    return out


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(300, 300))
    return buf.getvalue()


def cover() -> Image.Image:
    """A fax cover page: some lines of text, no form."""
    from PIL import ImageDraw

    img = Image.new("L", (1728, 2292), 255)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(["TELEFAX", "An: Referat Familienpolitik", "Von: Stadtverwaltung", "Seiten: 2"]):
        d.text((200, 300 + 80 * i), line, fill=0)
    return img


def run() -> None:
    rng = random.Random(2021)
    with workdir("fk-heldout-") as work:
        t0 = time.perf_counter()
        # lsz-2018's folder loaded too: one return is a sheet of that campaign.
        lay, form = prepare(work, [], ROOT / "layouts")
        r = formkit("render", "registration", "--campaign", "lsz-2018", "-o", str(work / "blank-2018.pdf"), *lay,
                    cwd=work)
        assert r.returncode == 0, r.stderr
        returns = build(work, form, rng)
        t1 = time.perf_counter()
        print(f"{len(returns)} Rückläufer erzeugt in {t1 - t0:.0f} s ({work})", flush=True)
        r1, r2, seconds = parse_twice(work, lay, [])
        r3 = formkit("export", "--db", str(work / "formkit.sqlite"), "--csv", str(work / "export.csv"), "--dialect",
                     "excel-de", *lay, cwd=work)
        print(f"parse: Exit {r1.returncode} in {seconds:.0f} s; zweiter Lauf Exit {r2.returncode}; "
              f"export Exit {r3.returncode}")
        if r1.returncode not in (0, 2, 3):
            print(r1.stderr[-2000:])
        report(returns, work, cities_of(form, registration_form(ROOT / "layouts" / "lsz-2018")))


def report(returns: list[Return], work: Path, cities: dict[str, str]) -> None:
    raw = (work / "lauf1.csv").read_bytes()
    bom = "ja" if raw.startswith(b"\xef\xbb\xbf") else "NEIN"
    sep = ";" if raw.splitlines()[0].count(b";") > 5 else "NICHT ;"
    print(f"CSV (excel-de): BOM {bom}, Trennzeichen {sep}")
    rows = read_csv(work / "lauf1.csv")
    match(returns, rows)
    lost = [r for r in returns if not r.rows]
    rows2 = read_csv(work / "lauf2.csv")
    exported = read_csv(work / "export.csv")
    print(f"Zeilen: Lauf 1 {len(rows)}, Lauf 2 {len(rows2)}, Export {len(exported)} (Rückläufer {len(returns)})")
    seen = Counter((r["source"], r["page"]) for r in exported)
    dups = [k for k, n in seen.items() if n > 1]
    print(f"Doppelte Zeilen im Export nach zweitem Lauf: {len(dups)} {dups[:5]}")
    print(f"Verloren (keine Zeile): {len(lost)} {[r.file for r in lost]}")

    tally = table(returns, cities, 110)
    print("\n| Gruppe | n | ok | review | rejected |")
    print("|---|---|---|---|---|")
    for g, c in tally.groups.items():
        n = sum(c.values())
        print(f"| {g} | {n} | {c['ok']} | {c['review']} ({100 * c['review'] / n:.0f} %) | {c['rejected']} |")
    print_worst(tally)
    print(f"abgelehnt: {len(tally.rejected)}")
    for ret, why in tally.rejected:
        print(f"  {ret.file} ({ret.how}): {why}")
    ex = exact(returns, cities)
    print("\n| Gruppe | Felder exakt (alle Zeilen) | davon in review-Zeilen exakt |")
    print("|---|---|---|")
    for g in tally.groups:
        if g in ex:
            right, total, right_r, total_r = ex[g]
            print(f"| {g} | {right}/{total} | {right_r}/{total_r} |")
    # the reasons rows went to a person, for the review share's meaning
    reasons = Counter(p.strip() for ret in returns for row in ret.rows if row["status"] == "review"
                      for p in re.split(r";", row["reason"]) if p.strip())
    print("Gründe (review): " + "; ".join(f"{k[:70]} {n}" for k, n in reasons.most_common(15)))


if __name__ == "__main__":
    run()
