"""The common core of the held-out rehearsals (`bench heldout`, `heldout_fonts`, `heldout_campaigns`,
`heldout_office`): the CLI run as an office runs it, the truth of each return, and the report.

Each rehearsal keeps its own returners and generators (fillers, degradations, mail) and builds a
list of :class:`Return` into an :class:`Inbox`; what follows is the same for all and lives here:
`formkit parse` twice (:func:`parse_twice`), rows matched to returns (:func:`match`), compared with
the truth (:func:`compare`: equal up to layout, letter case folded), the table of rows
(:func:`table`), the worst errors (:func:`print_worst`), wrong values stated sure
(:func:`print_sure_wrong`), the loop after parsing (:func:`loop`) and the check for crashes and
English words in what the commands said (:func:`print_log_check`).

Also shared: the campaign hx-2021 (five towns) and the office's list that `heldout`, `heldout_fonts`
and `heldout_office` send their returns to (:func:`prepare`), and the whole run of the last two
(:func:`rehearse`). No ``run()``: `make bench` runs the rehearsals, not this module.
"""

from __future__ import annotations

import csv
import io
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pypdf import PdfReader, PdfWriter

from formkit.layout.loader import LayoutRegistry
from formkit.layout.models import FormLayout
from formkit.thresholds import OCR_OK

if TYPE_CHECKING:
    import pikepdf

ROOT = Path(__file__).resolve().parent.parent
TEXT = ("name", "institution", "address", "phone", "email")
FIELDS = (*TEXT, "date")  # compared as text; the venue has a comparison of its own

# The campaign of `heldout`, `heldout_fonts` and `heldout_office`: five other towns (umlauts, a long
# two-word name), other dates in another year.
CAMPAIGN = "hx-2021"
TOWNS = [("muehlhausen", "Mühlhausen", "99974", "2021-09-14"), ("salzungen", "Bad Salzungen", "36433", "2021-09-16"),
         ("apolda", "Apolda", "99510", "2021-09-21"), ("poessneck", "Pößneck", "07381", "2021-09-23"),
         ("heiligenstadt", "Heilbad Heiligenstadt", "37308", "2021-09-28")]
VENUES = [f"venue_{t[0]}" for t in TOWNS]

# The office's list (every rehearsal's --recipients): titles, double names, umlauts and ß, long
# institutions, one without phone.
LIST_HEADER = ["ID", "Anrede", "Titel", "Vorname", "Nachname", "Institution", "Funktion", "Straße", "PLZ", "Ort",
               "E-Mail", "Telefon"]
MEMBERS = [
    ["H001", "Herr", "Dr.", "Hans-Jürgen", "Schäfer-Lindemann", "Landratsamt Unstrut-Hainich-Kreis",
     "Fachdienst Jugend und Familie", "Lindenbühl 28/29", "99974", "Mühlhausen", "h.schaefer@uh-kreis.de",
     "03601 801-512"],
    ["H002", "Frau", "Prof. Dr.", "Käthe", "Großkopf", "Fachhochschule Nordhausen", "Institut für Sozialmedizin",
     "Weinberghof 4", "99734", "Nordhausen", "grosskopf@hs-nordhausen.de", "03631 420-0"],
    ["H003", "Frau", "", "Anne-Marie", "Öztürk", "Stadtverwaltung Pößneck", "Sozialplanung",
     "Markt 1", "07381", "Pößneck", "a.oeztuerk@poessneck.de", "03647 500-201"],
    ["H004", "Herr", "", "Björn", "Weißenborn", "Diakonisches Werk Eisenach-Gerstungen e. V.", "Geschäftsführer",
     "Karlsplatz 3", "99817", "Eisenach", "weissenborn@diakonie-eisenach.de", ""],
    ["H005", "Frau", "Dr.", "Marlene", "von Bülow", "Kreisverwaltung Wartburgkreis",
     "Koordinierungsstelle Familienfreundlichkeit", "Erzberger Allee 14", "36433", "Bad Salzungen",
     "m.vonbuelow@wartburgkreis.de", "03695 615-100"],
    ["H006", "Herr", "", "Ülrich", "Mäder", "Gemeinde Großbreitenbach", "Bürgermeister", "Markt 11", "98701",
     "Großbreitenbach", "buergermeister@grossbreitenbach.de", "036781 4110"],
    ["H007", "Frau", "", "Jördis", "Krause-Hähnel", "Landratsamt Weimarer Land", "Jugendhilfeplanung",
     "Bahnhofstraße 28", "99510", "Apolda", "j.krause@weimarer-land.de", "03644 540-301"],
    ["H008", "Herr", "", "Friedemann", "Heß", "Stadt Heilbad Heiligenstadt", "Fachbereich Bildung und Soziales",
     "Aegidienstraße 7", "37308", "Heilbad Heiligenstadt", "f.hess@heilbad-heiligenstadt.de", "03606 677-0"],
]
# More list members, generated (every return is another person: a second return of one person is
# rightly a duplicate for a person to look at).
_FIRST = ["Günther", "Ännchen", "Jürgen", "Sören", "Maximilian", "Hannelore", "Claus-Peter", "Henriette", "Ömer",
          "Gisela", "Ralf", "Dörte", "Uwe", "Bärbel", "Detlef", "Ursula"]
_LAST = ["Müller-Lüdenscheidt", "Großmann", "Fröhlich", "Schütze", "Kießling", "Wäldchen", "Bößnecker", "Jahn",
         "Hörnlein", "Dreßler", "Übelacker", "Sachse", "Zöllner", "Käßner", "Pohl", "Lämmerhirt"]
_INST = [("Landratsamt Saale-Holzland-Kreis", "Fachdienst Soziales, Jugend und Familie", "Im Schloss", "07607",
          "Eisenberg"),
         ("Stadtverwaltung Sömmerda", "Amt für Bildung und Soziales", "Marktplatz 3-4", "99610", "Sömmerda"),
         ("Kreisjugendring Greiz e. V.", "Bildungsreferentin", "Brückenstraße 12", "07973", "Greiz"),
         ("Landratsamt Hildburghausen", "Sozialplanung", "Wiesenstraße 18", "98646", "Hildburghausen"),
         ("AWO Kreisverband Gotha e. V.", "Koordination Familienzentren", "Eisenacher Straße 12", "99867",
          "Gotha"),
         ("Stadtverwaltung Zeulenroda-Triebes", "Fachbereich Familie", "Markt 1", "07937", "Zeulenroda-Triebes")]
for _i in range(16):
    _inst = _INST[_i % len(_INST)]
    _ascii = (_LAST[_i].lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
              .replace("Ü".lower(), "ue"))
    MEMBERS.append([f"H{_i + 9:03d}", ["Herr", "Frau"][_i % 2], ["", "Dr.", "", "Dipl.-Ing."][_i % 4],
                    _FIRST[_i], _LAST[_i], _inst[0], _inst[1], _inst[2], _inst[3], _inst[4],
                    f"{_ascii}@{_inst[4].lower().replace('ö', 'oe').replace(' ', '-')}.de",
                    "" if _i % 5 == 4 else f"0{3600 + 7 * _i} {1000 + 37 * _i}-{_i}"])

# Words the commands print that are English (a German user must not see them).
ENGLISH = re.compile(r"\b(error|warning|file|not found|invalid|failed|traceback|exception|none|true|false|"
                     r"record|venue|review|rejected|missing|unknown)\b", re.I)


@dataclass
class Return:
    """One returned input (or one page of it, or one file in a container) and its truth."""

    file: str  # path below the inbox; 'x.zip#a.pdf' names one part of a container
    group: str
    how: str  # filler + degradation, for the listing
    truth: dict[str, str]  # field -> value ('' = empty); venue -> the ticked venue fields, ' + '-joined
    must_review: str = ""  # why this return must not come out ok ('' = ok is right if the values are)
    page: int | None = None  # the page of a multi-page input this truth belongs to
    rows: list[dict[str, str]] = field(default_factory=list)


class Inbox:
    """The folder the returns are written to, and their truths in the order they were put."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        self.returns: list[Return] = []

    def put(self, name: str, data: bytes, *rets: Return) -> None:
        """*data* written as *name* (sub-folders made), each of *rets* its truth."""
        (self.folder / name).parent.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_bytes(data)
        for r in rets:
            r.file = name
            self.returns.append(r)


# ---- the CLI, as an office runs it ----

def formkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "formkit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=3600)


@contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    """A fresh folder for one rehearsal, removed after it; FK_HELDOUT_KEEP=folder keeps it for a look."""
    keep = os.environ.get("FK_HELDOUT_KEEP")
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix=prefix))
    if keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        yield work
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def make_campaign(work: Path) -> Path:
    """hx-2021 made with `formkit campaign new` from lsz-2018, its event file edited (five towns)."""
    layouts = work / "layouts"
    layouts.mkdir()
    r = formkit("campaign", "new", str(ROOT / "layouts" / "lsz-2018"), CAMPAIGN, "-o", str(layouts / CAMPAIGN),
                cwd=work)
    assert r.returncode == 0, r.stderr
    event = layouts / CAMPAIGN / "event.yaml"
    data = yaml.safe_load(event.read_text(encoding="utf-8"))
    base = data["meetings"][0]
    data["meetings"] = [{**base, "id": mid, "city": city, "postcode": pc, "date": day, "venue": f"Rathaus {city}",
                         "street": "Marktplatz 1", "room": "Ratssaal", "capacity": 40} for mid, city, pc, day in TOWNS]
    data["registration"]["deadline"] = "2021-09-01"
    data["letter"]["date"] = "2021-08-02"
    event.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = formkit("campaign", "check", "--layouts", str(layouts / CAMPAIGN), cwd=work)
    assert r.returncode == 0, r.stdout + r.stderr
    return layouts / CAMPAIGN


def write_list(path: Path) -> None:
    """The office's list as Excel saves it for Germany: ';' and Windows-1252."""
    with path.open("w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(LIST_HEADER)
        w.writerows(MEMBERS)


def registration_form(folder: Path) -> FormLayout:
    """The registration sheet's layout of the campaign in *folder*."""
    loaded = LayoutRegistry(folder).get("registration").layout
    assert isinstance(loaded, FormLayout)
    return loaded


def prepare(work: Path, log: list[str], *more_layouts: Path) -> tuple[list[str], FormLayout]:
    """hx-2021, the office's list (liste.csv), its packets (pakete/) and the blank sheet (blank.pdf).
    Returns the ``--layouts`` options (*more_layouts* first, then hx-2021) and the sheet's layout."""
    campaign = make_campaign(work)
    lay = [a for p in (*more_layouts, campaign) for a in ("--layouts", str(p))]
    write_list(work / "liste.csv")
    r = formkit("packets", str(work / "liste.csv"), "--campaign", CAMPAIGN, "-o", str(work / "pakete"), *lay,
                cwd=work)
    log.append(r.stdout + r.stderr)
    assert r.returncode in (0, 2), r.stdout + r.stderr
    r = formkit("render", "registration", "--campaign", CAMPAIGN, "-o", str(work / "blank.pdf"), *lay, cwd=work)
    assert r.returncode == 0, r.stderr
    return lay, registration_form(campaign)


def parse_twice(work: Path, lay: list[str], log: list[str]) -> tuple[subprocess.CompletedProcess[str],
                                                                       subprocess.CompletedProcess[str], float]:
    """`formkit parse` on eingang/ with the list, into lauf1.csv, then again into lauf2.csv (a second
    run must add nothing). Returns both runs and the first one's seconds."""
    args = ["parse", str(work / "eingang"), "--db", str(work / "formkit.sqlite"), "--dialect", "excel-de",
            "--recipients", str(work / "liste.csv"), *lay]
    t = time.perf_counter()
    r1 = formkit(*args, "--csv", str(work / "lauf1.csv"), cwd=work)
    seconds = time.perf_counter() - t
    r2 = formkit(*args, "--csv", str(work / "lauf2.csv"), cwd=work)
    log += [r1.stdout + r1.stderr, r2.stdout + r2.stderr]
    return r1, r2, seconds


def print_parsed(r1: subprocess.CompletedProcess[str], r2: subprocess.CompletedProcess[str], seconds: float) -> None:
    print(f"parse: Exit {r1.returncode} in {seconds:.0f} s; zweiter Lauf Exit {r2.returncode}")
    for r in (r1, r2):
        if "Traceback" in r.stderr:
            print("ABSTURZ:\n" + r.stderr[-3000:])


def loop(work: Path, lay: list[str], log: list[str], campaign: str, date: str, door: str = "") -> None:
    """The loop after parsing: export (CSV, Excel; with *door* the door list of that venue), allocate,
    confirm (letters dated *date*)."""
    db = str(work / "formkit.sqlite")
    steps = [("export", "--db", db, "--csv", str(work / "export.csv"), "--dialect", "excel-de", *lay),
             ("export", "--db", db, "--format", "xlsx", "-o", str(work / "export.xlsx"), *lay),
             ("allocate", "--db", db, "--campaign", campaign, *lay),
             ("confirm", "--db", db, "--campaign", campaign, "-o", str(work / "briefe"), "--recipients",
              str(work / "liste.csv"), "--date", date, *lay)]
    if door:
        steps.append(("export", "--db", db, "--format", "pdf", "--venue", door, "--campaign", campaign, "-o",
                      str(work / "tuerliste.pdf"), *lay))
    print("\nNach dem Einlesen:")
    for step in steps:
        r = formkit(*step, cwd=work)
        log.append(r.stdout + r.stderr)
        tail = (r.stdout + r.stderr).strip().splitlines()
        print(f"  formkit {step[0]} {' '.join(s for s in step[1:4] if s.startswith('--'))}: Exit {r.returncode}; "
              f"{' / '.join(tail[-3:])[:300]}")
    letters = sorted((work / "briefe").rglob("*.pdf")) if (work / "briefe").exists() else []
    print(f"  Briefe: {len(letters)} PDF")


def english(text: str) -> list[str]:
    """Lines of a command's output with an English word outside paths, ids and option names."""
    bad = []
    for line in text.splitlines():
        plain = re.sub(r"(\((Status )?(ok|review|rejected)\)|/\S+|\S+\.(pdf|csv|tif|eml|xlsx|sqlite)|--\S+|"
                       r"\b[a-z]+_[a-z_]+\b|„[^“]*“)", "", line)
        if ENGLISH.search(plain):
            bad.append(line.strip()[:160])
    return bad


def print_log_check(log: list[str]) -> None:
    """Crashes and English words in everything the commands said."""
    bad = [b for text in log for b in english(text)]
    crashes = [t for t in log if "Traceback" in t]
    print(f"\nAbstürze (Traceback): {len(crashes)}; Ausgaben mit englischen Wörtern: {len(bad)}")
    for b in bad[:20]:
        print(f"  {b}")


# ---- the truth of a member's packet ----

def packets_of(folder: Path) -> dict[str, Path]:
    """Recipient id -> their packet PDF, from `formkit packets`' folder."""
    return {p.name.split("_")[0].split("-")[0]: p for p in folder.glob("*.pdf") if p.name != "print.pdf"}


def reg_page(pdf: bytes) -> bytes:
    """The registration page (the one with form fields) of a packet, as its own PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    w = PdfWriter(clone_from=reader)
    keep = next(i for i, p in enumerate(reader.pages) if "/Annots" in p)
    for i in reversed(range(len(reader.pages))):
        if i != keep:
            w.remove_page(i)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def pdf_values(pdf: bytes) -> dict[str, str]:
    """The text fields' values of a PDF form (what a packet printed)."""
    fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    return {k: str(v.get("/V", "")) for k, v in fields.items() if v.get("/FT") == "/Tx"}


def member_truth(sheet: bytes, venue: str) -> dict[str, str]:
    """The truth of a member's packet sheet sent back with *venue* ticked and nothing typed: what the
    packet printed, no date."""
    printed = pdf_values(sheet)
    return {f: printed.get(f, "") for f in TEXT} | {"date": "", "venue": venue}


def tick_state(widget: pikepdf.Object, ticked: bool) -> pikepdf.Name:
    """The state to set on a check box: its on-state (from its appearance; 'Yes' without one) or /Off."""
    import pikepdf

    if not ticked:
        return pikepdf.Name("/Off")
    on = next((str(k)[1:] for k in widget.AP.N if str(k) != "/Off"), "Yes") if "/AP" in widget else "Yes"
    return pikepdf.Name("/" + on)


# ---- comparison ----

def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def norm(v: str) -> str:
    """Equal up to layout: line breaks vs commas, spacing, letter case."""
    return re.sub(r"[\s,;]+", " ", v).strip().casefold()


def cities_of(*forms: FormLayout) -> dict[str, str]:
    """How a CSV may name a venue (its town, or the field's name), normalised -> the venue field."""
    out = {}
    for form in forms:
        for f in form.fields:
            if f.kind == "venue":
                out[norm(f.value or "")] = f.name
                out[norm(f.name)] = f.name
    return out


def venue_ids(row: dict[str, str], cities: dict[str, str]) -> str:
    """The row's venues as venue fields, sorted and ' + '-joined (the truth's form)."""
    got = [p.strip() for p in re.split(r"[+;|]| und ", row.get("venue", "")) if p.strip()]
    return " + ".join(sorted(cities.get(norm(p), p) for p in got))


def compare(ret: Return, row: dict[str, str], cities: dict[str, str]) -> list[str]:
    """What *row* has wrong against *ret*'s truth, one German line per field."""
    wrong = [f"{f}: {row.get(f, '')!r} statt {ret.truth.get(f, '')!r}" for f in FIELDS
             if norm(row.get(f, "")) != norm(ret.truth.get(f, ""))]
    want = " + ".join(sorted(p for p in ret.truth["venue"].split(" + ") if p))
    if venue_ids(row, cities) != want:
        wrong.append(f"venue: {row.get('venue', '')!r} statt {want!r}")
    return wrong


def match(returns: list[Return], rows: list[dict[str, str]]) -> None:
    """Rows to returns by file name (and page); a return whose file names a part ('x.zip#a.pdf')
    takes only that part's rows."""
    for row in rows:
        name = Path(row["source"].split("#")[0]).name
        for ret in returns:
            same = row["source"].endswith(ret.file) if "#" in ret.file else Path(ret.file).name == name
            if same and (ret.page is None or str(ret.page) == row.get("page", "")):
                ret.rows.append(row)


# ---- the report ----

@dataclass
class Tally:
    """What the table of rows found."""

    worst: list[tuple[Return, list[str]]] = field(default_factory=list)  # ok with a wrong value
    missed: list[Return] = field(default_factory=list)  # ok where a person had to look
    rejected: list[tuple[Return, str]] = field(default_factory=list)
    groups: dict[str, Counter[str]] = field(default_factory=dict)  # group -> status -> rows


def matched(returns: list[Return], work: Path) -> list[dict[str, str]]:
    """The first run's rows given to their returns; says how many rows each run gave and what was lost."""
    rows, rows2 = read_csv(work / "lauf1.csv"), read_csv(work / "lauf2.csv")
    match(returns, rows)
    lost = [r.file for r in returns if not r.rows]
    print(f"Zeilen: Lauf 1 {len(rows)}, Lauf 2 {len(rows2)} (Rückläufer {len(returns)}); verloren: {lost}")
    return rows


def table(returns: list[Return], cities: dict[str, str], width: int, campaign: bool = False) -> Tally:
    """Every row with its return's group and way; the reason cut at *width*, with *campaign* a column
    for the campaign the sheet was read as."""
    tally = Tally()
    print(f"\n| Datei | Gruppe | Weg | Status | {'Veranstaltung | ' if campaign else ''}Grund |\n"
          f"|---|---|---|---|{'---|' if campaign else ''}---|")
    for ret in returns:
        for row in ret.rows:
            st = row["status"]
            tally.groups.setdefault(ret.group, Counter())[st] += 1
            page = "" if ret.page is None else f" S. {ret.page}"
            column = f"{row.get('campaign', '')} | " if campaign else ""
            print(f"| {ret.file}{page} | {ret.group} | {ret.how} | {st} | {column}{row['reason'][:width]} |")
            if st == "ok":
                diff = compare(ret, row, cities)
                if diff:
                    tally.worst.append((ret, diff))
                if ret.must_review:
                    tally.missed.append(ret)
            elif st == "rejected":
                tally.rejected.append((ret, row["reason"]))
    return tally


def exact(returns: list[Return], cities: dict[str, str]) -> dict[str, list[int]]:
    """By group: fields read right and fields in all rows read (rejected rows and returns that must go
    to a person left out), then the same for the rows to a person: how much of a person's look is
    checking a value that was right."""
    out: dict[str, list[int]] = {}
    for ret in returns:
        for row in ret.rows:
            if row["status"] == "rejected" or ret.must_review:
                continue
            bad = {d.split(":")[0] for d in compare(ret, row, cities)}
            n_ok = sum(f not in bad for f in (*FIELDS, "venue"))
            e = out.setdefault(ret.group, [0, 0, 0, 0])
            e[0], e[1] = e[0] + n_ok, e[1] + len(FIELDS) + 1
            if row["status"] == "review":
                e[2], e[3] = e[2] + n_ok, e[3] + len(FIELDS) + 1
    return out


def print_worst(tally: Tally) -> None:
    """The errors that matter most: records ok with a wrong value, and ok where a person had to look."""
    print(f"\nok mit FALSCHEM Wert: {len(tally.worst)}")
    for ret, diff in tally.worst:
        print(f"  {ret.file} ({ret.how}): {'; '.join(diff)}")
    print(f"ok, obwohl eine Person hätte sehen müssen: {len(tally.missed)}")
    for ret in tally.missed:
        print(f"  {ret.file} ({ret.how}): {ret.must_review}")


def print_sure_wrong(returns: list[Return], db: Path, cased: bool = False) -> None:
    """Fields stated sure (>= OCR_OK) and wrong, in rows not rejected of returns that may be ok. A wrong
    value stated sure is the seed of an ok-with-wrong-value, also in a row that went to a person for
    another field's sake: the person trusts the value the reader called sure. *cased*: the value as
    read (the store's reading) against the truth with letter case counted (a letter to
    'vera Seidenstücker' is wrong all the same); else the CSV's value as :func:`compare` sees it."""
    wrong, sure = [], 0
    with sqlite3.connect(db) as con:
        for ret in returns:
            if ret.must_review:
                continue
            for row in ret.rows:
                if row["status"] == "rejected":
                    continue
                read = {f: (v, c) for f, v, c in con.execute(
                    "SELECT field, value, confidence FROM readings WHERE sha256 = ? AND page = ?",
                    (row["sha256"], int(row["page"] or 0)))}
                for f in FIELDS:
                    value, conf = read.get(f, ("", 0.0))
                    value = value if cased else row.get(f, "")
                    if conf < OCR_OK or not value:
                        continue
                    sure += 1
                    truth = ret.truth.get(f, "")
                    same = (" ".join(str(value).split()) == " ".join(truth.split()) if cased
                            else norm(value) == norm(truth))
                    if not same:
                        wrong.append(f"{ret.file}: {f} {value!r} statt {truth!r} ({conf:.2f})")
    said = "sicher gelesen und falsch, Groß-/Kleinschreibung gezählt" if cased else \
        f"sicher gelesen (>= {OCR_OK}) und falsch"
    print(f"{said}: {len(wrong)} von {sure} Feldern")
    for line in wrong:
        print(f"  {line}")


def report(returns: list[Return], work: Path, cities: dict[str, str]) -> Tally:
    """The report of `heldout_fonts` and `heldout_office`: rows, the table, by group (with fields read
    right), the worst errors, wrong values stated sure."""
    matched(returns, work)
    tally = table(returns, cities, 130)
    ex = exact(returns, cities)
    print("\n| Gruppe | n | ok | review | rejected | Felder exakt |\n|---|---|---|---|---|---|")
    for g, c in tally.groups.items():
        right, total = ex.get(g, [0, 0])[:2]
        print(f"| {g} | {sum(c.values())} | {c['ok']} | {c['review']} | {c['rejected']} | {right}/{total} |")
    print_worst(tally)
    print_sure_wrong(returns, work / "formkit.sqlite")
    return tally


def print_second_run(work: Path) -> None:
    """Rows the second run gave twice (it must add nothing)."""
    seen = Counter((r["source"], r["page"]) for r in read_csv(work / "lauf2.csv"))
    print(f"doppelte Zeilen nach dem zweiten Lauf: {[k for k, v in seen.items() if v > 1]}")


def rehearse(prefix: str, seed: int, build: Callable[[Path, FormLayout, random.Random], list[Return]],
             checks: Callable[[list[Return], Path], None] = lambda returns, work: None) -> None:
    """A whole rehearsal on hx-2021 (`heldout_fonts`, `heldout_office`): the campaign, its list and
    packets; *build*'s returns in eingang/ (its random source seeded with *seed*); parse twice; the
    report, the second run's duplicates, the rehearsal's own *checks*; the loop after parsing; crashes
    and English words in all the commands said."""
    rng = random.Random(seed)
    log: list[str] = []
    with workdir(prefix) as work:
        t0 = time.perf_counter()
        lay, form = prepare(work, log)
        returns = build(work, form, rng)
        files = [p for p in (work / "eingang").rglob("*") if p.is_file()]
        print(f"{len(returns)} Rückläufer in {len(files)} Dateien erzeugt in {time.perf_counter() - t0:.0f} s ({work})",
              flush=True)
        print_parsed(*parse_twice(work, lay, log))
        report(returns, work, cities_of(form))
        print_second_run(work)
        checks(returns, work)
        loop(work, lay, log, CAMPAIGN, "2021-09-03")
        print_log_check(log)
