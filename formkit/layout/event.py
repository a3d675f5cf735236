"""Typed model of an event data file (``layouts/events/*.yaml``): the facts documents print."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sender(_Strict):
    organisation: str
    unit: str | None = None
    street: str
    postcode: str
    city: str
    phone: str | None = None
    fax: str | None = None
    email: str | None = None


class Letter(_Strict):
    place: str
    date: dt.date
    subject: str
    salutation: str
    paragraphs: list[str]
    closing: str
    signatory: str
    signatory_title: str


class Meeting(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    city: str
    date: dt.date
    region: str
    invited: str
    venue: str
    street: str
    postcode: str
    room: str
    parking: str
    capacity: int = Field(default=50, ge=0)


class Speaker(_Strict):
    name: str
    organisation: str


class AgendaItem(_Strict):
    time: str = Field(pattern=r"^\d{1,2}:\d{2}$")
    title: str
    note: str | None = None
    speakers: list[Speaker] = []


class Person(_Strict):
    name: str
    organisation: str


# What happens to a registration received after the deadline, in the office's words.
LATE_POLICY_DE = {"accept": "annehmen", "waitlist": "Warteliste", "review": "prüfen"}


class Registration(_Strict):
    deadline: dt.date
    fax: str
    email: str
    late_policy: Literal["accept", "waitlist", "review"] = "review"
    instructions: str
    questions: str


class Contact(_Strict):
    name: str
    organisation: str
    unit: str | None = None
    street: str
    postcode: str
    city: str
    phone: str
    email: str


class Event(_Strict):
    # The campaign's id: printed in every sheet's identity (QR, small print, PDF keywords).
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    programme: str
    programme_short: str
    event_title: str
    ministry: str
    ministry_short: str
    sender: Sender
    letter: Letter
    meetings: list[Meeting] = Field(min_length=1)
    agenda: list[AgendaItem]
    moderation: Person | None = None
    registration: Registration
    contacts: list[Contact] = []
    notes: list[str] = []

    def meeting(self, meeting_id: str) -> Meeting:
        for m in self.meetings:
            if m.id == meeting_id:
                return m
        raise KeyError(meeting_id)

    def meeting_for_venue(self, venue: str) -> Meeting | None:
        """The meeting a venue names (its town or its id, any case), or None."""
        v = venue.strip().casefold()
        for m in self.meetings:
            if v in (m.city.casefold(), m.id.casefold()):
                return m
        return None


class Prompt(_Strict):
    id: str
    text: str


class Commune(_Strict):
    name: str
    answers: dict[str, list[str]]


class Statements(_Strict):
    """The model communes' statement sheet data (``Leitgedanken``)."""

    id: str
    programme: str
    prompts: list[Prompt]
    communes: list[Commune]

    def commune(self, name: str) -> Commune:
        for c in self.communes:
            if c.name == name:
                return c
        raise KeyError(name)
