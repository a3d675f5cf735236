"""A registration typed into an e-mail's text (no sheet attached): a record a person looks at.

An office gets mails like „Hiermit melde ich mich für Gotha an … Name: …“. Such a mail is read
into the campaign's registration form like any sheet, so it goes the one way of every input
(records, store, review page), but it is never a reading a person need not check: every value is
a proposal below OCR_OK, and the page carries „Anmeldung im E-Mail-Text – bitte prüfen“.

What is recognised comes from the campaign, not from this module: field labels from the form's
layout (the label as printed, its parts around „/“, and the tooltip's first word: „Name/Vorname:“
gives „Name/Vorname“, „Name“, „Vorname“), venues from the event's meetings (a town named in the
subject or in the text outside the values), the campaign by the identity printed on its sheets
(``FK3:…``) or by its words (programme and title) and venues. A mail with none of these (a
question, an out-of-office reply) is no registration: its row is rejected with a German reason.
Without a labelled e-mail line the sender's address is proposed, without a labelled date the
day the mail was sent (the day a sheet is signed on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from formkit import fields
from formkit import thresholds as T
from formkit.campaign import Campaign, Campaigns
from formkit.ident import FormIdentity, parse_payload
from formkit.ingest import MailText
from formkit.layout.models import FieldSpec, FormLayout
from formkit.readings import FieldReading, NotAForm, PageReading
from formkit.records import OFFICE_TZ

NOTE = "Anmeldung im E-Mail-Text – bitte prüfen"
NO_ATTACHMENT = "E-Mail ohne PDF- oder Bildanhang"
AUTO_REPLY = f"{NO_ATTACHMENT} (automatische Antwort, z. B. Abwesenheitsnotiz)"
_WORD = re.compile(r"[^\W\d_][\w-]*")
# A campaign word must be this long: „Regionaltreffen“, „Landesprogramm“ count; „Einladung“,
# „zum“ or „Familie“ (words of any invitation) do not.
CAMPAIGN_WORD_MIN = 10


@dataclass(frozen=True)
class _Found:
    campaign: Campaign
    form: FormLayout
    identity: FormIdentity
    score: int


def aliases(spec: FieldSpec) -> list[str]:
    """The names a writer gives a field in a mail, from the layout: label, its parts, tooltip's first word."""
    label = spec.label.split("{{")[0].strip().rstrip(" :,")
    out = [label, *(p.strip() for p in label.split("/"))]
    if spec.tooltip:
        first = re.split(r"[\s:,]+", spec.tooltip.strip(), maxsplit=1)[0]
        out.append(first)
    return [a for a in dict.fromkeys(out) if len(a) >= 2]


def _labelled(body: str, form: FormLayout) -> tuple[dict[str, str], set[int]]:
    """Field name -> value of lines „Label: value“, and the numbers of the lines used."""
    lines = body.split("\n")
    found: dict[str, str] = {}
    used: set[int] = set()
    for spec in form.fields:
        if spec.type != "text":
            continue
        names = "|".join(re.escape(a) for a in sorted(aliases(spec), key=len, reverse=True))
        # The value is stripped in Python: a lazy group before trailing white space is quadratic
        # on a long line of spaces (a hostile mail).
        pattern = re.compile(rf"\s*(?:{names})\s*[:=]", re.IGNORECASE)
        for i, line in enumerate(lines):
            if i in used:
                continue
            m = pattern.match(line)
            value = line[m.end():].strip() if m else ""
            if value:
                found[spec.name] = "\n".join(p.strip() for p in value.split(",")) if spec.multiline else value
                used.add(i)
                break
    return found, used


def _venues(text: str, form: FormLayout, campaign: Campaign) -> list[str]:
    """The venue boxes whose meeting's town (or id) the text names as a word."""
    words = {w.casefold() for w in _WORD.findall(text)}
    folded = text.casefold()
    out = []
    for spec in form.fields:
        if spec.kind != "venue":
            continue
        meeting = campaign.event.meeting_for_venue(spec.value or spec.name)
        if meeting is None:
            continue
        town = meeting.city.casefold()
        if town in words or (" " in town and re.search(rf"(?<!\w){re.escape(town)}(?!\w)", folded)):
            out.append(spec.name)
    return out


def _campaign_words(campaign: Campaign) -> set[str]:
    e = campaign.event
    text = " ".join((e.programme, e.programme_short, e.event_title))
    return {w.casefold() for w in _WORD.findall(text) if len(w) >= CAMPAIGN_WORD_MIN}


def _registration_form(campaign: Campaign) -> FormLayout | None:
    """The campaign's form with venue boxes (its newest version): where a registration goes."""
    best: FormLayout | None = None
    for loaded in campaign.forms().values():
        form = loaded.layout
        if not (isinstance(form, FormLayout) and any(f.kind == "venue" for f in form.fields)):
            continue
        if best is None or (form.id == "registration", form.version) > (best.id == "registration", best.version):
            best = form
    return best


def _candidates(mail: MailText, campaigns: Campaigns) -> list[_Found]:
    text = f"{mail.subject}\n{mail.body}"
    ident = parse_payload(text)
    out: list[_Found] = []
    for c in campaigns:
        if ident is not None and ident.campaign == c.id:
            named = campaigns.resolve(FormIdentity(ident.layout_id, ident.version, ident.recipient_id, c.id))
            if isinstance(named, FormLayout):
                out.append(_Found(c, named, FormIdentity(named.id, named.version, ident.recipient_id, c.id), 100))
                continue
        form = _registration_form(c)
        if form is None:
            continue
        labelled, _ = _labelled(mail.body, form)
        words = {w.casefold() for w in _WORD.findall(text)}
        score = 3 * len(_venues(text, form, c)) + len(labelled) + 2 * len(words & _campaign_words(c))
        if score:
            out.append(_Found(c, form, FormIdentity(form.id, form.version, None, c.id), score))
    return sorted(out, key=lambda f: -f.score)


def read_mail(mail: MailText, campaigns: Campaigns, page: int = 1) -> PageReading | NotAForm:
    """The registration a mail's text holds, as a page of its campaign's form; or why it is none."""
    if mail.auto_reply:
        return NotAForm(page, AUTO_REPLY)
    found = _candidates(mail, campaigns)
    if not found:
        return NotAForm(page, NO_ATTACHMENT)
    best = found[0]
    form = best.form
    labelled, used = _labelled(mail.body, form)
    # A venue named in the subject or outside the values (an address's town is no choice).
    rest = "\n".join(line for i, line in enumerate(mail.body.split("\n")) if i not in used)
    venues = _venues(f"{mail.subject}\n{rest}", form, best.campaign)
    conf = T.MAILTEXT_CONFIDENCE
    readings: dict[str, FieldReading] = {}
    for spec in form.fields:
        if spec.type == "checkbox":
            on = spec.name in venues
            readings[spec.name] = FieldReading(spec.name, "1" if on else "", conf, "mailtext",
                                               "ticked" if on else "empty", 1.0 if on else 0.0)
            continue
        value = labelled.get(spec.name, "")
        if not value and spec.kind == "email" and fields.valid_email(mail.sender):
            value = mail.sender  # the sender's address, a proposal like the rest
        if not value and spec.kind == "date" and mail.date is not None:
            value = mail.date.astimezone(OFFICE_TZ).strftime("%d.%m.%Y")  # the day it was sent, in the office
        readings[spec.name] = FieldReading(spec.name, value, conf, "mailtext")
    return PageReading(page=page, method="mailtext", identity=best.identity, fields=readings, problems=(NOTE,))
