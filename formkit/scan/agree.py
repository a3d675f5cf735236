"""Cross-field agreement: facts a sheet states twice, read independently, confirm or question each other.

A registration sheet names some things in more than one field, each read from another part of the
page: the place in the institution ("Jugendamt Kölleda"), in the address ("… 99625 Kölleda") and
in the e-mail domain ("koelleda.de"); the surname in the name field and in the e-mail's local part
("Drößler, Olaf" / "o.droessler@…"). OCR does not make the same mistake in two differently spelled
reads by chance, so:

- **agreement** (the reads equal modulo German transliteration and case) confirms the word; a
  field every part of which is confirmed so is raised (today only the e-mail address: its local
  part from the name, its domain from the place, nothing of it unconfirmed);
- **disagreement** at a small edit distance ('droessier' / 'Drößler', 'schmoeiln' / 'Schmölln')
  gives the weaker read a proposal, the other read in its spelling, marked ``snapped`` and capped
  below OCR_OK as the vocabulary's proposals are: a person confirms it beside the crop;
- **no relation** (an e-mail such as info@verein.de, an institution that names another place)
  changes nothing.

Only the fields of one page are compared, all written by the one person filling it: nothing here
looks at the mailing list or another person's values. Pure functions over values and confidences.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace as dc_replace

from rapidfuzz.distance import Levenshtein

from formkit import thresholds as T
from formkit.readings import FieldReading

_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
# Titles and particles that an e-mail address leaves out.
_TITLES = {"dr", "prof", "med", "phil", "rer", "nat", "dipl", "ing", "herr", "frau"}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_TOWN_LINE = re.compile(r"^\s*(?:D\s*-\s*)?\d{5}\s+(?P<town>\S.*?)\s*$")
_EMAIL = re.compile(r"^(?P<local>[^@\s]+)@(?P<domain>[^@\s]+)\.(?P<tld>[A-Za-z]{2,})$")
# Top-level domains an address confirmed by its other fields may end in (the TLD itself is
# confirmed by nothing else on the page, so only common ones count).
_SIGN = re.compile(r"[^a-z0-9._-]")
_TLDS = {"de", "com", "org", "net", "eu", "info", "at", "ch"}


def _letter(ch: str, umlauts: bool) -> str:
    c = ch.lower()
    if c in _UMLAUTS:
        return _UMLAUTS[c] if umlauts or c == "ß" else unicodedata.normalize("NFD", c)[0]
    if c.isascii():
        return c
    base = unicodedata.normalize("NFD", c)[0]
    return base if base.isascii() else c


def spell(text: str, sep: str = "-", umlauts: bool = True) -> tuple[str, list[int]]:
    """*text* as an address would spell it: lower case, ä→ae, ö→oe, ü→ue, ß→ss (or ä→a,
    *umlauts* False), other accents dropped, spaces and hyphens → *sep*; with, for each output
    character, the index of the input character it came from."""
    out: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(text):
        piece = sep if ch in " -" else _letter(ch, umlauts)
        out.append(piece)
        src.extend([i] * len(piece))
    return "".join(out), src


def spelled(text: str, sep: str = "-", umlauts: bool = True) -> str:
    return spell(text, sep, umlauts)[0]


def respell(word: str, target: str, sep: str = "-") -> str | None:
    """*word* (as read, with its umlauts and case) edited so that it spells *target* (another
    field's read of the same word, as an address spells it), or None when that would need a
    change inside a transliterated letter ('oe' of 'ö': ö or oe? the page does not say)."""
    have, src = spell(word, sep)
    if have == target:
        return word
    chars: list[str | None] = list(word)
    inserts: dict[int, str] = {}

    def single(k: int) -> bool:  # one input character that spells one output character
        i = src[k]
        return src.count(i) == 1 and (spell(word[i], sep)[0] == have[k])

    for edit in Levenshtein.editops(have, target):
        op, i, j = edit.tag, edit.src_pos, edit.dest_pos
        if op == "insert":
            at = src[i] if i < len(src) else len(word)
            inserts[at] = inserts.get(at, "") + target[j]
            continue
        if not single(i):
            return None
        if op == "delete":
            chars[src[i]] = None
        else:
            new = target[j]
            if new == sep and sep:
                new = " " if word[src[i]] != "-" else "-"
            chars[src[i]] = new.upper() if word[src[i]].isupper() else new
    out = []
    for k, ch in enumerate(chars):
        out.append(inserts.get(k, ""))
        if ch is not None:
            out.append(ch)
    out.append(inserts.get(len(word), ""))
    result = "".join(out)
    return result if spelled(result, sep) == target else None


def near(a: str, b: str) -> int | None:
    """Edit distance of two reads of one word when they may be the same word misread (at most 1,
    2 from T.AGREE_LONG_LETTERS letters; words shorter than T.AGREE_MIN_LETTERS never), else None."""
    n = min(len(a), len(b))
    if n < T.AGREE_MIN_LETTERS:
        return 0 if a == b else None
    limit = 2 if n >= T.AGREE_LONG_LETTERS else 1
    d = Levenshtein.distance(a, b, score_cutoff=limit)
    return d if d <= limit else None


# --- the facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """One field's read of a shared fact: its text, where it sits in the field's value, and how
    it is spelled there (``addr``: as an address spells it, ``word``: as written)."""

    field: str
    text: str
    start: int
    end: int
    confidence: float
    addr: bool = False

    def key(self, umlauts: bool = True) -> str:
        return self.text.lower() if self.addr else spelled(self.text, "-", umlauts)


def town_read(name: str, value: str, conf: float) -> Read | None:
    """The town of an address: its last line after a five-digit postcode."""
    lines = value.splitlines()
    if not lines:
        return None
    m = _TOWN_LINE.match(lines[-1])
    if not m:
        return None
    start = len(value) - len(lines[-1]) + m.start("town")
    return Read(name, m.group("town"), start, start + len(m.group("town")), conf)


def place_in(name: str, value: str, conf: float, town: str) -> Read | None:
    """The words of *value* (an institution) nearest to *town*, when near enough to be it."""
    want = spelled(town)
    n = len(_WORD.findall(town))
    words = list(_WORD.finditer(value))
    best: tuple[int, Read] | None = None
    for k in range(len(words) - n + 1):
        s, e = words[k].start(), words[k + n - 1].end()
        text = value[s:e]
        d = near(spelled(text), want)
        if d is not None and (best is None or d < best[0]):
            best = (d, Read(name, text, s, e, conf))
    return best[1] if best else None


def domain_read(name: str, value: str, conf: float) -> Read | None:
    m = _EMAIL.match(value.strip())
    if not m:
        return None
    label = m.group("domain").rsplit(".", 1)[-1]
    s = m.start("domain") + len(m.group("domain")) - len(label) + (len(value) - len(value.lstrip()))
    return Read(name, label, s, s + len(label), conf, addr=True)


def _equal(a: Read, b: Read) -> bool:
    return a.key() == b.key() or a.key(False) == b.key(False)


def _same(a: Read, b: Read) -> bool:
    """Equal, or a domain that holds the place as one of its parts ("jugendamt-koelleda")."""
    return _equal(a, b) or (a.addr and b.key() in a.text.lower().split("-")) or \
        (b.addr and a.key() in b.text.lower().split("-"))


def _distance(a: Read, b: Read) -> int | None:
    if _same(a, b):
        return 0
    return near(a.key(), b.key())


def _rewrite(loser: Read, winner: Read) -> str | None:
    """The loser's text as the winner reads it, in the loser's spelling."""
    if loser.addr:
        return winner.key()
    if not winner.addr:
        return winner.text
    return respell(loser.text, winner.text.lower())


@dataclass(frozen=True)
class Finding:
    """What agreement says of a field: parts confirmed, or a proposal for the whole value."""

    confirmed: tuple[str, ...] = ()  # the facts of the field another field confirmed
    proposal: str | None = None  # the value with other reads put in where this one was weaker
    disputed: bool = False  # another field reads a fact of it otherwise, and nothing says which is right


def _decide(reads: list[Read]) -> tuple[list[Read], list[tuple[Read, str | None]]]:
    """Reads of one fact: those that agree with the winner, and (read, replacement) pairs for the
    reads that disagree (replacement None: disputed, nothing to propose).

    The winner is the read nearest to all others (a read unrelated to another counts as far
    away), so two reads that agree, or that each differ from it by a letter, outvote a third. Two
    reads alone are decided by the field confidence (which the reader already caps at the weakest
    character's symbol confidence, the better separator of right and wrong), and only when the
    winner's is at least T.AGREE_SOURCE_MIN; three reads equally far apart are not decided:
    between unsure reads nobody knows which is right, and no proposal beats a wrong one."""
    if len(reads) < 2:
        return [], []
    far = 3
    dist = {(i, j): _distance(a, b) for i, a in enumerate(reads) for j, b in enumerate(reads) if i != j}
    related = [i for i in range(len(reads)) if any(dist[(i, j)] is not None for j in range(len(reads)) if j != i)]
    if not related:
        return [], []

    def cost(i: int) -> int:
        return sum(far if (d := dist[(i, j)]) is None else d for j in related if j != i)

    best = min(cost(i) for i in related)
    tied = [i for i in related if cost(i) == best]
    w = max(tied, key=lambda i: reads[i].confidence)
    agree = [reads[w]] + [reads[j] for j in related if j != w and _equal(reads[w], reads[j])]
    agreed = agree if len(agree) > 1 else []
    if any(not _same(reads[w], reads[i]) for i in tied) and \
            (len(related) > 2 or reads[w].confidence < T.AGREE_SOURCE_MIN):
        return agreed, [(reads[j], None) for j in related if not _same(reads[w], reads[j]) or j == w]
    losers: list[tuple[Read, str | None]] = []
    for j in related:
        if j != w and dist[(w, j)]:
            # Two town reads alone, both as written (institution and address): the field
            # confidence is the whole field's, not the word's, and chose wrong ('Schmälln' in a
            # sure institution over 'Schmölln' in an unsure address); the e-mail's ascii spelling
            # is the one that yields to a surer read.
            alone = len(related) == 2 and not reads[j].addr
            new = None if alone else _rewrite(reads[j], reads[w])
            losers.append((reads[j], new))
            if new is None:
                losers.append((reads[w], None))
    return agreed, losers


def _domain_stated(label: str, texts: list[str]) -> bool:
    """Is the domain label, whole, some run of words of another field, as an address spells them
    ("jugendamt-koelleda" from "Jugendamt Kölleda / Leiterin")?"""
    for text in texts:
        for line in text.splitlines():
            words = _WORD.findall(line)
            for k in range(len(words)):
                for n in range(1, min(5, len(words) - k) + 1):
                    for sep in ("-", ""):
                        for uml in (True, False):
                            if sep.join(spelled(w, sep, uml) for w in words[k:k + n]) == label:
                                return True
    return False


# --- the person: name and e-mail local part ------------------------------------------------------


@dataclass(frozen=True)
class Local:
    """A way an address spells a name: the local part, and (role, spelled part, span in the name)."""

    text: str
    sep: str
    parts: tuple[tuple[str, str, int, int], ...]


def _name_splits(value: str) -> list[tuple[list[re.Match[str]], list[re.Match[str]]]]:
    words = [m for m in _WORD.finditer(value) if m.group(0).lower().rstrip(".") not in _TITLES]
    if not words:
        return []
    comma = value.find(",")
    if comma >= 0:
        last = [m for m in words if m.start() < comma]
        first = [m for m in words if m.start() > comma]
        return [(first, last)] if last else []
    out: list[tuple[list[re.Match[str]], list[re.Match[str]]]] = [(words[:-1], words[-1:])]
    if len(words) > 1:
        out.append((words[1:], words[:1]))  # "Zöllner Ines": surname first, its comma lost
    return out


def locals_of(name: str) -> list[Local]:
    """Local parts an address of this person may have: f.last, first.last, last.first, flast,
    first_last, last … (each with the umlauts spelled out or dropped)."""
    out: dict[str, Local] = {}
    for first, last in _name_splits(name):
        for uml in (True, False):
            forms: dict[str, list[tuple[str, str, int, int]]] = {}
            if last:
                s, e = last[0].start(), last[-1].end()
                for joint in ("", "-"):
                    forms.setdefault("L" + joint, []).append(("last", spelled(name[s:e], joint, uml), s, e))
                # Each part of a double surname alone ('r.eichhorn' for Eichhorn-Plötz): without
                # them an e-mail that names one part confirmed nothing and doubted nothing, and
                # 'Eichhom-Plötz' was read 0.954 beside 'vera.eichhorn' (bench.heldout_office).
                segs = [(m.start(), m.end()) for m in re.finditer(r"[^\s-]+", name[s:e])]
                if len(segs) > 1:
                    for a, b in segs:
                        forms.setdefault("Lp", []).append(("last", spelled(name[s + a:s + b], "", uml), s + a, s + b))
            if first:
                s, e = first[0].start(), first[-1].end()
                full = spelled(name[s:e], "", uml)
                forms["F"] = [("first", full, s, e)]
                initial = spelled(name[s], "", uml)
                forms["f"] = [("initial", initial, s, s + 1)]
                if initial != full[:1]:
                    forms["f1"] = [("initial", full[:1], s, s + 1)]
                parts = re.split(r"[- ]", name[s:e])
                if len(parts) > 1:  # "Hans-Peter": hp.mueller
                    forms["fi"] = [("initial", "".join(spelled(p[:1], "", uml) for p in parts if p), s, s + 1)]
            lasts = [p for k, v in forms.items() if k.startswith("L") for p in v]
            firsts = [p for k, v in forms.items() if k.startswith(("F", "f")) for p in v]
            for L in lasts:
                out.setdefault(L[1], Local(L[1], "", (L,)))
                for F in firsts:
                    for sep in (".", "_", "-", ""):
                        for pair in ((F, L), (L, F)):
                            text = sep.join(p[1] for p in pair)
                            out.setdefault(text, Local(text, sep, pair))
            for F in firsts:
                if F[0] == "first":
                    out.setdefault(F[1], Local(F[1], "", (F,)))
    return list(out.values())


def person_finding(name: str, name_conf: float, email: str, email_conf: float
                   ) -> tuple[Local | None, str | None, str | None, str]:
    """(the spelling of the name the local part is exactly, proposed local part, proposed name,
    which read is in doubt: "" none, "weaker" the less sure one, "both", or "name")."""
    m = _EMAIL.match(email.strip())
    local = (m.group("local") if m else email.split("@", 1)[0] if "@" in email else "").lower()
    if not local or not name:
        return None, None, None, ""
    cands = locals_of(name)
    exact = [c for c in cands if c.text == local]
    if exact:
        # "Krüger Lüder" where the address says the surname is Krüger: the surname stands first
        # without its comma, which OCR loses ('Zöllner Ines' for 'Zöllner, Ines'; bench: such
        # names were the confident errors): the name is in doubt.
        first = _WORD.search(name)
        turned = "," not in name and first is not None and len(_WORD.findall(name)) > 1 and all(
            any(p[0] == "last" and p[2] == first.start() for p in c.parts) and len(c.parts) == 2 for c in exact)
        return exact[0], None, None, "name" if turned else ""
    scored = [(d, c) for c in cands if (d := near(local, c.text)) is not None]
    if not scored:
        return None, None, None, ""
    best = min(d for d, _ in scored)
    top = {c.text: c for d, c in scored if d == best}
    if len(top) > 1:
        # 'j‚baecker' is as near to 'jbaecker' as to 'j.baecker': a sign OCR read is a separator.
        signs = _SIGN.sub(".", local)
        again = min(Levenshtein.distance(signs, t) for t in top)
        top = {t: c for t, c in top.items() if Levenshtein.distance(signs, t) == again}
    if len(top) != 1:
        return None, None, None, "weaker"  # two spellings of the name equally near: no proposal
    cand = next(iter(top.values()))
    if max(email_conf, name_conf) < T.AGREE_SOURCE_MIN:
        return None, None, None, "weaker"  # two unsure reads: neither is the better guess
    got = local.split(cand.sep) if cand.sep else [local] if len(cand.parts) == 1 else None
    # A difference at a letter with an umlaut ('Schräder' / 'schroeder', 'Bruckner' / 'brueckner'):
    # the name's dots are the weaker read (bench: 4 of 5 right e-mails made wrong were such), so
    # the e-mail is not corrected.
    umlaut = _plain(local) == _plain(cand.text) or (got is not None and len(got) == len(cand.parts) and any(
        role != "initial" and read != text and respell(name[s:e], read, "") is None
        for (role, text, s, e), read in zip(cand.parts, got, strict=True)))
    if email_conf <= name_conf and not umlaut:
        return None, cand.text, None, ""
    # Otherwise nothing says which is right: a dispute (at an umlaut the name is the doubtful read).
    # The e-mail's spelling never goes into the name (bench: as often harmful as helpful).
    return None, None, None, "both" if umlaut else "weaker"


_UMLAUT_PAIRS = re.compile(r"(?<=[aou])e")


def _plain(local: str) -> str:
    return _UMLAUT_PAIRS.sub("", local)


# --- the page ----------------------------------------------------------------------------------


_JUNK = set("!|[](){}'\"‚’`´®©&")


def _put(value: str, read: Read, text: str) -> str:
    """*value* with *read* replaced by *text*; signs stuck to the word's edges that are no part of
    a name ('!imenau') go with it."""
    s, e = read.start, read.end
    while s > 0 and value[s - 1] in _JUNK:
        s -= 1
    while e < len(value) and value[e] in _JUNK:
        e += 1
    return value[:s] + text + value[e:]


def findings(values: Mapping[str, tuple[str, str, float]]) -> dict[str, Finding]:
    """*values*: field name -> (kind, value, confidence) for the text fields of one page.
    Returns the fields agreement has something to say about."""
    by_kind: dict[str, tuple[str, str, float]] = {}
    for fname, (kind, value, conf) in values.items():
        if value and kind not in by_kind:
            by_kind[kind] = (fname, value, conf)
    confirmed: dict[str, list[str]] = {}
    new_values: dict[str, str] = {}
    disputed: set[str] = set()

    def value_of(f: str) -> str:
        return new_values.get(f, values[f][1])

    # The place: the address's town, the institution's words nearest to it, the e-mail domain.
    reads: list[Read] = []
    town = town_read(*by_kind["address"]) if "address" in by_kind else None
    if town is not None:
        reads.append(town)
        if "institution" in by_kind and (inst := place_in(*by_kind["institution"], town.text)) is not None:
            reads.append(inst)
    dom = domain_read(*by_kind["email"]) if "email" in by_kind else None
    if dom is not None:
        reads.append(dom)
        if town is None and "institution" in by_kind:
            # No town line: the institution's words nearest to the domain, read the other way.
            fname, value, conf = by_kind["institution"]
            cands = [Read(fname, value[m.start():m.end()], m.start(), m.end(), conf) for m in _WORD.finditer(value)]
            if (hit := next((c for c in cands if _same(c, dom)), None)) is not None:
                reads.append(hit)
    agree, losers = _decide(reads)
    for r in agree:
        confirmed.setdefault(r.field, []).append("place")
    if losers:
        # The reads that outvote are no proof where they are spelled alike: the institution's and
        # the address's 'Münchenbernsdort' (Courier 9, the f misread alike in both) outvoted the
        # e-mail's right 'muenchenbernsdorf', and the address stayed sure (bench seed 2025). A loser
        # goes to a person anyway, so nothing is lost when the winners are in doubt with it.
        disputed.update(r.field for r in agree)
    if dom is not None and town is not None and not losers and _same(dom, town) and all(_equal(town, r) for r in reads
                                                                                       if r is not dom) \
            and _domain_stated(dom.text.lower(), [by_kind[k][1] for k in ("address", "institution") if k in by_kind]):
        # The whole domain is words of another field, and every read of the place agrees: the same
        # glyphs misread alike in two fields ('Münchenbernscorf') still meet a third read.
        confirmed.setdefault(dom.field, []).append("domain")
    # Rewrite from the end of each value, so that earlier reads keep their positions.
    for loser, text in sorted(losers, key=lambda p: -p[0].start):
        if text is None:
            disputed.add(loser.field)
        else:
            new_values[loser.field] = _put(value_of(loser.field), loser, text)

    # The person: the name and the e-mail's local part.
    if "name" in by_kind and "email" in by_kind:
        nf, nv, nc = by_kind["name"]
        ef, ev, ec = by_kind["email"]
        match, local, name, doubt = person_finding(nv, nc, ev, ec)
        if doubt == "name":
            disputed.add(nf)
        elif doubt:
            # The weaker read is in doubt (the name only when the address was read surer), or both.
            disputed.update((nf, ef) if ec > nc or doubt == "both" else (ef,))
        if match is not None:
            # Only a "." between two name parts counts as stated: "-", "_" or none may be a misread
            # (or a lost) full stop, and no other field says which ('j-poessneck' for 'j.poessneck').
            whole = match.sep == "." and len(match.parts) == 2
            confirmed.setdefault(ef, []).append("person" if whole else "person-letters")
            confirmed.setdefault(nf, []).append("person")
        if local is not None:
            cur = value_of(ef)
            new_values[ef] = local + cur[cur.index("@"):] if "@" in cur else cur
        if name is not None:
            new_values[nf] = name

    out: dict[str, Finding] = {}
    for f in set(confirmed) | set(new_values) | disputed:
        prop = new_values.get(f)
        out[f] = Finding(tuple(confirmed.get(f, ())), prop if prop != values[f][1] else None, f in disputed)
    return out


def email_confirmed(value: str, finding: Finding | None) -> bool:
    """Every part of an e-mail address stated elsewhere on the page: the local part by the name,
    the domain by the place, and a common top-level domain."""
    m = _EMAIL.match(value.strip())
    return bool(finding and m and {"person", "domain"} <= set(finding.confirmed) and "." not in m.group("domain")
                and m.group("tld").lower() in _TLDS and finding.proposal is None)


def apply(fields: Mapping[str, FieldReading], kinds: Mapping[str, str]) -> dict[str, FieldReading]:
    """The page's fields with agreement applied: a proposal goes in as a snapped value below
    OCR_OK (a field read at OCR_OK or above keeps its value, capped below it), a wholly confirmed e-mail address is raised to T.AGREE_CONFIRMED_CONFIDENCE
    (not one in dispute). Fields
    a person changed on a packet, struck through (scan.ocr.zone_ink), snapped ones and verified prints are
    neither sources nor targets."""
    usable = {n: (kinds[n], f.value, f.confidence) for n, f in fields.items()
              if n in kinds and f.value and not f.snapped and f.printed != "changed" and not f.struck}
    out = dict(fields)
    for n, fnd in findings(usable).items():
        f = fields[n]
        if f.printed is not None:
            continue  # a print verified untouched is a source, never a target
        if (fnd.proposal is not None or fnd.disputed) and f.confidence >= T.OCR_OK:
            # Two sure reads that disagree (one may be the mailing list's confirmed entry): the
            # value stays as read, a person decides.
            out[n] = dc_replace(f, confidence=T.AGREE_CONFLICT_CONFIDENCE)
        elif fnd.proposal is not None:
            out[n] = dc_replace(f, value=fnd.proposal, snapped=True,
                                confidence=min(f.confidence, T.SNAPPED_CONFIDENCE))
        elif not fnd.disputed and kinds[n] == "email" and email_confirmed(f.value, fnd) \
                and f.confidence >= T.AGREE_RAISE_FROM:
            out[n] = dc_replace(f, confidence=max(f.confidence, T.AGREE_CONFIRMED_CONFIDENCE))
    return out
