"""Reading returned PDFs: render the sheet, fill it with another tool, read it back, compare."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from pypdf.generic import ByteStringObject, TextStringObject

from formkit.errors import InputError
from formkit.layout.loader import LayoutRegistry
from formkit.read.dispatch import read_pdf
from formkit.read.triage import RasterPage
from formkit.readings import NotAForm, PageReading
from formkit.render.document import RenderOptions, render_to_bytes
from tests import returns
from tests.fill import fill_pdftk, fill_pymupdf, fill_pypdf, flatten_pdftk
from tests.returns import VENUES

FILLERS = {"pypdf": fill_pypdf, "pymupdf": fill_pymupdf, "pdftk": fill_pdftk}
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _only_reading(pdf: bytes, registry: LayoutRegistry) -> PageReading:
    result = read_pdf(pdf, registry)
    readings = [p for p in result.pages if isinstance(p, PageReading)]
    assert len(readings) == 1, result.pages
    return readings[0]


def _assert_values(reading: PageReading, expected: dict[str, str]) -> None:
    got = {name: r.value for name, r in reading.fields.items()}
    assert got == expected


@pytest.mark.parametrize("filler", sorted(FILLERS))
@pytest.mark.parametrize("venue", sorted(VENUES))
def test_filled_sheet_reads_back_exactly(filler: str, venue: str, registration_pdf: bytes,
                                         registry: LayoutRegistry) -> None:
    i = sorted(VENUES).index(venue)
    vals = returns.values(i, venue)
    reading = _only_reading(FILLERS[filler](registration_pdf, vals), registry)
    assert reading.method == "acroform"
    assert reading.identity.layout_id == "registration" and reading.identity.version == 1
    _assert_values(reading, vals)
    assert all(r.confidence == 1.0 for r in reading.fields.values())


@pytest.mark.parametrize("need", [True, False])
def test_need_appearances_either_way(need: bool, registration_pdf: bytes, registry: LayoutRegistry) -> None:
    vals = returns.values(1)
    _assert_values(_only_reading(fill_pypdf(registration_pdf, vals, need_appearances=need), registry), vals)


@pytest.mark.parametrize("how", ["pdftk-fill-flatten", "pymupdf-then-flatten"])
def test_flattened_sheet_is_read_from_the_text_layer(how: str, registration_pdf: bytes,
                                                     registry: LayoutRegistry) -> None:
    vals = returns.values(2, "venue_schleiz")
    if how == "pdftk-fill-flatten":
        pdf = fill_pdftk(registration_pdf, vals, flatten=True)
    else:
        pdf = flatten_pdftk(fill_pymupdf(registration_pdf, vals))
    reading = _only_reading(pdf, registry)
    assert reading.method == "textlayer"
    _assert_values(reading, vals)


def test_whole_invitation_with_recipient_id(registry: LayoutRegistry) -> None:
    inv, _ = render_to_bytes("invitation", registry, RenderOptions(recipient_id="LSZ-0042"))
    vals = returns.values(3, "venue_sonneberg")
    result = read_pdf(fill_pymupdf(inv, vals), registry)
    assert result.page_count == 5
    assert [type(p).__name__ for p in result.pages] == ["NotAForm"] * 4 + ["PageReading"]
    reading = result.pages[4]
    assert isinstance(reading, PageReading)
    assert reading.page == 5 and reading.identity.recipient_id == "LSZ-0042"
    _assert_values(reading, vals)


def test_flattened_invitation_keeps_recipient_id(registry: LayoutRegistry) -> None:
    inv, _ = render_to_bytes("invitation", registry, RenderOptions(recipient_id="LSZ-0043"))
    vals = returns.values(0, "venue_gotha")
    result = read_pdf(fill_pdftk(inv, vals, flatten=True), registry)
    readings = [p for p in result.pages if isinstance(p, PageReading)]
    assert len(readings) == 1 and readings[0].page == 5 and readings[0].method == "textlayer"
    assert readings[0].identity.recipient_id == "LSZ-0043"
    _assert_values(readings[0], vals)


@pytest.mark.parametrize("on_state", ["Ja", "On", "1", "Sonneberg"])
def test_checkbox_on_state_other_than_yes(on_state: str, registration_pdf: bytes, registry: LayoutRegistry) -> None:
    pdf = returns.set_checkbox_state(fill_pypdf(registration_pdf, returns.values(0, "venue_gotha")),
                                     "venue_sonneberg", on_state, on_state, on_state)
    reading = _only_reading(pdf, registry)
    assert reading.fields["venue_sonneberg"].value == "1"
    assert reading.fields["venue_sonneberg"].state == "ticked"
    assert reading.fields["venue_gotha"].value == "1"


@pytest.mark.parametrize(("v", "as_", "state"), [("Yes", None, "ticked"), (None, "Yes", "ticked"),
                                                 ("Yes", "Off", "uncertain"), ("Off", "Yes", "uncertain"),
                                                 ("Off", "Off", "empty")])
def test_checkbox_v_versus_as(v: str | None, as_: str | None, state: str, registration_pdf: bytes,
                              registry: LayoutRegistry) -> None:
    base = returns.set_checkbox_state(registration_pdf, "venue_schleiz", "Yes", "Off", "Off")
    if v is None or as_ is None:
        # Remove the missing one entirely.
        import io

        from pypdf import PdfReader, PdfWriter

        w = PdfWriter(clone_from=PdfReader(io.BytesIO(base)))
        for ref in w.pages[0]["/Annots"]:
            a = ref.get_object()
            if a.get("/T") == "venue_schleiz":
                a.pop("/V" if v is None else "/AS", None)
        base = returns.pdf_bytes(w)
    pdf = returns.set_checkbox_state(base, "venue_schleiz", "Yes", v, as_)
    r = _only_reading(pdf, registry).fields["venue_schleiz"]
    assert r.state == state
    if state == "uncertain":
        assert r.confidence < 0.8


@pytest.mark.parametrize("raw", [
    ByteStringObject("\ufeffGrüße aus Weißenfels – ŁÓDŹ".encode("utf-16-be")),
    ByteStringObject(b"\xfe\xff" + "Grüße aus Weißenfels – ŁÓDŹ".encode("utf-16-be")),
    TextStringObject("Grüße aus Weißenfels – ŁÓDŹ"),
])
def test_text_encodings(raw: object, registration_pdf: bytes, registry: LayoutRegistry) -> None:
    pdf = returns.set_raw_value(registration_pdf, "institution", raw)
    assert _only_reading(pdf, registry).fields["institution"].value.endswith("Grüße aus Weißenfels – ŁÓDŹ")


def test_pdfdocencoding_bytes(registration_pdf: bytes, registry: LayoutRegistry) -> None:
    # PDFDocEncoding: 0x84 is an em dash, 0xFC is ü (as in Latin-1).
    pdf = returns.set_raw_value(registration_pdf, "name", ByteStringObject(b"M\xfcller \x84 Sch\xf6n"))
    assert _only_reading(pdf, registry).fields["name"].value == "Müller — Schön"


def test_acrobat_line_breaks(registration_pdf: bytes, registry: LayoutRegistry) -> None:
    pdf = returns.set_raw_value(registration_pdf, "address", TextStringObject("Markt 1\r98701 Ilmenau"))
    assert _only_reading(pdf, registry).fields["address"].value == "Markt 1\n98701 Ilmenau"


def test_fields_with_separate_widgets(registration_pdf: bytes, registry: LayoutRegistry) -> None:
    vals = returns.values(1, "venue_sondershausen")
    pdf = returns.split_kids(fill_pypdf(registration_pdf, vals))
    _assert_values(_only_reading(pdf, registry), vals)


def test_foreign_form_is_foreign(registry: LayoutRegistry) -> None:
    result = read_pdf(returns.foreign_form(), registry)
    assert len(result.pages) == 1
    page = result.pages[0]
    assert isinstance(page, NotAForm) and page.foreign


def test_image_only_page_goes_to_ocr(registry: LayoutRegistry) -> None:
    result = read_pdf(returns.image_only_pdf(), registry)
    assert result.pages == (RasterPage(1),)


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "leere Datei"),
    (b"Hallo, anbei meine Anmeldung", "keine PDF-Datei"),
    (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "beschädigt"),
])
def test_unreadable_files(data: bytes, reason: str, registry: LayoutRegistry) -> None:
    with pytest.raises(InputError, match=reason):
        read_pdf(data, registry)


def test_encrypted(registration_pdf: bytes, registry: LayoutRegistry) -> None:
    with pytest.raises(InputError, match="Passwort"):
        read_pdf(returns.encrypted(registration_pdf), registry)


def test_owner_password_only_is_read(registration_pdf: bytes, registry: LayoutRegistry) -> None:
    vals = returns.values(0)
    pdf = returns.encrypted(fill_pypdf(registration_pdf, vals), password="")
    _assert_values(_only_reading(pdf, registry), vals)


def _aes256(pdf: bytes, user: str, tmp_path: Path) -> bytes:
    """The file encrypted with AES-256 (R6), as ``qpdf --encrypt USER owner 256`` writes it."""
    src, dst = tmp_path / "in.pdf", tmp_path / "out.pdf"
    src.write_bytes(pdf)
    if shutil.which("qpdf"):
        subprocess.run(["qpdf", "--encrypt", user, "owner", "256", "--", str(src), str(dst)], check=True)
    else:  # the same qpdf library, through pikepdf
        import pikepdf

        with pikepdf.open(src) as doc:
            doc.save(dst, encryption=pikepdf.Encryption(user=user, owner="owner", R=6, aes=True))
    data = dst.read_bytes()
    assert b"/Encrypt" in data and b"/AESV3" in data
    return data


def test_aes256_with_empty_user_password_is_read(registration_pdf: bytes, registry: LayoutRegistry,
                                                 tmp_path: Path) -> None:
    vals = returns.values(2, "venue_schleiz")
    reading = _only_reading(_aes256(fill_pypdf(registration_pdf, vals), "", tmp_path), registry)
    assert reading.method == "acroform" and reading.identity.layout_id == "registration"
    assert reading.problems == ()
    _assert_values(reading, vals)


def test_aes256_with_user_password_is_rejected(registration_pdf: bytes, registry: LayoutRegistry,
                                               tmp_path: Path) -> None:
    pdf = _aes256(fill_pypdf(registration_pdf, returns.values(2)), "geheim", tmp_path)
    with pytest.raises(InputError, match="verschlüsselte PDF-Datei \\(Passwort erforderlich\\)"):
        read_pdf(pdf, registry)


def test_repaired_file_is_read_but_flagged(registration_pdf: bytes, registry: LayoutRegistry) -> None:
    # pypdf writes the widgets first: cut off the tail (page content, xref, trailer) and qpdf rebuilds it.
    vals = returns.values(1, "venue_gotha")
    full = fill_pypdf(registration_pdf, vals)
    reading = _only_reading(full[: len(full) * 2 // 3], registry)
    _assert_values(reading, vals)
    assert any("beschädigt und repariert" in p for p in reading.problems)
    assert _only_reading(full, registry).problems == ()


def test_content_stream_decoding_is_bounded() -> None:
    import zlib

    import pikepdf

    from formkit.read.open import StreamLimitError, stream_bytes

    with pikepdf.new() as doc:
        small = pikepdf.Stream(doc, zlib.compress(b"0 0 m 1 1 l S\n" * 10))
        small.Filter = pikepdf.Name.FlateDecode
        assert stream_bytes(small, 1_000) == b"0 0 m 1 1 l S\n" * 10
        bomb = pikepdf.Stream(doc, zlib.compress(b" " * 5_000_000, 9))
        bomb.Filter = pikepdf.Name.FlateDecode
        with pytest.raises(StreamLimitError):
            stream_bytes(bomb, 1_000_000)
        chain = pikepdf.Stream(doc, zlib.compress(b"BT ET").hex().encode() + b">")
        chain.Filter = pikepdf.Array([pikepdf.Name.ASCIIHexDecode, pikepdf.Name.FlateDecode])
        assert stream_bytes(chain, 1_000) == b"BT ET"
        damaged = zlib.compress(b"0 0 m 1 1 l S\n" * 1_000)
        broken = pikepdf.Stream(doc, damaged[:40] + bytes(len(damaged) - 40))  # the tail zeroed
        broken.Filter = pikepdf.Name.FlateDecode
        assert (stream_bytes(broken, 1_000_000) or b"").startswith(b"0 0 m 1 1 l S\n")  # a damaged stream is no bomb


@pytest.mark.parametrize(("make", "reason"), [
    (lambda: returns.blank_pages(150), "zu viele Seiten"),
    (returns.decompression_bomb, "Sicherheitsgrenze|zu groß|beschädigt"),
    (returns.deep_nesting, "verschachtelt|beschädigt"),
])
def test_hostile_pdfs_are_bounded(make, reason: str, registry: LayoutRegistry) -> None:  # type: ignore[no-untyped-def]
    from formkit.read.open import harden_pdf_reader

    harden_pdf_reader()
    data = make()
    t = time.monotonic()
    with pytest.raises(InputError, match=reason):
        read_pdf(data, registry)
    assert time.monotonic() - t < 10


def test_real_world_pdfs_are_never_our_sheet(registry: LayoutRegistry) -> None:
    files = sorted((SHARED / "corpus").rglob("*.pdf"))
    if not files:
        pytest.skip("../shared/corpus fehlt")
    for path in files:
        t = time.monotonic()
        try:
            result = read_pdf(path.read_bytes(), registry)
        except InputError:
            continue
        finally:
            assert time.monotonic() - t < 15, path
        assert not any(isinstance(p, PageReading) for p in result.pages), path


@pytest.fixture(scope="module")
def registry_v2(tmp_path_factory: pytest.TempPathFactory) -> LayoutRegistry:
    """The project's layouts with the registration sheet at version 2 (a sheet we cannot place)."""
    root = tmp_path_factory.mktemp("layouts-v2") / "layouts"
    shutil.copytree(Path(__file__).resolve().parents[1] / "layouts" / "lsz-2018", root)
    f = root / "registration.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1), encoding="utf-8")
    return LayoutRegistry(root)


@pytest.mark.parametrize("flatten", [False, True])
def test_unknown_form_version_is_recognised(flatten: bool, registry_v2: LayoutRegistry,
                                            registry: LayoutRegistry) -> None:
    pdf, _ = render_to_bytes("registration", registry_v2, RenderOptions(recipient_id="LSZ-0011"))
    vals = returns.values(0, "venue_gotha")
    filled = fill_pdftk(pdf, vals, flatten=True) if flatten else fill_pypdf(pdf, vals)
    (page,) = read_pdf(filled, registry).pages
    assert isinstance(page, NotAForm) and "unbekannte Formularversion" in page.reason
    assert page.recognised and not page.foreign


def test_foreign_form_is_not_recognised(registry: LayoutRegistry) -> None:
    (page,) = read_pdf(returns.foreign_form(), registry).pages
    assert isinstance(page, NotAForm) and not page.recognised


# --- image pages that also carry text -----------------------------------------------------------


def _faxed_sheet(tmp_path: Path, rid: str, venue: str) -> tuple[Path, dict[str, str]]:
    """The filled sheet through Ghostscript's fax driver (G4, fine mode 204x196 dpi)."""
    from tests.corpus import blank_pdf

    vals = returns.values(1, venue)
    src, tif = tmp_path / "sheet.pdf", tmp_path / "fax.tif"
    src.write_bytes(fill_pypdf(blank_pdf(rid), vals))
    subprocess.run(["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffg4", "-r204x196",
                    f"-sOutputFile={tif}", str(src)], check=True, capture_output=True, timeout=120)
    return tif, vals


def _image_pdf(tif: Path) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    with Image.open(tif) as im:
        im.save(buf, format="PDF", resolution=204.0)
    return buf.getvalue()


def _with_header_text(pdf: bytes, line: str) -> bytes:
    """A gateway's one-line text header drawn over the page (a font, real text, no identity)."""
    import pikepdf
    from reportlab.pdfgen.canvas import Canvas

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        w, h = (float(v) for v in doc.pages[0].mediabox[2:])
        buf = io.BytesIO()
        c = Canvas(buf, pagesize=(w, h))
        c.setFont("Helvetica", 8)
        c.drawString(20, h - 14, line)
        c.save()
        with pikepdf.open(io.BytesIO(buf.getvalue())) as over:
            doc.pages[0].add_overlay(over.pages[0])
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def _tesseract_pdf(image: Path, tmp_path: Path) -> bytes:
    """``tesseract image out pdf``: the image with Tesseract's invisible OCR text layer."""
    out = tmp_path / "ocr"
    subprocess.run(["tesseract", str(image), str(out), "-l", "deu", "pdf"], check=True, capture_output=True,
                   timeout=120, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    return out.with_suffix(".pdf").read_bytes()


def _scan_300(tmp_path: Path, rid: str, venue: str) -> tuple[Path, dict[str, str]]:
    from tests.corpus import blank_pdf, gs

    vals = returns.values(2, venue)
    png = tmp_path / "scan.png"
    gs(fill_pypdf(blank_pdf(rid), vals), "pnggray", (300, 300)).save(png, dpi=(300, 300))
    return png, vals


@pytest.mark.parametrize("how", ["gateway-header", "tesseract-fax", "tesseract-scan-300"])
def test_image_page_with_text_goes_to_ocr(how: str, tmp_path: Path, registry: LayoutRegistry) -> None:
    from formkit.scan import rasterize_pdf_page, read_page

    rid, venue = "LSZ-0001", "venue_gotha"
    if how == "gateway-header":
        tif, vals = _faxed_sheet(tmp_path, rid, venue)
        pdf = _with_header_text(_image_pdf(tif), "Von: 0361 123 · Seite 1/1")
    elif how == "tesseract-fax":
        tif, vals = _faxed_sheet(tmp_path, rid, venue)
        pdf = _tesseract_pdf(tif, tmp_path)
    else:
        png, vals = _scan_300(tmp_path, rid, venue)
        pdf = _tesseract_pdf(png, tmp_path)
    assert read_pdf(pdf, registry).pages == (RasterPage(1),)
    path = tmp_path / "in.pdf"
    path.write_bytes(pdf)
    r = read_page(rasterize_pdf_page(path, 0), 1, registry)
    assert isinstance(r, PageReading), r
    assert r.method == "ocr" and r.identity.recipient_id == rid
    assert [k for k, f in r.fields.items() if f.state == "ticked"] == [venue]
    assert r.fields["name"].value == vals["name"]


def test_inline_image_token_is_found_on_one_line() -> None:
    import pikepdf

    from formkit.read.triage import has_image

    inline = b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q"
    for content, has in [(inline, True), (b"BT /F1 9 Tf (ABI ) Tj ET", False)]:
        with pikepdf.new() as doc:
            doc.add_blank_page()
            page = doc.pages[0].obj
            page.Contents = pikepdf.Stream(doc, content)
            page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary())
            assert has_image(page) is has, content


# --- where the text of a flattened sheet sits ----------------------------------------------------


def _set_rotate(pdf: bytes, rotate: int) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        doc.pages[0].obj.Rotate = rotate
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_rotated_flattened_sheet_is_read_in_its_own_space(rotate: int, registration_pdf: bytes,
                                                               registry: LayoutRegistry) -> None:
    vals = returns.values(2, "venue_schleiz")
    reading = _only_reading(_set_rotate(fill_pdftk(registration_pdf, vals, flatten=True), rotate), registry)
    assert reading.method == "textlayer"
    got = {name: r.value for name, r in reading.fields.items()}
    assert got == vals, reading.problems  # /Rotate is undone: the words are back in the sheet's own space
    assert reading.problems == ()


def test_flattened_sheet_text_in_place_has_no_problem(registration_pdf: bytes, registry: LayoutRegistry) -> None:
    vals = returns.values(1, "venue_gotha")
    reading = _only_reading(fill_pdftk(registration_pdf, vals, flatten=True), registry)
    assert reading.method == "textlayer" and reading.problems == ()
    _assert_values(reading, vals)


def test_sheet_fitted_onto_letter_goes_to_review(registration_pdf: bytes, registry: LayoutRegistry,
                                                 tmp_path: Path) -> None:
    import pikepdf

    flat = fill_pdftk(registration_pdf, returns.values(0, "venue_gotha"), flatten=True)
    # "Fit to page" onto US Letter: the A4 page scaled by 0.94 and centred, as a print dialog does it.
    with pikepdf.open(io.BytesIO(flat)) as doc:
        page = doc.pages[0]
        k = 792 / 842
        dx = (612 - 595.28 * k) / 2
        page.contents_add(pikepdf.Stream(doc, f"q {k:.4f} 0 0 {k:.4f} {dx:.2f} 0 cm".encode()), prepend=True)
        page.contents_add(pikepdf.Stream(doc, b"Q"))
        page.obj.MediaBox = pikepdf.Array([0, 0, 612, 792])
        out = io.BytesIO()
        doc.save(out)
    reading = _only_reading(out.getvalue(), registry)
    assert reading.method == "textlayer"
    assert any("nicht an der Stelle des Layouts" in p for p in reading.problems), reading.problems
