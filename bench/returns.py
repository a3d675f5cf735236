"""What comes back from a campaign, made the way its invitees and others make it (``bench scan``).

The mailing list's members return THEIR packet, never a blank sheet: its sheet carries their
name, institution, address and e-mail (:func:`formkit.recipients.sheet_prefill`, what the packets
print) and their recipient id. Everyone else returns a sheet without an id. Each return is one
story (:data:`STORIES`), told through the same printers, faxes and scanners as :mod:`tests.corpus`:

- ``Paket-PDF``: a member fills the e-mailed fillable PDF in a program (pypdf, PyMuPDF, pdftk),
  typing phone (unless the list printed one) and date in a font and size of their choice, ticks a
  venue there, prints it and faxes or scans it.
- ``Paket-PDF neu gezeichnet``: the same in a program that draws every field anew in the font the
  person picked, the printed values too (the PDF filler ``pymupdf-alle``).
- ``Paket-PDF korrigiert``: the same, and one printed value overtyped in the program (a new
  function, e-mail address, street, a title): the truth is the new value, a person must look.
- ``Druck`` / ``Druck geändert``: the print copy (or the e-mail PDF printed unfilled) with phone
  and date written by hand and the venue ticked with a pen; "geändert": a printed value crossed
  out and rewritten, or letters added after it; ``Druck, nur Kreuz``: the tick and nothing else.
- ``leerer Bogen``: a stranger (names, places, streets from a pool disjoint from the list's) types
  everything into the invitation's sheet or a copy of it: no recipient id.
- ``Paket weitergeleitet``: a stranger overtypes a member's forwarded packet with their own data
  (the sheet still carries the member's id): a changed packet, a person must look.
- ``Bogen mit Nr.``: a blank sheet that carries a recipient id (a recipient without data on the
  list, or a sheet printed before the list was filled in). Decided: the list neither verifies nor
  confirms anything on it, because its prefill fingerprint says nothing was printed (see
  ``tests/test_scan_blank_id.py``); it is read like a stranger's sheet, and its id is kept.
- ``Handschrift``: the invitation's sheet without id written by hand.

Every typed field records the font it was typed in (:attr:`Sample.fonts`: ``Helvetica``,
``Courier``, ``Times``; ``Vordruck`` for what the packet printed, ``Hand`` for handwriting), so
that the bench reports by font too.
"""

from __future__ import annotations

import math
import random
import sys
from dataclasses import replace
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from formkit.recipients import Recipient, sheet_prefill
from formkit.render.document import RenderOptions, render_to_bytes
from tests import corpus as C
from tests.fill import Font, fill_pdftk, fill_pymupdf, fill_pypdf

TEXT = ("name", "institution", "address", "phone", "email", "date")
PRINTED = "Vordruck"
HAND = "Hand"
FAMILIES = ("Helvetica", "Courier", "Times")
SIZES = (9.0, 10.0, 11.0, 12.0)
MIN_SIZE = 7.0
# pdftk (a JVM start, 1 s) one time in five; "pymupdf-alle": the program draws every field anew in
# the font the person picked, the values the packet printed too (formkit.scan.verify must find them
# in that font).
FILLERS = ("pypdf", "pymupdf", "pdftk", "pypdf", "pymupdf-alle")
STORIES = ("Paket-PDF", "Paket-PDF neu gezeichnet", "Paket-PDF korrigiert", "Druck", "Druck, nur Kreuz", "Druck geändert", "leerer Bogen",
           "Paket weitergeleitet", "Bogen mit Nr.", "Handschrift")
# Of the members who return the e-mail PDF, every CORRECT_EVERY-th overtypes a printed value; of the
# strangers, every FORWARD_EVERY-th uses a member's forwarded packet instead of a blank sheet.
CORRECT_EVERY = 4
FORWARD_EVERY = 4


# --- the sheets ----------------------------------------------------------------------------


def packet_sheet(who: Recipient, fillable: bool) -> bytes:
    """The registration sheet of *who*'s packet as the packets render it: the e-mail PDF
    (fillable, values in form fields) or the print copy (values printed)."""
    values = sheet_prefill(who, [C.form_layout()])
    pdf, _ = render_to_bytes("registration", C.registry(), RenderOptions(values=values, recipient_id=who.id,
                                                                         fillable=fillable))
    return pdf


def fitting_font(rng: random.Random, values: dict[str, str]) -> Font:
    """A font family and size a person picks; smaller when a value would not fit its box (a
    viewer clips what does not fit, and the person sees it and shrinks the font)."""
    font = Font(rng.choice(FAMILIES), rng.choice(SIZES))
    lay = C.form_layout()
    size = font.size
    while size > MIN_SIZE and any(
            stringWidth(line, font.postscript, size) > (lay.field(k).box.w - 4) * mm
            for k, v in values.items() if k in TEXT for line in v.split("\n")):
        size -= 0.5
    return replace(font, size=size)


def typed_in(pdf: bytes, values: dict[str, str], filler: str, font: Font) -> bytes:
    """*values* typed into the fillable *pdf* with *filler* in *font*; pdftk flattens (print to PDF),
    the others leave the fields for the printer driver to draw."""
    if filler == "pypdf":
        return fill_pypdf(pdf, values, font=font)
    if filler == "pymupdf":
        return fill_pymupdf(pdf, values, font=font)
    if filler == "pymupdf-alle":
        return fill_pymupdf(pdf, values, font=font, redraw_all=True)
    return fill_pdftk(pdf, values, flatten=True, font=font)


def deliver(pdf: bytes, rng: random.Random, mode: str, quarter: int = 0) -> tuple[bytes, str, str]:
    """The printed sheet sent: (file bytes, suffix, Sample.kind) for a fax (fine/normal), a grey
    office scan or a phone photo."""
    if mode in ("fine", "normal"):
        arr, res = C.fax_page(pdf, rng, mode, quarter=quarter)
        comp = "group4" if rng.random() < 0.3 else "group3"
        return C.tiff_bytes([arr], res, comp), ".tif", f"fax-{mode}"
    if mode == "photo":
        return C.jpeg_bytes(C.photo_page(pdf, rng), 80, None), ".jpg", "photo"
    arr, dpi = C.scan_page(pdf, rng, quarter=quarter)
    if rng.random() < 0.7:
        return C.jpeg_bytes(arr, rng.randint(45, 85), dpi), ".jpg", "scan"
    return C.png_bytes(arr, dpi), ".png", "scan"


def _venue(rng: random.Random) -> dict[str, str]:
    pick = rng.randrange(len(C.VENUES))
    return {v: "1" if j == pick else "" for j, v in enumerate(C.VENUES)}


def _phone(rng: random.Random) -> str:
    return f"0{rng.randint(3600, 3699)} {rng.randint(10000, 999999)}"


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d}.0{rng.randint(3, 4)}.2018"


def _truth(printed: dict[str, str], typed: dict[str, str]) -> dict[str, str]:
    return {**{k: "" for k in TEXT}, **{k: v for k, v in printed.items() if k in TEXT}, **typed}


def _fonts(printed: dict[str, str], typed: dict[str, str], family: str) -> dict[str, str]:
    out = {k: PRINTED for k in printed if k in TEXT}
    out.update({k: family for k, v in typed.items() if k in TEXT and v})
    return out


def correction(rng: random.Random, who: Recipient, printed: dict[str, str]) -> tuple[str, str]:
    """A member's own correction of one printed value: (field, new value), never the printed one."""
    options = ["institution", "email", "address"] + (["name"] if who.last_name else [])
    field = rng.choice(options)
    if field == "name":
        new = f"{'Dr. ' if not who.title else ''}{who.first_name} {who.last_name}"
    elif field == "institution":
        role = rng.choice([r for r in C.ROLES if r != who.function])
        new = f"{who.institution}, {role}"
    elif field == "email":
        local, _, domain = (who.email or "x@example.de").partition("@")
        new = f"{rng.choice(['info', 'buero', 'sekretariat', 'kontakt'])}@{domain}"
    else:
        new = f"{rng.choice(C.STREETS)} {rng.randint(1, 120)}\n{who.postcode} {who.city}"
    assert new != printed.get(field, ""), (field, new)
    return field, new


# --- the stories ---------------------------------------------------------------------------


def packet_pdf_return(i: int, rng: random.Random, who: Recipient, mode: str, correct: bool = False,
                      quarter: int = 0) -> C.Sample:
    """A member's e-mail PDF filled in a program (``Paket-PDF``; *correct*: ``… korrigiert``)."""
    printed = sheet_prefill(who, [C.form_layout()])
    typed = {"date": _date(rng)}
    if "phone" not in printed:
        typed["phone"] = _phone(rng)
    changed: tuple[str, ...] = ()
    if correct:
        f, new = correction(rng, who, printed)
        typed[f] = new
        changed = (f,)
    filler = FILLERS[i % len(FILLERS)]
    font = fitting_font(rng, typed)
    venues = _venue(rng)
    pdf = typed_in(packet_sheet(who, fillable=True), {**typed, **venues}, filler, font)
    data, suffix, kind = deliver(pdf, rng, mode, quarter)
    story = "Paket-PDF korrigiert" if correct else ("Paket-PDF neu gezeichnet" if filler == "pymupdf-alle"
                                                    else "Paket-PDF")
    name = f"paket-pdf-{mode}-{i:03d}-{filler}-{font.family.lower()}{font.size:g}" + ("-korr" if correct else "")
    return C.Sample(name, kind, data, suffix, {**_truth(printed, typed), **venues}, who.id, mode=mode, member=True,
                    packet=True, changed=changed, story=story, fonts=_fonts(printed, typed, font.family))


def forwarded_return(i: int, rng: random.Random, host: Recipient, stranger: Recipient, mode: str,
                     quarter: int = 0) -> C.Sample:
    """A stranger's data typed over a member's forwarded e-mail PDF (``Paket weitergeleitet``)."""
    printed = sheet_prefill(host, [C.form_layout()])
    typed = {k: v for k, v in C.values_of(stranger, rng).items() if k in TEXT}
    changed = tuple(k for k in TEXT if k in printed and typed[k] != printed[k])
    filler = FILLERS[i % len(FILLERS)]
    font = fitting_font(rng, typed)
    venues = _venue(rng)
    pdf = typed_in(packet_sheet(host, fillable=True), {**typed, **venues}, filler, font)
    data, suffix, kind = deliver(pdf, rng, mode, quarter)
    name = f"weitergeleitet-{mode}-{i:03d}-{filler}-{font.family.lower()}{font.size:g}"
    return C.Sample(name, kind, data, suffix, {**_truth({}, typed), **venues}, host.id, mode=mode, member=False,
                    packet=True, changed=changed, story="Paket weitergeleitet", fonts=_fonts({}, typed, font.family))


def blank_return(i: int, rng: random.Random, p: Recipient, mode: str, member: bool, quarter: int = 0,
                 recipient_id: str | None = None) -> C.Sample:
    """*p*'s data typed into a blank sheet: the invitation's (no id, ``leerer Bogen``) or one that
    carries *recipient_id* (``Bogen mit Nr.``)."""
    typed = {k: v for k, v in C.values_of(p, rng).items() if k in TEXT}
    filler = FILLERS[i % len(FILLERS)]
    font = fitting_font(rng, typed)
    venues = _venue(rng)
    pdf = typed_in(C.blank_pdf(recipient_id), {**typed, **venues}, filler, font)
    data, suffix, kind = deliver(pdf, rng, mode, quarter)
    story = "Bogen mit Nr." if recipient_id else "leerer Bogen"
    name = f"{'bogen-nr' if recipient_id else 'leer'}-{mode}-{i:03d}-{filler}-{font.family.lower()}{font.size:g}"
    return C.Sample(name, kind, data, suffix, {**_truth({}, typed), **venues}, recipient_id, mode=mode,
                    member=member, story=story, fonts=_fonts({}, typed, font.family))


def print_return(i: int, rng: random.Random, who: Recipient, mode: str, change: str = "",
                 tick_only: bool = False) -> C.Sample:
    """A member's printed packet sheet with phone and date written by hand and a pen tick
    (``Druck``); *tick_only*: the tick and nothing else (``Druck, nur Kreuz``: no person needed);
    *change* "strike": a printed value crossed out and rewritten, "add": letters written after a
    printed value (``Druck geändert``)."""
    fillable = i % 2 == 1  # the e-mail PDF printed as it came, or the print copy
    printed = sheet_prefill(who, [C.form_layout()])
    lay = C.form_layout()
    venues = _venue(rng)
    pick = next(v for v, t in venues.items() if t == "1")
    hand = {"date": _date(rng)}
    if "phone" not in printed:
        hand["phone"] = _phone(rng)
    if tick_only:
        hand = {}  # (the values are drawn all the same: the seed's other samples stay as they were)
    marks: list[tuple[str, object]] = [("tick", lay.field(pick).box)]
    marks += [("write", (lay.field(k).box, v)) for k, v in hand.items()]
    truth = _truth(printed, hand)
    changed: tuple[str, ...] = ()
    if change == "strike":
        f = rng.choice(["name", "institution", "email"])
        new = {"name": f"{rng.choice(C.S_FIRST)} {rng.choice(C.S_LAST)}",
               "institution": f"Gemeinde {rng.choice(C.S_PLACES)}",
               "email": f"info@{rng.choice(C.S_PLACES).lower().replace(' ', '-')}.de"}[f]
        marks.append(("strike", (lay.field(f).box, new)))
        truth[f] = new
        changed = (f,)
    elif change == "add":
        f = rng.choice(["name", "institution"])
        extra = rng.choice([" jun.", "-Schulz", " (Vertretung)", " e.V."])
        marks.append(("add", (lay.field(f).box, truth[f], extra)))
        truth[f] = truth[f] + extra
        changed = (f,)
    marked = C.hand_marks(packet_sheet(who, fillable), marks, rng)
    arr, res = C.fax_page(marked, rng, mode, angle=rng.uniform(-3, 3))
    fonts = _fonts(printed, {}, "")
    fonts.update({k: HAND for k in hand})
    fonts.update({k: HAND for k in changed})
    name = f"druck-{mode}-{i:03d}-{'pdf' if fillable else 'print'}" + (f"-{change}" if change else "")
    return C.Sample(name, "packet", C.tiff_bytes([arr], res), ".tif", {**truth, **venues}, who.id, mode=mode,
                    member=True, packet=True, changed=changed,
                    story="Druck geändert" if change else ("Druck, nur Kreuz" if tick_only else "Druck"),
                    fonts=fonts)


def handwritten_return(i: int, rng: random.Random, p: Recipient, member: bool) -> C.Sample:
    """*p*'s data written by hand into the invitation's sheet (no id), faxed or scanned."""
    v = C.values_of(p, rng)
    if i % 3 == 2:
        s = C.handwritten(i, rng, fax=False, values=v, rid="")
    else:
        s = C.handwritten(i, rng, fax=True, mode="normal" if i % 3 == 1 else "fine", stray=i % 4 == 0,
                          quarter=2 if i % 5 == 4 else 0, values=v, rid="")
    s.member, s.story = member, "Handschrift"
    s.fonts = {k: HAND for k in TEXT if v.get(k)}
    return s


def with_cover(s: C.Sample, rng: random.Random) -> C.Sample:
    """The fax *s* (fine or normal) with a cover sheet in front."""
    res = C.FINE if s.mode == "fine" else C.NORMAL
    frames = C.frames_of(s.data)
    return replace(s, name=f"deckblatt-{s.name}", kind="cover", data=C.tiff_bytes([C.cover_sheet(rng, res)] + frames, res),
                   sheet_page=2, pages=2)


# --- the campaign --------------------------------------------------------------------------


def campaign_returns(seed: int = 2018, n_fine: int = 40, n_normal: int = 20, n_scan: int = 12, n_hand: int = 12,
                     n_photo: int = 3, n_cover: int = 3, n_packet: int = 0, bad: bool = True,
                     stranger_share: float = 0.5, n_blank_id: int = 0) -> tuple[list[C.Sample], list[Recipient]]:
    """A campaign's returns and the mailing list it was sent to (see the module docstring).

    Typed and handwritten returns (*n_fine*, *n_normal*, *n_scan*, *n_photo*, *n_cover*, *n_hand*)
    alternate between members and strangers so that at least *stranger_share* of all returners are
    strangers (the packets and sheets with an id below are members'); a member returns the e-mail PDF
    (every CORRECT_EVERY-th with a printed value overtyped), a stranger a blank sheet (every
    FORWARD_EVERY-th a member's forwarded packet). Every tenth typed fax is upside down, a few are
    sideways. *n_packet*: printed packets, a third untouched (half of those with a tick only, half
    with phone/date handwritten), a third with a value crossed out and rewritten, a third with
    letters added. *n_hand*: handwritten
    blank sheets. *n_blank_id*: blank sheets with a member's id, typed (fine faxes).
    """
    rng = random.Random(seed)
    n_members = n_fine + n_normal + n_scan + n_hand + n_photo + n_cover + n_packet + n_blank_id + 10
    # Printed packets and sheets with an id come from members only: strangers take a larger share
    # of the other returns, so that *stranger_share* holds for all returners.
    turns = n_fine + n_normal + n_scan + n_hand + n_photo + n_cover
    share = min(1.0, math.ceil(stranger_share * (turns + n_packet + n_blank_id)) / max(1, turns)) + 1e-9
    members = [C.person(rng, f"R-{k:05d}") for k in range(n_members)]
    # Some lists carry a phone number: the packet prints it, and the person types only the date.
    members = [replace(m, phone=_phone(rng)) if rng.random() < 0.3 else m for m in members]
    used = iter(members)
    count = {"who": 0, "member": 0, "stranger": 0}

    def stranger_turn() -> bool:
        count["who"] += 1
        return (count["who"] * share) % 1.0 + share >= 1.0

    def typed(i: int, mode: str, quarter: int = 0) -> C.Sample:
        host = next(used)
        if stranger_turn():
            count["stranger"] += 1
            p = C.person(rng, host.id, C.STRANGERS)
            if count["stranger"] % FORWARD_EVERY == 0:
                return forwarded_return(i, rng, host, p, mode, quarter)
            return blank_return(i, rng, p, mode, member=False, quarter=quarter)
        count["member"] += 1
        return packet_pdf_return(i, rng, host, mode, correct=count["member"] % CORRECT_EVERY == 0, quarter=quarter)

    out: list[C.Sample] = []
    for i in range(n_fine):
        out.append(typed(i, "fine", quarter=2 if i % 10 == 3 else (1 if i % 10 == 7 else (3 if i % 20 == 9 else 0))))
    for i in range(n_normal):
        out.append(typed(1000 + i, "normal", quarter=2 if i % 10 == 5 else 0))
    for i in range(n_scan):
        out.append(typed(500 + i, "scan", quarter=2 if i % 6 == 1 else 0))
    for i in range(n_hand):
        host = next(used)
        if stranger_turn():
            out.append(handwritten_return(i, rng, C.person(rng, host.id, C.STRANGERS), member=False))
        else:
            out.append(handwritten_return(i, rng, host, member=True))
    for i in range(n_photo):
        out.append(typed(700 + i, "photo"))
    for i in range(n_cover):
        out.append(with_cover(typed(2000 + i, "fine"), rng))
    for i in range(n_packet):
        out.append(print_return(3000 + i, rng, next(used), "normal" if i % 4 == 3 else "fine",
                                change=["", "strike", "add"][i % 3], tick_only=i % 3 == 0 and (i // 3) % 4 < 2))
    for i in range(n_blank_id):
        host = next(used)
        out.append(blank_return(4000 + i, rng, host, "fine", member=True, recipient_id=host.id))
    if bad:
        out.extend(C.bad_pages(rng))
    return out, members


def main(argv: list[str]) -> int:
    """Write a small corpus to look at: ``python -m bench.returns OUTDIR [N]``."""
    target = Path(argv[0] if argv else "corpus")
    n = int(argv[1]) if len(argv) > 1 else 10
    samples, _ = campaign_returns(n_fine=n, n_normal=n // 2, n_scan=n // 2, n_hand=n // 2, n_photo=2, n_cover=2)
    for s in samples:
        print(s.write(target))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
