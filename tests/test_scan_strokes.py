"""A writer's straight line through a value is ink, not one of the form's lines (issue 11).

The form's own lines are where the layout puts them (formkit.render.ruling); a long straight line
in a field's box anywhere else is a stroke through the value: kept for the comparison with the
print, the field marked ``struck`` and sent to a person. Real sheets rendered by formkit, marked
with a pen overlay, faxed with Ghostscript's fax driver, read back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.units import mm

from formkit.geometry import Rect
from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.readings import PageReading
from formkit.records import Context, Provenance, assemble
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.render.form import prepared_value, value_lines
from formkit.render.ruling import Rule, ruled_lines
from formkit.scan import iter_image_pages, ocr, read_page
from formkit.scan.context import ReadContext
from formkit.thresholds import OCR_OK, OCR_PX_PER_MM, ZONE_MARGIN_MM
from tests.prefilled import Pen, fax, sheet
from tests.test_heldout_regressions import GREIZ, PROF
from tests.test_scan_verify import KAETHE

# A stranger (not on any list) who typed her sheet: the institution she first typed is struck through.
TYPED = {"name": "Ramona Wiesner", "institution": "Jugendamt Sömmerda", "address": "Bahnhofstraße 7\n99610 Sömmerda",
         "phone": "03634 354120", "email": "r.wiesner@soemmerda.de", "venue_gotha": "1"}


def _form(registry: LayoutRegistry) -> FormLayout:
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    return form


def _read(path: Path, registry: LayoutRegistry, context: ReadContext | None = None) -> PageReading:
    (im,) = list(iter_image_pages(path))
    r = read_page(im, 1, registry, context)
    assert isinstance(r, PageReading), r
    return r


def _through_first_line(pen: Pen, form: FormLayout, field: str, value: str, width_pt: float) -> None:
    """A straight line through the middle of the first line of *value* as the sheet prints it."""
    spec = form.field(field)
    text, size, _ = prepared_value(spec, value)
    x, y, line = value_lines(spec, text, size)[0]
    mid = y - size * 0.35 * 25.4 / 72  # half an x-height above the baseline, in mm
    pen.c.setLineWidth(width_pt)
    pen.c.line((x - 1) * mm, pen._y(mid), (x + 62) * mm, pen._y(mid))


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fine", "normal"])
def test_a_strangers_typed_institution_struck_through_and_rewritten_is_not_ok(mode: str, tmp_path: Path,
                                                                            registry: LayoutRegistry) -> None:
    """Nothing was printed for her, so nothing is verified: OCR reads past the thin line ('Jugendamt
    Sömmerda Stadtverwaltung Erfurt' would be a confident reading), and only the stroke tells that a
    value was crossed out."""
    form = _form(registry)
    typed, _ = render_to_bytes("registration", registry, RenderOptions(values=TYPED, fillable=False))
    pen = Pen(form)
    _through_first_line(pen, form, "institution", TYPED["institution"], 0.4)
    b = form.field("institution").box
    pen.c.setFont("Helvetica", 10)
    pen.c.drawString((b.x + 70) * mm, pen._y(b.y + b.h * 0.5 + 1.2), "Stadtverwaltung Erfurt")
    r = _read(fax(pen.onto(typed), tmp_path / "fax.tif", mode), registry)
    inst = r.fields["institution"]
    assert inst.struck, inst
    assert inst.confidence < OCR_OK
    assert inst.crop  # the person gets the zone to read
    assert not any(f.struck for n, f in r.fields.items() if n != "institution")
    rec = assemble(r, Provenance("fax.tif", "0" * 64, 1, "ocr"), Context(form=form))
    assert rec.status == "review"
    assert "Wert durchgestrichen oder Strich im Feld: Institution/Funktion" in rec.reason


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fine", "normal"])
@pytest.mark.parametrize("who", [KAETHE, PROF, GREIZ], ids=["kaethe", "prof", "greiz"])
def test_an_untouched_packet_with_only_a_tick_has_no_stroke(who, mode: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            registry: LayoutRegistry) -> None:
    """The box borders (seen a pixel off on a fax, 2-4 rows thick in normal mode) are the form's own
    lines: removed as before, no field struck, every printed value found as printed."""
    pdf = Pen(_form(registry)).tick("venue_gotha").onto(sheet(registry, who, fillable=False))
    r = _read(fax(pdf, tmp_path / "fax.tif", mode), registry, ReadContext.build([who]))
    assert not any(f.struck for f in r.fields.values()), [n for n, f in r.fields.items() if f.struck]
    assert all(r.fields[k].printed != "changed" for k in ("name", "institution", "address", "email"))
    assert all(r.fields[k].printed == "untouched" for k in ("name", "institution", "address", "email")), \
        {k: r.fields[k].printed for k in ("name", "institution", "address", "email")}


@pytest.mark.slow
def test_a_fax_line_error_to_the_side_of_the_page_is_still_no_stroke(tmp_path: Path,
                                                                    registry: LayoutRegistry) -> None:
    """A G3 line error runs on to the end of its row: it is erased before reading, as before, even
    where it crosses a printed value."""
    form = _form(registry)
    path = fax(Pen(form).tick("venue_gotha").onto(sheet(registry, PROF, fillable=False)), tmp_path / "fax.tif")
    im = Image.open(path)
    arr = np.array(im.convert("L"))
    b = form.field("institution").box
    dpi_x, dpi_y = im.info["dpi"]
    y = int(round((b.y + b.h * 0.5) * dpi_y / 25.4))
    arr[y, int((b.x + 20) * dpi_x / 25.4):] = 0  # one row, from inside the value to the right side
    Image.fromarray(arr).convert("1").save(tmp_path / "streak.tif", compression="group3", dpi=(dpi_x, dpi_y))
    r = _read(tmp_path / "streak.tif", registry, ReadContext.build([PROF]))
    assert not r.fields["institution"].struck
    assert r.fields["institution"].printed == "untouched"


def _zone(registry: LayoutRegistry) -> tuple[np.ndarray, ocr.FormLines, Rect]:
    """The institution's zone as the reader cuts it, its printed borders drawn where the layout
    puts them, 0.28 mm (0.8 pt) thick."""
    spec = _form(registry).field("institution")
    m, px = ZONE_MARGIN_MM, OCR_PX_PER_MM
    zone = spec.box.inset(-m)
    ink = np.zeros((int(round(zone.h * px)), int(round(zone.w * px))), np.uint8)
    top, bottom = int(round(m * px - 0.5)), int(round((m + spec.box.h) * px - 0.5))
    left, right = int(round(m * px - 0.5)), int(round((m + spec.box.w) * px - 0.5))
    ink[top - 1:top + 2, left:right + 1] = 1
    ink[bottom - 1:bottom + 2, left:right + 1] = 1
    ink[top:bottom + 1, left - 1:left + 2] = 1
    ink[top:bottom + 1, right - 1:right + 2] = 1
    return ink, ocr.FormLines.of(ruled_lines(_form(registry)), zone, px), spec.box


@pytest.mark.parametrize("shift", [-6, -3, -1, 0, 1, 3, 6])
def test_box_borders_a_few_pixels_off_are_the_forms_own(shift: int, registry: LayoutRegistry) -> None:
    """Up to 0.75 mm (6 px) off, the farthest a border lay on a trusted registration of the bench
    corpus: farther than the 0.5 mm inset that keeps a border out of the box's interior anyway."""
    ink, own, _ = _zone(registry)
    moved = np.roll(np.roll(ink, shift, axis=0), shift, axis=1)
    z = ocr.zone_ink(moved, OCR_PX_PER_MM, ZONE_MARGIN_MM, own)
    assert not z.struck
    assert not z.text.any()


@pytest.mark.parametrize(("axis", "rows"), [("h", 1), ("h", 2), ("v", 1), ("v", 3)])
def test_a_straight_line_inside_the_box_is_the_writers(axis: str, rows: int, registry: LayoutRegistry) -> None:
    ink, own, box = _zone(registry)
    px = OCR_PX_PER_MM
    h, w = ink.shape
    if axis == "h":
        ink[h // 2:h // 2 + rows, int(20 * px):int(60 * px)] = 1  # 40 mm along the box's middle
    else:
        ink[int(2.5 * px):h - int(2.5 * px), w // 2:w // 2 + rows] = 1  # across the box's height
    z = ocr.zone_ink(ink, px, ZONE_MARGIN_MM, own)
    assert z.struck
    assert z.strokes is not None and z.strokes.sum() >= rows * min(box.h - 3, 40) * px * 0.9
    assert not z.text.any()  # OCR reads without it, as without any line
    assert np.array_equal(z.seen, z.strokes)
    # Without the form's lines (registration not trusted) nothing is told apart: removed as before.
    assert not ocr.zone_ink(ink, px, ZONE_MARGIN_MM, None).struck


def test_the_ruled_lines_are_the_borders_the_page_prints(tmp_path: Path, registry: LayoutRegistry) -> None:
    """Every line ruling lists is dark on the rendered blank sheet, and the blank sheet read back
    has no stroke in any field: ruling describes the lines the page prints, all of them."""
    form = _form(registry)
    pdf, _ = render_to_bytes("registration", registry, RenderOptions(fillable=False))
    (im,) = list(iter_image_pages(fax(pdf, tmp_path / "blank.tif")))
    grey = np.asarray(im.convert("L"))
    s = im.info["dpi"][0] / 25.4  # px per mm, rows stretched to the columns' resolution
    rules = ruled_lines(form)
    assert len(rules) == 4 * (len(form.fields) + len(form.boxes))
    for r in rules:
        a, b = int((r.start + 1) * s), int((r.end - 1) * s)
        at = int(round(r.at * s))
        band = grey[at - 1:at + 2, a:b] if r.axis == "h" else grey[a:b, at - 1:at + 2].T
        assert (band.min(axis=0) < 128).mean() > 0.98, r
    assert all(isinstance(r, Rule) for r in rules)
    read = read_page(im, 1, registry)
    assert isinstance(read, PageReading), read
    assert not any(f.struck for f in read.fields.values())


@pytest.mark.slow
@pytest.mark.parametrize("who", [PROF, GREIZ], ids=["prof", "greiz"])
def test_a_line_error_with_garbage_rows_through_a_printed_name_is_still_the_name(who, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                               registry: LayoutRegistry) -> None:
    """A decoder that lost sync draws a black run and then rows of random bits across the whole
    width (bench heldout_fonts, paket-H007): the black rows were erased, the random ones stayed in
    the name's zone, OCR read nothing and the record said „Vordruck von Hand geändert“ beside
    „Name fehlt“ for a packet of which only a tick was added."""
    form = _form(registry)
    path = fax(Pen(form).tick("venue_gotha").onto(sheet(registry, who, fillable=False)), tmp_path / "fax.tif")
    im = Image.open(path)
    arr = np.array(im.convert("L"))
    dpi_x, dpi_y = im.info["dpi"]
    spec = form.field("name")
    text, size, _ = prepared_value(spec, who.full_name or f"{who.first_name} {who.last_name}")
    _, baseline, _ = value_lines(spec, text, size)[0]
    row = int(round(baseline * dpi_y / 25.4)) - 1
    gen = np.random.default_rng(7)
    arr[row:row + 2, :] = 0
    arr[row + 2:row + 5, :] = np.where(gen.random((3, arr.shape[1])) < 0.3, 0, 255)
    Image.fromarray(arr).convert("1").save(tmp_path / "streak.tif", compression="group3", dpi=(dpi_x, dpi_y))
    r = _read(tmp_path / "streak.tif", registry, ReadContext.build([who]))
    name = r.fields["name"]
    assert name.value, name  # the name is read (or verified), not empty
    rec = assemble(r, Provenance("streak.tif", "0" * 64, 1, "ocr"), Context(form=form))
    assert "Name fehlt" not in rec.reason, rec.reason
