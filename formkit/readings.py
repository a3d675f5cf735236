"""What the readers (AcroForm, text layer, OCR) hand to record assembly: typed, with confidence.

Every reader of a returned page produces a :class:`PageReading`; a page that holds no form of
ours (or cannot be read) produces a :class:`NotAForm` with a German reason and a
:class:`NotFormKind`; code decides by the kind, never by the reason's text. Nothing downstream
knows which reader ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from formkit.ident import FormIdentity

Method = Literal["acroform", "textlayer", "ocr", "mailtext"]
TickState = Literal["ticked", "empty", "uncertain"]
PrintedState = Literal["untouched", "changed", "differs", "faded"]


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
    # value is what OCR read and a person must look), "differs" (the print not found as printed
    # and OCR reads other words: retyped, deleted or misread; a person looks), "faded" (found as
    # printed but for an umlaut's dots or an accent the fax channel may have lost: 'Muller' would
    # look the same; a person looks), None (nothing printed, or not compared).
    printed: PrintedState | None = None
    # A word of the value is the campaign vocabulary's proposal for what OCR read unsure, not a
    # reading: the field goes to a person and is never confirmed by the mailing list.
    snapped: bool = False
    # A long straight stroke in the box that is none of the form's lines (formkit.scan.ocr.zone_ink):
    # the value (or part of it) may be crossed out; the field goes to a person.
    struck: bool = False


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


class NotFormKind(Enum):
    """Why a page yields no reading: decided by the reader that looked at it, never by its message."""

    NO_FORM = "no_form"  # cover letter, enclosure, blank page: no sheet of ours
    FOREIGN = "foreign"  # some other organisation's form
    DAMAGED = "damaged"  # no sheet found on a page of a damaged (truncated, repaired) file
    UNREADABLE = "unreadable"  # one of our sheets that cannot be read (unknown version, marks not fitting)
    OCR_UNAVAILABLE = "ocr_unavailable"  # an image page, and the OCR stages are not installed


@dataclass(frozen=True, init=False)
class NotAForm:
    """A page that yields no reading, with a German reason and the typed kind of that reason."""

    page: int
    reason: str
    kind: NotFormKind

    def __init__(self, page: int, reason: str, kind: NotFormKind = NotFormKind.NO_FORM, *,
                 foreign: bool = False, recognised: bool = False) -> None:
        # foreign=/recognised= are the scan reader's spelling of FOREIGN/UNREADABLE (kept for it).
        if recognised:
            kind = NotFormKind.UNREADABLE
        elif foreign:
            kind = NotFormKind.FOREIGN
        object.__setattr__(self, "page", page)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "kind", kind)

    @property
    def foreign(self) -> bool:
        return self.kind is NotFormKind.FOREIGN

    @property
    def recognised(self) -> bool:
        return self.kind is NotFormKind.UNREADABLE
