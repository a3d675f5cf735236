"""The campaign's vocabulary in reading: user words and cautious snapping; never a stranger made a member."""

from __future__ import annotations

from pathlib import Path

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.readings import PageReading
from formkit.recipients import Recipient
from formkit.render.document import RenderOptions, render_to_bytes
from formkit.scan import iter_image_pages, read_page
from formkit.scan.context import ReadContext, snap_word
from formkit.thresholds import OCR_OK
from tests.prefilled import Pen, fax

MEMBER = Recipient(id="R0200", first_name="Käthe", last_name="Müller", institution="Gemeinde Schmölln",
                   street="Lindenstraße 4", postcode="04626", city="Schmölln", email="k.mueller@schmoelln.de")
VOCAB = ReadContext.build([MEMBER]).words


def test_vocabulary_from_the_list_and_the_event(registry: LayoutRegistry) -> None:
    events = [ld.event for ld in registry.forms() if ld.event is not None]
    ctx = ReadContext.build([MEMBER], events[:1])
    assert {"Käthe", "Müller", "Schmölln", "Lindenstraße", "Gemeinde"} <= ctx.words
    assert "Sondershausen" in ctx.words  # a meeting's city
    assert ctx.emails == {"R0200": "k.mueller@schmoelln.de"}
    assert ctx.printed_for("R0200")["name"] == "Käthe Müller"
    assert ctx.printed_for("R9999") == {} and ctx.printed_for(None) == {}


def test_snap_only_unsure_words_to_a_single_near_vocabulary_word() -> None:
    assert snap_word("Müllor", VOCAB, unsure=True) == "Müller"
    assert snap_word("Müllor,", VOCAB, unsure=True) == "Müller,"  # punctuation stays
    assert snap_word("Möller", VOCAB, unsure=False) == "Möller"  # read surely: a stranger's own name
    assert snap_word("Mül", VOCAB, unsure=True) == "Mül"  # too short to tell
    assert snap_word("Mayer", VOCAB, unsure=True) == "Mayer"  # nothing near
    two = frozenset({"Müller", "Möller"})
    assert snap_word("Mäller", two, unsure=True) == "Mäller"  # two candidates: no guess
    assert snap_word("Lindenstrase", VOCAB, unsure=True) == "Lindenstraße"  # 2 edits for long words


def test_a_strangers_name_is_never_read_as_a_list_members(tmp_path: Path, registry: LayoutRegistry) -> None:
    """A stranger on a member's forwarded sheet, with a name one letter from the member's."""
    form = registry.form("registration").layout
    assert isinstance(form, FormLayout)
    stranger = {"name": "Käthe Möller", "institution": "Gemeinde Schmölen", "email": "k.moeller@schmoelen.de"}
    pdf, _ = render_to_bytes("registration", registry, RenderOptions(values=stranger, recipient_id=MEMBER.id,
                                                                     fillable=False))
    path = fax(Pen(form).tick("venue_gotha").onto(pdf), tmp_path / "fax.tif")
    (im,) = list(iter_image_pages(path))
    r = read_page(im, 1, registry, ReadContext.build([MEMBER]))
    assert isinstance(r, PageReading)
    for k, v in stranger.items():
        f = r.fields[k]
        assert f.printed != "untouched"  # never confirmed as the member's printed value
        assert f.value != MEMBER.prefill_values()[k]
        assert f.value == v or f.confidence < OCR_OK, f


def test_a_sure_word_one_letter_from_a_known_one_is_doubted_not_replaced() -> None:
    from formkit.scan.context import near_known, snap_word

    vocab = frozenset({"Mehrgenerationenhaus", "Artern", "Fuß"})
    # Read with sure characters: not snapped (OCR was sure), but not taken as it is either.
    assert snap_word("Mehrgererationenhaus", vocab, unsure=False) == "Mehrgererationenhaus"
    assert near_known("Mehrgererationenhaus", vocab)
    assert not near_known("Mehrgenerationenhaus", vocab)  # the known word itself
    assert not near_known("Sömmerda", vocab)  # nothing near: a new word, read as it is
    assert not near_known("Fus", vocab)  # too short to judge (SNAP_MIN_LETTERS)
