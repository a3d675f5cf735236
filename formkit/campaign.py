"""Campaigns: a campaign is a folder (``event.yaml`` + the layouts of its documents); several
side by side are one :class:`Campaigns`, the ONE resolver from a sheet's identity to its layout.

``Campaigns.resolve`` is what every reader (AcroForm, text layer, scan, review, record assembly)
asks; it never hands out other geometry than the sheet's own: a sheet whose campaign or version
is not loaded gets a reason (:class:`Unresolved`), not the nearest layout.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from formkit.errors import LayoutError
from formkit.filenames import slugify
from formkit.ident import CAMPAIGN_ID, FormIdentity
from formkit.layout.event import Event, Meeting
from formkit.layout.loader import EVENT_FILE, LayoutRegistry, LoadedLayout, default_layouts_dir
from formkit.layout.models import FormLayout

OTHER_CAMPAIGN = "Formular einer anderen Veranstaltung"
STALE_GEOMETRY = ("Bogen wurde vor einer Änderung der Veranstaltungsorte gedruckt (Fassung passt nicht zu "
                  "event.yaml)")


# How many days before the letter's date a sheet may be dated (see Policies.signing): generous,
# the check is for misread years and slips, not for early birds.
SIGNING_EARLY_DAYS = 30


@dataclass(frozen=True)
class Policies:
    """The campaign's rules for registrations: deadline, what a late one gets, seats per meeting."""

    deadline: dt.date
    late_policy: str
    capacities: dict[str, int]  # meeting id -> seats
    # The days a sheet of this campaign can be dated (signed) on: from a little before the letter's
    # date (letters are dated when printed, sometimes after the packets went out) to the last
    # meeting. A date outside is a misread or a slip: the record goes to a person.
    signing: tuple[dt.date, dt.date] | None = None


class Campaign:
    """One campaign folder: its event, its forms (by id and version) and its policies."""

    def __init__(self, root: Path, registry: LayoutRegistry | None = None) -> None:
        self.registry = registry or LayoutRegistry(root)
        self.root = self.registry.root
        event = self.registry.event
        if event is None:
            raise LayoutError(f"{self.root}: keine {EVENT_FILE} – kein Veranstaltungsordner")
        self.event: Event = event
        self.id = event.id
        self._forms: dict[tuple[str, int], LoadedLayout] | None = None

    @classmethod
    def of_registry(cls, registry: LayoutRegistry) -> Campaign:
        return cls(registry.root, registry)

    @property
    def policies(self) -> Policies:
        reg = self.event.registration
        last = max([m.date for m in self.event.meetings] + [reg.deadline])
        signing = (self.event.letter.date - dt.timedelta(days=SIGNING_EARLY_DAYS), last)
        return Policies(reg.deadline, reg.late_policy, {m.id: m.capacity for m in self.event.meetings}, signing)

    def forms(self) -> dict[tuple[str, int], LoadedLayout]:
        """(form id, version) -> the loaded form; two files with one identity are an error."""
        if self._forms is None:
            found: dict[tuple[str, int], LoadedLayout] = {}
            for loaded in self.registry.forms():
                key = (loaded.layout.id, loaded.layout.version)
                if key in found:
                    raise LayoutError(
                        f"{loaded.path}: Formular {key[0]} v{key[1]} gibt es in {self.id} schon "
                        f"({found[key].path.name}); Version erhöhen (version:) oder eine Datei entfernen")
                found[key] = loaded
            self._forms = found
        return self._forms

    def get(self, name: str) -> LoadedLayout:
        return self.registry.get(name)

    def meeting_for_venue(self, venue: str) -> Meeting | None:
        return self.event.meeting_for_venue(venue)


@dataclass(frozen=True)
class Unresolved:
    """Why a sheet's identity has no layout here (German, shown as the row's reason)."""

    reason: str


def campaign_dirs(path: Path) -> list[Path]:
    """The campaign folders in *path*: the folder itself, or its subfolders with an event.yaml."""
    if (path / EVENT_FILE).is_file():
        return [path]
    if not path.is_dir():
        raise LayoutError(f"{path}: Ordner nicht gefunden")
    found = sorted(p.parent for p in path.glob(f"*/{EVENT_FILE}"))
    if not found:
        raise LayoutError(f"{path}: kein Veranstaltungsordner (ein Ordner mit {EVENT_FILE} und den Layouts, "
                          f"z. B. layouts/lsz-2018)")
    return found


class Campaigns:
    """The campaigns loaded for a run, and the one resolver (campaign, form, version) -> layout."""

    def __init__(self, campaigns: Iterable[Campaign]) -> None:
        self.by_id: dict[str, Campaign] = {}
        for c in campaigns:
            if c.id in self.by_id and self.by_id[c.id].root != c.root:
                raise LayoutError(f"{c.root / EVENT_FILE}: id „{c.id}“ hat schon {self.by_id[c.id].root / EVENT_FILE}; "
                                  f"jede Veranstaltung braucht eine eigene id")
            self.by_id[c.id] = c
        for c in self.by_id.values():
            c.forms()  # checked for uniqueness (and validated) at load, not at the first sheet

    @classmethod
    def load(cls, paths: Path | Sequence[Path] | None = None) -> Campaigns:
        """Campaign folders, or folders of campaign folders (default: ./layouts)."""
        if paths is None or (not isinstance(paths, Path) and not paths):
            paths = [default_layouts_dir()]
        elif isinstance(paths, Path):
            paths = [paths]
        return cls(Campaign(d) for p in paths for d in campaign_dirs(Path(p)))

    def __iter__(self) -> Iterator[Campaign]:
        return iter(self.by_id.values())

    def __len__(self) -> int:
        return len(self.by_id)

    def ids(self) -> list[str]:
        return list(self.by_id)

    def campaign(self, campaign_id: str) -> Campaign:
        try:
            return self.by_id[campaign_id]
        except KeyError:
            raise LayoutError(f"Veranstaltung „{campaign_id}“ nicht geladen; vorhanden: "
                              f"{', '.join(self.by_id) or '(keine)'}") from None

    def single(self, campaign_id: str | None = None) -> Campaign:
        """The campaign a command that makes documents works on: the one named, or the only one."""
        if campaign_id:
            return self.campaign(campaign_id)
        if len(self.by_id) == 1:
            return next(iter(self.by_id.values()))
        raise LayoutError(f"Mehrere Veranstaltungen geladen ({', '.join(self.by_id)}): bitte mit --campaign ID "
                          f"eine wählen")

    def resolve(self, ident: FormIdentity) -> FormLayout | Unresolved:
        """The layout of the sheet that carries *ident*, or why there is none."""
        c = self.by_id.get(ident.campaign)
        if c is None:
            return Unresolved(f"{OTHER_CAMPAIGN}: {ident.campaign or '?'} ({ident.layout_id} v{ident.version}); "
                              f"geladen: {', '.join(self.by_id) or '(keine)'}")
        loaded = c.forms().get((ident.layout_id, ident.version))
        if loaded is None:
            have = ", ".join(f"{f} v{v}" for f, v in sorted(c.forms())) or "(keine)"
            return Unresolved(f"unbekannte Formularversion {ident.layout_id} v{ident.version} "
                              f"der Veranstaltung {c.id} (vorhanden: {have})")
        assert isinstance(loaded.layout, FormLayout)
        if ident.geometry and ident.geometry != loaded.geometry:
            # The boxes of this sheet are not where the loaded layout says (a meeting reordered,
            # cancelled or added after printing): reading it would give a shifted venue.
            return Unresolved(f"{STALE_GEOMETRY}: {ident.describe()}, Layout {loaded.path.name} – bitte von "
                              f"Hand erfassen")
        return loaded.layout

    def loaded(self, ident: FormIdentity) -> LoadedLayout | None:
        c = self.by_id.get(ident.campaign)
        return c.forms().get((ident.layout_id, ident.version)) if c else None

    def forms(self) -> list[tuple[Campaign, FormLayout]]:
        """Every loaded form with its campaign (for sheets that carry no readable identity)."""
        out = []
        for c in self.by_id.values():
            for loaded in c.forms().values():
                assert isinstance(loaded.layout, FormLayout)
                out.append((c, loaded.layout))
        return out


_OF_REGISTRY: dict[int, tuple[LayoutRegistry, Campaigns]] = {}


def as_campaigns(source: Campaigns | LayoutRegistry) -> Campaigns:
    """The resolver for *source*: itself, or the one campaign of a campaign folder's registry
    (readers accept both, so that a caller holding one campaign's registry need not build more)."""
    if isinstance(source, Campaigns):
        return source
    cached = _OF_REGISTRY.get(id(source))
    if cached is None or cached[0] is not source:
        cached = (source, Campaigns([Campaign.of_registry(source)]))
        _OF_REGISTRY[id(source)] = cached
    return cached[1]


# --- making a new campaign ----------------------------------------------------------------------

_ID_LINE = re.compile(r"^id:\s*\S+.*$", re.M)


def copy_campaign(source: Path, target: Path, new_id: str) -> Path:
    """Copy the campaign folder *source* to *target* with the event id *new_id*; returns the event file."""
    if not CAMPAIGN_ID.match(new_id):
        offer = slugify(new_id, max_len=40, fallback="")  # "Familie Thüringen 2022" -> familie-thueringen-2022
        example = offer if CAMPAIGN_ID.match(offer) else "lsz-2019"
        raise LayoutError(f"„{new_id}“ ist keine gültige Veranstaltungs-id (Kleinbuchstaben, Ziffern, '-'; "
                          f"mit einem Buchstaben beginnen, z. B. {example})")
    if not (source / EVENT_FILE).is_file():
        raise LayoutError(f"{source}: kein Veranstaltungsordner (keine {EVENT_FILE})")
    if target.exists():
        raise LayoutError(f"{target}: gibt es schon; einen anderen Zielordner wählen")
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.part"))
    event = target / EVENT_FILE
    text = event.read_text(encoding="utf-8")
    if not _ID_LINE.search(text):
        raise LayoutError(f"{event}: keine Zeile „id: …“ gefunden")
    event.write_text(_ID_LINE.sub(f"id: {new_id}", text, count=1), encoding="utf-8")
    return event
