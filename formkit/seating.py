"""The allocation of one record (a seat, a waiting-list place, pending or none): the typed row that
:mod:`formkit.allocate` computes and :mod:`formkit.store` keeps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Outcome = Literal["seat", "waitlist", "pending", "none"]
ReceivedSource = Literal["received", "mtime", "unknown"]


@dataclass(frozen=True)
class Allocation:
    key: str
    meeting_id: str | None
    venue: str
    outcome: Outcome
    position: int | None  # seat number or waiting-list place, 1-based
    received: dt.datetime | None
    received_source: ReceivedSource
    late: bool
    note: str
    campaign: str = ""  # the campaign whose meeting this is (event id)
