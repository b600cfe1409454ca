"""Give stored statements a stance, a confidence and a section, in two layers: the fast classifier labels
statements the moment they are stored, the chosen one (a setting; the accurate built-in by default) re-labels
every statement it has not seen in the background (a chosen paper's first), and again whenever it changes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from citedesk.classify import choice
from citedesk.classify.builtin import FAST
from citedesk.classify.plugin import Marker, Sentence, StanceClassifier, Verdict
from citedesk.classify.sections import normalize_section
from citedesk.jobs.base import IsCancelled, PathLike, Progress, never, no_progress
from citedesk.library.db import open_library
from citedesk.library.markers import find_marker
from citedesk.library.tallies import update_tallies
from citedesk.model import GIVEN_STANCE, Cancelled, CitedeskError, Stance, count
from citedesk.plugins import Registry, build_registry

BATCH = 256  # statements per transaction: under a second of the accurate model, so a chosen paper soon goes first

_SECTION_DUE = "(s.classifier_version = :given AND s.section = 'unknown' AND s.raw_section IS NOT NULL)"
_OUTDATED = f"(s.classifier_version IS NULL OR s.classifier_version NOT IN (:model, :given) OR {_SECTION_DUE})"
_TODO = f"SELECT s.id FROM statements s WHERE {_OUTDATED} ORDER BY s.id"
_NEW = f"SELECT s.id FROM statements s WHERE s.classifier_version IS NULL OR {_SECTION_DUE} ORDER BY s.id"
_OF_PAPER = f"""
SELECT s.id FROM statements s JOIN citations c ON c.id = s.citation_id JOIN works w ON w.id = c.cited_work_id
WHERE w.paper_id = :paper AND {_OUTDATED} ORDER BY s.id
"""
_ROWS = """
SELECT s.id, s.text, s.marker_start, s.marker_end, s.raw_section, s.section, s.classifier_version,
       cited.authors, cited.year, cited.paper_id
FROM statements s JOIN citations c ON c.id = s.citation_id JOIN works cited ON cited.id = c.cited_work_id
WHERE s.id IN ({marks})
"""


@dataclass
class ClassifyReport:
    """How many statements were classified, and with which model."""

    statements: int
    model: str

    def summary(self) -> str:
        return f"Classified {count(self.statements, 'statement')} with {self.model}."


def chosen_classifier(registry: Registry | None = None) -> StanceClassifier:
    """The classifier the library's statements end with: the one chosen in the settings."""
    return choice.in_use(registry if registry is not None else build_registry())


def choose_classifier(name: str, *, registry: Registry | None = None) -> str:
    """Make the named classifier the one statements are labelled with (`classify` then labels them again);
    returns what people call it."""
    chosen = choice.choose(name, registry if registry is not None else build_registry())
    return chosen.label or chosen.name


def classifier_in_use(*, registry: Registry | None = None) -> str:
    """The name of the classifier statements are labelled with."""
    return chosen_classifier(registry).name


def classify(
    library: PathLike | None,
    *,
    progress: Progress = no_progress,
    cancelled: IsCancelled = never,
    first: Callable[[], int | None] = lambda: None,
    first_done: Callable[[int], None] = lambda paper: None,
    registry: Registry | None = None,
) -> ClassifyReport:
    """Classify, with the chosen classifier, the statements it has not classified yet (all of them after a new
    model or another choice), the statements of the paper `first()` names before the others (`first_done(paper)`
    after them)."""
    return classify_library(library, progress, cancelled, first=first, first_done=first_done, registry=registry)


def label_new(library: PathLike | None) -> ClassifyReport:
    """Label the statements that have no label yet with the fast layer (the chosen one follows)."""
    return classify_library(library, classifier=FAST, only_new=True)


def classify_library(
    library: PathLike | None,
    progress: Progress = no_progress,
    cancelled: IsCancelled = never,
    *,
    classifier: StanceClassifier | None = None,
    registry: Registry | None = None,
    first: Callable[[], int | None] = lambda: None,
    only_new: bool = False,
    first_done: Callable[[int], None] = lambda paper: None,
) -> ClassifyReport:
    """Classify every statement `classifier` (the chosen one by default) has not labelled, a batch per
    transaction, so that a cancelled run keeps its work and the next one goes on from there. Before each
    batch, the statements of the paper `first()` names (the one open in the window) move to the front, and
    `first_done(paper)` says when they have all been classified."""
    classifier = classifier if classifier is not None else chosen_classifier(registry)
    version = classifier.version
    db = open_library(library)
    try:
        names = {"model": version, "given": GIVEN_STANCE}
        queue = [row[0] for row in db.execute(_NEW if only_new else _TODO, names)]
        total, done, ahead, left = len(queue), 0, None, 0
        while queue:
            if cancelled():
                raise Cancelled
            wanted = first()
            if wanted is not None and wanted != ahead:
                queue, left = _put_first(queue, [r[0] for r in db.execute(_OF_PAPER, {**names, "paper": wanted})])
                ahead = wanted
            batch, queue = queue[:BATCH], queue[BATCH:]
            with db.atomic():
                update_tallies(db, _classify_batch(db, classifier, version, batch))
            done += len(batch)
            if left > 0:
                left -= len(batch)
                if left <= 0 and ahead is not None:
                    first_done(ahead)
            progress(done, total)
        return ClassifyReport(total, version)
    finally:
        db.close()


def _put_first(queue: list[int], first: list[int]) -> tuple[list[int], int]:
    """The queue with `first`'s ids (those still in it) at its front, and how many they are."""
    chosen = set(first) & set(queue)
    return [i for i in first if i in chosen] + [i for i in queue if i not in chosen], len(chosen)


def _classify_batch(db: sqlite_utils.Database, classifier: StanceClassifier, version: str, ids: list[int]) -> set[int]:
    """Update one batch; returns the library papers whose tallies changed."""
    changes: list[tuple[str | None, float | None, str, str | None, int]] = []
    papers: set[int] = set()
    todo: list[tuple[int, Sentence]] = []
    rows = db.execute(_ROWS.format(marks=",".join("?" * len(ids))), ids).fetchall()
    for id_, text, start, end, raw_section, section, given, authors, year, paper_id in rows:
        section = normalize_section(raw_section).value if raw_section else section
        if given == GIVEN_STANCE:
            changes.append((None, None, GIVEN_STANCE, section, id_))
            continue
        marker = (start, end) if start is not None and end is not None else find_marker(text, authors, year)
        todo.append((id_, Sentence(text, marker, section)))
        if paper_id is not None:
            papers.add(paper_id)
    verdicts = classify_sentences(classifier, [sentence for _, sentence in todo])
    for (id_, sentence), verdict in zip(todo, verdicts):
        changes.append((verdict.label.value, round(verdict.probability, 4), version, sentence.section, id_))
    db.conn.executemany(
        "UPDATE statements SET stance = coalesce(?, stance), confidence = coalesce(?, confidence), "
        "classifier_version = ?, section = ? WHERE id = ?",
        changes,
    )
    return papers


def classify_sentences(classifier: StanceClassifier, sentences: list[Sentence]) -> list[Verdict]:
    """The classifier's verdicts, one per sentence, each a stance with a probability; a classifier (perhaps a
    plug-in's) that answers anything else is a clear error, and nothing of the batch is stored."""
    verdicts = list(classifier.classify(sentences)) if sentences else []
    if len(verdicts) != len(sentences):
        raise CitedeskError(
            f"The classifier {classifier.name} gave {len(verdicts)} labels for {count(len(sentences), 'sentence')}"
        )
    for verdict in verdicts:
        if (
            not isinstance(verdict, Verdict)
            or not isinstance(verdict.label, Stance)
            or not (isinstance(verdict.probability, int | float) and 0 <= verdict.probability <= 1)
        ):
            raise CitedeskError(f"The classifier {classifier.name} gave {verdict!r}, not a stance with a probability")
    return verdicts


def classify_file(source: PathLike, target: PathLike, *, registry: Registry | None = None) -> int:
    """Classify a JSON Lines file whose lines have a `text` (and optionally `marker_start`/`marker_end`) with
    the chosen classifier: every line is written back with `label`, `confidence` and `classifier`; returns how many."""
    classifier, source, target = chosen_classifier(registry), Path(source), Path(target)
    try:
        lines = source.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise CitedeskError(f"Cannot read {source}: {exc.strerror or exc}") from None
    records = [_record(line, number, source) for number, line in _lines(lines)]
    verdicts = classify_sentences(classifier, [Sentence(r["text"], _marker_of(r)) for r in records])
    version = classifier.version
    out = [
        json.dumps(
            {**r, "label": v.label.value, "confidence": round(v.probability, 4), "classifier": version},
            ensure_ascii=False,
        )
        for r, v in zip(records, verdicts)
    ]
    try:
        target.write_text("".join(line + "\n" for line in out), encoding="utf-8")
    except OSError as exc:
        raise CitedeskError(f"Cannot write {target}: {exc.strerror or exc}") from None
    return len(out)


def _lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    return ((number, line) for number, line in enumerate(lines, start=1) if line.strip())


def _record(line: str, number: int, source: Path) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except ValueError:
        raise CitedeskError(f"{source}:{number}: not valid JSON") from None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise CitedeskError(f'{source}:{number}: each line needs a "text" field with the citing sentence')
    return record


def _marker_of(record: dict[str, Any]) -> Marker:
    start, end = record.get("marker_start"), record.get("marker_end")
    return (start, end) if isinstance(start, int) and isinstance(end, int) else None
