"""Declarative layouts: event data and document/form descriptions, loaded and validated."""

from formkit.layout.loader import LayoutRegistry, load_layout, list_layouts
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
