"""The AcroForm fillers live with the tests (:mod:`tests.fill`); the bench uses the same ones."""

from tests.fill import (
    checkbox_on_states,
    fill_pdftk,
    fill_pymupdf,
    fill_pypdf,
    flatten_pdftk,
    is_ticked,
    sample_values,
    xfdf,
)

__all__ = ["checkbox_on_states", "fill_pdftk", "fill_pymupdf", "fill_pypdf", "flatten_pdftk", "is_ticked",
           "sample_values", "xfdf"]
