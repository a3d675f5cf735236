"""Reading one page image: compose QR -> registration -> ticks and OCR into a PageReading.

This module only composes the stages (:mod:`.qr`, :mod:`.register`, :mod:`.ticks`, :mod:`.ocr`);
:func:`analyse_page` also returns what the stages saw, for ``formkit debug``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace

import cv2
import numpy as np
from PIL import Image

from formkit import fields as kinds
from formkit import fingerprint
from formkit import thresholds as T
from formkit.campaign import Campaigns, Unresolved, as_campaigns
from formkit.geometry import Rect
from formkit.ident import FormIdentity, parse_payload, starts_with_prefix
from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FieldSpec, FormLayout
from formkit.readings import FieldReading, NotAForm, PageReading
from formkit.render import ruling
from formkit.render.form import footer_line
from formkit.scan import agree, lexicon, ocr, qr, redraw, register, smallprint, ticks, verify
from formkit.scan.context import ReadContext
from formkit.scan.png import grey_png
from formkit.scan.register import Registration


@dataclass
class Analysis:
    """A page as the recogniser saw it: the reading plus the intermediate results."""

    result: PageReading | NotAForm
    registration: Registration | None = None
    registered: np.ndarray | None = None  # grey page in layout space at REG_PX_PER_MM
    ocr_text: dict[str, str] = field(default_factory=dict)


def free_right(layout: FormLayout, spec: FieldSpec, margin_mm: float) -> Rect | None:
    """The strip right of a field's zone (the box grown by *margin_mm*), at the zone's height and
    up to T.BEYOND_FAR_MM wide, where the form prints nothing (no field, box, mark or QR code
    level with it, the page's edge): writing seen there ran on past the box. None: no room."""
    zone = spec.box.inset(-margin_mm)
    x2 = min(zone.x2 + T.BEYOND_FAR_MM, layout.width)
    others = [f.box for f in layout.fields if f is not spec] + [b.box for b in layout.boxes] + \
        list(layout.marks.rects()) + [layout.qr.box]
    for r in others:
        if r.y < zone.y2 and r.y2 > zone.y and r.x2 > zone.x2:
            x2 = min(x2, r.x)
    return Rect(zone.x2, zone.y, x2 - zone.x2, zone.h) if x2 - zone.x2 >= T.BEYOND_LINE_CLEAR_MM else None


# Typographic punctuation Tesseract writes for plain signs; everything else must be Latin-1.
_TYPOGRAPHIC = str.maketrans("", "", "„“”‚‘’–—…€")


def _latin1(text: str) -> bool:
    try:
        text.translate(_TYPOGRAPHIC).encode("latin-1")
        return True
    except UnicodeEncodeError:
        return False


def _faint_ink(flat: np.ndarray, box: Rect, margin: float, px: float) -> float:
    """Share of the box's inner area darker than FAINT_INK_LEVEL of the paper: light pencil or a
    pale scan that the ink threshold misses must not make a field "certainly empty"."""
    k = int(round((margin + 1.0) * px))
    inner = flat[k:-k, k:-k] if flat.shape[0] > 2 * k and flat.shape[1] > 2 * k else flat
    return float((inner < int(T.FAINT_INK_LEVEL * 255)).mean()) if inner.size else 0.0


def _alike(a: FormLayout, b: FormLayout) -> bool:
    """Sheets that marks and printed boxes cannot tell apart: the same form (id) of another campaign
    or version, with the same marks. (Different forms differ in their boxes, which marks-only
    registration scores.)"""
    return a.id == b.id and a.marks == b.marks and a.page_size == b.page_size and a.qr == b.qr


def _qr_windows(forms: list[FormLayout], shape: tuple[int, ...], dpi: float) -> list[tuple[int, int, int, int]]:
    """Where the loaded forms print their QR code, in image pixels, on a page the right way up,
    upside down and (a landscape image) turned either way: the places :func:`qr.find_qr` tries
    before the whole page."""
    px, m = dpi / 25.4, T.QR_HINT_MARGIN_MM
    out: list[tuple[int, int, int, int]] = []
    for f in forms:
        q, w, h = f.qr.box, f.width, f.height
        boxes = [(q.x, q.y, q.x2, q.y2), (w - q.x2, h - q.y2, w - q.x, h - q.y)]
        if shape[1] > shape[0]:  # sideways: layout (x, y) at (h - y, x) or (y, w - x)
            boxes += [(h - q.y2, q.x, h - q.y, q.x2), (q.y, w - q.x2, q.y2, w - q.x)]
        for x0, y0, x1, y1 in boxes:
            win = (int((x0 - m) * px), int((y0 - m) * px), int(np.ceil((x1 + m) * px)), int(np.ceil((y1 + m) * px)))
            if win not in out:
                out.append(win)
    return out


class _Statement:
    """What the reader states of a text zone for a reading of it: the printed value where the
    print is confirmed (prefilled, found untouched, not contradicted by the text, the registration
    trusted), else OCR's confidence under the caps of kind, print and page. OCR asks it too
    (:func:`ocr.read_zone`'s *outcome*) and leaves out passes that could not change it. The ink
    comparison is made once per text."""

    def __init__(self, spec: FieldSpec, printed: str, zone: ocr.ZoneInk, px: float, margin_mm: float,
                 trusted: bool, signing: tuple[dt.date, dt.date] | None,
                 channel: Callable[[], verify.Channel] | None = None) -> None:
        # The comparison sees the writer's strokes: a line through the print is ink it does not explain.
        self.spec, self.printed, self.inner, self.px, self.margin = spec, printed, zone.seen, px, margin_mm
        self.struck, self.trusted, self.signing, self.channel = zone.struck, trusted, signing, channel
        self.zone = zone
        self.seen: dict[str, tuple[verify.Verdict | None, bool]] = {}

    def verdict(self, text: str) -> tuple[verify.Verdict | None, bool]:
        """The ink comparison with the print (None: nothing printed) and whether it confirms the print."""
        if text not in self.seen:
            if not self.printed:
                self.seen[text] = None, False
            else:
                v = verify.compare(self.inner, self.spec, self.printed, self.px, self.margin, text, self.channel)
                self.seen[text] = v, (v.state == "untouched" and self.trusted and not self.struck
                                      and verify.agrees(self.inner, self.spec, self.printed, text, self.px,
                                                        self.margin, v.style))
        return self.seen[text]

    def confidence(self, text: str, snapped: bool, conf: float) -> float:
        """The confidence stated for *text* read with *conf* (OCR's own, calibrated per kind); never
        lower for a higher *conf*."""
        verdict, verified = self.verdict(text)
        if verified:
            return T.VERIFIED_CONFIDENCE
        kind = self.spec.kind
        if text and not kinds.plausible(kind, text):
            conf = min(conf, T.IMPLAUSIBLE_CONFIDENCE)
        if kind == "date" and kinds.outside(text, self.signing):
            conf = min(conf, T.IMPLAUSIBLE_CONFIDENCE)  # a day no sheet of this campaign is dated on
        if not _latin1(text):
            # The sheet's fields hold Latin-1; a letter beyond it is the model's guess at noise
            # ("Harıs-Peter" for "Hans-Peter" came at 0.92).
            conf = min(conf, T.IMPLAUSIBLE_CONFIDENCE)
        own = self.printed
        if own and text and not snapped and (verdict is None or verdict.state == "unclear") \
                and kinds.same_words(text, own):
            # Word for word what the list says of the person in the QR (the sheet typed anew, not
            # the print): an independent source agrees. Other people's entries never count.
            conf = max(conf, T.LIST_AGREEMENT_CONFIDENCE)
        if snapped:
            conf = min(conf, T.SNAPPED_CONFIDENCE)
        if verdict is not None and verdict.state == "untouched":
            conf = min(conf, T.AGREE_CONFLICT_CONFIDENCE)  # the ink says printed, OCR reads other text that fits better
        if self.differs(text):
            conf = min(conf, T.AGREE_CONFLICT_CONFIDENCE)
        if self.faded(text):
            conf = min(conf, T.AGREE_CONFLICT_CONFIDENCE)  # 'Muller' for 'Müller' would look the same
        if self.changed(text):
            conf = min(conf, T.CHANGED_CONFIDENCE)  # ink added to the printed value: a person reads it
        if self.struck:
            conf = min(conf, T.STRUCK_CONFIDENCE)  # OCR read past the stroke: perhaps the value crossed out
        if not self.trusted:
            conf = min(conf, T.UNTRUSTED_CONFIDENCE)
        if conf > T.UNREAD_INK_CONFIDENCE and self.zone.lost_mark:
            conf = T.UNREAD_INK_CONFIDENCE  # a mark OCR was never shown (ocr.lost_mark)
        return conf

    def redrawable(self, text: str, snapped: bool, conf: float, edge: bool) -> bool:
        """Whether an unsure reading (*conf* as :meth:`confidence` stated it) may be confirmed by
        drawing it again (:meth:`redrawn`): never a doubt with a named cause: a print on the sheet,
        a snapped word, an implausible value, a stroke, an untrusted page, a mark OCR was not shown, ink
        running into the box's line or past it (*edge*, :attr:`ocr.OcrResult.edge`: a glyph may be cut, or the value
        go on beyond the zone, and the ink in the zone then truly shows the misread)."""
        if conf >= T.OCR_OK or not text or self.printed or snapped or self.struck or not self.trusted or edge:
            return False
        kind = self.spec.kind
        if not kinds.plausible(kind, text) or not _latin1(text) or (kind == "date" and kinds.outside(text, self.signing)):
            return False
        return kind in T.REDRAW_KINDS and not self.zone.lost_mark

    def redrawn(self, text: str, others: tuple[str, ...], fax: bool) -> bool:
        """Whether the reading, drawn again, explains the zone's ink clearly better than every near
        rival and each of the zone's *others* readings (:func:`formkit.scan.redraw.confirm`): a
        value typed where nothing was printed, that OCR read unsure, but whose ink leaves no other
        reading open."""
        return redraw.confirm(self.inner, self.spec, text, self.px, others, self.channel, fax).confirmed

    def changed(self, text: str) -> bool:
        """Ink added to the print; a stroke through a print that is still found whole changed it too
        (however thin the stroke)."""
        verdict, _ = self.verdict(text)
        return verdict is not None and (verdict.state == "changed" or (self.struck and verdict.state == "untouched"))

    def faded(self, text: str) -> bool:
        """The print found but for marks (an umlaut's dots) the fax may have lost: a person looks."""
        verdict, _ = self.verdict(text)
        return verdict is not None and verdict.faded and not self.changed(text)

    def differs(self, text: str) -> bool:
        """The print not found as printed and OCR reading other words (or none): retyped in a viewer,
        deleted, or misread — either way not the packet's value, and not OCR's to decide."""
        verdict, _ = self.verdict(text)
        return verdict is not None and verdict.state == "unclear" and not kinds.same_words(text, self.printed)


def _sheet_share(reg: Registration, shape: tuple[int, ...]) -> float:
    """The share of the image the registered sheet covers (its page corners mapped into the image)."""
    w, h = reg.layout.width, reg.layout.height
    corners = np.array([[[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]]], dtype=np.float64)
    try:
        img = cv2.perspectiveTransform(corners, np.linalg.inv(reg.H))[0]
    except np.linalg.LinAlgError:
        return 1.0
    return float(cv2.contourArea(img.astype(np.float32))) / float(shape[0] * shape[1])


def _print_found(fields: Mapping[str, FieldReading], printed: Mapping[str, str]) -> bool:
    """Whether the page shows a packet's print (*printed*, by field name) as printed: every value
    it put into a field of this sheet found untouched, and at least one. A sheet that holds none of
    it (a form the packet printed nothing into, as the blank 'Leitgedanken' sheet) vouches for no
    one: else any id its small print seemed to name ('2018' of 'lsz-2018') became its recipient."""
    shown = [n for n in printed if n in fields]
    return bool(shown) and all(fields[n].printed == "untouched" for n in shown)


def _named_by_print(footer: str, form: FormLayout, told: FormIdentity | None, blank: FormIdentity,
                    context: ReadContext) -> str | None:
    """The recipient a footer reading (*told* as parsed, None where it did not parse; *blank* the
    sheet's identity without a recipient) names by id,
    for the page's ink to confirm (:func:`smallprint.named_recipient`). Its prefill fingerprint must
    be read (parsed, or run into the id: 'R0201cOBOT', bench seed 2022's 'R-00135bbSte') and agree
    with that person's list entry: where it does not, or cannot be read, the list may have changed
    after printing, and ink cannot tell 'kjr-slf' printed from 'kjr-sIf' listed; the list then
    confirms nothing on the sheet (as with a QR code)."""
    rid = smallprint.named_recipient(footer, context.printed, fixed=footer_line(form, blank.payload()))
    if rid is None:
        return None
    listed = context.printed_for(rid)
    if told is not None and told.prefill:
        return rid if fingerprint.printed_agrees(form, listed, told.prefill, misread=1) else None
    return rid if smallprint.prefill_agrees(footer, rid, fingerprint.prefill(form, listed)) else None


def _look_alikes_doubted(fields: Mapping[str, FieldReading], layout: FormLayout, printed: Mapping[str, str],
                         words: frozenset[str], coarse: Callable[[], bool]) -> dict[str, FieldReading]:
    """*fields* with each sure reading of LOOK_ALIKE_KINDS that holds no German word where a
    look-alike of it is one ('Eichhom', 'Kommarkt', 'Fruhe') capped at LOOK_ALIKE_CONFIDENCE
    (:mod:`formkit.scan.lexicon`). After the agreement: an e-mail address it raised because it
    names the name read ('frank.eichhom' beside 'Frank Eichhom') is misread alike. Not a print
    verified untouched, nor the list's entry of the person (an independent source agrees). *coarse*:
    whether the page is a normal-mode fax, whose rows add look-alikes (asked only where they would
    doubt a reading)."""
    lex = lexicon.lexicon(ocr.vocabulary(words, True))
    out = dict(fields)
    for spec in layout.fields:
        f = fields.get(spec.name)
        if f is None or spec.kind not in T.LOOK_ALIKE_KINDS or f.confidence < T.OCR_OK or f.printed is not None:
            continue
        own = printed.get(spec.name, "")
        if own and kinds.same_words(f.value, own):
            continue
        name = spec.kind == "name"
        if lex.misread(f.value, name=name) is not None or (lex.misread(f.value, True, name) is not None and coarse()):
            out[spec.name] = dc_replace(f, confidence=T.LOOK_ALIKE_CONFIDENCE)
    return out


def _ours(text: str) -> bool:
    return starts_with_prefix(text) and parse_payload(text) is not None


def analyse_page(image: Image.Image, page_no: int, registry: Campaigns | LayoutRegistry, full: bool = False,
                 context: ReadContext | None = None, levers: ocr.Levers = ocr.ALL) -> Analysis:
    """Read a page; *full* also keeps the whole registered page (for the debug view). *context*
    (mailing list, event) lets prefilled values be verified and free text be read with the
    campaign's vocabulary."""
    registry = as_campaigns(registry)
    grey = np.asarray(image if image.mode == "L" else image.convert("L"))  # raster pages are "L" already
    dpi_info = image.info.get("dpi") or (grey.shape[1] / (T.ASSUMED_PAGE_WIDTH_MM / 25.4),) * 2
    dpi = float(dpi_info[0])
    page = register.prepare(grey, dpi)
    ink_share = float(page.ink[::4, ::4].mean())
    if ink_share < T.BLANK_INK:
        return Analysis(NotAForm(page_no, "leere Seite"))
    codes = qr.find_qr(grey, _qr_windows([f for _, f in registry.forms()], grey.shape, dpi), _ours)
    ours = [(c, parse_payload(c.text)) for c in codes]
    ours = [(c, i) for c, i in ours if i is not None and starts_with_prefix(c.text)]
    if ink_share > T.DARK_PAGE_INK:
        # Our QR code still readable on a page that came through black: one of our sheets, lost.
        return Analysis(NotAForm(page_no, f"Seite unlesbar: {ink_share:.0%} schwarz (Faxfehler oder zu dunkel gescannt)",
                                 recognised=bool(ours)))
    problems: list[str] = []
    told_by_print = ""  # the doubt of an identity read from the small print (the QR code unreadable)
    by_ink: str | None = None  # a recipient the small print names, kept only if the page shows their print
    reg: Registration | None
    list_ok = True  # may the mailing list verify and confirm this sheet's values
    if ours:
        code, ident = ours[0]
        assert ident is not None
        found = registry.resolve(ident)
        if isinstance(found, Unresolved):
            return Analysis(NotAForm(page_no, found.reason, recognised=True))
        reg = register.register_with_qr(page, found, code.corners, code.modules)
        if len(ours) == 1 and _sheet_share(reg, grey.shape) < T.OTHER_SHEET_SHARE:
            # The sheet fills only part of the image (a copier's "2 auf 1", two sheets on the glass):
            # another one may be beside it, whose QR code the search near the expected place missed.
            ours = [(c, i) for c, i in ((c, parse_payload(c.text)) for c in qr.find_qr(grey, (), _ours)) if i is not None]
        if len(ours) > 1:
            problems.append(f"{len(ours)} Anmeldebögen auf einer Seite: nur einer gelesen, bitte alle erfassen")
    else:
        forms = registry.forms()
        reg = register.register_marks_only(page, [f for _, f in forms])
        if reg is None:
            if codes:
                return Analysis(NotAForm(page_no, f"fremder QR-Code ({codes[0].text[:40]!r}), kein Anmeldebogen",
                                         foreign=True))
            if smallprint.looks_like_ours(page.flat, [f.id for _, f in forms]):
                # Our footer is on the page, but neither QR code nor marks can place it: a person's job,
                # not "no form".
                return Analysis(NotAForm(page_no, "Anmeldebogen erkannt (Kleinschrift), aber weder QR-Code noch "
                                                  "Passmarken lesbar: bitte von Hand erfassen", recognised=True))
            return Analysis(NotAForm(page_no, "kein Anmeldebogen: weder QR-Code noch Passmarken gefunden"))
        told, footer = smallprint.read_identity(page.flat, reg.H, reg.layout, [(c.id, f) for c, f in forms])
        if told is not None:
            # The small print names the sheet: the one resolver decides, as for a QR code.
            found = registry.resolve(told)
            if isinstance(found, Unresolved):
                return Analysis(NotAForm(page_no, f"QR-Code nicht lesbar; laut Kleinschrift: {found.reason}",
                                         recognised=True))
            if found is not reg.layout:
                again = (dc_replace(reg, layout=found) if _alike(found, reg.layout)
                         else register.register_marks_only(page, [found]))
                if again is None:
                    return Analysis(NotAForm(page_no, f"QR-Code nicht lesbar; laut Kleinschrift {told.describe()}, "
                                                      f"aber die Passmarken passen nicht: bitte von Hand erfassen",
                                             recognised=True))
                reg = again
            ident = told
            # A recipient read from 7-pt print may be misread ('R-00009' came back '2-00009'): it is
            # kept only where the mailing list knows the id and the packet's prefill fingerprint
            # (read with it) agrees with what the list says was printed; else the sheet has none.
            vouched = bool(ident.recipient_id and ident.prefill and context is not None
                           and context.printed.get(ident.recipient_id) is not None
                           and fingerprint.printed_agrees(found, context.printed_for(ident.recipient_id), ident.prefill,
                                                          misread=1))  # as the geometry: one character is OCR
            if not vouched:
                ident = dc_replace(ident, recipient_id=None, prefill="")
                if context is not None and levers.verify:
                    # The id itself may still be read (twice: in the prose and the payload) where the
                    # fingerprint was not: the page's ink, compared with that person's print, decides.
                    by_ink = _named_by_print(footer, found, told, ident, context)
            elif context is not None:  # the fingerprint as printed, not as read, for the checks downstream
                ident = dc_replace(ident, prefill=fingerprint.prefill(found, context.printed_for(ident.recipient_id)))
            list_ok = vouched
            told_by_print = ("QR-Code nicht lesbar: Formular und Empfänger aus der Kleinschrift gelesen, bitte prüfen"
                             if vouched else "QR-Code nicht lesbar: Formular aus der Kleinschrift gelesen, "
                             "Empfänger unbekannt, bitte prüfen")
            problems.append(told_by_print)
        else:
            # Marks alone say which sheet only when no other loaded form has the same marks: a 2019
            # sheet must never be read with 2018 geometry because its QR code was unreadable.
            alike = [(c, f) for c, f in forms if _alike(f, reg.layout)]
            if len(alike) > 1:
                names = ", ".join(f"{c.id} / {f.id} v{f.version}" for c, f in alike)
                return Analysis(NotAForm(page_no, f"QR-Code und Kleinschrift nicht lesbar, mehrere Formulare mit "
                                                  f"diesen Passmarken geladen ({names}): Veranstaltung unbekannt, "
                                                  f"bitte von Hand erfassen", recognised=True))
            campaign = next(c for c, f in forms if f is reg.layout)
            ident = FormIdentity(reg.layout.id, reg.layout.version, campaign=campaign.id)
            told_by_print = "QR-Code nicht lesbar: Formular an den Passmarken erkannt, Empfänger unbekannt"
            problems.append(told_by_print)
            if context is not None and levers.verify:
                # The footer did not parse ('isz-201G' for lsz-2018 on a normal-mode fax), but the
                # recipient's id and fingerprint after it may still be read: as above, the page's
                # ink decides, and the sheet is that person's only where every print is found untouched.
                by_ink = _named_by_print(footer, reg.layout, None, ident, context)
    layout = reg.layout
    problems.extend(reg.problems)
    if reg.fit_error_mm > T.FIT_REJECT_MM:
        return Analysis(NotAForm(page_no, f"Anmeldebogen erkannt, aber nicht lesbar: Passmarken passen nicht "
                                          f"zusammen (Abweichung {reg.fit_error_mm:.1f} mm)", recognised=True), reg)
    # A good fit through fewer than all marks proves less: missing marks make every value untrusted.
    trusted = reg.fit_error_mm <= T.FIT_REVIEW_MM and not reg.problems
    if reg.fit_error_mm > T.FIT_REVIEW_MM:  # (missing marks are reported by the registration itself)
        problems.append(f"Ausrichtung ungenau (mittlere Abweichung {reg.fit_error_mm:.1f} mm): bitte prüfen")

    level = int((T.FAX_INK_LEVEL if page.bilevel else T.INK_LEVEL) * 255)
    m = T.ZONE_MARGIN_MM
    # Text is read from a slightly smoothed fax: resampling hard 0/1 edges makes jagged letters.
    soft = page.flat
    if page.bilevel and T.FAX_SMOOTH_PX > 0:
        soft = cv2.GaussianBlur(page.flat, (0, 0), T.FAX_SMOOTH_PX)
    printed = context.printed_for(ident.recipient_id) if context and levers.verify and list_ok else {}
    if printed and not fingerprint.printed_agrees(layout, printed, ident.prefill):
        # The list's entry for this person changed after the packet was printed: it no longer says
        # what the paper says, so it neither verifies nor confirms anything on this sheet.
        printed = {}
    # What the page's transmission can lose (a normal-mode fax's coarse rows): verify demands only
    # the printed ink the channel keeps.
    channel = functools.cache(lambda: verify.Channel.of_page(page.flat, page.px_per_mm, page.bilevel, reg.H))
    words = context.words if context else frozenset()
    of_sheet = registry.by_id.get(ident.campaign)
    signing = of_sheet.policies.signing if of_sheet else None  # the days a sheet can be dated on
    rules = ruling.ruled_lines(layout)  # the form's own straight lines: the rest is the writer's
    # A fax's row pitch: the grey between a normal-mode fax's coarse rows is filled in for OCR.
    rows_mm = channel().pitch_y_mm if page.bilevel and levers.coarse_rows else 0.0

    def read_fields(printed: Mapping[str, str], only: Collection[str] | None = None) \
            -> tuple[dict[str, FieldReading], dict[str, str], dict[str, tuple[_Statement, ocr.OcrResult]]]:
        """Every field of the sheet (or those named *only*), the prefilled ones compared with
        *printed*; the texts read and the unsure readings drawing may confirm."""
        fields: dict[str, FieldReading] = {}
        texts: dict[str, str] = {}
        redrawable: dict[str, tuple[_Statement, ocr.OcrResult]] = {}
        for spec in layout.fields:
            if only is not None and spec.name not in only:
                continue
            zone = spec.box.inset(-m)
            px = T.REG_PX_PER_MM if spec.type == "checkbox" else T.OCR_PX_PER_MM
            flat = register.warp_rect(page.flat if spec.type == "checkbox" else soft, reg.H, zone, px)
            ink = (flat < level).astype(np.uint8)
            shown = flat if page.bilevel else register.warp_rect(grey, reg.H, zone, px)
            crop = grey_png(shown)
            local = Rect(m, m, spec.box.w, spec.box.h)
            if spec.type == "checkbox":
                t = ticks.read_tick(ink, local, px)
                conf = t.confidence if trusted else min(t.confidence, T.UNTRUSTED_CONFIDENCE)
                # An uncertain state is reported by record assembly (for every method), not here.
                fields[spec.name] = FieldReading(spec.name, "1" if t.state == "ticked" else "", round(conf, 3), "ocr",
                                                 state=t.state, score=round(t.score, 4), crop=crop)
                continue
            # Which line is the form's own is told by position: only where the registration is trusted.
            zi = ocr.zone_ink(ink, px, m, ocr.FormLines.of(rules, zone, px) if trusted else None, levers)
            said = _Statement(spec, printed.get(spec.name, ""), zi, px, m, trusted, signing, channel)
            far_zone = free_right(layout, spec, m)
            far = None if far_zone is None else \
                (register.warp_rect(soft, reg.H, far_zone, px) < level).astype(np.uint8)
            r = ocr.read_zone(ink, flat, px, spec.multiline, m, kind=spec.kind, words=words,
                              bilevel=page.bilevel, levers=levers, inner=zi.text, known=printed.get(spec.name, ""),
                              outcome=said.confidence, rows_mm=rows_mm, far=far)
            verdict, verified = said.verdict(r.text)
            if verdict is not None and verified:
                # The packet's own value, unchanged on the page and not contradicted by OCR:
                # confirmed, not read.
                texts[spec.name] = verdict.value
                fields[spec.name] = FieldReading(spec.name, verdict.value, T.VERIFIED_CONFIDENCE, "ocr", crop=crop,
                                                 printed="untouched")
                continue
            # Ink (perhaps faint) but nothing read: handwriting or a smudge, a person must look.
            smudge = not r.text and (r.ink >= T.FIELD_EMPTY_INK or _faint_ink(flat, spec.box, m, px) >= T.FIELD_EMPTY_INK)
            conf = said.confidence(r.text, r.snapped, 0.0 if smudge else r.confidence)
            if levers.redraw and not smudge and said.redrawable(r.text, r.snapped, conf, r.edge):
                redrawable[spec.name] = said, r
            changed = said.changed(r.text)
            differs = said.differs(r.text)
            texts[spec.name] = r.text
            fields[spec.name] = FieldReading(spec.name, r.text, round(conf, 3), "ocr", crop=crop,
                                             printed="changed" if changed else ("faded" if said.faded(r.text) else ("differs" if differs else None)),
                                             snapped=r.snapped, struck=zi.struck)
        return fields, texts, redrawable

    if by_ink is not None and context is not None:
        printed = context.printed_for(by_ink)
    fields, texts, redrawable = read_fields(printed)
    if by_ink is not None:
        if _print_found(fields, printed):
            # Every value this person's packet printed is on the page as printed: theirs.
            ident = dc_replace(ident, recipient_id=by_ink, prefill=fingerprint.prefill(layout, printed))
        else:  # not this person's print as it stands: read as a sheet without a recipient
            # (again only where that print was compared: every other field read as without it)
            plain, plain_texts, plain_redrawable = read_fields({}, only=set(printed))
            printed = {}
            fields.update(plain)
            texts.update(plain_texts)
            redrawable.update(plain_redrawable)

    unsure = [n for n, f in fields.items() if f.state is None and f.confidence < T.OCR_OK]
    if unsure and len(unsure) <= T.REDRAW_MAX_FIELDS and all(n in redrawable for n in unsure):
        # Drawing a reading again and each of its rivals is costly: it is spent only where it can spare a
        # person the record, i.e. where every unsure text field of the page may be confirmed so.
        for name in unsure:
            said, r = redrawable[name]
            if not said.redrawn(r.text, r.others, page.bilevel):
                break  # the record goes to a person anyway
            fields[name] = dc_replace(fields[name], confidence=T.REDRAW_CONFIDENCE)
    if told_by_print and _print_found(fields, printed):
        # The small print named the recipient, the packet's prefill fingerprint read with it agrees
        # with the list, and every value the packet printed is found on the page as printed: the
        # sheet is that person's packet as surely as by its QR code (an untouched tick-only packet
        # whose QR code a fax lost needs no person).
        problems.remove(told_by_print)
    # A normal-mode fax: rows too coarse to tell some glyphs apart (asked only where it matters).
    coarse = functools.cache(lambda: bool(page.bilevel) and channel().pitch_y_mm > T.REDRAW_FINE_PITCH_MM)
    if levers.agree and trusted:
        # Facts the sheet states twice, read apart, confirm or question each other (same page only).
        fields = agree.apply(fields, {s.name: s.kind for s in layout.fields if s.type != "checkbox"})
    if levers.look_alike:
        fields = _look_alikes_doubted(fields, layout, printed, words, coarse)
    src = page.flat if page.bilevel else grey
    preview = register.warp(src, reg.H, layout, T.PREVIEW_PX_PER_MM)
    registered = register.warp(src, reg.H, layout, T.REG_PX_PER_MM) if full else None
    reading = PageReading(page=page_no, method="ocr", identity=ident, fields=fields, problems=tuple(problems),
                          fit_error_mm=round(reg.fit_error_mm, 3), image=grey_png(preview))
    return Analysis(reading, reg, registered, texts)


def read_page(image: Image.Image, page_no: int, registry: Campaigns | LayoutRegistry, context: ReadContext | None = None,
              levers: ocr.Levers = ocr.ALL) -> PageReading | NotAForm:
    """Read one page image (any orientation) into a PageReading, or say why it is no sheet of ours."""
    return analyse_page(image, page_no, registry, context=context, levers=levers).result
