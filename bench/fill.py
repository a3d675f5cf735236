"""The AcroForm fillers live with the tests (:mod:`tests.fill`); the bench uses the same ones."""

from tests.fill import (
    BASE_FONTS,
    Font,
    checkbox_on_states,
    fill_pdftk,
    fill_pymupdf,
    fill_pypdf,
    flatten_pdftk,
    is_ticked,
    sample_values,
    with_font,
    xfdf,
)

__all__ = ["BASE_FONTS", "Font", "checkbox_on_states", "fill_pdftk", "fill_pymupdf", "fill_pypdf", "flatten_pdftk",
           "is_ticked", "sample_values", "with_font", "xfdf"]
