"""Declarative layouts: event data and document/form descriptions, loaded and validated."""

from formkit.layout.loader import LayoutRegistry, list_layouts, load_layout
from formkit.layout.models import (
    BoxSpec,
    DocumentLayout,
    FieldSpec,
    FormLayout,
    Layout,
    MarkSpec,
    QRSpec,
)

__all__ = [
    "BoxSpec",
    "DocumentLayout",
    "FieldSpec",
    "FormLayout",
    "Layout",
    "LayoutRegistry",
    "MarkSpec",
    "QRSpec",
    "list_layouts",
    "load_layout",
]
