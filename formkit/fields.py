"""What a field kind means: clean-up of what OCR read, normalisation, syntax check, OCR settings.

The one place that knows what ``kind: email`` (or phone, date, name …) of a
:class:`~formkit.layout.models.FieldSpec` implies. The scan reader takes its whitelist, user
patterns and clean-up from here; record assembly and the review page take the normalisation and
the check. Nothing else in formkit tests a field's *name* to decide what its value means.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# --- syntax -----------------------------------------------------------------------------------

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")
# A German number starts with its area code's 0 (or "(0"), an international one with "+": "93661 715328"
# for 03661 … came from a normal-mode fax at 0.92 (bench corpus), a number without either is
# incomplete for the office too. It ends with a digit: '03639 95459 -' (a speck read as a dash after
# the number) came from a normal-mode fax (bench corpus).
PHONE = re.compile(r"^(?:\+|\(?0)[0-9 ()/.\-]*[0-9]$")
PHONE_MIN_DIGITS = 5
# A day and a month, the year optional ("26.4.", "26. 04. 2018"); checked for range below.
DATE = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2}|\d{4})?$")
# A person's name: starts with a letter, no digits and none of the signs OCR makes of box lines.
NAME = re.compile(r"^[^\W\d_][^\d_|\[\]{}<>@#$%^*=~\\]*$")


def valid_email(value: str) -> bool:
    # A one-letter part of the domain ('n.truebenbach@l.oelleda.de' for …@koelleda.de came at 0.95
    # from a Courier 9 pt fax) is a misread far more often than a real address of an office.
    return bool(EMAIL.match(value)) and ".." not in value and \
        all(len(label) >= 2 for label in value.rsplit("@", 1)[-1].split("."))


def valid_phone(value: str) -> bool:
    return bool(PHONE.match(value)) and sum(c.isdigit() for c in value) >= PHONE_MIN_DIGITS


def valid_date(value: str) -> bool:
    m = DATE.match(value)
    if not (m and 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(2)) <= 12):
        return False
    # A four-digit year outside 19xx/20xx is a misread digit ('28.03.2918' for 28.03.2018 came at
    # 0.96 from a Courier 9 pt fax in the bench corpus), never a date someone signs a sheet with.
    year = m.group(3) or ""
    return len(year) != 4 or year[:2] in ("19", "20")


# A whole date as a clerk types it in the review: 5.4.2018, 05.04.18 or 2018-04-05, a real day of
# the calendar. Stricter than valid_date, which judges OCR output (the year may be missing there).
FULL_DATE = re.compile(r"^(?:(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2}|\d{4})|(\d{4})-(\d{2})-(\d{2}))$")


def full_date(value: str) -> dt.date | None:
    """The day a whole date names (5.4.2018, 05.04.18, 2018-04-05), or None."""
    m = FULL_DATE.match(value.strip())
    if not m:
        return None
    if m.group(4):
        y, mo, d = int(m.group(4)), int(m.group(5)), int(m.group(6))
    else:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y += 2000 if y < 100 else 0
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def valid_full_date(value: str) -> bool:
    return full_date(value) is not None


def outside(value: str, window: tuple[dt.date, dt.date] | None) -> bool:
    """A whole date that lies outside *window* (the days a campaign's sheet can be signed on):
    '12.03.2016' on a 2018 sheet is a misread digit or a slip of the pen, either way a person's."""
    day = full_date(value) if window else None
    return day is not None and window is not None and not window[0] <= day <= window[1]


def window_text(window: tuple[dt.date, dt.date]) -> str:
    return f"{window[0]:%d.%m.%Y} bis {window[1]:%d.%m.%Y}"


def valid_name(value: str) -> bool:
    return bool(NAME.match(value))


# --- clean-up of OCR output -------------------------------------------------------------------

# Signs Tesseract reads for "@" on 200-dpi print (fax corpus: "®", "©", "&" and "(a)").
_AT_LOOKALIKES = str.maketrans({"®": "@", "©": "@", "&": "@"})


def _clean_email(value: str) -> str:
    """An address has no spaces and no commas: "j,mueller ® gotha,de" is "j.mueller@gotha.de".
    A second "@" look-alike is left alone (the check then fails and a person looks)."""
    v = "".join(value.split()).replace("(a)", "@")
    if "@" not in v:
        v = v.translate(_AT_LOOKALIKES) if sum(v.count(c) for c in "®©&") == 1 else v
    v = v.replace(",", ".").replace(";", ".")
    if v.lower().startswith("mailto:"):
        v = v[7:]
    return v


_DIGIT_LOOKALIKES = str.maketrans("OolI", "0011")


# What Tesseract reads for the lone slash between an institution and a function on faxes
# ("Familienzentrum Ilmenau : Sachbearbeiterin", "Themar ’ Leiterin", "e. V. /;Leiter").
_LONE_SEPARATOR = re.compile(r" +(?:[:;’‘'|!]*/[:;’‘'|!/]*|[:;’‘'|!]+(?= )) *(?=\S)|(?<=\S)/ +(?=\S)")
# "e. V." (eingetragener Verein) at the end of a name loses its last dot to line removal.
_EV_END = re.compile(r"\be\. ?V$")


def _clean_institution(value: str) -> str:
    """One separator " / " between institution and function, however OCR spaced or misread it,
    and the final dot of "e. V." (the abbreviation never stands without it)."""
    v = _LONE_SEPARATOR.sub(" / ", value)
    return _EV_END.sub(lambda m: m.group(0) + ".", v)


# Abbreviations that end with a full stop inside a person's name ("Prof. Dr. Anna Müller").
_NAME_ABBREVIATIONS = frozenset({"dr", "prof", "dipl", "ing", "med", "phil", "rer", "nat", "jur", "oec", "paed",
                                 "mag", "jr", "sen", "jun", "st", "hc"})
_WORD_STOP = re.compile(r"\b([^\W\d_]{2,})\. (?=[^\W\d_])")


# A title before a name without its full stop: a thin dot the fax or a monospaced face lost
# ('Dr Anna Müller' at 0.951, Liberation Mono 10, bench.heldout_office); German writes "Dr.", "Prof.".
_TITLE_NO_STOP = re.compile(r"\b(Dr|Prof|Dipl)(?= [^\W\d_])")


def _clean_name(value: str) -> str:
    """A full stop after a whole word that is no abbreviation, followed by another word, is the
    comma of "Müller, Grete" that fax noise made a dot of (an initial "H. Müller" keeps its dot);
    a title's lost full stop is put back."""
    value = _TITLE_NO_STOP.sub(r"\1.", value)
    return _WORD_STOP.sub(lambda m: m.group(0) if m.group(1).casefold() in _NAME_ABBREVIATIONS
                          else f"{m.group(1)}, ", value)


def _clean_phone(value: str) -> str:
    # Letters O and l in a digit string are 0 and 1 (only when a whitelist did not run).
    return " ".join(value.translate(_DIGIT_LOOKALIKES).split())


def _clean_date(value: str) -> str:
    return re.sub(r"\s*[,:]\s*", ".", "".join(value.split()))


# A German postcode line: five digits before the town ("99867 Gotha", also "D-99867 Gotha"). A line
# starting with another number of digits before a word is a misread postcode ('893548
# Uhlstädt-Kirchhasel' at 0.84, bench calibration corpus) or a foreign one: a person looks.
_POSTCODE_LINE = re.compile(r"^(?:D\s?-?\s?)?(\d+)\s+[^\W\d_]")
# A postcode with a sign stuck to it ('97217. Triptis' at 0.96, a grey scan's speck read by both
# models: bench seed 2027): no German address line is written so.
_POSTCODE_SIGN = re.compile(r"^(?:D\s?-?\s?)?\d{4,}[.,;:]")
# A capital, a full stop and a small letter inside a word ('Bad L.obenstein' at 0.92): a fax speck
# read as a dot, never German spelling ("e. V.", "H. Müller", "Dr.med." do not match).
_DOT_IN_WORD = re.compile(r"(?<![^\W\d_])[A-ZÄÖÜ]\.[a-zäöüß]")


def valid_address(value: str) -> bool:
    for line in value.splitlines():
        line = line.strip()
        m = _POSTCODE_LINE.match(line)
        if (m and len(m.group(1)) != 5) or _POSTCODE_SIGN.match(line):
            return False
    return not _DOT_IN_WORD.search(value)


def valid_institution(value: str) -> bool:
    return not _DOT_IN_WORD.search(value)


# What an e-mail address is read with: lowercase ASCII letters, digits and the signs of real addresses.
EMAIL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789.-_@"

# --- the kinds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindRules:
    """Everything a kind decides. ``whitelist``: the only characters Tesseract may emit (None: all);
    ``vocabulary``: whether campaign words (mailing list,
    places) help reading it; ``reread``: whether an unsure fax reading is worth a second
    Tesseract pass on a thickened zone (formkit.scan.ocr; a pass costs as much as the first);
    ``sharp``: whether a fax zone is read as it is, not smoothed (digits: smoothing helps letters
    but made a 4 of a 9, which no vocabulary or syntax check notices); ``clean``: OCR output to the
    value; ``check``: syntax/plausibility
    of a non-empty value; ``invalid``: the German reason a record gives when the check fails
    (None: a failed check only lowers the OCR confidence, it is no reason of its own)."""

    kind: str
    whitelist: str | None = None
    vocabulary: bool = False
    reread: bool = False
    sharp: bool = False
    # An unsure reading is read again by a second model (formkit.scan.witness): "digits" must come
    # back the same string, "text" the same but for the umlauts the English witness cannot read;
    # "" no witness: names (both models read 'Kruger' where the fax lost the dots of an umlaut) and
    # institutions (both read 'Großbreitenbach 0 Bürgermeisterin' where a normal-mode fax lost the
    # thin '/' of 'Großbreitenbach 0 / Bürgermeisterin', tests/test_scan_witness.py).
    witness: str = ""
    clean: Callable[[str], str] = lambda v: v
    check: Callable[[str], bool] = lambda v: True
    invalid: str | None = None


RULES: dict[str, KindRules] = {
    # A second pass (unsure fax fields, thickened strokes) paid off for names, institutions and
    # phone numbers (bench seeds 2018 + 77, fine and normal faxes: +5, 0 and +5 fields exact of
    # ~180 each; e-mail +3 for 179 passes, address +5 for 134 multi-line ones, date +2).
    "name": KindRules("name", vocabulary=True, reread=True, clean=_clean_name, check=valid_name),
    "text": KindRules("text", vocabulary=True),
    "institution": KindRules("institution", vocabulary=True, reread=True, clean=_clean_institution,
                             check=valid_institution),
    "address": KindRules("address", vocabulary=True, witness="text", check=valid_address),
    # The measured levers (issue 11): digit whitelists made phone 100 % and date 99 % exact on
    # fine faxes; the e-mail field gets the list's addresses as user words and a lowercase
    # whitelist: addresses are case-insensitive and written in lowercase, and without capitals
    # 'I'/'|' for 'l' and '‚' for '.' cannot be read (bench seed 2018, e-mail exact fine faxes
    # 77/67 -> 80/70 %, grey scans 75 -> 88 %; with "@" allowed, no "®" look-alike came back).
    "phone": KindRules("phone", whitelist="0123456789 /-()+", reread=True, sharp=True, witness="digits",
                       clean=_clean_phone, check=valid_phone, invalid="Telefonnummer ungültig"),
    "date": KindRules("date", whitelist="0123456789.", sharp=True, witness="digits",
                      clean=_clean_date, check=valid_date),
    "email": KindRules("email", whitelist=EMAIL_CHARS, vocabulary=True, clean=_clean_email, check=valid_email,
                       invalid="E-Mail-Adresse ungültig"),
}


def rules(kind: str) -> KindRules:
    """The rules of *kind*; an unknown kind is plain text."""
    return RULES.get(kind, RULES["text"])


def collapse(value: str, multiline: bool = False) -> str:
    """Trim and collapse white space; a multi-line field keeps its (non-empty) lines."""
    value = unicodedata.normalize("NFC", value.replace("\u00a0", " "))
    if multiline:
        lines = [" ".join(line.split()) for line in value.splitlines()]
        return "\n".join(line for line in lines if line)
    return " ".join(value.split())


def normalise(kind: str, value: str, multiline: bool = False) -> str:
    """The stored form of a value of *kind* (any reader): white space collapsed; an e-mail
    address without a ``mailto:`` prefix. What was read is otherwise kept as it is."""
    v = collapse(value, multiline)
    if kind == "email" and v.lower().startswith("mailto:"):
        v = v[7:].strip()
    return v


_WORDS = re.compile(r"\w+(?:[-.'@]\w+)*")


def same_words(read: str, known: str) -> bool:
    """Whether a value read is, word for word, a known value: the same words, letter for letter
    (case aside), the same signs between them, in any order with a comma where the order turned
    ("Müller, Anna" is "Anna Müller"; "Müller Anna" with its comma lost is not taken as right)."""
    rw, kw = _WORDS.findall(read), _WORDS.findall(known)
    if not rw or sorted(w.casefold() for w in rw) != sorted(w.casefold() for w in kw):
        return False
    # The signs between the words must be the known ones too ("e. V" is not "e. V."), but for
    # the comma of a turned order.
    rp, kp = _signs(read), _signs(known)
    if [w.casefold() for w in rw] == [w.casefold() for w in kw]:
        return rp == kp
    return "," in rp and sorted(rp.replace(",", "", 1)) == sorted(kp)


def _signs(value: str) -> str:
    # "/" and "," both separate an institution from a function ("Landratsamt Gotha / Jugendamt");
    # the list joins them with ", " (Recipient.institution_function).
    return "".join(c for c in _WORDS.sub("", value) if not c.isspace()).replace("/", ",")


def plausible(kind: str, value: str) -> bool:
    """Syntax check by kind; an empty value passes (emptiness is judged elsewhere)."""
    return not value or rules(kind).check(value)


# A letter a filler could not encode, replaced by "?" or U+FFFD (qpdf's generated appearances
# write "J?rgen Wei?" for "Jürgen Weiß"; a text layer then reads exactly that): never a real value.
# In a name any "?" is one; in other text only inside a word or before a letter ("Was nun? e. V."
# is a real question mark).
_LOST_LETTER = re.compile(r"[^\W\d_]\?[^\W\d_]|(?<!\w)\?[^\W\d_]|\ufffd")
_LOST_IN_NAME = re.compile(r"\?|\ufffd")
_TEXT_KIND_DE = {"name": "Name", "institution": "Institution", "address": "Anschrift", "text": "Text"}


# In sans-serif and monospaced type c, o, s, v, w, x, z (and ä, ö, ü) differ from their capitals
# only in size, which a fax blurs: 'Thilo weißgerber' was read 0.953 for Weißgerber and 'Fakultät
# wirtschaftsrecht' 0.955 (Liberation Mono 10 and 8 pt, fine fax, bench.heldout_office). A name's
# words begin with a capital but for the particles; in an institution's name a small word follows a
# preposition, an article or a conjunction ('Verein für soziale Arbeit'), never another noun.
_SAME_SHAPE = "cosvwxzäöü"
_NAME_PARTICLES = frozenset({"von", "vom", "zu", "zum", "zur", "van", "de", "der", "den", "di", "da", "du", "dos",
                             "del", "la", "le", "ten", "ter", "y", "e", "und"})
_BEFORE_SMALL = frozenset({"für", "und", "oder", "sowie", "der", "die", "das", "des", "dem", "den", "im", "in", "am",
                           "an", "auf", "bei", "mit", "zur", "zum", "vom", "von", "zu", "aus", "über", "nach", "e.",
                           "ob", "c/o", "&", "+"})


def case_in_doubt(kind: str, value: str) -> bool:
    """Does a name or an institution read from a scan hold a word whose first letter may have been
    a capital of the same shape (see _SAME_SHAPE)? Such a reading is never stated sure."""
    if kind not in ("name", "institution"):
        return False
    words = value.replace(",", " ").split()
    for i, word in enumerate(words):
        first = word.lstrip("„\"'(-")[:1]
        if not first or first not in _SAME_SHAPE:
            continue
        bare = word.strip("„\"'()").casefold()
        if kind == "name" and bare not in _NAME_PARTICLES:
            return True
        if kind == "institution" and (i == 0 or words[i - 1].casefold() not in _BEFORE_SMALL) \
                and bare not in _BEFORE_SMALL:
            return True
    return False


# Words that name an organisation, never a person: in the name field they mean the name and the
# institution were typed into each other's fields (bench.heldout: „Bürgerstiftung Ilmenau“ as the
# name and the person as the institution came out ok from a filled PDF). Whole words, and endings
# of compound words of at least _ORG_COMPOUND letters ("Landratsamt", "Kreisjugendring" is not one:
# a surname can end in "ring"). Surnames that are also such words ("Kreis", "Werk") are left out.
_ORG_WORDS = frozenset({
    "gmbh", "ggmbh", "e.v.", "gbr", "verein", "verband", "stiftung", "gemeinde", "stadt",
    "landkreis", "amt", "institut", "hochschule", "universität", "schule", "ministerium", "referat", "abteilung",
    "fachbereich", "fachdienst", "diakonie", "caritas", "awo", "volkssolidarität", "rathaus", "zentrum",
    "landesamt", "kirchgemeinde", "kirchenkreis", "kita", "kindergarten", "jugendring", "familienzentrum"})
_ORG_ENDINGS = ("amt", "jugendring", "generationenhaus", "verwaltung", "verband", "stiftung", "verein", "hochschule", "schule", "zentrum",
                "ministerium", "gemeinde", "behörde", "einrichtung", "genossenschaft", "gesellschaft")
_ORG_COMPOUND = 8
_ORG_E_V = re.compile(r"\be\.\s?v\b\.?", re.IGNORECASE)


def organisation_word(value: str) -> str | None:
    """The word of *value* that names an organisation (a person's name has none), or None."""
    if (m := _ORG_E_V.search(value)) is not None:
        return m.group(0)
    for word in re.findall(r"[^\W\d_][\w.-]*", value):
        w = word.casefold().rstrip(".-")
        if w in _ORG_WORDS or (len(w) >= _ORG_COMPOUND and w.endswith(_ORG_ENDINGS)):
            return word.rstrip(".-")
    return None


def problem(kind: str, value: str) -> str | None:
    """The German reason a record gives for *value*, or None when it passes (or a failed check
    of this kind is no reason of its own)."""
    r = rules(kind)
    if value and r.invalid and not r.check(value):
        return r.invalid
    if value and kind == "name" and (org := organisation_word(value)):
        return f"Name enthält „{org}“: eher eine Institution – Felder vertauscht? Bitte prüfen"
    if value and kind in _TEXT_KIND_DE and (m := (_LOST_IN_NAME if kind == "name" else _LOST_LETTER).search(value)):
        word = next((w for w in value.split() if m.group(0) in w), m.group(0))
        return f"{_TEXT_KIND_DE[kind]}: Zeichen nicht lesbar („{word}“, vom ausfüllenden Programm ersetzt)"
    return None
