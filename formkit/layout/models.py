"""Typed models of layout files. Validated on load; unknown keys are errors.

A layout file is YAML with ``kind: document`` (pages of flowing blocks, may include forms) or
``kind: form`` (one fillable page whose geometry the parser reads back). All lengths are
millimetres in layout space (see :mod:`formkit.geometry`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

from formkit.geometry import Rect


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


RectList = Annotated[list[float], Field(min_length=4, max_length=4)]


def _rect(values: list[float]) -> Rect:
    return Rect(values[0], values[1], values[2], values[3])


# --- flow blocks ---------------------------------------------------------------------------


class HeadingBlock(_Strict):
    type: Literal["heading"]
    text: str
    level: Literal[1, 2, 3] = 1


class ParagraphBlock(_Strict):
    """Free text; a Jinja template over the event data; ``**bold**`` marks bold text."""

    type: Literal["paragraph"]
    text: str
    size: float = 10.5
    align: Literal["left", "justify", "center"] = "left"


class BulletsBlock(_Strict):
    type: Literal["bullets"]
    items: list[str]


class SpacerBlock(_Strict):
    type: Literal["spacer"]
    height: float = 5.0


class MeetingDatesBlock(_Strict):
    """The meeting dates as "26. April 2018 in Sonneberg", in one or two columns."""

    type: Literal["meeting_dates"]
    columns: Literal[1, 2] = 2


class AgendaBlock(_Strict):
    type: Literal["agenda"]
    title: str = "Programm:"


class VenuesBlock(_Strict):
    type: Literal["venues"]


class ContactsBlock(_Strict):
    type: Literal["contacts"]


class NotesBlock(_Strict):
    type: Literal["notes"]
    title: str = "Hinweise:"


class LetterBlock(_Strict):
    """A DIN 5008 (form B) cover letter built from the event's ``letter`` section.

    Must be the first block of its page: it places the address field for a window envelope,
    the information block, fold and punch marks, date, subject, salutation and signature.
    """

    type: Literal["letter"]
    # True: the event's letter text (invitation). False: only the head; the page's following
    # blocks are the body (confirmations, waiting-list letters).
    body: bool = True


class StatementBlock(_Strict):
    """One model commune's answers to the statement prompts (``communes`` of the event)."""

    type: Literal["statement"]
    commune: str


Block = Annotated[
    Union[
        HeadingBlock,
        ParagraphBlock,
        BulletsBlock,
        SpacerBlock,
        MeetingDatesBlock,
        AgendaBlock,
        VenuesBlock,
        ContactsBlock,
        NotesBlock,
        LetterBlock,
        StatementBlock,
    ],
    Field(discriminator="type"),
]


# --- forms ---------------------------------------------------------------------------------

FieldKind = Literal["name", "institution", "text", "address", "phone", "email", "date", "venue"]
# Kinds whose value a record keeps under the kind's name (the CSV columns), not the field's.
SEMANTIC_KINDS: tuple[str, ...] = ("name", "institution", "address", "phone", "email", "date")


class FieldSpec(_Strict):
    """A form field: an AcroForm widget in the PDF and a zone the scan parser reads."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: Literal["text", "checkbox"]
    label: str
    tooltip: str
    rect: RectList
    multiline: bool = False
    max_length: int = 200
    font_size: float = 10.0
    # For check boxes: the group they belong to and the value a tick stands for (e.g. group
    # "venue", value "Sonneberg").
    group: str | None = None
    value: str | None = None
    # Check box label drawn right of the box; text field label drawn left of the box.
    label_width: float = 42.0
    # What the value means, whatever the field is called: records, validation and export go by
    # the kind (a layout that renames "name" to "teilnehmer" keeps its checks). "venue" marks the
    # check boxes of the meeting choice; "text" is free text without a meaning of its own.
    kind: FieldKind = "text"

    @field_validator("rect")
    @classmethod
    def _positive(cls, v: list[float]) -> list[float]:
        if v[2] <= 0 or v[3] <= 0:
            raise ValueError("Breite und Höhe müssen größer als 0 sein")
        return v

    @property
    def box(self) -> Rect:
        return _rect(self.rect)


class BoxSpec(_Strict):
    """A labelled box that is not a field (e.g. the signature)."""

    name: str
    label: str
    rect: RectList

    @property
    def box(self) -> Rect:
        return _rect(self.rect)


class MarkSpec(_Strict):
    """Solid square registration marks; ``at`` lists the top-left corner of each mark."""

    size: float = 7.0
    at: list[Annotated[list[float], Field(min_length=2, max_length=2)]]

    @field_validator("at")
    @classmethod
    def _four(cls, v: list[list[float]]) -> list[list[float]]:
        if len(v) != 4:
            raise ValueError("erwartet genau 4 Passmarken: oben links, oben rechts, unten links, unten rechts")
        return v

    def rects(self) -> list[Rect]:
        return [Rect(x, y, self.size, self.size) for x, y in self.at]

    def centers(self) -> list[tuple[float, float]]:
        return [r.center for r in self.rects()]


class QRSpec(_Strict):
    """Where the QR code goes; ``size`` includes the quiet zone."""

    x: float
    y: float
    size: float = 25.0

    @property
    def box(self) -> Rect:
        return Rect(self.x, self.y, self.size, self.size)


class TextSpec(_Strict):
    """Static text placed at a fixed position on a form page."""

    text: str
    at: Annotated[list[float], Field(min_length=2, max_length=2)]
    size: float = 8.0
    bold: bool = False


class ChoiceRule(_Strict):
    """The meeting choice, laid out from the event: one check box per meeting.

    Boxes go top to bottom in ``area`` (mm), ``row`` apart; when they do not fit in one column
    they take two (first column first). Field names are ``<name>_<meeting id>``; a tick stands
    for the meeting's city. Label and tooltip are templates over the event data plus ``meeting``.
    """

    name: str = Field(default="venue", pattern=r"^[a-z][a-z0-9_]*$")
    group: str = "venue"
    area: RectList
    label: str = "{{ meeting.city }}, {{ meeting.date | date_de }}"
    tooltip: str = "Teilnahme am Regionaltreffen in {{ meeting.city }} am {{ meeting.date | date_de }}"
    box: float = Field(default=7.0, ge=5.0)
    row: float = Field(default=11.0, gt=0)
    columns: Literal["auto", 1, 2] = "auto"


class _LayoutHead(_Strict):
    """What every layout file starts with: its identity and the data files it prints from."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    version: int = Field(ge=1)
    title: str
    event: str | None = None  # an event data file (layouts/events/…), relative to the layout
    statements: str | None = None  # a statements data file (Leitgedanken)


class FormLayout(_LayoutHead):
    kind: Literal["form"]
    page_size: Annotated[list[float], Field(min_length=2, max_length=2)] = [210.0, 297.0]
    # Region (mm) in which the header blocks flow, above the fields.
    header_rect: RectList = [22.0, 26.0, 136.0, 70.0]
    header: list[Block] = []
    marks: MarkSpec
    qr: QRSpec
    fields: list[FieldSpec]
    # Check boxes generated from the event's meetings (added to ``fields`` when loaded).
    venue_choice: ChoiceRule | None = None
    boxes: list[BoxSpec] = []
    texts: list[TextSpec] = []
    # Small print with the layout id, version and recipient id, readable by people and text layer.
    footer_at: Annotated[list[float], Field(min_length=2, max_length=2)] = [22.0, 278.0]

    @field_validator("fields")
    @classmethod
    def _unique_names(cls, v: list[FieldSpec]) -> list[FieldSpec]:
        names = [f.name for f in v]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"Feldnamen müssen eindeutig sein, doppelt: {', '.join(dupes)}")
        return v

    @property
    def width(self) -> float:
        return self.page_size[0]

    @property
    def height(self) -> float:
        return self.page_size[1]

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def groups(self) -> dict[str, list[FieldSpec]]:
        out: dict[str, list[FieldSpec]] = {}
        for f in self.fields:
            if f.group:
                out.setdefault(f.group, []).append(f)
        return out


class FlowPage(_Strict):
    """A page whose blocks flow top to bottom inside the page margins."""

    blocks: list[Block]


class FormPage(_Strict):
    """A page that is a form layout, included by id."""

    form: str


def _page_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "form" if "form" in value else "flow"
    return "form" if isinstance(value, FormPage) else "flow"


PageSpec = Annotated[
    Union[Annotated[FormPage, Tag("form")], Annotated[FlowPage, Tag("flow")]],
    Discriminator(_page_kind),
]


class MailText(_Strict):
    """The e-mail that carries a document (``formkit send``): subject and plain-text body, both
    templates over the same data as the document (event, ``recipient``, ``meeting`` …)."""

    subject: str
    body: str


class DocumentLayout(_LayoutHead):
    kind: Literal["document"]
    margins: Annotated[list[float], Field(min_length=4, max_length=4)] = [25.0, 20.0, 20.0, 25.0]
    pages: list[PageSpec] = Field(min_length=1)
    mail: MailText | None = None


Layout = Annotated[Union[DocumentLayout, FormLayout], Field(discriminator="kind")]


def describe_type(value: Any) -> str:
    return type(value).__name__
