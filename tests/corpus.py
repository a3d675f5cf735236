"""Returned registration sheets, made the way the world makes them (tests, bench, samples).

Deterministic: the same seed gives the same files. Typed sheets are filled by other programs
(pypdf, PyMuPDF, pdftk via :mod:`tests.fill`), rendered by Ghostscript's fax driver
(``tiffg3``, fine 204x196 and normal 204x98 dpi) or as a grey scan, then degraded: skew,
shift, fit-to-page scale, fax noise, a fax header line, darker/lighter print, JPEG, upside
down or sideways, a phone photo's perspective and shadow, a cover sheet in front. Handwritten
sheets are the blank print copy with text in handwriting fonts and ticks drawn as strokes.
Bad pages (blank, unrelated, unreadable) come with the reason they must produce. Who returns
which sheet (list members their prefilled packet, strangers a sheet without id, in which font)
is :mod:`bench.returns` (``python -m bench.returns OUTDIR [N]`` writes a corpus to look at).
These are test helpers: the bench builds on them, never the other way round.
"""

from __future__ import annotations

import io
import math
import random
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.recipients import Recipient
from formkit.render.document import RenderOptions, render_to_bytes
from tests.fill import fill_pdftk, fill_pymupdf, fill_pypdf

ROOT = Path(__file__).resolve().parents[1]
VENUES = ["venue_sonneberg", "venue_gotha", "venue_sondershausen", "venue_schleiz"]
HAND_FONTS = [
    "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "/usr/share/fonts/truetype/breip/Breip.ttf",
    "/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf",
]
PRINT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FINE = (204, 196)
NORMAL = (204, 98)

FIRST = ["Jürgen", "Käthe", "Björn", "Grete", "Ömer", "Jörg", "Müge", "Günther", "Bärbel", "Sören",
         "Anneliese", "Hans-Peter", "Ursula", "Dörte", "Maximilian", "Heike", "Frauke", "Ines", "Uwe",
         "Josephine", "Lüder", "Rüdiger", "Elfriede", "Karl-Heinz", "Sabine", "Mandy", "Ronny", "Ilse"]
LAST = ["Weiß", "Müller", "Schäfer", "Großmann", "Köhler", "Strauß", "Fuß", "Bäcker", "Schröder", "Krüger",
        "Hoffmann", "Löffler", "Meißner", "Wöhler", "Günzel", "Schmidt-Rößler", "Jähnig", "Pößneck",
        "Kühn", "Voß", "Nüßlein", "Thümmel", "Sauerbrey", "Oßwald", "Zöllner", "Dietzsch", "Brückner"]
PLACES = ["Sonneberg", "Gotha", "Sondershausen", "Schleiz", "Großbreitenbach", "Pößneck", "Saalfeld",
          "Mühlhausen", "Bad Köstritz", "Weißensee", "Greußen", "Rudolstadt", "Ilmenau", "Schmölln",
          "Nordhausen", "Zeulenroda", "Bad Frankenhausen", "Eisenach", "Gößnitz", "Neustadt an der Orla"]
ORGS = ["Gemeinde {p}", "Stadtverwaltung {p}", "Landratsamt {p}", "Familienzentrum {p}",
        "Diakonie {p} e. V.", "Volkssolidarität {p}", "Mehrgenerationenhaus {p}", "Jugendamt {p}",
        "Bürgerstiftung {p}", "Kreisjugendring {p}"]
ROLES = ["Bürgermeisterin", "Bürgermeister", "Sachbearbeiterin", "Leiter", "Leiterin", "Geschäftsführer",
         "Sozialplanerin", "Koordinatorin", "Referent", "Gleichstellungsbeauftragte"]
STREETS = ["Straße der Einheit", "Lindenstraße", "Am Mühlgraben", "Goethestraße", "Marktplatz",
           "Schloßberg", "Bahnhofstraße", "Große Fleischgasse", "Jüdenstraße", "Weißer Weg"]
# Returners who are not on the mailing list: names, places (so institutions) and streets from a
# pool disjoint from the members', so that the campaign's vocabulary cannot help them.
S_FIRST = ["Görkem", "Wiebke", "Malte", "Solveig", "Thoralf", "Henrike", "Ingolf", "Roswitha", "Detlef",
           "Almuth", "Björna", "Eckehard", "Gesine", "Hartwig", "Jördis", "Kunibert", "Liesel", "Notburga",
           "Ottokar", "Rosmarie", "Sigrun", "Torsten", "Waltraud", "Zdenka"]
S_LAST = ["Fröhlich", "Käßner", "Drößler", "Übelacker", "Rößiger", "Grünewald", "Pätzold", "Hübsch",
          "Schwäbe", "Knöfel", "Bräutigam", "Mößner", "Trübenbach", "Lößnitzer", "Wächtler", "Zschäck",
          "Gräfenhain", "Ströbel", "Hähnel", "Kießling", "Nöbel", "Fläschner"]
S_PLACES = ["Bad Lobenstein", "Hildburghausen", "Apolda", "Sömmerda", "Artern", "Leinefelde-Worbis",
            "Meuselwitz", "Triptis", "Kölleda", "Bad Salzungen", "Ohrdruf", "Gräfenroda", "Themar",
            "Heldrungen", "Ruhla", "Uhlstädt-Kirchhasel", "Münchenbernsdorf", "Tambach-Dietharz"]
S_STREETS = ["Rosengasse", "Am Anger", "Töpfergasse", "Kirchplatz", "Friedrich-Engels-Straße", "Wiesenweg",
             "Hinter der Mauer", "Brühl", "Zum Sportplatz", "Lutherstraße"]


@dataclass(frozen=True)
class Pool:
    first: list[str]
    last: list[str]
    places: list[str]
    streets: list[str]


MEMBERS = Pool(FIRST, LAST, PLACES, STREETS)
STRANGERS = Pool(S_FIRST, S_LAST, S_PLACES, S_STREETS)


@dataclass
class Sample:
    """One returned file and what reading it must give."""

    name: str
    kind: str  # fax-fine, fax-normal, scan, photo, hand-fax, hand-scan, cover, blank, unrelated, unreadable …
    data: bytes
    suffix: str
    truth: dict[str, str] = field(default_factory=dict)  # field -> value; venues "1"/""
    recipient_id: str | None = None
    sheet_page: int | None = 1  # 1-based page of the file that holds the sheet; None: no sheet
    pages: int = 1
    reason: str | None = None  # for bad pages: a word the NotAForm reason must contain
    mode: str = ""  # fine / normal / scan / photo
    member: bool | None = None  # the returner is on the mailing list (None: no returner)
    # A prefilled packet: the fields whose printed value was changed by hand (empty: tick only).
    packet: bool = False
    changed: tuple[str, ...] = ()
    # Which return this is (bench.returns.STORIES; empty for the building blocks below).
    story: str = ""
    # Field -> the font its value is on the page in: Helvetica/Courier/Times (typed), "Vordruck"
    # (printed by the packet), "Hand" (handwriting); empty for the building blocks below.
    fonts: dict[str, str] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        p = folder / f"{self.name}{self.suffix}"
        p.write_bytes(self.data)
        return p

    @property
    def venue(self) -> str:
        return ",".join(v for v in VENUES if self.truth.get(v) == "1")


# --- values --------------------------------------------------------------------------------


_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue",
                        " ": "", "-": ""})


def person(rng: random.Random, rid: str, pool: Pool = MEMBERS) -> Recipient:
    """A person as a mailing list holds them."""
    first, last = rng.choice(pool.first), rng.choice(pool.last)
    place = rng.choice(pool.places)
    org = rng.choice(ORGS).format(p=place)
    domain = place.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"}))
    return Recipient(id=rid, first_name=first, last_name=last, institution=org,
                     function=rng.choice(ROLES) if rng.random() < 0.7 else "",
                     street=f"{rng.choice(pool.streets)} {rng.randint(1, 120)}",
                     postcode=f"{rng.randint(4, 9)}{rng.randint(0, 9999):04d}", city=place,
                     email=f"{(first[0] + '.' + last).lower().translate(_ASCII)}@{domain}.de")


def values_of(p: Recipient, rng: random.Random) -> dict[str, str]:
    """What that person types into a blank sheet (the list's facts, in their own format)."""
    v = {
        "name": f"{p.last_name}, {p.first_name}" if rng.random() < 0.6 else f"{p.first_name} {p.last_name}",
        "institution": f"{p.institution} / {p.function}" if p.function else p.institution,
        "address": p.postal_address,
        "phone": f"0{rng.randint(3600, 3699)} {rng.randint(10000, 999999)}",
        "email": p.email,
        "date": f"{rng.randint(1, 28):02d}.0{rng.randint(3, 4)}.2018",
    }
    pick = rng.randrange(4)
    for j, name in enumerate(VENUES):
        v[name] = "1" if j == pick else ""
    return v


def random_values(rng: random.Random, pool: Pool = MEMBERS) -> dict[str, str]:
    return values_of(person(rng, "X", pool), rng)


# --- rendering -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def registry() -> LayoutRegistry:
    return LayoutRegistry(ROOT / "layouts" / "lsz-2018")


def form_layout() -> FormLayout:
    lay = registry().form("registration").layout
    assert isinstance(lay, FormLayout)
    return lay


def blank_pdf(recipient_id: str | None, fillable: bool = True) -> bytes:
    data, _ = render_to_bytes("registration", registry(), RenderOptions(recipient_id=recipient_id,
                                                                       fillable=fillable))
    return data


def filled_pdf(values: dict[str, str], recipient_id: str | None, filler: str) -> bytes:
    """The sheet filled by another program: pypdf, PyMuPDF or pdftk (flattened, "printed")."""
    pdf = blank_pdf(recipient_id)
    if filler == "pypdf":
        return fill_pypdf(pdf, values)
    if filler == "pymupdf":
        return fill_pymupdf(pdf, values)
    return fill_pdftk(pdf, values, flatten=True)


def gs(pdf: bytes, device: str, res: tuple[int, int], first: int = 1, last: int = 1, aa: bool = False) -> Image.Image:
    """Ghostscript renders page(s) of *pdf* the way a fax or printer driver does."""
    with tempfile.TemporaryDirectory(prefix="fk-gs-") as tmp:
        src, out = Path(tmp, "in.pdf"), Path(tmp, "out")  # TIFF needs a seekable file, not stdout
        src.write_bytes(pdf)
        subprocess.run(
            ["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", f"-sDEVICE={device}", f"-r{res[0]}x{res[1]}",
             *(["-dTextAlphaBits=4", "-dGraphicsAlphaBits=4"] if aa else []),
             f"-dFirstPage={first}", f"-dLastPage={last}", f"-sOutputFile={out}", str(src)],
            capture_output=True, check=True, timeout=120)
        with Image.open(out) as im:
            im.load()
            return im.copy()


# --- degradations --------------------------------------------------------------------------


def affine(arr: np.ndarray, rng_angle: float, scale: float, shift_px: tuple[float, float],
           aspect: float = 1.0, nearest: bool = True) -> np.ndarray:
    """Rotate by *rng_angle* degrees about the centre, scale and shift; *aspect* = ydpi/xdpi."""
    h, w = arr.shape
    a = math.radians(rng_angle)
    d = np.diag([1.0, aspect])
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]]) * scale
    m2 = d @ rot @ np.linalg.inv(d)
    c = np.array([w / 2, h / 2])
    t = c - m2 @ c + np.array(shift_px)
    m = np.hstack([m2, t.reshape(2, 1)])
    return cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def fax_noise(arr: np.ndarray, rng: random.Random, amount: float) -> np.ndarray:
    """Salt and pepper plus a few horizontal streaks (dirty scanner glass, line errors)."""
    g = np.random.default_rng(rng.randrange(1 << 30))
    out = arr.copy()
    flip = g.random(arr.shape) < amount
    out[flip & (g.random(arr.shape) < 0.5)] = 0
    out[flip & (g.random(arr.shape) < 0.25)] = 255
    for _ in range(1 if rng.random() < 0.2 else 0):
        y = rng.randrange(arr.shape[0])
        out[y, rng.randrange(arr.shape[1] // 2):] = 0
    return out


def header_line(arr: np.ndarray, rng: random.Random, dpi_x: float, aspect: float = 1.0) -> np.ndarray:
    """The sending machine's line in the top 12 mm: date, sender, number, page."""
    text = (f"{rng.randint(1, 28):02d}.04.2018 {rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}   "
            f"VON: {rng.choice(ORGS).format(p=rng.choice(PLACES)).upper()}   FAX 0{rng.randint(3600, 3699)} "
            f"{rng.randint(10000, 99999)}   S. 1/1")
    px_mm = dpi_x / 25.4
    strip_h = int(10 * px_mm)
    im = Image.new("L", (arr.shape[1], strip_h), 255)
    ImageDraw.Draw(im).text((int(8 * px_mm), int(3 * px_mm)), text, fill=0,
                            font=ImageFont.truetype(PRINT_FONT, int(2.6 * px_mm)))
    strip = np.asarray(im)
    if aspect != 1.0:
        strip = cv2.resize(strip, (strip.shape[1], max(1, int(strip_h * aspect))), interpolation=cv2.INTER_AREA)
    out = arr.copy()
    hh = min(strip.shape[0], out.shape[0])
    out[:hh] = np.minimum(out[:hh], np.where(strip[:hh] < 128, 0, 255).astype(np.uint8))
    return out


def fax_scan(pdf: bytes, res: tuple[int, int], darker: int) -> np.ndarray:
    """The page as a fax machine's scanner sees paper: anti-aliased grey, thresholded higher for a
    darker (+1) or lower for a lighter (-1) setting or print; 0 is the fax driver (gs tiffg3)."""
    if darker == 0:
        return _bilevel(gs(pdf, "tiffg3", res))
    grey = np.asarray(gs(pdf, "pnggray", res, aa=True).convert("L"))
    level = 175 if darker > 0 else 85
    return np.where(grey < level, 0, 255).astype(np.uint8)


def rot90(arr: np.ndarray, quarter: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(arr, quarter)) if quarter % 4 else arr


def tiff_bytes(frames: list[np.ndarray], dpi: tuple[float, float], compression: str = "group3") -> bytes:
    ims = [Image.fromarray(f).convert("1") for f in frames]
    buf = io.BytesIO()
    ims[0].save(buf, format="TIFF", compression=compression, dpi=dpi, save_all=True, append_images=ims[1:])
    return buf.getvalue()


def jpeg_bytes(arr: np.ndarray, quality: int, dpi: float | None) -> bytes:
    buf = io.BytesIO()
    kw = {"dpi": (dpi, dpi)} if dpi else {}
    Image.fromarray(arr).save(buf, format="JPEG", quality=quality, **kw)
    return buf.getvalue()


def png_bytes(arr: np.ndarray, dpi: float | None) -> bytes:
    buf = io.BytesIO()
    kw = {"dpi": (dpi, dpi)} if dpi else {}
    Image.fromarray(arr).save(buf, format="PNG", **kw)
    return buf.getvalue()


# --- pages ---------------------------------------------------------------------------------


def _bilevel(im: Image.Image) -> np.ndarray:
    return np.asarray(im.convert("L")).copy()


def fax_page(pdf: bytes, rng: random.Random, mode: str, *, angle: float | None = None,
             quarter: int = 0, noise: float | None = None, darker: int | None = None) -> tuple[np.ndarray, tuple[int, int]]:
    """A fax of the PDF's first page: gs tiffg3 then the machine's and the line's faults."""
    res = FINE if mode == "fine" else NORMAL
    arr = fax_scan(pdf, res, rng.choice([-1, 0, 0, 1]) if darker is None else darker)
    aspect = res[1] / res[0]
    angle = rng.uniform(-5, 5) if angle is None else angle
    scale = rng.uniform(0.9, 1.05)
    px_mm = res[0] / 25.4
    shift = (rng.uniform(-4, 4) * px_mm, rng.uniform(-4, 4) * px_mm * aspect)
    arr = affine(arr, angle, scale, shift, aspect)
    arr = fax_noise(arr, rng, rng.uniform(0.0, 0.003) if noise is None else noise)
    # The page went in turned; the sending machine prints its header on top of what it sent.
    arr = rot90(arr, quarter)
    if quarter % 2 == 1:  # a sideways fax: the receiving software kept the page as scanned
        res = (res[1], res[0])
    arr = header_line(arr, rng, res[0], res[1] / res[0])
    return arr, res


def scan_page(pdf: bytes, rng: random.Random, *, dpi: int | None = None, angle: float | None = None,
              quarter: int = 0) -> tuple[np.ndarray, int]:
    """A grey office scan: rotated, shifted, lighter/darker, sensor noise (JPEG is applied by the caller)."""
    dpi = dpi or rng.choice([150, 200, 300])
    arr = np.asarray(gs(pdf, "pnggray", (dpi, dpi)).convert("L")).copy()
    angle = rng.uniform(-5, 5) if angle is None else angle
    px_mm = dpi / 25.4
    arr = affine(arr, angle, rng.uniform(0.9, 1.05), (rng.uniform(-4, 4) * px_mm, rng.uniform(-4, 4) * px_mm),
                 nearest=False)
    return _tone(arr, rng), dpi


def _tone(arr: np.ndarray, rng: random.Random) -> np.ndarray:
    g = np.random.default_rng(rng.randrange(1 << 30))
    gamma = rng.choice([0.6, 1.0, 1.0, 1.6])  # >1 darker print, <1 lighter
    paper = rng.uniform(215, 250)
    f = (arr.astype(np.float32) / 255.0) ** gamma
    f = 20 + f * (paper - 20) + g.normal(0, 4, arr.shape)
    return np.clip(f, 0, 255).astype(np.uint8)


def photo_page(pdf: bytes, rng: random.Random) -> np.ndarray:
    """A phone photo: perspective, a desk around the sheet, a shadow across, blur, no dpi tag."""
    dpi = 170
    sheet = np.asarray(gs(pdf, "pnggray", (dpi, dpi)).convert("L")).astype(np.float32)
    h, w = sheet.shape
    cw, ch = int(w * 1.15), int(h * 1.12)
    j = lambda s: rng.uniform(-s, s) * w  # noqa: E731
    dst = np.float32([[0.07 * w + j(0.03), 0.05 * h + j(0.02)], [1.07 * w + j(0.03), 0.06 * h + j(0.02)],
                      [1.09 * w + j(0.03), 1.06 * h + j(0.02)], [0.05 * w + j(0.03), 1.05 * h + j(0.02)]])
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(src, dst)
    desk = rng.uniform(60, 110)
    out = cv2.warpPerspective(sheet, m, (cw, ch), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                              borderValue=desk)
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    a = rng.uniform(0, math.pi)
    ramp = (np.cos(a) * xx / cw + np.sin(a) * yy / ch)
    shade = 0.55 + 0.45 * np.clip((ramp - ramp.min()) / (np.ptp(ramp) + 1e-6) * 1.6, 0, 1)
    out = out * shade * rng.uniform(0.85, 1.0)
    out = cv2.GaussianBlur(out, (0, 0), 0.7)
    g = np.random.default_rng(rng.randrange(1 << 30))
    out = out + g.normal(0, 3, out.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def handwritten_sheet(values: dict[str, str], recipient_id: str | None, rng: random.Random,
                      dpi: int = 300, stray: bool = False) -> np.ndarray:
    """The blank print copy at *dpi*, written on with a handwriting font; ticks drawn as strokes."""
    arr = np.asarray(gs(blank_pdf(recipient_id, fillable=False), "pnggray", (dpi, dpi)).convert("L"))
    im = Image.fromarray(arr.copy())
    d = ImageDraw.Draw(im)
    px = dpi / 25.4
    lay = form_layout()
    font_path = rng.choice(HAND_FONTS)
    pen = max(2, int(rng.uniform(0.35, 0.6) * px))
    for f in lay.fields:
        v = values.get(f.name, "")
        b = f.box
        if f.type == "checkbox":
            if v == "1":
                _draw_tick(d, b.x * px, b.y * px, b.w * px, rng, pen)
            continue
        if not v:
            continue
        size = int(rng.uniform(4.6, 5.6) * px)
        font = ImageFont.truetype(font_path, size)
        y = (b.y + rng.uniform(1.5, 2.5)) * px
        for line in v.split("\n"):
            x = (b.x + rng.uniform(2, 5)) * px
            # Fit the line into the box like a person squeezes the writing at the end.
            fsize = size
            while font.getlength(line) > (b.x2 - 3) * px - x and fsize > 20:
                fsize -= 4
                font = ImageFont.truetype(font_path, fsize)
            d.text((x, y), line, fill=rng.randint(0, 50), font=font)
            y += fsize * 1.05
            font = ImageFont.truetype(font_path, size)
    if stray:
        # A stroke that only touches the edge of an empty box from outside (the next line's tick).
        empty = [f for f in lay.fields if f.type == "checkbox" and values.get(f.name) != "1"][0].box
        d.line([((empty.x2 + 0.2) * px, (empty.y + 2) * px), ((empty.x2 + 6) * px, (empty.y - 3) * px)],
               fill=0, width=pen)
        d.line([((empty.x - 4) * px, (empty.y2 + 3) * px), ((empty.x + 0.3) * px, (empty.y2 - 0.1) * px)],
               fill=0, width=pen)
    return np.asarray(im)


def _draw_tick(d: ImageDraw.ImageDraw, x: float, y: float, s: float, rng: random.Random, pen: int) -> None:
    kind = rng.choice(["cross", "check", "filled"])
    j = lambda: rng.uniform(-0.06, 0.06) * s  # noqa: E731
    if kind == "cross":
        d.line([(x + 0.15 * s + j(), y + 0.15 * s + j()), (x + 0.88 * s + j(), y + 0.85 * s + j())], fill=0, width=pen)
        d.line([(x + 0.85 * s + j(), y + 0.12 * s + j()), (x + 0.15 * s + j(), y + 0.88 * s + j())], fill=0, width=pen)
    elif kind == "check":
        d.line([(x + 0.15 * s + j(), y + 0.55 * s + j()), (x + 0.4 * s + j(), y + 0.85 * s + j()),
                (x + 0.95 * s + j(), y + 0.05 * s + j())], fill=0, width=pen, joint="curve")
    else:
        d.polygon([(x + 0.12 * s + j(), y + 0.12 * s + j()), (x + 0.88 * s + j(), y + 0.1 * s + j()),
                   (x + 0.9 * s + j(), y + 0.9 * s + j()), (x + 0.1 * s + j(), y + 0.88 * s + j())], fill=20)


def to_fax(grey: np.ndarray, dpi: float, rng: random.Random, mode: str = "fine",
           angle: float = 0.0, quarter: int = 0, noise: float = 0.003) -> tuple[np.ndarray, tuple[int, int]]:
    """Send a paper page (grey at *dpi*) through a fax machine: resample, threshold, faults."""
    res = FINE if mode == "fine" else NORMAL
    h, w = grey.shape
    small = cv2.resize(grey, (int(w * res[0] / dpi), int(h * res[1] / dpi)), interpolation=cv2.INTER_AREA)
    arr = np.where(small < 150, 0, 255).astype(np.uint8)
    aspect = res[1] / res[0]
    px_mm = res[0] / 25.4
    arr = affine(arr, angle, rng.uniform(0.95, 1.02), (rng.uniform(-3, 3) * px_mm, rng.uniform(-3, 3) * px_mm * aspect),
                 aspect)
    arr = fax_noise(arr, rng, noise)
    arr = rot90(arr, quarter)
    if quarter % 2:
        res = (res[1], res[0])
    arr = header_line(arr, rng, res[0], res[1] / res[0])
    return arr, res


def cover_sheet(rng: random.Random, dpi: tuple[int, int]) -> np.ndarray:
    """A fax cover sheet ("Telefax … Seiten: 2") at the fax resolution."""
    w, h = int(210 / 25.4 * dpi[0]), int(297 / 25.4 * dpi[0])
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    px = dpi[0] / 25.4
    big = ImageFont.truetype(PRINT_FONT, int(9 * px))
    f = ImageFont.truetype(PRINT_FONT, int(3.5 * px))
    d.text((20 * px, 30 * px), "TELEFAX", font=big, fill=0)
    y = 60 * px
    for line in ["An: Familie eins99, Fax (0361) 57381-1820", f"Von: {rng.choice(ORGS).format(p=rng.choice(PLACES))}",
                 f"Datum: {rng.randint(1, 28):02d}.04.2018", "Seiten (inkl. Deckblatt): 2", "",
                 "Betreff: Anmeldung Regionaltreffen", "", "Sehr geehrte Damen und Herren,",
                 "anbei unsere Anmeldung.", "Mit freundlichen Grüßen"]:
        d.text((20 * px, y), line, font=f, fill=0)
        y += 7 * px
    d.rectangle([18 * px, 25 * px, 192 * px, 48 * px], outline=0, width=max(1, int(0.5 * px)))
    arr = np.asarray(im)
    return cv2.resize(arr, (w, int(h * dpi[1] / dpi[0])), interpolation=cv2.INTER_NEAREST)


def unrelated_page(rng: random.Random, dpi: int = 200) -> np.ndarray:
    """A letter from someone else: text, a logo box, no marks, no QR."""
    w, h = int(210 / 25.4 * dpi), int(297 / 25.4 * dpi)
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    px = dpi / 25.4
    f = ImageFont.truetype(PRINT_FONT, int(3.2 * px))
    d.rectangle([150 * px, 15 * px, 190 * px, 35 * px], outline=0, width=int(0.6 * px))
    d.text((152 * px, 22 * px), "Stadtwerke", font=f, fill=0)
    y = 60 * px
    words = ["Ihre", "Jahresabrechnung", "für", "den", "Zeitraum", "vom", "1.", "Januar", "bis", "31.", "Dezember", "weist", "ein", "Guthaben", "aus", "das", "wir", "Ihrem", "Konto", "gutschreiben", "Bitte", "prüfen", "Sie", "die", "Angaben", "zur", "Zählernummer"]
    for _ in range(30):
        rng.shuffle(words)
        d.text((25 * px, y), " ".join(words[:11]), font=f, fill=0)
        y += 6.5 * px
    return np.asarray(im)


# --- the corpus ----------------------------------------------------------------------------

FILLERS = ["pypdf", "pymupdf", "pypdf", "pymupdf", "pdftk"]


def typed_fax(i: int, rng: random.Random, mode: str, values: dict[str, str] | None = None,
              rid: str | None = None, **kw: float | int) -> Sample:
    values = values or random_values(rng)
    rid = rid or f"R-{i:05d}"
    filler = FILLERS[i % len(FILLERS)]
    pdf = filled_pdf(values, rid, filler)
    arr, res = fax_page(pdf, rng, mode, **kw)  # type: ignore[arg-type]
    comp = "group4" if rng.random() < 0.3 else "group3"
    return Sample(f"fax-{mode}-{i:03d}-{filler}", f"fax-{mode}", tiff_bytes([arr], res, comp), ".tif", values,
                  rid, mode=mode)


def typed_scan(i: int, rng: random.Random, values: dict[str, str] | None = None, rid: str | None = None,
               **kw: float | int) -> Sample:
    values = values or random_values(rng)
    rid = rid or f"S-{i:05d}"
    filler = FILLERS[i % len(FILLERS)]
    arr, dpi = scan_page(filled_pdf(values, rid, filler), rng, **kw)  # type: ignore[arg-type]
    if rng.random() < 0.7:
        data, suffix = jpeg_bytes(arr, rng.randint(45, 85), dpi), ".jpg"
    else:
        data, suffix = png_bytes(arr, dpi), ".png"
    return Sample(f"scan-{i:03d}-{filler}", "scan", data, suffix, values, rid, mode="scan")


def photo(i: int, rng: random.Random) -> Sample:
    values = random_values(rng)
    rid = f"P-{i:05d}"
    arr = photo_page(filled_pdf(values, rid, "pymupdf"), rng)
    return Sample(f"photo-{i:03d}", "photo", jpeg_bytes(arr, 80, None), ".jpg", values, rid, mode="photo")


def handwritten(i: int, rng: random.Random, fax: bool = True, mode: str = "fine", stray: bool = False,
                quarter: int = 0, values: dict[str, str] | None = None, rid: str | None = None) -> Sample:
    values = values or random_values(rng)
    rid = f"H-{i:05d}" if rid is None else (rid or None)  # "": the sheet without a recipient id
    sheet = handwritten_sheet(values, rid, rng, stray=stray)
    if fax:
        arr, res = to_fax(sheet, 300, rng, mode, angle=rng.uniform(-3, 3), quarter=quarter)
        return Sample(f"hand-fax-{mode}-{i:03d}", "hand-fax", tiff_bytes([arr], res), ".tif", values, rid,
                      mode=mode)
    px = 300 / 25.4
    arr = affine(sheet.copy(), rng.uniform(-4, 4), rng.uniform(0.92, 1.03), (rng.uniform(-3, 3) * px, 0),
                 nearest=False)
    arr = cv2.resize(_tone(arr, rng), None, fx=0.67, fy=0.67, interpolation=cv2.INTER_AREA)
    return Sample(f"hand-scan-{i:03d}", "hand-scan", jpeg_bytes(arr, 75, 200), ".jpg", values, rid, mode="scan")


def with_cover(i: int, rng: random.Random, mode: str = "fine") -> Sample:
    s = typed_fax(i, rng, mode)
    frames = frames_of(s.data)
    res = FINE if mode == "fine" else NORMAL
    cover = cover_sheet(rng, res)
    return Sample(f"cover-{s.name}", "cover", tiff_bytes([cover] + frames, res), ".tif", s.truth, s.recipient_id,
                  sheet_page=2, pages=2, mode=mode)


def frames_of(tiff: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(tiff))
    out = []
    for k in range(getattr(im, "n_frames", 1)):
        im.seek(k)
        out.append(np.asarray(im.convert("L")).copy())
    return out


def bad_pages(rng: random.Random) -> list[Sample]:
    g = np.random.default_rng(rng.randrange(1 << 30))
    blank = np.full((2292, 1728), 255, np.uint8)
    blank[g.random(blank.shape) < 0.0005] = 0
    unrelated = unrelated_page(rng)
    # A transmission error: most of the page arrives black.
    sheet, res = fax_page(blank_pdf("X-1"), rng, "fine", angle=0.0, noise=0.0)
    broken = sheet.copy()
    broken[g.random(broken.shape) < 0.7] = 0
    return [
        Sample("bad-blank", "blank", tiff_bytes([blank], FINE), ".tif", sheet_page=None, reason="leer"),
        Sample("bad-unrelated", "unrelated", png_bytes(unrelated, 200), ".png", sheet_page=None,
               reason="kein Anmeldebogen"),
        Sample("bad-unreadable", "unreadable", tiff_bytes([broken], res), ".tif", sheet_page=None, reason="unlesbar"),
    ]


def hand_marks(pdf: bytes, marks: list[tuple[str, object]], rng: random.Random) -> bytes:
    """Pen marks drawn over the sheet's first page (reportlab overlay, merged with pypdf): "tick"
    (a box), "write" (box, text: written into the box), "strike" (box, new value), "add" (box,
    printed value, letters written after it)."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from formkit.geometry import Rect
    from formkit.render.form import FIELD_FONT, prepared_value, value_lines

    def hand(path: str) -> str:
        name = "Hand-" + Path(path).stem
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path))
        return name

    font = hand(HAND_FONTS[0])
    # femkeklaver's overlapping contours come out hollow from Ghostscript (PIL fills them): not for PDFs.
    writing = hand(rng.choice(HAND_FONTS[:2])) if any(k == "write" for k, _ in marks) else font
    lay = form_layout()
    ph = lay.height
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(lay.width * mm, ph * mm), invariant=1)
    c.setLineWidth(1.3)
    for kind, arg in marks:
        if kind == "tick":
            assert isinstance(arg, Rect)
            b = arg
            c.line((b.x + 1.2) * mm, (ph - b.y - 1.5) * mm, (b.x2 - 1) * mm, (ph - b.y2 + 1.2) * mm)
            c.line((b.x + 1.2) * mm, (ph - b.y2 + 1.2) * mm, (b.x2 - 1.3) * mm, (ph - b.y - 1.2) * mm)
        elif kind == "write":
            b, text = arg  # type: ignore[misc]
            c.setFont(writing, rng.uniform(13, 16))
            c.drawString((b.x + rng.uniform(2, 6)) * mm, (ph - b.y2 + rng.uniform(2.5, 4)) * mm, text)
        elif kind == "strike":
            b, new = arg  # type: ignore[misc]
            c.line((b.x + 1) * mm, (ph - b.y - b.h * 0.55) * mm, (b.x + 70) * mm, (ph - b.y - b.h * 0.45) * mm)
            c.setFont(font, 15)
            c.drawString((b.x + 74) * mm, (ph - b.y2 + 3) * mm, new)
        elif kind == "add":
            b, printed, extra = arg  # type: ignore[misc]
            spec = next(f for f in lay.fields if f.box == b)
            value, size, _ = prepared_value(spec, printed)
            x, y, line = value_lines(spec, value, size)[0]
            c.setFont(font, 15)
            from reportlab.pdfbase.pdfmetrics import stringWidth
            c.drawString((x + 1) * mm + stringWidth(line, FIELD_FONT, size), (ph - y) * mm, extra)
    c.showPage()
    c.save()
    base = PdfReader(io.BytesIO(pdf))
    over = PdfReader(io.BytesIO(buf.getvalue()))
    w = PdfWriter(clone_from=base)
    w.pages[0].merge_page(over.pages[0])
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()
