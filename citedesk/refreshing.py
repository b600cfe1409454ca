"""Refresh citation data: every chosen source asked about every chosen paper, in parallel per source,
each answer stored as it comes so that a cancelled refresh keeps what it fetched and resumes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from citedesk.library import citation_store
from citedesk.library.db import open_library
from citedesk.model import Cancelled, CitedeskError, PaperRef, Problem, RefreshReport, SourceResult
from citedesk.sources.base import Source
from citedesk.sources.errors import BadKey, NotFound, Offline, RateLimited, SourceError
from citedesk.sources.registry import installed_sources
from citedesk.sources.settings import Settings, load_settings

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
# After these the source is not asked again in this refresh: every other request would fail the same way.
_STOPPING = (Offline, BadKey, RateLimited)


@dataclass
class Plan:
    """One source and the papers it will be asked about."""

    source: type[Source]
    papers: list[PaperRef]


class Refresh:
    """One refresh run: its plan, the shared report, and one writer at a time."""

    def __init__(self, library, plans: list[Plan], settings: Settings, progress: Progress, cancelled: IsCancelled) -> None:
        self.library, self.plans, self.settings = library, plans, settings
        self.progress, self.cancelled = progress, cancelled
        self.report = RefreshReport()
        self.lock = threading.Lock()
        self.done = 0
        self.total = sum(len(plan.papers) for plan in plans)

    def run(self) -> RefreshReport:
        """Ask every source in its own thread; Cancelled when the person cancelled (what is stored stays)."""
        self.progress(0, self.total)
        with ThreadPoolExecutor(max_workers=max(1, len(self.plans)), thread_name_prefix="refresh") as pool:
            futures = [pool.submit(self._run_source, plan) for plan in self.plans if plan.papers]
            errors = [future.exception() for future in futures]
        if self.cancelled() or any(isinstance(error, Cancelled) for error in errors):
            raise Cancelled
        return self.report

    def _run_source(self, plan: Plan) -> None:
        settings = self.settings.source_settings(plan.source)
        source = plan.source.connect(settings, self.cancelled)
        db = open_library(self.library)
        try:
            self._ask(db, source, plan.papers)
        except Cancelled:
            raise
        except Exception as exc:  # a bug in a source (perhaps a plug-in's): report it, keep the others going
            log.exception("%s failed", source.label)
            self._problem(source, None, f"{source.label} failed unexpectedly ({type(exc).__name__}: {exc})")
        finally:
            source.client.close()
            db.close()

    def _ask(self, db, source: Source, papers: list[PaperRef]) -> None:
        size = max(1, source.batch_size)
        for start in range(0, len(papers), size):
            if self.cancelled():
                raise Cancelled
            try:
                self._fetch_batch(db, source, papers[start : start + size])
            except _STOPPING as exc:  # every later request would fail the same way
                left = len(papers) - start - size
                self._problem(source, None, str(exc) + (f" ({left:,} more paper(s) not asked)" if left > 0 else ""))
                self._advance(len(papers) - start)
                return

    def _fetch_batch(self, db, source: Source, batch: Sequence[PaperRef]) -> None:
        """Fetch and store one batch; a source that cannot be asked at all raises one of _STOPPING."""
        try:
            results = source.fetch_many(batch, self.cancelled)
        except NotFound:
            results = {}
        except _STOPPING:
            raise
        except SourceError as exc:
            if len(batch) > 1:  # a batch failed as a whole: ask paper by paper to find the one at fault
                for paper in batch:
                    self._fetch_batch(db, source, [paper])
                return
            self._failed(db, source, batch[0], str(exc))
            return
        for paper in batch:
            self._store(db, source, paper, results.get(paper.paper_id) or SourceResult(source.name, found=False))

    def _store(self, db, source: Source, paper: PaperRef, result: SourceResult) -> None:
        with self.lock:  # one writer at a time: SQLite takes one, and the counts are shared
            stored = citation_store.store_result(db, paper, result, citation_store.now())
            self.report.fetched += 1
            self.report.not_found += not result.found
            self.report.new_citations += stored.citations
            self.report.new_statements += stored.statements
        self._advance(1)

    def _failed(self, db, source: Source, paper: PaperRef, message: str) -> None:
        with self.lock:
            with db.atomic():
                citation_store.note_fetch(db, paper.paper_id, source.name, "failed", message, citation_store.now())
        self._problem(source, paper, message)
        self._advance(1)

    def _problem(self, source: Source, paper: PaperRef | None, message: str) -> None:
        with self.lock:
            self.report.problems.append(Problem(source.label, 0, message, key=paper.citekey if paper else ""))

    def _advance(self, count: int) -> None:
        with self.lock:
            self.done += count
            done = self.done
        self.progress(done, self.total)


def refresh(library, keys: Sequence[str] | None = None, source_names: Sequence[str] | None = None,
            force: bool = False, progress: Progress = lambda done, total: None,
            cancelled: IsCancelled = lambda: False, settings: Settings | None = None) -> RefreshReport:
    """Fetch citation data for the papers with these keys (all when None) from the chosen sources
    (the enabled ones when None), skipping what was fetched within the settings' max age unless forced."""
    settings = settings or load_settings()
    sources = choose_sources(settings, source_names)
    db = open_library(library)
    try:
        papers = citation_store.paper_refs(db, list(keys) if keys else None)
        _check_keys(keys, papers)
        plans, skipped = [], 0
        for source in sources:
            recent = set() if force else citation_store.fetched_recently(db, source.name, settings.max_age_days)
            todo = [paper for paper in papers if paper.paper_id not in recent and _can_look_up(paper)]
            skipped += len(papers) - len(todo)
            plans.append(Plan(source, todo))
    finally:
        db.close()
    run = Refresh(library, plans, settings, progress, cancelled)
    run.report.papers, run.report.skipped = len(papers), skipped
    return run.run()


def choose_sources(settings: Settings, names: Sequence[str] | None) -> list[type[Source]]:
    """The named sources (an unknown name is an error), or every enabled one."""
    installed = installed_sources().sources
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


def _can_look_up(paper: PaperRef) -> bool:
    """Sources find papers by DOI, arXiv id or title; a paper with none of them is not asked about."""
    return bool(paper.doi or paper.arxiv or paper.title)
