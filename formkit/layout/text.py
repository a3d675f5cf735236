"""Text templates of layouts: Jinja over the event data, German date formatting, light markup.

Layout text may use ``{{ registration.deadline | date_de }}`` and ``**bold**``. The result is
reportlab paragraph markup (``<b>…</b>``) with every data value XML-escaped.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from formkit.errors import LayoutError

MONTHS_DE = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)
WEEKDAYS_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def date_de(value: dt.date | str) -> str:
    """26. April 2018 — the long German date (no leading zero, month spelled out)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day}. {MONTHS_DE[value.month - 1]} {value.year}"


def date_short_de(value: dt.date | str) -> str:
    """26.04.2018 — the numeric German date (DIN 5008)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def weekday_de(value: dt.date | str) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return WEEKDAYS_DE[value.weekday()]


def time_de(value: str) -> str:
    """'09:30' -> '9.30 Uhr', as German programmes print times."""
    hh, mm = value.split(":")
    return f"{int(hh)}.{mm} Uhr"


_MAX_DEPTH = 3


class LayoutText(str):
    """A string from a layout or event file that is itself a template (e.g. instructions that
    name the deadline). Only these are expanded when inserted; values from mailing lists or
    returned forms are plain ``str`` and are only ever escaped, never run as templates."""


def mark_templates(data: Any) -> Any:
    """Wrap the template strings of layout data (as dumped from its models) in :class:`LayoutText`."""
    if isinstance(data, str):
        return LayoutText(data) if ("{{" in data or "{%" in data) else data
    if isinstance(data, dict):
        return {k: mark_templates(v) for k, v in data.items()}
    if isinstance(data, list):
        return [mark_templates(v) for v in data]
    return data


def _finalize(value: Any) -> str:
    if value is None:
        return ""
    ctx = _CONTEXT[-1] if _CONTEXT else None
    if isinstance(value, LayoutText) and ctx is not None and len(_CONTEXT) <= _MAX_DEPTH:
        return _render_markup(str(value), ctx)
    return escape(str(value))


_CONTEXT: list[dict[str, Any]] = []


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = SandboxedEnvironment(autoescape=False, undefined=jinja2.StrictUndefined, finalize=_finalize)
    env.filters.update(date_de=date_de, date_short_de=date_short_de, weekday_de=weekday_de, time_de=time_de)
    return env


@lru_cache(maxsize=512)
def _template(source: str) -> jinja2.Template:
    return _env().from_string(source)


_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)


def _render_markup(source: str, context: dict[str, Any]) -> str:
    if "{{" not in source and "{%" not in source:
        return escape(source)
    # Escape the literal parts, keep the template syntax intact.
    parts = re.split(r"({{.*?}}|{%.*?%})", source, flags=re.S)
    safe = "".join(p if p.startswith(("{{", "{%")) else escape(p) for p in parts)
    _CONTEXT.append(context)
    try:
        return _template(safe).render(**context)
    except jinja2.TemplateError as e:
        raise LayoutError(f"Vorlage „{source[:60]}“: {template_error_de(e)}") from None
    finally:
        _CONTEXT.pop()


_NO_ATTR = re.compile(r"has no attribute '([^']*)'")
_UNDEFINED = re.compile(r"^'([^']*)' is undefined$")
_NO_ELEMENT = re.compile(r"object has no element (\S+)")


def template_error_de(e: jinja2.TemplateError) -> str:
    """Jinja's English error in German, naming the key the template asked for."""
    msg = str(e.message or e)
    if isinstance(e, jinja2.TemplateSyntaxError):
        return f"Vorlage fehlerhaft geschrieben (Zeile {e.lineno}): {msg}"
    if m := _NO_ATTR.search(msg):
        return f"unbekannter Schlüssel „{m.group(1)}“"
    if m := _UNDEFINED.match(msg):
        return f"unbekannter Name „{m.group(1)}“"
    if m := _NO_ELEMENT.search(msg):
        return f"Eintrag {m.group(1)} gibt es nicht (die Liste ist kürzer)"
    if isinstance(e, jinja2.UndefinedError):
        return f"unbekannter Schlüssel ({msg})"
    return f"Vorlage nicht auswertbar ({msg})"


def render_text(source: str, context: dict[str, Any]) -> str:
    """Fill a layout text template and turn ``**bold**`` into paragraph markup.

    Literal text outside ``{{ }}`` is escaped too, so '&' and '<' in a layout are safe.
    """
    return _BOLD.sub(r"<b>\1</b>", _render_markup(source, context))


def plain(markup: str) -> str:
    """Paragraph markup back to plain text (for AcroForm labels and tooltips)."""
    text = re.sub(r"<[^>]+>", "", markup)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
