"""Rendering layouts to PDF with reportlab."""

from formkit.render.document import RenderOptions, render_layout, render_to_file

__all__ = ["RenderOptions", "render_layout", "render_to_file"]
