"""The messages formkit sends: one per person, text from the document's layout (``mail:``).

* Invitations: every packet of ``formkit packets`` (its ``manifest.csv``) whose mailing-list row
  has an e-mail address gets that person's fillable packet PDF.
* Letters: every letter of ``formkit confirm`` (its ``confirmations.csv``) goes to the address
  the registrant wrote on the sheet (else the address the registration came from).

Subject and body are templates over the same data as the document they carry, so one campaign's
words stay in its layouts. A person without an address, or a packet that failed, is reported
with the reason, never silently left out.
"""

from __future__ import annotations

import csv
import email.policy
import email.utils
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from formkit.confirm import CONFIRMATION_LAYOUT, LETTER_DE, WAITLIST_LAYOUT, display_name
from formkit.errors import InputError, LayoutError
from formkit.export import unsafe_cell
from formkit.layout.event import Event
from formkit.layout.loader import LayoutRegistry, LoadedLayout
from formkit.layout.models import DocumentLayout, MailText
from formkit.layout.text import plain, render_text
from formkit.recipients import Recipient
from formkit.render.form import template_context

INVITATION_LAYOUT = "invitation"
KIND_LAYOUT = {"invitation": INVITATION_LAYOUT, "seat": CONFIRMATION_LAYOUT, "waitlist": WAITLIST_LAYOUT}
KIND_DE = {"invitation": "Einladung", **LETTER_DE}
_POLICY = email.policy.SMTP.clone(max_line_length=998)
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


@dataclass(frozen=True)
class Outgoing:
    """One message to one person."""

    key: str  # the send log's key: who gets what ("invitation:R0001", "seat:<record key>")
    kind: str  # invitation | seat | waitlist
    name: str
    address: str
    subject: str
    body: str
    attachment: Path


@dataclass(frozen=True)
class Skipped:
    key: str
    name: str
    reason: str


@dataclass(frozen=True)
class Sender:
    name: str
    address: str


def sender_of(event: Event | None, where: Path) -> Sender:
    """The campaign's sender (the event's ``sender``): organisation and e-mail address."""
    if event is None or not event.sender.email:
        raise LayoutError(f"{where / 'event.yaml' if where.is_dir() else where}: sender.email: Absenderadresse "
                          f"fehlt (wird für den Versand gebraucht)")
    return Sender(event.sender.organisation, event.sender.email)


def _mail_layout(registry: LayoutRegistry, kind: str) -> LoadedLayout:
    loaded = registry.get(KIND_LAYOUT[kind])
    if not isinstance(loaded.layout, DocumentLayout):
        raise LayoutError(f"{loaded.path}: „{KIND_LAYOUT[kind]}“ ist kein Dokument (kind: document erwartet)")
    return loaded


# A layout without its own ``mail:`` section still gets a plain, correct message (the document's
# title, the salutation, the sender); a campaign's own words belong in its layouts.
_DEFAULT_MAIL = {
    "invitation": MailText(
        subject="{{ document.title }}",
        body="{{ recipient.salutation }}\n\nim Anhang erhalten Sie: {{ document.title }}.\n\n"
             "Mit freundlichen Grüßen\n{{ sender.organisation }}\n"),
    "letter": MailText(
        subject="{{ document.title }}: {{ meeting.city }}, {{ meeting.date | date_de }}",
        body="{{ recipient.salutation }}\n\nim Anhang erhalten Sie: {{ document.title }} "
             "({{ meeting.city }}, {{ meeting.date | date_de }}).\n\n"
             "Mit freundlichen Grüßen\n{{ sender.organisation }}\n"),
}


def _text(loaded: LoadedLayout, context: dict[str, Any]) -> tuple[str, str]:
    layout = loaded.layout
    assert isinstance(layout, DocumentLayout)
    mail = layout.mail or _DEFAULT_MAIL["letter" if "meeting" in context else "invitation"]
    ctx = {**template_context(loaded.event, loaded.statements), "document": {"title": layout.title}, **context}
    subject = " ".join(plain(render_text(mail.subject, ctx)).split())
    body = plain(render_text(mail.body, ctx))
    # Template lines that came out empty (an optional unit, a phone) are dropped, paragraphs kept.
    lines = body.split("\n")
    body = "\n".join(ln.rstrip() for i, ln in enumerate(lines)
                     if ln.strip() or (i and lines[i - 1].strip()))
    return subject, body.strip() + "\n"


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return [{k: unsafe_cell(v or "") for k, v in row.items()} for row in csv.DictReader(f)]
    except FileNotFoundError:
        raise InputError(f"{path}: nicht gefunden") from None
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: nicht lesbar ({e})") from None


def valid_address(address: str) -> bool:
    return bool(_EMAIL.match(address))


def _inside(folder: Path, name: str) -> Path | None:
    """The file *name* of a manifest row in *folder*; None for anything but a plain file name there
    (an edited manifest must not attach ``../../etc/passwd`` to a message)."""
    if not name or name != Path(name).name or name in (".", ".."):
        return None
    path = folder / name
    return path if path.resolve().parent == folder.resolve() and path.is_file() else None


def plan_invitations(registry: LayoutRegistry, packets_dir: Path,
                     recipients: Sequence[Recipient]) -> tuple[list[Outgoing], list[Skipped]]:
    """One message per packet of *packets_dir* (``manifest.csv``) to the list row's address."""
    loaded = _mail_layout(registry, "invitation")
    by_id = {r.id: r for r in recipients}
    out: list[Outgoing] = []
    skipped: list[Skipped] = []
    for row in _read_csv(packets_dir / "manifest.csv"):
        rid, name = row.get("id", ""), row.get("name", "")
        key = f"invitation:{rid}"
        if not rid:
            continue  # a row of the list that made no packet (its error is in the manifest)
        r = by_id.get(rid)
        pdf = _inside(packets_dir, row.get("file", ""))
        if row.get("status") == "fehler" or not row.get("file"):
            skipped.append(Skipped(key, name, f"kein Paket ({row.get('reason') or 'Fehler'})"))
        elif pdf is None:
            skipped.append(Skipped(key, name, f"Paket-Datei „{row.get('file')}“ fehlt in {packets_dir}"))
        elif r is None:
            skipped.append(Skipped(key, name, "nicht in der Empfängerliste"))
        elif not valid_address(r.email):
            skipped.append(Skipped(key, name, "keine gültige E-Mail-Adresse in der Liste" if r.email
                                   else "keine E-Mail-Adresse in der Liste"))
        else:
            ctx = {"recipient": {"id": r.id, "name": r.full_name, "display_name": r.display_name,
                                 "institution": r.institution, "email": r.email,
                                 "salutation": r.salutation_line}}
            subject, body = _text(loaded, ctx)
            out.append(Outgoing(key, "invitation", r.full_name or r.institution, r.email, subject, body, pdf))
    return out, skipped


def plan_letters(registry: LayoutRegistry, letters_dir: Path) -> tuple[list[Outgoing], list[Skipped]]:
    """One message per letter of *letters_dir* (``confirmations.csv`` of ``formkit confirm``)."""
    kinds = {v: k for k, v in LETTER_DE.items()}
    out: list[Outgoing] = []
    skipped: list[Skipped] = []
    layouts = {kind: _mail_layout(registry, kind) for kind in ("seat", "waitlist")}
    for row in _read_csv(letters_dir / "confirmations.csv"):
        kind = kinds.get(row.get("letter", ""))
        name = row.get("name", "")
        if kind is None:
            continue
        key = f"{kind}:{row.get('record_key') or row.get('id')}"
        loaded = layouts[kind]
        event = loaded.event
        meeting = next((m for m in event.meetings if m.city == row.get("venue")), None) if event else None
        address = row.get("email", "").strip()
        pdf = _inside(letters_dir, row.get("file", ""))
        if pdf is None:
            skipped.append(Skipped(key, name, f"Brief-Datei „{row.get('file')}“ fehlt in {letters_dir}"))
        elif meeting is None:
            skipped.append(Skipped(key, name, f"Veranstaltungsort „{row.get('venue')}“ unbekannt"))
        elif not valid_address(address):
            skipped.append(Skipped(key, name, "keine gültige E-Mail-Adresse" if address else "keine E-Mail-Adresse"))
        else:
            shown = display_name(name)
            ctx = {"recipient": {"id": row.get("id", ""), "name": name, "display_name": shown,
                                 "institution": row.get("institution", ""), "email": address,
                                 "salutation": f"Guten Tag {shown}," if shown else "Sehr geehrte Damen und Herren,"},
                   "meeting": meeting.model_dump(),
                   "allocation": {"outcome": kind, "position": int(row["position"]) if row.get("position") else None}}
            subject, body = _text(loaded, ctx)
            out.append(Outgoing(key, kind, shown, address, subject, body, pdf))
    return out, skipped


def build_message(item: Outgoing, sender: Sender, attachment: bytes) -> EmailMessage:
    """The MIME message: plain-text body in UTF-8, the PDF attached under its file name."""
    # Headers are not folded inside a name: Python folds a long encoded name (the ministry's) in the
    # middle of a word, and readers then show "Ge sundheit". 998 is RFC 5322's hard line limit.
    msg = EmailMessage(policy=_POLICY)
    # Address objects, not formatted strings: an organisation's name with commas stays one name.
    msg["From"] = Address(sender.name, addr_spec=sender.address)
    msg["To"] = Address(item.name, addr_spec=item.address)
    msg["Subject"] = item.subject
    msg["Date"] = email.utils.formatdate(localtime=True)
    domain = sender.address.rpartition("@")[2] or "formkit.invalid"
    # A stable id per person and document: the same message, sent again, is recognisably the same.
    digest = hashlib.sha256(f"{item.key}\x1f{hashlib.sha256(attachment).hexdigest()}".encode()).hexdigest()[:24]
    msg["Message-ID"] = f"<formkit.{digest}@{domain}>"
    msg.set_content(item.body, charset="utf-8", cte="quoted-printable")
    msg.add_attachment(attachment, maintype="application", subtype="pdf", filename=item.attachment.name)
    return msg
