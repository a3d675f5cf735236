"""The sheet's identity keeps it with what it was printed with (QA defects after issue 9/11):

- a sheet printed before the meetings of event.yaml were reordered, cancelled or added is refused,
  never read with the new boxes (geometry fingerprint);
- a mailing list changed after printing no longer verifies or confirms that sheet's values
  (prefill fingerprint);
- a fax whose QR code is covered or smudged names itself by its small print and reaches a person,
  unless it is an untouched packet: its prefill fingerprint and every printed value vouch for it.

Every case is a real round trip: render -> fill (pypdf) or pen marks -> Ghostscript tiffg3 -> parse.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
import yaml
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from formkit import fingerprint
from formkit.campaign import STALE_GEOMETRY, Campaigns, Unresolved
from formkit.ident import FormIdentity, parse_payload
from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.pipeline import Options, run
from formkit.readings import PageReading
from formkit.recipients import Recipient
from formkit.records import Context, Matcher, Provenance, assemble
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.scan import iter_image_pages, read_page
from formkit.scan.context import ReadContext
from formkit.scan.qr import find_qr
from formkit.store import Store
from tests.campaign_kit import fax, fax_file, fill_pypdf, make_campaign, person
from tests.prefilled import Pen, onto_first_page, sheet
from tests.prefilled import fax as fax_sheet

# --- helpers ----------------------------------------------------------------------------------


def _form(registry: LayoutRegistry) -> FormLayout:
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    return form


def _overlay(pdf: bytes, form: FormLayout, draw) -> bytes:  # type: ignore[no-untyped-def]
    """Something stuck or spilt onto the printed page (drawn in layout mm), before it is faxed."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(form.width * mm, form.height * mm), invariant=1)
    draw(c, lambda y: (form.height - y) * mm)
    c.showPage()
    c.save()
    return onto_first_page(pdf, buf.getvalue())


def cover_qr(pdf: bytes, form: FormLayout) -> bytes:
    """A white label over the whole QR code."""
    q = form.qr

    def draw(c, y):  # type: ignore[no-untyped-def]
        c.setFillColorRGB(1, 1, 1)
        c.rect(q.x * mm, y(q.y + q.size), q.size * mm, q.size * mm, stroke=0, fill=1)
    return _overlay(pdf, form, draw)


def smudge_qr(pdf: bytes, form: FormLayout, seed: int = 3) -> bytes:
    """Ink blots over the QR code (a stamp, a coffee ring)."""
    q = form.qr
    rng = np.random.default_rng(seed)

    def draw(c, y):  # type: ignore[no-untyped-def]
        c.setFillColorRGB(0, 0, 0)
        for _ in range(40):
            cx, cy = q.x + 4 + rng.random() * (q.size - 8), q.y + 4 + rng.random() * (q.size - 8)
            c.circle(cx * mm, y(cy), (0.6 + rng.random() * 1.6) * mm, stroke=0, fill=1)
    return _overlay(pdf, form, draw)


def cover_footer(pdf: bytes, form: FormLayout) -> bytes:
    fx, fy = form.footer_at

    def draw(c, y):  # type: ignore[no-untyped-def]
        c.setFillColorRGB(1, 1, 1)
        c.rect((fx - 1) * mm, y(fy + 1.5), (form.width - fx - 12) * mm, 5 * mm, stroke=0, fill=1)
    return _overlay(pdf, form, draw)


def cover_footer_from(pdf: bytes, form: FormLayout, upto: str, width_of: str = "") -> bytes:
    """A white label over the footer line from the end of its first *upto* on (a smudge that
    took the prefill fingerprint, say), or only over the next *width_of* (a lost separator)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from formkit.render.fonts import REGULAR

    (page,) = PdfReader(io.BytesIO(pdf)).pages
    line = next(t for t in page.extract_text().splitlines() if upto in t)
    fx, fy = form.footer_at
    x = fx + stringWidth(line[:line.index(upto) + len(upto)], REGULAR, 7) / mm
    end = fx + stringWidth(line, REGULAR, 7) / mm + 0.5  # short of the corner mark
    if width_of:
        x -= 0.1
        end = x + stringWidth(width_of, REGULAR, 7) / mm + 0.1

    def draw(c, y):  # type: ignore[no-untyped-def]
        c.setFillColorRGB(1, 1, 1)
        c.rect(x * mm, y(fy + 1.5), (end - x) * mm, 5 * mm, stroke=0, fill=1)
    return _overlay(pdf, form, draw)


def _edit_meetings(folder: Path, edit) -> None:  # type: ignore[no-untyped-def]
    event = folder / "event.yaml"
    data = yaml.safe_load(event.read_text(encoding="utf-8"))
    data["meetings"] = edit(data["meetings"])
    event.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- the identity itself ------------------------------------------------------------------------


def test_qr_with_the_longest_payload_decodes_from_a_normal_mode_fax(tmp_path: Path) -> None:
    """Campaign id and recipient id at their longest (ident.py): a 25 mm QR code still decodes at 204x98."""
    folder = make_campaign(tmp_path, "a" * 40, 4)
    reg = LayoutRegistry(folder)
    pdf, _ = render_to_bytes("registration", reg, RenderOptions(values={"name": "Käthe Groß"},
                                                                 recipient_id="R" * 32))
    (code,) = find_qr(np.asarray(fax(pdf, mode="normal").convert("L")))
    ident = parse_payload(code.text)
    assert ident is not None and ident.campaign == "a" * 40 and ident.recipient_id == "R" * 32
    assert ident.geometry == fingerprint.geometry(_form(reg))
    assert ident.prefill == fingerprint.prefill(_form(reg), {"name": "Käthe Groß"})


def test_geometry_fingerprint_ignores_texts_and_follows_the_boxes(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "lsz-2020", 4)
    before = fingerprint.geometry(_form(LayoutRegistry(folder)))
    _edit_meetings(folder, lambda ms: [{**m, "date": f"2020-05-0{i + 1}"} for i, m in enumerate(ms)])
    assert fingerprint.geometry(_form(LayoutRegistry(folder))) == before  # a new date: labels only
    # The town's spelling corrected, same meeting id (QA): the box still ticks that meeting.
    _edit_meetings(folder, lambda ms: [{**ms[0], "city": ms[0]["city"] + "/Thür."}, *ms[1:]])
    assert fingerprint.geometry(_form(LayoutRegistry(folder))) == before
    _edit_meetings(folder, lambda ms: [ms[1], ms[0], *ms[2:]])
    assert fingerprint.geometry(_form(LayoutRegistry(folder))) != before


def test_resolver_refuses_other_geometry_and_reads_sheets_without_a_fingerprint(registry: LayoutRegistry) -> None:
    campaigns = Campaigns.load(registry.root)
    form = _form(registry)
    own = FormIdentity("registration", 1, "R1", "lsz-2018", geometry=fingerprint.geometry(form))
    assert campaigns.resolve(own) == form
    assert campaigns.resolve(FormIdentity("registration", 1, "R1", "lsz-2018")) == form  # an FK2 sheet
    assert campaigns.resolve(parse_payload("FK1:registration:1:R1")) == form  # type: ignore[arg-type]
    stale = campaigns.resolve(FormIdentity("registration", 1, "R1", "lsz-2018", geometry="00000"))
    assert isinstance(stale, Unresolved) and stale.reason.startswith(STALE_GEOMETRY)
    assert "von Hand erfassen" in stale.reason


# --- 1. meetings changed after the packets went out ---------------------------------------------

EDITS = {
    "umsortiert": lambda ms: [ms[2], ms[0], ms[1], ms[3]],
    "ort-gestrichen": lambda ms: [ms[0], ms[2], ms[3]],
    "ort-angehaengt": lambda ms: [*ms, {**ms[0], "id": "saalfeld", "city": "Saalfeld"}],
}


@pytest.mark.slow
@pytest.mark.parametrize("edit", list(EDITS))
def test_sheet_printed_before_the_meetings_changed_is_never_read_with_the_new_boxes(edit: str,
                                                                                    tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "lsz-2020", 4)
    reg = LayoutRegistry(folder)
    blank, _ = render_to_bytes("registration", reg, RenderOptions(recipient_id="R0001"))
    filled = fill_pypdf(blank, person("venue_erfurt"))  # the second meeting
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    (inbox / "ausgefuellt.pdf").write_bytes(filled)
    fax_file(filled, inbox / "fax-fein.tif")
    fax_file(filled, inbox / "fax-normal.tif", mode="normal")
    _edit_meetings(folder, EDITS[edit])
    out = tmp_path / "a.csv"
    run([inbox], Options(db=tmp_path / "a.sqlite", csv=out, layouts=folder))
    rows = {r["source"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(rows) == {"ausgefuellt.pdf", "fax-fein.tif", "fax-normal.tif"}
    for name, r in rows.items():
        assert (r["status"], r["venue"]) == ("rejected", ""), (name, r)
        assert r["reason"].startswith(STALE_GEOMETRY), (name, r["reason"])


@pytest.mark.slow
def test_a_changed_date_keeps_printed_sheets_readable(tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "lsz-2020", 4)
    blank, _ = render_to_bytes("registration", LayoutRegistry(folder), RenderOptions(recipient_id="R0001"))
    filled = fill_pypdf(blank, person("venue_erfurt"))
    _edit_meetings(folder, lambda ms: [ms[0], {**ms[1], "date": "2020-06-30"}, *ms[2:]])
    campaigns = Campaigns.load(folder)
    page = read_page(fax(filled), 1, campaigns)
    assert isinstance(page, PageReading), page
    assert [n for n, f in page.fields.items() if f.state == "ticked"] == ["venue_erfurt"]
    # A corrected spelling of the town (same meeting id) keeps the sheet readable too, with the new name.
    _edit_meetings(folder, lambda ms: [ms[0], {**ms[1], "city": "Erfurt-Mitte"}, *ms[2:]])
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.pdf").write_bytes(filled)
    run([inbox], Options(db=tmp_path / "s.sqlite", layouts=folder))
    with Store(tmp_path / "s.sqlite") as store:
        (rec,) = list(store.records())
    assert rec.values.get("venue") == "Erfurt-Mitte", (rec.status, rec.reason)


# --- 2. mailing list changed after printing ----------------------------------------------------

KAI = Recipient(id="R0201", first_name="Kai", last_name="Schäfer", institution="Kreisjugendring Saalfeld",
                street="Schloßstraße 2", postcode="07318", city="Saalfeld/Saale", email="kai@kjr-slf.de")
# The office corrected the list after the packets were printed: "l" became "I".
KAI_LATER = Recipient(id="R0201", first_name="Kai", last_name="Schäfer", institution="Kreisjugendring Saalfeld",
                      street="Schloßstraße 2", postcode="07318", city="Saalfeld/Saale", email="kai@kjr-sIf.de")


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fine", "normal"])
def test_list_changed_after_printing_neither_verifies_nor_confirms(mode: str, tmp_path: Path,
                                                                   registry: LayoutRegistry) -> None:
    form = _form(registry)
    pdf = Pen(form).tick("venue_gotha").onto(sheet(registry, KAI, fillable=False))
    (im,) = list(iter_image_pages(fax_sheet(pdf, tmp_path / "fax.tif", mode)))
    for who, same in ((KAI, True), (KAI_LATER, False)):
        r = read_page(im, 1, registry, ReadContext.build([who], forms=[form]))
        assert isinstance(r, PageReading), r
        rec = assemble(r, Provenance("fax.tif", "0" * 64, 1, "ocr"), Context(form=form, matcher=Matcher([who])))
        if same:  # as before: the packet's own values, confirmed by the ink
            assert r.fields["email"].printed == "untouched"
            assert rec.status == "ok" and rec.values["email"] == "kai@kjr-slf.de", rec.reason
        else:  # the list says what the paper does not: plain OCR, never the list's value as ok
            assert all(f.printed is None for f in r.fields.values())
            assert not (rec.status == "ok" and rec.values["email"] == "kai@kjr-sIf.de"), rec
            assert rec.status == "review" or rec.values["email"] == "kai@kjr-slf.de", rec


# --- 3. QR code covered or smudged ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("damage,mode", [("covered", "fine"), ("smudged", "fine"), ("covered", "normal")])
def test_unreadable_qr_reads_the_small_print_and_goes_to_a_person(damage: str, mode: str, tmp_path: Path) -> None:
    folder = make_campaign(tmp_path, "lsz-2020", 4)
    reg = LayoutRegistry(folder)
    form = _form(reg)
    blank, _ = render_to_bytes("registration", reg, RenderOptions(recipient_id="R0042"))
    filled = fill_pypdf(blank, person("venue_gera"))
    broken = cover_qr(filled, form) if damage == "covered" else smudge_qr(filled, form)
    im = fax(broken, mode=mode)
    assert not find_qr(np.asarray(im.convert("L")))
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    fax_file(broken, inbox / "fax.tif", mode=mode)
    out = tmp_path / "a.csv"
    run([inbox], Options(db=tmp_path / "a.sqlite", csv=out, layouts=folder))
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    assert (row["status"], row["campaign"], row["venue"]) == ("review", "lsz-2020", "Gera"), row
    assert "QR-Code nicht lesbar" in row["reason"] and "Kleinschrift" in row["reason"]
    assert row["recipient_id"] in ("R0042", "")  # from 7-pt print: the right one, or none


@pytest.mark.slow
def test_qr_and_small_print_unreadable_is_still_a_sheet_for_a_person(tmp_path: Path) -> None:
    """Two campaigns with the same marks loaded: neither QR code nor footer says which one."""
    a = make_campaign(tmp_path, "lsz-2020", 4)
    b = make_campaign(tmp_path, "lsz-2021", 4, year=2021)
    reg = LayoutRegistry(a)
    form = _form(reg)
    blank, _ = render_to_bytes("registration", reg, RenderOptions(recipient_id="R0042"))
    broken = cover_footer(cover_qr(fill_pypdf(blank, person("venue_gera")), form), form)
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    fax_file(broken, inbox / "fax.tif")
    out = tmp_path / "a.csv"
    run([inbox], Options(db=tmp_path / "a.sqlite", csv=out, layouts=[a, b]))
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["status"] == "rejected" and row["venue"] == ""
    assert "bitte von Hand erfassen" in row["reason"] and "kein Anmeldeformular" not in row["reason"], row


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fine", "normal"])
def test_untouched_packet_with_its_qr_lost_needs_no_person(mode: str, tmp_path: Path,
                                                           registry: LayoutRegistry) -> None:
    """A tick-only packet whose QR code the fax lost: the small print names the recipient, the
    packet's prefill fingerprint agrees with the list and every printed value is found as printed,
    so the record is that person's as by its QR code. A value changed by hand keeps the doubt."""
    form = _form(registry)
    for changed in (False, True):
        pen = Pen(form).tick("venue_gotha")
        if changed:
            pen.append("institution", KAI.prefill_values()["institution"], " Ost")
        pdf = cover_qr(pen.onto(sheet(registry, KAI, fillable=False)), form)
        (im,) = list(iter_image_pages(fax_sheet(pdf, tmp_path / f"fax-{changed}.tif", mode)))
        assert not find_qr(np.asarray(im.convert("L")))
        r = read_page(im, 1, registry, ReadContext.build([KAI], forms=[form]))
        assert isinstance(r, PageReading), r
        assert r.identity.recipient_id == "R0201"
        rec = assemble(r, Provenance("fax.tif", "0" * 64, 1, "ocr"), Context(form=form, matcher=Matcher([KAI])))
        if not changed:
            assert all(r.fields[n].printed == "untouched" for n in KAI.prefill_values() if n in r.fields)
            assert not r.problems, r.problems
            assert rec.status == "ok" and rec.values["venue"] == "Gotha", rec.reason
        else:
            assert r.fields["institution"].printed in ("changed", "differs")
            assert any("Kleinschrift" in p for p in r.problems)
            assert rec.status == "review"


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fine", "normal"])
def test_packet_whose_qr_and_prefill_fingerprint_were_lost_is_known_by_its_print(mode: str, tmp_path: Path,
                                                                                   registry: LayoutRegistry) -> None:
    """QR code lost and the footer's ':' before the prefill fingerprint (bench seed 2022: a
    normal-mode fax read 'R-00135bbSte' for 'R-00135:bb6fe'): the small print still names the
    recipient and its fingerprint, and the page shows that person's print untouched, so the
    tick-only packet needs no person. Where the list gives that id to someone else, the print is
    not theirs: no recipient, a person looks."""
    form = _form(registry)
    pdf = Pen(form).tick("venue_gotha").onto(sheet(registry, KAI, fillable=False))
    pdf = cover_footer_from(cover_qr(pdf, form), form, f":{KAI.id}", width_of=":")
    (im,) = list(iter_image_pages(fax_sheet(pdf, tmp_path / "fax.tif", mode)))
    assert not find_qr(np.asarray(im.convert("L")))
    other = Recipient(id=KAI.id, first_name="Kira", last_name="Schöne", institution="Stadtverwaltung Rudolstadt",
                      street="Markt 7", postcode="07407", city="Rudolstadt", email="k.schoene@rudolstadt.de")
    for who in (KAI, other):
        r = read_page(im, 1, registry, ReadContext.build([who], forms=[form]))
        assert isinstance(r, PageReading), r
        rec = assemble(r, Provenance("fax.tif", "0" * 64, 1, "ocr"), Context(form=form, matcher=Matcher([who])))
        if who is KAI:
            assert r.identity.recipient_id == KAI.id and r.identity.prefill
            assert not r.problems, r.problems
            assert rec.status == "ok" and rec.values["venue"] == "Gotha", rec.reason
        else:
            assert r.identity.recipient_id is None
            assert all(f.printed is None for f in r.fields.values())
            assert rec.status == "review" and "Kleinschrift" in rec.reason, rec


def cover_footer_upto(pdf: bytes, form: FormLayout, upto: str) -> bytes:
    """A white label over the footer line from its start to the first *upto* (a smudge that took
    the prose and the payload's campaign: the footer no longer parses)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from formkit.render.fonts import REGULAR

    (page,) = PdfReader(io.BytesIO(pdf)).pages
    line = next(t for t in page.extract_text().splitlines() if upto in t)
    fx, fy = form.footer_at
    end = fx + stringWidth(line[:line.index(upto)], REGULAR, 7) / mm - 0.1

    def draw(c, y):  # type: ignore[no-untyped-def]
        c.setFillColorRGB(1, 1, 1)
        c.rect((fx - 1) * mm, y(fy + 1.5), (end - fx + 1) * mm, 5 * mm, stroke=0, fill=1)
    return _overlay(pdf, form, draw)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fine", "normal"])
def test_packet_whose_footer_does_not_parse_is_known_by_its_id_and_fingerprint(mode: str, tmp_path: Path,
                                                                                registry: LayoutRegistry) -> None:
    """QR code lost and the footer unparseable ('isz-201G:regiztrstion' for lsz-2018:registration,
    the prose's id read 'F-00147': bench seed 2023, a normal-mode fax), but the payload's end, the
    recipient's id and fingerprint, read: the marks name the sheet, the id and fingerprint the
    packet, and the page shows its print untouched, so the tick-only packet needs no person. Where
    the list's entry for that id is another person's (its fingerprint differs), or the fingerprint
    is lost too, nobody is named and a person looks."""
    form = _form(registry)
    pdf = cover_qr(Pen(form).tick("venue_gotha").onto(sheet(registry, KAI, fillable=False)), form)
    other = Recipient(id=KAI.id, first_name="Kira", last_name="Schöne", institution="Stadtverwaltung Rudolstadt",
                      street="Markt 7", postcode="07407", city="Rudolstadt", email="k.schoene@rudolstadt.de")
    cases = [(cover_footer_upto(pdf, form, f":{KAI.id}:"), KAI, True),
             (cover_footer_upto(pdf, form, f":{KAI.id}:"), other, False),
             (cover_footer_from(cover_footer_upto(pdf, form, f":{KAI.id}:"), form, f":{KAI.id}"), KAI, False)]
    for i, (broken, who, known) in enumerate(cases):
        (im,) = list(iter_image_pages(fax_sheet(broken, tmp_path / f"fax-{i}.tif", mode)))
        assert not find_qr(np.asarray(im.convert("L")))
        r = read_page(im, 1, registry, ReadContext.build([who], forms=[form]))
        assert isinstance(r, PageReading), r
        rec = assemble(r, Provenance("fax.tif", "0" * 64, 1, "ocr"), Context(form=form, matcher=Matcher([who])))
        if known:
            assert r.identity.recipient_id == KAI.id and r.identity.prefill
            assert not r.problems, r.problems
            assert rec.status == "ok" and rec.values["venue"] == "Gotha", rec.reason
        else:
            assert r.identity.recipient_id is None, i
            assert all(f.printed is None for f in r.fields.values())
            assert rec.status == "review" and "Empfänger unbekannt" in rec.reason, rec
