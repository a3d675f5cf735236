"""What the readers (AcroForm, text layer, OCR) hand to record assembly: typed, with confidence.

Every reader of a returned page produces a :class:`PageReading`; a page that holds no form of
ours produces a :class:`NotAForm` with the reason. Nothing downstream knows which reader ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from formkit.ident import FormIdentity

Method = Literal["acroform", "textlayer", "ocr"]
TickState = Literal["ticked", "empty", "uncertain"]
PrintedState = Literal["untouched", "changed"]


@dataclass(frozen=True)
class FieldReading:
    """One field's value as read, with a confidence in [0, 1].

    For check boxes ``value`` is "1" (ticked) or "" and ``state``/``score`` carry the detail.
    ``crop`` is a PNG of the field's zone (OCR only), kept so a person can read handwriting.
    """

    name: str
    value: str
    confidence: float
    method: Method
    state: TickState | None = None
    score: float | None = None
    crop: bytes | None = None
    # A prefilled field of a packet's sheet compared with what the packet printed there
    # (formkit.scan.verify): "untouched" (value = the printed one), "changed" (ink added: the
    # value is what OCR read and a person must look), None (nothing printed, or not compared).
    printed: PrintedState | None = None
    # A word of the value is the campaign vocabulary's proposal for what OCR read unsure, not a
    # reading: the field goes to a person and is never confirmed by the mailing list.
    snapped: bool = False


@dataclass(frozen=True)
class PageReading:
    """A form page read back into layout fields."""

    page: int  # 1-based page number within the source
    method: Method
    identity: FormIdentity
    fields: dict[str, FieldReading]
    # Reasons a person must look at this page (poor registration fit, unreadable QR …).
    problems: tuple[str, ...] = ()
    # Quality of the page→layout registration (OCR only): mean residual in mm.
    fit_error_mm: float | None = None
    image: bytes | None = field(default=None, repr=False)  # PNG of the registered page (OCR)


@dataclass(frozen=True)
class NotAForm:
    """A page that holds no sheet of ours (cover page, letter, unrelated page)."""

    page: int
    reason: str
    foreign: bool = False  # True when the page is some other organisation's form
    recognised: bool = False  # one of our sheets, but it cannot be read
