"""The batch: ingest → read (:func:`formkit.read.dispatch.read_input`, in workers) → assemble → store → CSV.

Reading runs in worker processes (``workers`` > 1), each file bounded in time (an alarm) and
memory (an address-space limit); one bad file never stops the batch. Assembly and store writes
run in this process, in input order, so an interrupted run that is started again ends with the
same records as an uninterrupted one.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import re
import signal
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formkit.campaign import Campaigns, Unresolved
from formkit.errors import FormkitError, InputError
from formkit.export import Dialect, check_writable, write_csv
from formkit.ingest import Source, iter_sources, repeat_of
from formkit.read.dispatch import TEMP_PREFIX, TEMP_SUFFIXES, PageResult, read_bytes, read_input
from formkit.read.mailtext import read_mail
from formkit.read.open import harden_pdf_reader
from formkit.readings import NotFormKind, PageReading
from formkit.records import Context, Matcher, Provenance, Record, assemble, rejected
from formkit.store import SourceInfo, Store

if TYPE_CHECKING:
    from formkit.scan.context import ReadContext

FILE_TIMEOUT_S = 60  # per input file in a worker; a filled sheet takes ~5 ms, a fax page ~1 s
WORKER_MEMORY_BYTES = 2 * 1024**3  # address-space limit of a worker process
BATCH = 8  # inputs per worker round trip
COMMIT_EVERY = 32  # sources per store transaction (all or none of them survive a kill)
NO_FORM = "kein Anmeldeformular gefunden"


@dataclass(frozen=True)
class Options:
    db: Path = Path("formkit.sqlite")
    csv: Path | None = None
    dialect: Dialect = "rfc4180"
    recipients: Path | None = None
    workers: int = 1
    # Campaign folders, or folders of them (default ./layouts): every sheet finds its own layout.
    layouts: Path | Sequence[Path] | None = None
    file_timeout_s: int = FILE_TIMEOUT_S


@dataclass(frozen=True)
class Job:
    label: str
    sha256: str
    path: Path | None
    data: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class FileResult:
    sha256: str
    page_count: int = 0
    pages: tuple[PageResult, ...] = ()
    error: str | None = None


@dataclass
class Summary:
    inputs: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    already_stored: int = 0
    same_content: int = 0  # inputs of this run with the content of an earlier input of this run
    pages_without_form: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # paths with nothing to read, by reason
    recipient_errors: int = 0
    csv_rows: int | None = None


# --- worker side ---------------------------------------------------------------------------

_CAMPAIGNS: Campaigns | None = None
_LOADED_FROM: object = None  # the `layouts` argument _CAMPAIGNS was loaded from
# The mailing list and events as the scan reader uses them (prefilled values, vocabulary).
_CONTEXT: ReadContext | None = None
_CONTEXT_FROM: object = None  # the (recipients, layouts) _CONTEXT was built from


class _Timeout(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def init_worker(layouts: Path | Sequence[Path] | None, limit_memory: bool, recipients: Path | None = None) -> None:
    global _CONTEXT, _CONTEXT_FROM
    # A forked worker inherits the campaigns the run loaded and checked (about 1 s of YAML, checks
    # and fonts per load on a busy machine); only a fresh process or other layouts load again.
    if _CAMPAIGNS is None or layouts != _LOADED_FROM:
        _use(Campaigns.load(layouts), layouts)
    assert _CAMPAIGNS is not None
    if recipients is None:
        _CONTEXT, _CONTEXT_FROM = None, None
    elif _CONTEXT is None or (recipients, layouts) != _CONTEXT_FROM:
        from formkit.scan.context import load

        _CONTEXT = load(recipients, [c.event for c in _CAMPAIGNS], [form for _, form in _CAMPAIGNS.forms()])
        _CONTEXT_FROM = (recipients, layouts)
    harden_pdf_reader()
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken files are reported as rows, not log noise
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if limit_memory:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
        except (ImportError, ValueError, OSError):
            pass


def _use(campaigns: Campaigns, layouts: object) -> None:
    global _CAMPAIGNS, _LOADED_FROM
    _CAMPAIGNS, _LOADED_FROM = campaigns, layouts


@contextlib.contextmanager
def memory_cap(limit: int) -> Iterator[None]:
    """Bound this process's address space (and that of pdftoppm/gs it starts) while one file is read.

    For the single-process mode, where a worker's fixed limit cannot be used: the CLI has
    already mapped its libraries, so the cap is *limit* or what is mapped now plus half of
    *limit*, whichever is more. Only the soft limit is lowered, so it can be raised back after.
    """
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        yield
        return
    cap = max(limit, mapped + limit // 2)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # already bounded at least as tightly
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def process(job: Job, timeout_s: int = FILE_TIMEOUT_S) -> FileResult:
    """Read one input (in a worker). Never raises: a failure is a FileResult with an error."""
    return _relative(_guarded(job, timeout_s), job)


def _guarded(job: Job, timeout_s: int) -> FileResult:
    use_alarm = timeout_s > 0 and hasattr(signal, "SIGALRM")
    if use_alarm:
        try:
            old = signal.signal(signal.SIGALRM, _on_alarm)
            signal.alarm(timeout_s)
        except ValueError:  # not in the main thread
            use_alarm = False
    try:
        return _process(job)
    except _Timeout:
        return FileResult(job.sha256, error=f"Zeitlimit überschritten ({timeout_s} s)")
    except FormkitError as e:
        return FileResult(job.sha256, error=e.message)
    except MemoryError:
        return FileResult(job.sha256, error="Speichergrenze überschritten")
    except RecursionError:
        return FileResult(job.sha256, error="Struktur zu tief verschachtelt")
    except Exception as e:  # one bad file never stops the batch: record why it failed
        return FileResult(job.sha256, error=f"unerwarteter Fehler beim Lesen ({type(e).__name__}: {e})"[:300])
    finally:
        if use_alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)


def _relative(res: FileResult, job: Job) -> FileResult:
    """Reasons name the input as the user gave it (its label), never by an absolute path
    (nor by the temporary copy an attachment is read from)."""
    if res.error is None:
        return res
    error = res.error
    if job.path is not None:
        for form in sorted({str(job.path), os.path.abspath(job.path)}, key=len, reverse=True):
            error = error.replace(form, job.label)
    error = _TEMP_COPY.sub(lambda m: job.label, error)
    return res if error == res.error else FileResult(res.sha256, res.page_count, res.pages, error)


_TEMP_COPY = re.compile(re.escape(os.path.join(tempfile.gettempdir(), TEMP_PREFIX)) + r"[A-Za-z0-9_]+(?:"
                        + "|".join(re.escape(s) for s in TEMP_SUFFIXES) + ")")


def process_many(jobs: list[Job], timeout_s: int = FILE_TIMEOUT_S) -> list[FileResult]:
    """Several inputs per round trip to a worker (less IPC per file)."""
    return [process(job, timeout_s) for job in jobs]


def _process(job: Job) -> FileResult:
    data = job.data if job.data is not None else read_bytes(job.path) if job.path is not None else b""
    reading = read_input(data, _CAMPAIGNS or Campaigns.load(), job.path, context=_CONTEXT)
    return FileResult(job.sha256, reading.page_count, reading.pages)


# --- reading many files ----------------------------------------------------------------------


def _read_all(jobs: list[Job], opts: Options) -> Iterator[FileResult]:
    """Results in job order; a worker crash costs only the file that caused it."""
    if opts.workers <= 1:
        init_worker(opts.layouts, limit_memory=False, recipients=opts.recipients)
        for job in jobs:
            with memory_cap(WORKER_MEMORY_BYTES):  # released before the store write of the result
                res = process(job, opts.file_timeout_s)
            yield res
        return
    pending = deque(range(len(jobs)))
    suspects: set[int] = set()  # in flight when a worker died: retried one at a time, nothing beside them
    ctx = multiprocessing.get_context("fork")
    window = opts.workers * 4
    while pending:
        with cf.ProcessPoolExecutor(opts.workers, mp_context=ctx, initializer=init_worker,
                                    initargs=(opts.layouts, True, opts.recipients)) as pool:
            inflight: deque[tuple[list[int], cf.Future[list[FileResult]]]] = deque()
            while pending or inflight:
                while pending and len(inflight) < window:
                    if inflight and (pending[0] in suspects or inflight[-1][0][0] in suspects):
                        break  # a suspect runs alone: a crash while it runs is its own, not a neighbour's
                    if pending[0] in suspects:
                        batch = [pending.popleft()]
                    else:
                        batch = []
                        while pending and len(batch) < BATCH and pending[0] not in suspects:
                            batch.append(pending.popleft())
                    inflight.append((batch, pool.submit(process_many, [jobs[i] for i in batch],
                                                        opts.file_timeout_s)))
                batch, fut = inflight[0]
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    if len(batch) == 1 and batch[0] in suspects:
                        suspects.discard(batch[0])
                        yield FileResult(jobs[batch[0]].sha256, error="Leseprozess abgestürzt")
                        retry = [i for b, _ in list(inflight)[1:] for i in b]
                    else:
                        retry = [i for b, _ in inflight for i in b]
                        suspects.update(retry)
                    pending.extendleft(reversed(retry))
                    break
                inflight.popleft()
                suspects.difference_update(batch)
                yield from results


# --- the run -----------------------------------------------------------------------------------


class Assembler:
    """Assembly context per sheet: its layout and its campaign's policies (through the resolver),
    the mailing list, duplicates in the store."""

    def __init__(self, campaigns: Campaigns, store: Store, matcher: Matcher | None) -> None:
        self.campaigns, self.store, self.matcher = campaigns, store, matcher

    def record(self, reading: PageReading, prov: Provenance, earlier: dict[tuple[str, str], str] | None = None) -> Record:
        """The record of one page; *earlier*: the person keys of the pages of the same input
        assembled before it (by campaign and key), not yet in the store: a sheet drawn twice by the
        scanner, or one person's sheet twice in a scanned pile, is a duplicate as across files."""
        form = self.campaigns.resolve(reading.identity)
        if isinstance(form, Unresolved):
            return rejected(prov, form.reason)
        campaign = reading.identity.campaign
        policies = self.campaigns.campaign(campaign).policies

        def find_duplicate(keys: tuple[str, ...]) -> str | None:
            stored = self.store.find_duplicate(keys, prov.sha256, prov.page or 0, campaign)
            return stored or next((earlier[(campaign, k)] for k in keys if earlier and (campaign, k) in earlier), None)

        ctx = Context(
            form=form,
            deadline=policies.deadline,
            late_policy=policies.late_policy,
            signing=policies.signing,
            matcher=self.matcher,
            find_duplicate=find_duplicate,
        )
        rec = assemble(reading, prov, ctx)
        if earlier is not None and rec.status != "rejected":  # as the store keeps keys
            for k in rec.person_keys:
                earlier.setdefault((campaign, k), f"{prov.source}, Seite {prov.page}")
        return rec


def records_of(src: Source, res: FileResult, asm: Assembler) -> tuple[list[Record], int]:
    """Records of one source (at least one) and the number of its pages without a form."""
    base = Provenance(src.label, src.sha256, None, "", received=src.received, sender=src.sender,
                      file_time=src.file_time)
    if res.error:
        return [rejected(base, res.error)], 0
    out: list[Record] = []
    without = 0
    foreign: list[str] = []
    damaged: list[str] = []
    earlier: dict[tuple[str, str], str] = {}
    for page in res.pages:
        if isinstance(page, PageReading):
            prov = Provenance(src.label, src.sha256, page.page, page.method, page.identity.layout_id,
                              page.identity.version, src.received, src.sender, src.file_time,
                              campaign=page.identity.campaign)
            out.append(asm.record(page, prov, earlier))
        elif page.kind in (NotFormKind.UNREADABLE, NotFormKind.OCR_UNAVAILABLE):
            # One of our sheets that cannot be read (unknown version, marks not fitting, black fax
            # page), or an image no OCR could look at: a row for the page with the reason.
            method = "ocr" if page.kind is NotFormKind.OCR_UNAVAILABLE else ""
            out.append(rejected(Provenance(src.label, src.sha256, page.page, method, received=src.received,
                                           sender=src.sender, file_time=src.file_time), page.reason))
        else:
            without += 1
            if page.kind is NotFormKind.FOREIGN:
                foreign.append(page.reason)
            elif page.kind is NotFormKind.DAMAGED:
                damaged.append(page.reason)
    if not out:
        out.append(rejected(base, (foreign or damaged or [NO_FORM])[0]))
    return out, without


def run(inputs: list[Path], opts: Options, progress: Callable[[int], None] | None = None,
        total: Callable[[int], None] | None = None) -> Summary:
    """Parse *inputs* into the store (and the CSV of this run); returns the summary."""
    registry = Campaigns.load(opts.layouts)  # every layout checked before the first file is read
    _use(registry, opts.layouts)
    if opts.csv is not None:
        check_writable(opts.csv)  # before the reading, not after an hour of it
    matcher = None
    summary = Summary()
    if opts.recipients is not None:
        from formkit.recipients import read_recipients

        if not opts.recipients.exists():
            raise InputError(f"{opts.recipients}: Empfängerliste nicht gefunden")
        recipients, row_errors = read_recipients(opts.recipients)
        summary.recipient_errors = len(row_errors)
        matcher = Matcher(recipients)
    sources = []
    for src in iter_sources(inputs):
        if src.skipped:
            summary.skipped[src.skipped] += 1
        else:
            sources.append(src)
    summary.inputs = len(sources)
    if total:
        total(len(sources))
    with Store(opts.db) as store:
        asm = Assembler(registry, store, matcher)
        run_keys: list[str] = []
        run_keys_seen: set[str] = set()
        first: dict[str, Source] = {}  # content → the first input of this run with it
        todo: list[Source] = []
        for src in sources:
            repeat = src.sha256 in first
            if repeat:
                summary.same_content += 1
                if src.label == first[src.sha256].label:
                    continue  # the same input given twice: one row
                src = repeat_of(src, first[src.sha256])
            else:
                first[src.sha256] = src
            if src.sha256 in run_keys_seen:
                continue
            run_keys_seen.add(src.sha256)
            run_keys.append(src.sha256)
            if store.has_source(src.sha256):
                if not repeat:  # a repeat stays counted as such
                    summary.already_stored += 1
                info = store.source_info(src.sha256)
                summary.pages_without_form += info.pages_without_form if info else 0
            else:
                todo.append(src)
        done = len(sources) - len(todo)
        if progress and done:
            progress(done)
        writer = _Writer(store, asm, summary)
        try:
            for src in (s for s in todo if s.error):
                writer.write(src, FileResult(src.sha256, error=src.error))
                if progress:
                    progress(1)
            for src in todo:
                if src.mail is None or src.error:
                    continue
                # A message's text: read here (a few regular expressions, no worker needed).
                try:
                    page = read_mail(src.mail, registry)
                except Exception as e:  # one bad message never stops the batch
                    writer.write(src, FileResult(src.sha256, error=f"E-Mail-Text nicht lesbar ({type(e).__name__})"))
                    continue
                # No registration in it: one rejected row for the message, with the reason.
                writer.write(src, FileResult(src.sha256, 1, (page,)) if isinstance(page, PageReading)
                             else FileResult(src.sha256, error=page.reason))
                if progress:
                    progress(1)
            jobs = [Job(s.label, s.sha256, s.path, s.data) for s in todo if not s.error and s.mail is None]
            by_key = {s.sha256: s for s in todo}
            for res in _read_all(jobs, opts):
                writer.write(by_key[res.sha256], res)
                if progress:
                    progress(1)
        finally:
            writer.flush()
        # Counts by status over every input of this run (also those stored by an earlier run).
        records = list(store.records(run_keys))
        summary.by_status = Counter(r.status for r in records)
        if opts.csv is not None:
            summary.csv_rows = write_csv(records, opts.csv, opts.dialect)
    return summary


class _Writer:
    """Writes sources in transactions of up to COMMIT_EVERY sources (each source all or nothing)."""

    def __init__(self, store: Store, asm: Assembler, summary: Summary) -> None:
        self.store, self.asm, self.summary = store, asm, summary
        self.open = 0

    def write(self, src: Source, res: FileResult) -> None:
        if not self.open:
            self.store.begin()
        try:
            records, without = records_of(src, res, self.asm)
            for rec in records:
                self.store.add_record(rec)
                if src.mail is not None and rec.provenance.page:
                    m = src.mail
                    self.store.add_mail_text(src.sha256, rec.provenance.page, m.sender, m.subject, m.date, m.body)
            self.store.add_source(SourceInfo(src.sha256, src.label, src.size, src.received, src.sender,
                                             res.page_count, without))
        except BaseException:
            self.store.rollback()
            self.open = 0
            raise
        self.open += 1
        self.summary.pages_without_form += without
        if self.open >= COMMIT_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.open:
            self.store.commit()
            self.open = 0


def export(db: Path, csv: Path, dialect: Dialect = "rfc4180", venue: str | None = None,
           campaign: str | None = None) -> int:
    if not db.exists():
        raise InputError(f"{db}: Datenbank nicht gefunden (zuerst „formkit parse“ ausführen)")
    with Store(db) as store:
        return write_csv(store.records(venue=venue, campaign=campaign), csv, dialect)
