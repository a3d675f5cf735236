"""Held-out campaigns edited as an office would, and other returners, end to end through the CLI.

`python -m bench heldout_campaigns` goes beyond `bench heldout` (one campaign, five towns):
- three campaigns made with `formkit campaign new` from lsz-2018 and edited harder: 2, 3 and 6
  venues, long venue names with umlauts, ß, hyphens and a slash, other dates and deadlines, a longer
  organiser block, other contact people; each is checked and rendered (invitation, sheet, letters);
- packets for the 6-venue campaign, then returners other than the benches': a typewriter (Courier)
  on the print copy, a tick drawn as a dot, a slash, a circle or a check mark, two venues ticked, a
  cross beside the box, the sheet printed at 97 % ("fit to page") and faxed, faxed upside down, the
  previous campaign's sheet, an e-mail with the filled PDF and a photo of the signed page;
- after the packets went out, the office edits the meetings: a town's spelling corrected (same id),
  the meetings reordered, one cancelled; old sheets must then be read (spelling) or refused
  (moved boxes), never read with the new boxes;
- `parse` twice, `export` (CSV, xlsx, door list PDF), `allocate`, `confirm` (letters).

Reported like `bench heldout`: records ``ok`` with a WRONG value (each with its file), inputs that
should have gone to a person but came out ``ok``, lost inputs, duplicates after the second run,
the German reasons, and any message of the commands that is not German.
Set FK_HELDOUT_KEEP=folder to keep everything for a look.
"""

from __future__ import annotations

import email.message
import io
import random
import re
import time
from pathlib import Path

import yaml
from PIL import Image, ImageFilter
from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from bench.heldout import (
    STRANGERS,
    grey,
    gs,
    gs_flatten,
    jpeg,
    tiff,
)
from bench.rehearsal import (
    ROOT,
    TEXT,
    Inbox,
    Return,
    cities_of,
    compare,
    exact,
    formkit,
    loop,
    match,
    matched,
    member_truth,
    packets_of,
    parse_twice,
    print_log_check,
    print_parsed,
    print_sure_wrong,
    print_worst,
    read_csv,
    reg_page,
    registration_form,
    table,
    workdir,
    write_list,
)
from formkit.layout.models import FormLayout
from tests.fill import Font, fill_pdftk, fill_pymupdf, fill_pypdf
from tests.prefilled import Pen, onto_first_page

# Meetings an office would type: long names, umlauts, ß, hyphens, a slash; one campaign per size.
SIX = [("heiligenstadt", "Heilbad Heiligenstadt", "37308", "2022-10-04", "Kulturhaus „Alte Weberei“ – Großer Saal",
        "Göttinger Straße 12–14"),
       ("weissensee", "Weißensee", "99631", "2022-10-06", "Bürgerhaus Weißensee", "Marktstraße 1"),
       ("leinefelde", "Leinefelde-Worbis", "37327", "2022-10-11", "Obereichsfeldhalle", "Konrad-Martin-Straße 5"),
       ("frankenhausen", "Bad Frankenhausen/Kyffhäuser", "06567", "2022-10-13",
        "Regionalmuseum im Schloss, Rittersaal", "Schloßstraße 13"),
       ("schlossvippach", "Schloßvippach", "99195", "2022-10-18", "Gemeindezentrum", "Hauptstraße 20"),
       ("zella", "Zella-Mehlis", "98544", "2022-10-20", "Stadtverwaltung Zella-Mehlis, Sitzungssaal",
        "Rathausstraße 4")]
THREE = [("poessneck", "Pößneck", "07381", "2023-03-07", "Shedhalle", "Am Bahnhof 2"),
         ("gruenberg", "Großenstein-Grünberg", "07580", "2023-03-09", "Dorfgemeinschaftshaus", "Hauptstraße 1"),
         ("eisenberg", "Eisenberg", "07607", "2023-03-14", "Landratsamt Saale-Holzland-Kreis, Großer Sitzungssaal",
          "Im Schloss")]
TWO = [("saalfeld", "Saalfeld/Saale", "07318", "2022-05-17", "Meininger Hof", "Saalstraße 5"),
       ("oehrenstock", "Ilmenau-Öhrenstock", "98693", "2022-05-19", "Gaststätte „Zur Schönen Aussicht“",
        "Öhrenstocker Straße 3")]
CONTACTS = [
    {"name": "Dr. Ursula Weiß-Großmann", "organisation": "Thüringer Ministerium für Bildung, Jugend und Sport",
     "unit": "Referat 34", "street": "Werner-Seelenbinder-Straße 7", "postcode": "99096", "city": "Erfurt",
     "phone": "(0361) 57 3411-234", "email": "ursula.weiss-grossmann@tmbjs.thueringen.de"},
    {"name": "Jörg Müßiggang", "organisation": "Servicestelle Familienbildung e. V.", "street": "Löberstraße 34",
     "postcode": "99096", "city": "Erfurt", "phone": "0361 2225-115", "email": "j.muessiggang@familienbildung.de"},
    {"name": "Anne-Kathrin Öhler", "organisation": "Landesfamilienrat Thüringen", "street": "Johannesstraße 19",
     "postcode": "99084", "city": "Erfurt", "phone": "0361 654 22 10", "email": "oehler@lfr-thueringen.de"}]
ORGANISATION = ("Thüringer Ministerium für Bildung, Jugend und Sport – Abteilung Kinder, Jugend, Familie und "
                "Gleichstellung")
UNIT = "Referat 34 – Familienförderung, Familienbildung und Mehrgenerationenhäuser (Geschäftsstelle Landesfamilienrat)"


def edit_event(folder: Path, meetings: list[tuple[str, str, str, str, str, str]], deadline: str, letter: str,
               capacity: int, long_sender: bool) -> None:
    path = folder / "event.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    base = data["meetings"][0]
    data["meetings"] = [{**base, "id": mid, "city": city, "postcode": pc, "date": day, "venue": venue,
                         "street": street, "room": "Saal 1", "capacity": capacity, "region": "Thüringen",
                         "invited": "Landkreise und kreisfreie Städte der Region"}
                        for mid, city, pc, day, venue, street in meetings]
    data["registration"]["deadline"] = deadline
    data["letter"]["date"] = letter
    data["contacts"] = CONTACTS if long_sender else CONTACTS[1:2]
    if long_sender:
        data["sender"]["organisation"], data["sender"]["unit"] = ORGANISATION, UNIT
        data["ministry_short"] = "TMBJS"
        data["letter"]["signatory"] = "Helmut Holter"
        data["letter"]["signatory_title"] = "Thüringer Minister für Bildung, Jugend und Sport"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def new_campaign(work: Path, cid: str, meetings: list[tuple[str, str, str, str, str, str]], deadline: str,
                 letter: str, capacity: int, long_sender: bool, log: list[str]) -> Path:
    folder = work / "layouts" / cid
    r = formkit("campaign", "new", str(ROOT / "layouts" / "lsz-2018"), cid, "-o", str(folder), cwd=work)
    log.append(r.stdout + r.stderr)
    assert r.returncode == 0, r.stderr
    edit_event(folder, meetings, deadline, letter, capacity, long_sender)
    r = formkit("campaign", "check", "--layouts", str(folder), cwd=work)
    log.append(r.stdout + r.stderr)
    assert r.returncode == 0, r.stdout + r.stderr
    for doc in ("invitation", "registration", "confirmation", "waitlist"):
        r = formkit("render", doc, "--layouts", str(folder), "-o", str(work / f"{cid}-{doc}.pdf"), cwd=work)
        log.append(r.stdout + r.stderr)
        assert r.returncode == 0, r.stderr
    return folder


# ---- marks a person makes (layout millimetres) ----

class Marks(Pen):
    """A pen on the printed sheet (tests.prefilled.Pen): ticks of several shapes, text in a given font."""

    def tick(self, name: str, shape: str = "cross", dx: float = 0.0) -> Marks:
        b = self.form.field(name).box
        x0, x1, cx, cy = b.x + dx, b.x2 + dx, b.x + b.w / 2 + dx, b.y + b.h / 2
        c = self.c
        if shape == "cross":
            c.line((x0 + 1.2) * mm, self._y(b.y + 1.2), (x1 - 1.2) * mm, self._y(b.y2 - 1.2))
            c.line((x0 + 1.2) * mm, self._y(b.y2 - 1.2), (x1 - 1.2) * mm, self._y(b.y + 1.2))
        elif shape == "slash":
            c.line((x0 + 1.5) * mm, self._y(b.y2 - 1.2), (x1 - 1.5) * mm, self._y(b.y + 1.2))
        elif shape == "dot":
            c.circle(cx * mm, self._y(cy), 1.3 * mm, stroke=0, fill=1)
        elif shape == "circle":
            c.circle(cx * mm, self._y(cy), b.w * 0.32 * mm, stroke=1, fill=0)
        elif shape == "check":
            c.lines([((x0 + 1.2) * mm, self._y(cy), (cx - 0.5) * mm, self._y(b.y2 - 1.2)),
                     ((cx - 0.5) * mm, self._y(b.y2 - 1.2), (x1 + 0.8) * mm, self._y(b.y - 1.0))])
        return self

    def text(self, name: str, value: str, font: str, size: float, jitter: random.Random | None = None,
             dx: float = 1.5) -> Marks:
        """*value* typed into the field's box, *dx* mm from its left line (0: flush with the line)."""
        b = self.form.field(name).box
        self.c.setFont(font, size)
        for i, line in enumerate(value.split("\n")):
            dy = jitter.uniform(-0.3, 0.3) if jitter else 0.0
            self.c.drawString((b.x + dx) * mm, self._y(b.y + 5 + i * size * 0.42 + dy), line)
        return self


def fit_to_page(pdf: bytes, f: float) -> bytes:
    """Page 1 printed at *f* of its size, centred (a print dialog's "fit to page"). The form
    fields' appearances are flattened into the page first: a viewer prints them scaled too."""
    out = PdfWriter(clone_from=PdfReader(io.BytesIO(gs_flatten(pdf))))
    page = out.pages[0]
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    page.add_transformation(Transformation().scale(f, f).translate(w * (1 - f) / 2, h * (1 - f) / 2))
    buf = io.BytesIO()
    out.write(buf)
    return buf.getvalue()


def upside_down(tif: bytes) -> bytes:
    im = Image.open(io.BytesIO(tif))
    return tiff(im.rotate(180), (204, 196), "group3")


def photo(pdf: bytes) -> bytes:
    """A phone photo of the printed, signed page: grey, soft, a little turned, JPEG."""
    g = grey(pdf, 150).filter(ImageFilter.GaussianBlur(0.6)).rotate(1.8, resample=Image.Resampling.BILINEAR,
                                                                      fillcolor=235)
    return jpeg(g, 70, 150)


def mail_with(parts: list[tuple[bytes, str, str, str]], sender: str) -> bytes:
    m = email.message.EmailMessage()
    m["From"], m["To"] = sender, "anmeldung@tmbjs.example"
    m["Subject"] = "Anmeldung Familienkonferenz"
    m["Date"] = "Tue, 13 Sep 2022 09:12:00 +0200"
    m.set_content("Guten Tag,\nanbei das ausgefüllte Formular und ein Foto der unterschriebenen Seite.\nViele Grüße")
    for data, maintype, subtype, name in parts:
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(m)


def sign(form: FormLayout, pdf: bytes) -> bytes:
    """A signature scrawl in the signature box."""
    c_buf = io.BytesIO()
    c = Canvas(c_buf, pagesize=(form.width * mm, form.height * mm), invariant=1)
    box = form.boxes[0].box if form.boxes else None
    if box is not None:
        c.setLineWidth(1.0)
        x, y = box.x + 20, form.height - box.y2 + 4
        c.bezier(x * mm, y * mm, (x + 8) * mm, (y + 9) * mm, (x + 14) * mm, (y - 3) * mm, (x + 30) * mm, (y + 5) * mm)
    c.showPage()
    c.save()
    return onto_first_page(pdf, c_buf.getvalue())


# ---- the returns ----

CURRENT, PREVIOUS, NEXT = "rt-2022", "familie-2022-fruehjahr", "kreis-2023"


def venue_fields(form: FormLayout) -> dict[str, str]:
    """Meeting id -> the sheet's check-box name (from the loaded layout, not a guess of its naming)."""
    return {f.name.split("_", 1)[1]: f.name for f in form.fields if f.kind == "venue"}


def stranger(i: int, venue: str, date: str = "12.09.2022") -> tuple[dict[str, str], dict[str, str]]:
    """Stranger *i*: each index another person (from the ninth on, a colleague with a first name and
    e-mail of their own), so that no two returns are rightly „doppelte Anmeldung“."""
    p = dict(STRANGERS[i % len(STRANGERS)])
    if i >= len(STRANGERS):
        first = ["Elke", "Torsten", "Mareike", "Jens"][i // len(STRANGERS) - 1]
        p["name"] = re.sub(r"(\w+)(?=\s\S+$)|(?<=, )\w+$", first, p["name"], count=1)
        local, dom = p["email"].split("@")
        p["email"] = f"{first.lower()}.{local.split('.')[-1]}@{dom}"
    return {**p, "date": date, venue: "1"}, {**p, "date": date, "venue": venue}


def build(work: Path, form: FormLayout, old_form: FormLayout, rng: random.Random) -> list[Return]:
    box = Inbox(work / "eingang")
    out, put = box.returns, box.put
    blank = (work / f"{CURRENT}-registration.pdf").read_bytes()
    packets = packets_of(work / "pakete")
    ids = sorted(packets)
    vf = venue_fields(form)
    v = [vf[m[0]] for m in SIX]

    def member(rid: str, venue: str) -> tuple[bytes, dict[str, str]]:
        sheet = reg_page(packets[rid].read_bytes())
        return sheet, member_truth(sheet, venue)

    # 1) a typewriter (Courier, 10 and 12 pt, a baseline that wanders) on the printed blank sheet.
    for k, (size, res) in enumerate([(12, "204x196"), (10, "204x196"), (12, "204x98")]):
        values, truth = stranger(k, v[k])
        marks = Marks(form)
        for f in TEXT + ("date",):
            marks.text(f, values[f], "Courier", size, rng)
        pdf = marks.tick(v[k]).onto(blank)
        put(f"schreibmaschine-{k}.tif", gs(pdf, "tiffg3", res),
            Return("", "fremd: Schreibmaschine", f"Courier {size} on the print copy, fax {res}", truth))

    # ... and typed flush with the box's left line (a typewriter set to the box, an overlay).
    for k, (font, size, res) in enumerate([("Helvetica", 11, "204x196"), ("Courier", 12, "204x196"),
                                           ("Times-Roman", 11, "204x98")]):
        values, truth = stranger(k + 3, v[(k + 2) % 6])
        marks = Marks(form)
        for f in TEXT + ("date",):
            marks.text(f, values[f], font, size, dx=0.0)
        put(f"buendig-{k}.tif", gs(marks.tick(v[(k + 2) % 6]).onto(blank), "tiffg3", res),
            Return("", "fremd: bündig an der Linie", f"{font} {size} flush with the box line, fax {res}", truth))

    # ... and typed on the box's bottom line (a typewriter's baseline set to the line).
    for k, (font, res) in enumerate([("Courier", "204x196"), ("Helvetica", "204x98")]):
        values, truth = stranger(k + 11, v[k])
        marks = Marks(form)
        marks.c.setFont(font, 11)
        for f in ("name", "institution", "phone", "email", "date"):
            b = form.field(f).box
            marks.c.drawString((b.x + 2) * mm, marks._y(b.y2 - 0.3), values[f])
        truth = {**truth, "address": ""}
        put(f"auf-der-linie-{k}.tif", gs(marks.tick(v[k]).onto(blank), "tiffg3", res),
            Return("", "fremd: auf der unteren Linie", f"{font} 11 on the bottom line, no address, fax {res}",
                   truth))

    # 2) members' packets ticked in other shapes, faxed fine.
    for k, shape in enumerate(["dot", "slash", "circle", "check"]):
        rid = ids[k]
        sheet, truth = member(rid, v[k % 6])
        put(f"kreuz-{shape}-{rid}.tif", gs(Marks(form).tick(v[k % 6], shape).onto(sheet), "tiffg3", "204x196"),
            Return("", "Paket: andere Kreuze", f"tick as a {shape}, fax fine", truth))
    rid = ids[4]
    sheet, truth = member(rid, f"{v[1]} + {v[4]}")
    put(f"zwei-orte-{rid}.tif", gs(Marks(form).tick(v[1]).tick(v[4]).onto(sheet), "tiffg3", "204x196"),
        Return("", "Paket: andere Kreuze", "two venues crossed, fax fine", truth, "zwei Orte"))
    rid = ids[5]
    sheet, truth = member(rid, v[3])
    put(f"kreuz-daneben-{rid}.tif", gs(Marks(form).tick(v[3], dx=9).onto(sheet), "tiffg3", "204x196"),
        Return("", "Paket: andere Kreuze", "cross on the label beside the box, fax fine", {**truth, "venue": ""},
               "Kreuz neben dem Kästchen"))

    # 3) printed at 97 % ("fit to page"), then faxed; faxed upside down.
    rid = ids[6]
    sheet, truth = member(rid, v[2])
    put(f"fit97-{rid}.tif", gs(fit_to_page(Marks(form).tick(v[2]).onto(sheet), 0.97), "tiffg3", "204x196"),
        Return("", "Paket: gedruckt 97 %", "pen tick, printed at 97 %, fax fine", truth))
    rid = ids[7]
    sheet, truth = member(rid, v[5])
    put(f"fit97n-{rid}.tif", gs(fit_to_page(Marks(form).tick(v[5]).onto(sheet), 0.97), "tiffg3", "204x98"),
        Return("", "Paket: gedruckt 97 %", "pen tick, printed at 97 %, fax normal", truth))
    values, truth = stranger(6, v[3])
    put("fit97-fremd.tif", gs(fit_to_page(fill_pdftk(blank, values, flatten=True), 0.97), "tiffg3", "204x196"),
        Return("", "fremd: gedruckt 97 %", "pdftk flatten, printed at 97 %, fax fine", truth))
    rid = ids[8]
    sheet, truth = member(rid, v[0])
    put(f"kopfueber-{rid}.tif", upside_down(gs(Marks(form).tick(v[0]).onto(sheet), "tiffg3", "204x196")),
        Return("", "Paket: kopfüber", "pen tick, faxed upside down (fine)", truth))
    values, truth = stranger(7, v[4])
    put("kopfueber-fremd.tif", upside_down(gs(fill_pymupdf(blank, values, Font("Courier", 10)), "tiffg3",
                                              "204x196")),
        Return("", "fremd: kopfüber", "pymupdf Courier 10, faxed upside down (fine)", truth))

    # 4) the previous campaign's sheet (its packet, ticked) sent to this one, long after its deadline.
    old_packets = sorted((work / "pakete-alt").glob("*.pdf"))
    old_packets = [p for p in old_packets if p.name != "print.pdf"]
    old_sheet = reg_page(old_packets[0].read_bytes())
    ovf = venue_fields(old_form)
    put("vorjahr-paket.tif", gs(Marks(old_form).tick(ovf["oehrenstock"]).onto(old_sheet), "tiffg3", "204x196"),
        Return("", "Vorjahr", "previous campaign's packet, pen tick, fax fine",
               member_truth(old_sheet, ovf["oehrenstock"]), "Bogen der vorigen Veranstaltung"))

    sheet = reg_page(old_packets[1].read_bytes())
    ticked = fill_pypdf(sheet, {ovf["saalfeld"]: "1"})
    put("vorjahr-mail.eml", mail_with([(ticked, "application", "pdf", "Anmeldung_Familie_2022.pdf")],
                                      "kontakt@example.org"),
        Return("", "Vorjahr", "previous campaign's e-mail PDF ticked, mailed after its last meeting",
               member_truth(sheet, ovf["saalfeld"]), "Bogen der vorigen Veranstaltung"))

    # 5) next spring's campaign (three venues) in the same inbox: a filled PDF mailed, a fax.
    next_form = registration_form(work / "layouts" / NEXT)
    nvf = venue_fields(next_form)
    next_blank = (work / f"{NEXT}-registration.pdf").read_bytes()
    values, truth = stranger(8, nvf["gruenberg"], "10.02.2023")
    put("naechstes-jahr.eml", mail_with([(fill_pymupdf(next_blank, values, Font("Times", 11)), "application", "pdf",
                                          "Anmeldung Grünberg.pdf")], truth["email"]),
        Return("", "nächste Veranstaltung", "kreis-2023 sheet, pymupdf Times 11, e-mail", truth))
    values, truth = stranger(9, nvf["eisenberg"], "10.02.2023")
    put("naechstes-jahr.tif", gs(fill_pdftk(next_blank, values, flatten=True), "tiffg3", "204x98"),
        Return("", "nächste Veranstaltung", "kreis-2023 sheet, pdftk flatten, fax normal", truth))

    # 6) an e-mail with the filled PDF and a photo of the printed, signed page.
    values, truth = stranger(10, v[1])
    filled = fill_pypdf(blank, values)
    put("mail-pdf-und-foto.eml", mail_with([(filled, "application", "pdf", "Anmeldung.pdf"),
                                            (photo(sign(form, filled)), "image", "jpeg", "IMG_2041.jpg")],
                                           truth["email"]),
        Return("", "fremd: PDF + Foto", "pypdf fill + photo of the signed print, one e-mail", truth))
    return out


def old_sheets(work: Path, form: FormLayout, name: str) -> list[Return]:
    """Packets printed before the meetings were edited, ticked and faxed into *name*/."""
    inbox = work / name
    inbox.mkdir()
    packets = sorted(p for p in (work / "pakete").glob("*.pdf") if p.name != "print.pdf")
    vf = venue_fields(form)
    out = []
    for k, (mid, pth) in enumerate([("weissensee", packets[10]), ("zella", packets[11]),
                                    ("schlossvippach", packets[12])]):
        sheet = reg_page(pth.read_bytes())
        f = f"{name}/alt-{k}.tif"
        (work / f).write_bytes(gs(Marks(form).tick(vf[mid]).onto(sheet), "tiffg3", "204x196"))
        out.append(Return(f, "", "old sheet, pen tick, fax fine", member_truth(sheet, vf[mid])))
    return out


# ---- the run and its report ----

def run() -> None:
    rng = random.Random(2022)
    log: list[str] = []
    with workdir("fk-hoc-") as work:
        (work / "layouts").mkdir()
        t0 = time.perf_counter()
        cur = new_campaign(work, CURRENT, SIX, "2022-09-23", "2022-08-29", 3, True, log)
        prev = new_campaign(work, PREVIOUS, TWO, "2022-04-29", "2022-04-04", 40, False, log)
        new_campaign(work, NEXT, THREE, "2023-02-24", "2023-01-30", 25, True, log)
        lay = ["--layouts", str(work / "layouts")]
        write_list(work / "liste.csv")
        for cid, target in ((CURRENT, "pakete"), (PREVIOUS, "pakete-alt")):
            r = formkit("packets", str(work / "liste.csv"), "--campaign", cid, "-o", str(work / target), *lay,
                        cwd=work)
            log.append(r.stdout + r.stderr)
            assert r.returncode in (0, 2), r.stdout + r.stderr
        form = registration_form(cur)
        old_form = registration_form(prev)
        returns = build(work, form, old_form, rng)
        print(f"3 Veranstaltungen, {len(returns)} Rückläufer erzeugt in {time.perf_counter() - t0:.0f} s ({work})",
              flush=True)
        print_parsed(*parse_twice(work, lay, log))
        report(returns, work, cities_of(form, old_form, registration_form(work / "layouts" / NEXT)))
        # The previous campaign's folder removed from ./layouts: its sheets must be refused, in German.
        r = formkit("parse", str(work / "eingang" / "vorjahr-paket.tif"), str(work / "eingang" / "vorjahr-mail.eml"),
                    "--db", str(work / "nur-neu.sqlite"), "--csv", str(work / "nur-neu.csv"), "--dialect", "excel-de",
                    "--layouts", str(cur), cwd=work)
        log.append(r.stdout + r.stderr)
        for row in read_csv(work / "nur-neu.csv") if (work / "nur-neu.csv").exists() else []:
            print(f"nur {CURRENT} geladen: {Path(row['source']).name}: {row['status']} – {row['reason'][:140]}")
        loop(work, lay, log, CURRENT, "2022-09-26", door="Bad Frankenhausen/Kyffhäuser")
        edits(work, cur, form, log)
        print_log_check(log)


def report(returns: list[Return], work: Path, cities: dict[str, str]) -> None:
    matched(returns, work)
    tally = table(returns, cities, 120, campaign=True)
    print("\n| Gruppe | ok | review | rejected |\n|---|---|---|---|")
    for g, c in tally.groups.items():
        print(f"| {g} | {c['ok']} | {c['review']} | {c['rejected']} |")
    # Fields read right, by group (rows to a person included): how much of a person's look is
    # checking a value that was right.
    print("Felder exakt: " + "; ".join(f"{g} {a}/{n}" for g, (a, n, _, _) in exact(returns, cities).items()))
    print_worst(tally)
    print_sure_wrong(returns, work / "formkit.sqlite")


def edits(work: Path, cur: Path, form: FormLayout, log: list[str]) -> None:
    """The meetings edited after the packets went out; old sheets parsed against each edit."""
    event = cur / "event.yaml"
    original = event.read_text(encoding="utf-8")
    returns = old_sheets(work, form, "alt")
    lay = ["--layouts", str(work / "layouts")]
    cases = [("Schreibweise korrigiert", lambda ms: [{**m, "city": "Weißensee (Thür.)"} if m["id"] == "weissensee"
                                                     else m for m in ms], False),
             ("Reihenfolge getauscht", lambda ms: [ms[1], ms[0], *ms[2:]], True),
             ("Ort abgesagt", lambda ms: [m for m in ms if m["id"] != "schlossvippach"], True)]
    print("\nTermine nach dem Druck geändert (alte Bögen, je 3):")
    for name, edit, refuse in cases:
        data = yaml.safe_load(original)
        data["meetings"] = edit(data["meetings"])
        event.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        db, out = work / f"edit-{len(log)}.sqlite", work / f"edit-{len(log)}.csv"
        r = formkit("parse", str(work / "alt"), "--db", str(db), "--csv", str(out), "--dialect", "excel-de",
                    "--recipients", str(work / "liste.csv"), *lay, cwd=work)
        log.append(r.stdout + r.stderr)
        rows = read_csv(out) if out.exists() else []
        for ret in returns:
            ret.rows = []
        match(returns, rows)
        cities = cities_of(registration_form(cur))
        verdict = []
        for ret in returns:
            for row in ret.rows:
                wrong = compare(ret, row, cities) if row["status"] == "ok" else []
                flag = "FALSCH " if wrong else ("SOLLTE ABGELEHNT " if refuse and row["status"] == "ok" else "")
                verdict.append(f"{Path(ret.file).name}: {flag}{row['status']} {row['venue']!r} {row['reason'][:90]}")
        print(f"  {name}: Exit {r.returncode}; " + " | ".join(verdict))
    event.write_text(original, encoding="utf-8")


if __name__ == "__main__":
    run()
