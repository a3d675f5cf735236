"""Finding, loading and validating layout files.

Errors name the file, the key path and what was expected, in German, e.g.
``layouts/registration.yaml: fields[2].rect: erwartet 4 Zahlen [x, y, Breite, Höhe] in mm``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from formkit import fingerprint
from formkit.errors import LayoutError
from formkit.layout import rules
from formkit.layout.event import Event, Statements
from formkit.layout.messages import describe, yaml_problem_de
from formkit.layout.models import DocumentLayout, FormLayout, Layout

T = TypeVar("T", bound=BaseModel)

_LAYOUT_ADAPTER: TypeAdapter[Layout] = TypeAdapter(Layout)


EVENT_FILE = "event.yaml"  # the file that makes a folder a campaign folder


def default_layouts_dir() -> Path:
    """$FORMKIT_LAYOUTS, else ./layouts, else the layouts folder beside the package."""
    env = os.environ.get("FORMKIT_LAYOUTS")
    if env:
        return Path(env)
    cwd = Path.cwd() / "layouts"
    if cwd.is_dir() and (any(cwd.glob(f"*/{EVENT_FILE}")) or (cwd / EVENT_FILE).is_file()):
        return cwd
    return Path(__file__).resolve().parents[2] / "layouts"


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(Wurzel)"


# libyaml's parser where PyYAML has it: ~10x faster than the pure-Python one (campaign folders are
# loaded and checked at every command start), same safe constructor and resolvers.
_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[misc]
    """Safe YAML without implicit timestamps: dates stay strings for pydantic to validate
    (so '2018-04-31' is reported with its key instead of crashing the YAML parser)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LayoutError(f"{path}: Datei nicht gefunden") from None
    except UnicodeDecodeError as e:
        raise LayoutError(f"{path}: keine gültige UTF-8-Datei ({e.reason})") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (Zeile {mark.line + 1}, Spalte {mark.column + 1})" if mark else ""
        raise LayoutError(f"{path}: kein gültiges YAML{where}: {yaml_problem_de(str(getattr(e, 'problem', e)))}") \
            from None
    if not isinstance(data, dict):
        raise LayoutError(f"{path}: erwartet eine Zuordnung (Schlüssel: Wert) auf oberster Ebene")
    return data


def _validate(path: Path, adapter: TypeAdapter[Any], data: Any) -> Any:
    try:
        return adapter.validate_python(data)
    except ValidationError as e:
        lines = []
        for err in e.errors()[:5]:
            loc = _without_tags(tuple(err["loc"]))
            lines.append(f"{path}: {_loc(loc)}: {describe(err)}")
        more = len(e.errors()) - 5
        if more > 0:
            lines.append(f"… und {more} weitere Fehler")
        raise LayoutError("\n".join(lines)) from None


# Discriminator tags pydantic puts into error locations; they are not keys of the file. A tag
# stands right after a list index (a block of a page) or first (the layout's kind, the page's
# kind); elsewhere the same word is a key: event.yaml's contacts, notes and letter.
_UNION_TAGS = {
    "heading", "paragraph", "bullets", "spacer", "meeting_dates", "agenda", "venues",
    "contacts", "notes", "letter", "statement", "document", "form", "flow",
}
_ROOT_TAGS = {"document", "form", "flow"}


def _without_tags(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    return tuple(p for i, p in enumerate(loc)
                 if not (isinstance(p, str) and ((i == 0 and p in _ROOT_TAGS)
                                                 or (i > 0 and isinstance(loc[i - 1], int) and p in _UNION_TAGS))))


@dataclass(frozen=True)
class LoadedLayout:
    """A validated layout with the data it refers to."""

    layout: DocumentLayout | FormLayout
    path: Path
    event: Event | None
    statements: Statements | None

    @cached_property
    def geometry(self) -> str:
        """The fingerprint of a form's read geometry, computed once per load: the resolver checks
        it for every page read (about 0.1 ms a call, 5 % of reading a filled PDF)."""
        assert isinstance(self.layout, FormLayout)
        return fingerprint.geometry(self.layout)


class LayoutRegistry:
    """All layouts of one campaign folder, loaded lazily and cached by file.

    A campaign folder holds ``event.yaml`` (the event's facts, with the campaign's id) and the
    layouts of its documents, which print from that event. (A layout may still name another
    event file with ``event:``.) For several campaigns side by side see :mod:`formkit.campaign`.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or default_layouts_dir()).resolve()
        self._cache: dict[str, LoadedLayout] = {}
        if not (self.root / EVENT_FILE).is_file():
            inner = sorted(p.parent.name for p in self.root.glob(f"*/{EVENT_FILE}"))
            if inner:
                raise LayoutError(
                    f"{self.root} enthält mehrere Veranstaltungen ({', '.join(inner)}): bitte eine wählen "
                    f"(--campaign ID oder --layouts {self.root}/{inner[-1]})")
        self._event: Event | None = None

    @property
    def event(self) -> Event | None:
        """The campaign's event (``event.yaml`` of the folder), or None for a folder without one."""
        path = self.root / EVENT_FILE
        if self._event is None and path.is_file():
            self._event = _load_data(self.root, EVENT_FILE, Event)
        return self._event

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*.yaml") if p.name != EVENT_FILE)

    def resolve_path(self, name_or_path: str) -> Path:
        p = Path(name_or_path)
        if p.suffix in (".yaml", ".yml") and p.exists():
            return p.resolve()
        candidate = self.root / f"{name_or_path}.yaml"
        if candidate.exists():
            return candidate
        known = ", ".join(self.names()) or "(keine)"
        raise LayoutError(f"Layout „{name_or_path}“ nicht gefunden in {self.root}; vorhanden: {known}")

    def get(self, name_or_path: str) -> LoadedLayout:
        path = self.resolve_path(name_or_path)
        key = str(path)
        if key not in self._cache:
            self._cache[key] = self._load(path)
        return self._cache[key]

    def form(self, form_id: str) -> LoadedLayout:
        loaded = self.get(form_id)
        if not isinstance(loaded.layout, FormLayout):
            raise LayoutError(f"{loaded.path}: „{form_id}“ ist kein Formular (kind: form erwartet)")
        return loaded

    def forms(self) -> list[LoadedLayout]:
        out = []
        for name in self.names():
            loaded = self.get(name)
            if isinstance(loaded.layout, FormLayout):
                out.append(loaded)
        return out

    def _load(self, path: Path) -> LoadedLayout:
        data = _read_yaml(path)
        layout = _validate(path, _LAYOUT_ADAPTER, data)
        base = path.parent
        event = _load_data(base, layout.event, Event) if layout.event else self.event
        statements = _load_data(base, layout.statements, Statements) if layout.statements else None
        if isinstance(layout, DocumentLayout):
            for i, page in enumerate(layout.pages):
                form_id = getattr(page, "form", None)
                if form_id is not None:
                    try:
                        self.form(form_id)
                    except LayoutError as e:
                        raise LayoutError(f"{path}: pages[{i}].form: {e.message}") from None
        if isinstance(layout, FormLayout):
            written = layout
            layout = rules.expand_choices(layout, event, path)
            rules.check_form(layout, event, statements, path, written)
        else:
            rules.check_document(layout, event, statements, path)
        return LoadedLayout(layout=layout, path=path, event=event, statements=statements)


@lru_cache(maxsize=32)
def _load_data_cached(path: Path, model: type[BaseModel], stamp: tuple[int, int]) -> BaseModel:
    """*stamp* (mtime, size) keys the cache too: a file edited while the process runs (the review
    server, a test that edits an event) is read again."""
    data = _validate(path, TypeAdapter(model), _read_yaml(path))
    if isinstance(data, Event):
        rules.check_event(data, path)
    return data  # type: ignore[no-any-return]


def _load_data(base: Path, ref: str, model: type[T]) -> T:
    path = (base / ref).resolve()
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)  # _read_yaml reports the missing file
    # Keyed by modification time too: an event file edited while a process runs (a test, the
    # review server) is read again, not served from the cache with the old meetings.
    return _load_data_cached(path, model, stamp)  # type: ignore[return-value]


def load_layout(name_or_path: str, root: Path | None = None) -> LoadedLayout:
    return LayoutRegistry(root).get(name_or_path)


def list_layouts(root: Path | None = None) -> list[LoadedLayout]:
    reg = LayoutRegistry(root)
    return [reg.get(n) for n in reg.names()]
