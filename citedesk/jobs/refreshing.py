"""Refresh citation data: every chosen source asked about every chosen paper, in parallel per source,
each answer stored as it comes so that a cancelled (or interrupted) refresh keeps what it fetched and resumes."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from citedesk.jobs.base import IsCancelled, PathLike, Progress, never, no_progress
from citedesk.jobs.classifying import label_new
from citedesk.library import citation_store
from citedesk.library.bare_works import bare_works, fill_bare_works
from citedesk.library.db import open_library
from citedesk.model import Cancelled, CitedeskError, PaperRef, Problem, RefreshReport, SourceResult, count
from citedesk.plugins import Registry, build_registry
from citedesk.sources.base import Source
from citedesk.sources.errors import BadKey, NotFound, Offline, RateLimited, ServerError, SourceError
from citedesk.sources.settings import Settings, load_settings

log = logging.getLogger(__name__)
# After these the source is not asked again in this refresh: every other request would fail the same way.
_STOPPING = (Offline, BadKey, RateLimited)
PAUSE_AFTER = 3  # papers in a row failing with a server error pause their source for the rest of the refresh
STOP_GRACE = 2.0  # seconds the sources' threads are given to stop after Ctrl-C
JOIN_STEP = 0.1  # seconds between two looks at the sources' threads (a join in steps stays interruptible)


@dataclass
class Plan:
    """One source and the papers it will be asked about."""

    source: type[Source]
    papers: list[PaperRef]


@dataclass
class Asking:
    """One source being asked about its papers: how many are settled (stored or failed), and the papers
    failing in a row with a server error, whose problems are held back until the run of failures ends."""

    source: Source
    papers: list[PaperRef]
    db: Any  # the source's own connection to the library
    settled: int = 0
    failing: list[tuple[PaperRef, ServerError]] = field(default_factory=list)
    described: set[int] = field(default_factory=set)  # works known only by an id asked about already

    @property
    def left(self) -> int:
        return len(self.papers) - self.settled


class _Paused(Exception):
    """The source failed for PAUSE_AFTER papers in a row: it is not asked about the rest in this refresh."""


class Refresh:
    """One refresh run: its plan, the shared report, and one writer at a time."""

    def __init__(
        self,
        library: PathLike | None,
        plans: list[Plan],
        settings: Settings,
        progress: Progress,
        cancelled: IsCancelled,
    ) -> None:
        self.library, self.plans, self.settings = library, plans, settings
        self.progress, self.cancelled = progress, cancelled
        self.report = RefreshReport()
        self.lock = threading.Lock()
        self.done = 0
        self.total = sum(len(plan.papers) for plan in plans)
        self.interrupted = threading.Event()  # Ctrl-C (or another exception) in the thread that waits
        self.source_cancelled = False

    def is_cancelled(self) -> bool:
        """Whether the person cancelled or interrupted the refresh: what the sources look at."""
        return self.interrupted.is_set() or self.cancelled()

    def run(self) -> RefreshReport:
        """Ask every source in its own thread; Cancelled when the person cancelled (what is stored stays).
        On Ctrl-C the sources stop at once (their requests are left, not awaited) and KeyboardInterrupt goes on."""
        self.progress(0, self.total)
        threads = [
            threading.Thread(target=self._run_source, args=(plan,), name=f"refresh-{plan.source.name}", daemon=True)
            for plan in self.plans
            if plan.papers
        ]
        for thread in threads:
            thread.start()
        try:
            join_threads(threads)
        except BaseException:
            self.interrupted.set()
            join_threads(threads, STOP_GRACE)
            raise
        if self.cancelled() or self.source_cancelled:
            raise Cancelled
        return self.report

    def _run_source(self, plan: Plan) -> None:
        """Ask one source about its papers (on its own thread): a failure of the source is one problem."""
        try:
            self._connect_and_ask(plan)
        except Cancelled:
            self.source_cancelled = True
        except Exception as exc:  # a bug in a source (perhaps a plug-in's): report it, keep the others going
            log.exception("%s failed", plan.source.label)
            self._problem(plan.source, None, f"{plan.source.label} failed unexpectedly ({type(exc).__name__}: {exc})")

    def _connect_and_ask(self, plan: Plan) -> None:
        settings = self.settings.source_settings(plan.source)
        source = plan.source.connect(settings, self.is_cancelled)
        db = open_library(self.library)
        try:
            self._ask(Asking(source, plan.papers, db))
        finally:
            source.client.close()
            db.close()

    def _ask(self, asking: Asking) -> None:
        source, papers = asking.source, asking.papers
        size = max(1, source.batch_size)
        try:
            for start in range(0, len(papers), size):
                if self.is_cancelled():
                    raise Cancelled
                self._fetch_batch(asking, papers[start : start + size])
                self._describe_bare_works(asking, papers[start : start + size])
        except _STOPPING as exc:  # every later request would fail the same way
            left = len(papers) - start - size
            self._problem(source, None, str(exc) + (f" ({count(left, 'more paper')} not asked)" if left > 0 else ""))
            self._advance(asking.left)
        except _Paused:
            self._pause(asking)
            return
        self._end_failing_run(asking)

    def _fetch_batch(self, asking: Asking, batch: Sequence[PaperRef]) -> None:
        """Fetch and store one batch; a source that cannot be asked at all raises one of _STOPPING."""
        source = asking.source
        try:
            results = source.fetch_many(batch, self.is_cancelled)
        except NotFound:
            results = {}
        except _STOPPING:
            raise
        except SourceError as exc:
            if len(batch) > 1:  # a batch failed as a whole: ask paper by paper to find the one at fault
                for paper in batch:
                    self._fetch_batch(asking, [paper])
                return
            self._failed(asking, batch[0], exc)
            return
        for paper in batch:
            self._store(asking, paper, results.get(paper.paper_id) or SourceResult(source.name, found=False))

    def _describe_bare_works(self, asking: Asking, papers: Sequence[PaperRef]) -> None:
        """Ask the source about the works known only by an id next to these papers (an ACL Anthology id that a
        statement file gave for a citing paper) and fill them in; a failure is one problem, the papers' own
        results stay. A source whose `describes` is empty is not asked."""
        source = asking.source
        if not source.describes:
            return
        with self.lock:
            found_now = bare_works(asking.db, [paper.paper_id for paper in papers], source.describes)
        wanted = [work for work in found_now if work.work_id not in asking.described]  # once per refresh
        asking.described.update(work.work_id for work in wanted)
        size = max(1, source.describe_batch)
        for start in range(0, len(wanted), size):
            if self.is_cancelled():
                raise Cancelled
            chunk = wanted[start : start + size]
            try:
                found = source.describe([work.known_by for work in chunk], self.is_cancelled)
            except NotFound:
                continue
            except _STOPPING:
                raise
            except SourceError as exc:
                message = f"{source.label} could not describe {count(len(chunk), 'work')} known only by an id ({exc})"
                self._problem(source, papers[0] if len(papers) == 1 else None, message)
                return
            described = [(work, found[work.known_by]) for work in chunk if work.known_by in found]
            with self.lock:
                self.report.described += fill_bare_works(asking.db, described, source.name, citation_store.now())

    def _store(self, asking: Asking, paper: PaperRef, result: SourceResult) -> None:
        with self.lock:  # one writer at a time: SQLite takes one, and the counts are shared
            stored = citation_store.store_result(asking.db, paper, result, citation_store.now())
            self.report.fetched += 1
            self.report.not_found += not result.found
            self.report.new_citations += stored.citations
            self.report.new_statements += stored.statements
        asking.settled += 1
        self._advance(1)
        self._end_failing_run(asking)

    def _failed(self, asking: Asking, paper: PaperRef, exc: SourceError) -> None:
        """Note the failed fetch (the next refresh asks again); a server error joins the run of failures."""
        with self.lock:
            with asking.db.atomic():
                citation_store.note_fetch(
                    asking.db, paper.paper_id, asking.source.name, "failed", str(exc), citation_store.now()
                )
        asking.settled += 1
        self._advance(1)
        if not isinstance(exc, ServerError):
            self._end_failing_run(asking)
            self._problem(asking.source, paper, str(exc))
            return
        asking.failing.append((paper, exc))
        if len(asking.failing) >= PAUSE_AFTER and asking.left > 0:
            raise _Paused

    def _end_failing_run(self, asking: Asking) -> None:
        """The papers failing in a row were not enough to pause the source: one problem each."""
        for paper, exc in asking.failing:
            self._problem(asking.source, paper, str(exc))
        asking.failing.clear()

    def _pause(self, asking: Asking) -> None:
        """One problem for the run of failures and the papers left unasked (they are not "not found")."""
        label, reason = asking.source.label, asking.failing[-1][1].reason or "server errors"
        self._problem(
            asking.source,
            None,
            f"{label} failed for {len(asking.failing)} papers in a row ({reason}); "
            f"skipped for the remaining {asking.left:,} papers of this refresh",
        )
        asking.failing.clear()
        self._advance(asking.left)

    def _problem(self, source: Source | type[Source], paper: PaperRef | None, message: str) -> None:
        with self.lock:
            self.report.problems.append(Problem(source.label, 0, message, key=paper.citekey if paper else ""))

    def _advance(self, count: int) -> None:
        with self.lock:
            self.done += count
            done = self.done
        self.progress(done, self.total)


def refresh(
    library: PathLike | None,
    keys: Sequence[str] | None = None,
    *,
    sources: Sequence[str] | None = None,
    force: bool = False,
    progress: Progress = no_progress,
    cancelled: IsCancelled = never,
    registry: Registry | None = None,
) -> RefreshReport:
    """Fetch citation data for some papers (all when `keys` is None) from the registry's enabled or named
    sources, then label the new statements with the fast classifier (`classify` gives them the chosen one's labels)."""
    report = fetch_citation_data(
        library, keys, source_names=sources, force=force, progress=progress, cancelled=cancelled, registry=registry
    )
    if report.new_statements:
        label_new(library)
    return report


def fetch_citation_data(
    library: PathLike | None,
    keys: Sequence[str] | None = None,
    *,
    source_names: Sequence[str] | None = None,
    force: bool = False,
    progress: Progress = no_progress,
    cancelled: IsCancelled = never,
    settings: Settings | None = None,
    registry: Registry | None = None,
) -> RefreshReport:
    """Fetch citation data for the papers with these keys (all when None) from the chosen sources of the
    registry's (the enabled ones when None), skipping what was fetched within the settings' max age unless forced."""
    settings = settings or load_settings()
    sources = choose_sources(settings, source_names, registry if registry is not None else build_registry())
    db = open_library(library)
    try:
        papers = citation_store.paper_refs(db, list(keys) if keys else None)
        _check_keys(keys, papers)
        plans, skipped, not_asked = [], 0, 0
        for source in sources:
            recent = set() if force else citation_store.fetched_recently(db, source.name, settings.max_age_days)
            askable = [paper for paper in papers if source.asks_about(paper)]
            todo = [paper for paper in askable if paper.paper_id not in recent]
            skipped, not_asked = skipped + len(askable) - len(todo), not_asked + len(papers) - len(askable)
            plans.append(Plan(source, todo))
    finally:
        db.close()
    run = Refresh(library, plans, settings, progress, cancelled)
    run.report.papers, run.report.skipped, run.report.not_asked = len(papers), skipped, not_asked
    return run.run()


def join_threads(threads: list[threading.Thread], within: float | None = None) -> None:
    """Wait for the threads to end (at most `within` seconds), in short joins that Ctrl-C can interrupt."""
    give_up = None if within is None else time.monotonic() + within
    for thread in threads:
        while thread.is_alive() and (give_up is None or time.monotonic() < give_up):
            thread.join(JOIN_STEP)


def choose_sources(settings: Settings, names: Sequence[str] | None, registry: Registry) -> list[type[Source]]:
    """The named sources of the registry's (an unknown name is an error), or every enabled one."""
    installed = registry.sources
    if names:
        unknown = [name for name in names if name not in installed]
        if unknown:
            raise CitedeskError(f"No source called {', '.join(unknown)}; installed: {', '.join(installed)}")
        return [installed[name] for name in names]
    chosen = [source for name, source in installed.items() if settings.is_enabled(name)]
    if not chosen:
        raise CitedeskError("Every source is disabled; enable one with `citedesk sources --enable NAME`")
    return chosen


def _check_keys(keys: Sequence[str] | None, papers: list[PaperRef]) -> None:
    if keys:
        found = {paper.citekey.lower() for paper in papers}
        missing = [key for key in keys if key.lower() not in found]
        if missing:
            raise CitedeskError(f"Not in the library: {', '.join(missing)}")
