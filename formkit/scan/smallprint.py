"""The sheet's identity from its small print, for a page whose QR code cannot be decoded.

The footer line at ``footer_at`` ends with the same payload as the QR code
(``… · FK3:lsz-2018:registration:1:c980e:R0042:dada6``). Once the marks have registered the page,
the footer strip is cut out in layout space and read by Tesseract with a whitelist of the
payload's alphabet; :func:`formkit.ident.parse_payload` finds the identity in what it read.
The result is only a candidate: the caller resolves it through the one resolver and still sends
the record to a person (the QR code was unreadable, and 7-pt print through a fax is weak).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from formkit import fingerprint
from formkit import thresholds as T
from formkit.geometry import Rect
from formkit.ident import HASH_LEN, LEGACY_CAMPAIGN, RECIPIENT_ID, FormIdentity, parse_payload
from formkit.layout.models import FormLayout
from formkit.scan import register

# Every character a payload can hold (ident.py): prefixes, ids, hashes, separators. The prose
# before the payload is read with the same whitelist; its garbage is no payload.
PAYLOAD_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:._-"
# The strip around the footer's baseline (layout mm): 7-pt text sits ~2.5 mm above it.
FOOTER_ABOVE_MM, FOOTER_BELOW_MM = 4.0, 1.8
FOOTER_PX_PER_MM = 8.0  # as the field zones: upscaling 7-pt fax print read worse (tried 10 and 12)
# Edits between a loaded form's printed head (":lsz-2018:registration:1") and the footer's
# reading that still name that form; a closer second form makes the reading ambiguous.
MAX_HEAD_DISTANCE = 1  # "2018" read for "2020" is two: a sheet of an unloaded campaign must not pass
STRIP_SHARE = 0.15  # of the page height searched for the footer when nothing registers the page

_api: Any = None
_lock = threading.Lock()


def _get_api() -> Any:
    global _api
    if _api is None:
        import tesserocr

        from formkit.scan.ocr import has_model, tessdata_path

        _api = tesserocr.PyTessBaseAPI(path=tessdata_path(), lang="eng" if has_model("eng") else "deu",
                                       oem=tesserocr.OEM.LSTM_ONLY, psm=tesserocr.PSM.SINGLE_LINE)
        _api.SetVariable("tessedit_char_whitelist", PAYLOAD_ALPHABET)
        _api.SetVariable("load_system_dawg", "0")  # ids and hashes are no words
        _api.SetVariable("load_freq_dawg", "0")
    return _api


def footer_strip(flat: np.ndarray, h: np.ndarray, layout: FormLayout) -> np.ndarray:
    """The footer line of a registered page (grey, layout space at FOOTER_PX_PER_MM)."""
    fx, fy = layout.footer_at
    rect = Rect(max(0.0, fx - 2.0), fy - FOOTER_ABOVE_MM, layout.width - max(0.0, fx - 2.0) - 2.0,
                FOOTER_ABOVE_MM + FOOTER_BELOW_MM)
    return register.warp_rect(flat, h, rect, FOOTER_PX_PER_MM)


def read_text(strip: np.ndarray) -> str:
    """Tesseract's reading of a footer strip, whitelisted to the payload's alphabet."""
    pad = T.OCR_PAD_PX
    img = np.full((strip.shape[0] + 2 * pad, strip.shape[1] + 2 * pad), 255, np.uint8)
    img[pad:pad + strip.shape[0], pad:pad + strip.shape[1]] = strip
    with _lock:
        api = _get_api()
        hgt, wid = img.shape
        api.SetImageBytes(np.ascontiguousarray(img).tobytes(), wid, hgt, 1, wid)
        api.SetSourceResolution(int(round(FOOTER_PX_PER_MM * 25.4)))
        return str(api.GetUTF8Text() or "")


def _hex_like(seg: str) -> str:
    """A hash segment as printed: lower-case hex; OCR's usual confusions folded back."""
    return seg.lower().translate(_HEX_FOLD)


def _untailed(seg: str) -> str:
    """*seg* without the characters after its last hex-like one."""
    n = len(seg)
    while n and _hex_like(seg[n - 1]) not in _HEX:
        n -= 1
    return seg[:n]


def _as_printed(seg: str, printed: str) -> bool:
    """Is *seg* the fingerprint *printed*, read from the small print? One misread character of
    five is OCR; more is another layout."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(_hex_like(seg), printed) <= 1


_HEX = "0123456789abcdef"
_HEX_FOLD = str.maketrans({"o": "0", "i": "1", "l": "1", "s": "5", "z": "2", "g": "9", "q": "0"})
_SEP = re.compile(r"[:;.,]")


def identify(text: str, forms: Sequence[tuple[str, FormLayout]]) -> FormIdentity | None:
    """The identity a footer reading names: exact when Tesseract got the payload right, else the
    one loaded form (campaign, form id, version) whose printed head the reading is closest to.

    None when no loaded form is close (MAX_HEAD_DISTANCE) or two are equally close (2018 and 2019
    sheets differ in one digit): then the caller must not guess. A geometry fingerprint that does
    not read as the loaded one's is returned as read, so that the resolver refuses the sheet.
    """
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.fuzz import partial_ratio_alignment

    flat = text.replace(" ", "").replace("\n", "")
    exact = parse_payload(flat)
    named = [f for c, f in forms if (c, f.id, f.version) == (exact.campaign, exact.layout_id, exact.version)] \
        if exact is not None else []
    if exact is not None and named:
        printed = fingerprint.geometry(named[0])
        if exact.geometry and _as_printed(exact.geometry, printed):
            exact = replace(exact, geometry=printed)
        return exact
    # Campaign ids are lower case: Tesseract's "I" for "l" is no difference.
    scored: list[tuple[int, str, FormLayout, str]] = []
    for campaign, form in forms:
        heads = [f":{campaign}:{form.id}:{form.version}"]
        if campaign == LEGACY_CAMPAIGN:
            heads.append(f"FK1:{form.id}:{form.version}")
        best: tuple[int, str] | None = None
        for head in heads:
            al = partial_ratio_alignment(head, flat, processor=_fold)
            if al is None:
                continue
            seen = flat[al.dest_start:al.dest_end]
            dist = Levenshtein.distance(_fold(head), _fold(seen))
            if dist > MAX_HEAD_DISTANCE and _glyph_match(head, flat):
                # Only look-alike glyphs and lost separators apart ("hx-202Lregistration" for
                # "hx-2021:registration", a covered QR in bench.heldout): the same head, not another
                # campaign's ("2018" and "2020" stay apart).
                dist = MAX_HEAD_DISTANCE
            if best is None or dist < best[0]:
                best = (dist, flat[al.dest_end:])
        if best is not None:
            scored.append((best[0], campaign, form, best[1]))
    scored.sort(key=lambda t: t[0])
    if not scored or scored[0][0] > MAX_HEAD_DISTANCE or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    _, campaign, form, rest = scored[0]
    segs = [p for p in _SEP.split(rest) if p][:3]
    geometry, recipient, prefill = "", None, ""
    printed_geometry = fingerprint.geometry(form)
    # Junk read after the payload ("acc94 Y", "1608 Y"; the spaces are gone) is no part of its last
    # hash: a sheet's geometry then read as an FK2 recipient "acc94Y", a packet's prefill as "1608y".
    if segs and (len(segs) == 3 or _as_printed(_untailed(segs[0]), printed_geometry)):
        segs[-1] = _untailed(segs[-1])
    geometry_first = bool(segs) and len(segs[0]) == HASH_LEN and _as_printed(segs[0], printed_geometry)
    if len(segs) == 2 and geometry_first:
        # FK3 with the ':' before the prefill read as '-' ("3e4d6:R-00147-a567F", a normal-mode fax
        # with its QR unreadable): a recipient's id may hold hyphens, the prefill is the last
        # HASH_LEN characters. The list's fingerprint of that recipient must still agree with it.
        who, sep, tail = segs[1].rpartition("-")
        if sep and len(tail) == HASH_LEN and RECIPIENT_ID.match(who) \
                and all(c in _HEX for c in _hex_like(tail)):
            segs = [segs[0], who, tail]
    if geometry_first or (len(segs) in (1, 3) and len(segs[0]) == HASH_LEN
                          and (len(segs) == 3 or _hex_like(segs[0]) == segs[0])):
        # FK3: geometry[:recipient:prefill]; a geometry not as printed is kept as read (the resolver refuses it).
        geometry = printed_geometry if _as_printed(segs[0], printed_geometry) else _hex_like(segs[0])
        if len(segs) == 3 and RECIPIENT_ID.match(segs[1]):
            recipient, prefill = segs[1], _hex_like(segs[2][:HASH_LEN])
    elif segs and RECIPIENT_ID.match(segs[0]) and not geometry_first:
        # FK2/FK1: the recipient follows the version (never the geometry fingerprint of an FK3 sheet
        # whose other separators were misread: "3e4d6" was taken for the recipient's id).
        recipient = segs[0]
    return FormIdentity(form.id, form.version, recipient, campaign, geometry=geometry, prefill=prefill)


def _fold(s: str) -> str:
    return s.replace("I", "l").lower()


# Glyphs Tesseract confuses in 7-pt fax print, folded to one; separators dropped.
_GLYPHS = str.maketrans({"l": "1", "I": "1", "L": "1", "|": "1", "i": "1", "O": "0", "o": "0", ":": None, ";": None,
                         ".": None, ",": None})


def _glyphs(s: str) -> str:
    return s.translate(_GLYPHS)


def _glyph_match(head: str, text: str) -> bool:
    """Whether *text* holds *head* exactly, up to look-alike glyphs and separators."""
    from rapidfuzz.fuzz import partial_ratio_alignment

    g, t = _glyphs(head), _glyphs(text)
    al = partial_ratio_alignment(g, t)
    return al is not None and t[al.dest_start:al.dest_end] == g


def read_identity(flat: np.ndarray, h: np.ndarray, layout: FormLayout,
                  forms: Sequence[tuple[str, FormLayout]]) -> tuple[FormIdentity | None, str]:
    """The identity printed in the footer of the page registered by *h* as *layout*, among *forms*
    (campaign id, layout) that could be this sheet (None when the footer does not tell), and the
    footer as read."""
    text = read_text(footer_strip(flat, h, layout))
    return identify(text, forms), text


# Glyphs 7-pt fax print confuses in ids ('ROZO1' and 'RO0201' for R0201 on a normal-mode fax),
# folded alike on both sides; each folded id is then looked for as it stands.
_ID_GLYPHS = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "Z": "2", "S": "5", "B": "8"})


def _id_glyphs(s: str) -> str:
    return s.upper().translate(_ID_GLYPHS)


def named_recipient(text: str, known: Iterable[str], fixed: str = "") -> str | None:
    """The one recipient id of *known* (the mailing list's) that a footer reading names, in the
    payload or in the prose before it ("Empfänger-Nr. R-00135"), or None: none or several.

    For a sheet whose payload lost a separator ("R-00135bbSte": the id ran into a misread prefill
    fingerprint) the id is still read twice. Only a candidate: the caller keeps it when the page's
    ink is that person's print (formkit.scan.reader). An id that *fixed* holds (the footer every
    such sheet prints, whoever it is for: formkit.render.form.footer_line without a recipient)
    names no one: '2018' is in 'lsz-2018', '1' in the version of every sheet."""
    flat = _id_glyphs(_compact(text))
    common = _id_glyphs(re.sub(f"[^{re.escape(PAYLOAD_ALPHABET)}]", "", fixed))
    spans = []
    for rid in known:
        g = _id_glyphs(rid)
        if not g or g in common:
            continue
        at = flat.find(g)  # (a plain search: the list may hold thousands of ids, for every QR-less page)
        while at >= 0:
            spans.append((at, at + len(g), rid))
            at = flat.find(g, at + 1)
    # An id inside a longer one found at the same place ("R-0013" in "R-00135") is not named.
    named = {rid for a, b, rid in spans if not any(a2 <= a and b <= b2 and (a2, b2) != (a, b) for a2, b2, _ in spans)}
    return next(iter(named)) if len(named) == 1 else None


# Glyphs a prefill fingerprint read after its recipient's id with the ':' lost may differ in from
# the list's, once look-alikes are folded (_id_glyphs): 'cOBOT' for c080f (fine fax) is 1,
# 'bbSte' for bb6fe (bench seed 2022, normal fax) 2. Another list entry's fingerprint lies within 2
# of a reading by chance 1 time in 400 (200,000 random 5-hex pairs: 0.25 %; within 1: 0.009 %).
MAX_PREFILL_DISTANCE = 2


# Glyphs OCR may add after the payload, the footer's last item (a speck read as '.', '|').
_TRAILING = 2


def prefill_after(text: str, rid: str) -> str:
    """The prefill fingerprint a footer reading holds after the payload's recipient *rid* where the
    ':' between them was lost ('R0201cOBOT' for R0201:c080f), look-alike glyphs folded; '' where
    fewer than HASH_LEN characters follow it (the fingerprint covered or lost) or the id is read
    once and is not at the line's end (once alone may be the prose's, followed by the payload;
    the payload ends the line: 'F-00147 … R-00147-85ibu', the prose's id misread, bench seed 2023)."""
    flat, g = _id_glyphs(_compact(text)), _id_glyphs(rid)
    at = flat.rfind(g)
    if not g or at < 0:
        return ""
    tail = flat[at + len(g):].lstrip(":;.,-")
    if flat.find(g) == at and not HASH_LEN <= len(tail.rstrip(":;.,-|_'")) <= HASH_LEN + _TRAILING:
        return ""
    return tail[:HASH_LEN] if len(tail) >= HASH_LEN else ""


def prefill_agrees(text: str, rid: str, printed: str) -> bool:
    """Whether a fingerprint is read after *rid* (:func:`prefill_after`) and is *printed*'s (the
    list's entry for *rid*, hashed) but for MAX_PREFILL_DISTANCE misread glyphs. Not read (covered,
    lost): False, the list may have changed after printing where ink cannot tell (l and I)."""
    from rapidfuzz.distance import Levenshtein

    seen = prefill_after(text, rid)
    return bool(seen) and Levenshtein.distance(seen, _id_glyphs(printed)) <= MAX_PREFILL_DISTANCE


def _compact(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")


def looks_like_ours(flat: np.ndarray, form_ids: Sequence[str]) -> bool:
    """Does an unregistered page carry our footer (bottom strip, or top strip when upside down)?

    For a page that neither QR code nor marks can place: if the small print is ours, the page is a
    sheet for a person, not "no form". Costs one Tesseract call per strip (pages with no form only).
    """
    import cv2
    import tesserocr

    hgt = flat.shape[0]
    k = max(1, int(hgt * STRIP_SHARE))
    strips = [flat[hgt - k:], cv2.rotate(flat[:k], cv2.ROTATE_180)]
    ours = re.compile(r"FK[123SZ][:;]|Formular(?:" + "|".join(re.escape(i) for i in form_ids) + r")v\d")
    with _lock:
        api = _get_api()
        api.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK)
        try:
            for s in strips:
                s = np.ascontiguousarray(s, dtype=np.uint8)
                api.SetImageBytes(s.tobytes(), s.shape[1], s.shape[0], 1, s.shape[1])
                if ours.search((api.GetUTF8Text() or "").replace(" ", "")):
                    return True
        finally:
            api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
    return False
