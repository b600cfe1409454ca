"""Give stored statements a stance, a confidence and a section with the shipped model, and again when it changes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from citedesk.classify.model import StanceModel, load_model
from citedesk.classify.sections import normalize_section
from citedesk.library.db import open_library
from citedesk.library.markers import find_marker
from citedesk.library.tallies import update_tallies
from citedesk.model import GIVEN_STANCE, Cancelled, CitedeskError

BATCH = 2000

_TODO = """
SELECT s.id FROM statements s
WHERE s.classifier_version IS NULL OR s.classifier_version NOT IN (:model, :given)
   OR (s.classifier_version = :given AND s.section = 'unknown' AND s.raw_section IS NOT NULL)
ORDER BY s.id
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
        return f"Classified {self.statements:,} statement(s) with {self.model}."


def classify_library(library, progress: Callable[[int, int], None] = lambda done, total: None,
                     cancelled: Callable[[], bool] = lambda: False) -> ClassifyReport:
    """Classify every statement the current model has not seen, a batch per transaction, so that a
    cancelled run keeps its work and the next one goes on from there."""
    model = load_model()
    db = open_library(library)
    try:
        ids = [row[0] for row in db.execute(_TODO, {"model": model.version, "given": GIVEN_STANCE})]
        for start in range(0, len(ids), BATCH):
            if cancelled():
                raise Cancelled
            with db.atomic():
                papers = _classify_batch(db, model, ids[start : start + BATCH])
                update_tallies(db, papers)
            progress(min(start + BATCH, len(ids)), len(ids))
        return ClassifyReport(len(ids), model.version)
    finally:
        db.close()


def _classify_batch(db, model: StanceModel, ids: list[int]) -> set[int]:
    """Update one batch; returns the library papers whose tallies changed."""
    changes, papers = [], set()
    rows = db.execute(_ROWS.format(marks=",".join("?" * len(ids))), ids).fetchall()
    for id_, text, start, end, raw_section, section, version, authors, year, paper_id in rows:
        section = normalize_section(raw_section).value if raw_section else section
        if version == GIVEN_STANCE:
            changes.append((None, None, GIVEN_STANCE, section, id_))
            continue
        marker = (start, end) if start is not None and end is not None else find_marker(text, authors, year)
        prediction = model.predict(text, marker)
        changes.append((prediction.stance.value, round(prediction.confidence, 4), model.version, section, id_))
        if paper_id is not None:
            papers.add(paper_id)
    db.conn.executemany(
        "UPDATE statements SET stance = coalesce(?, stance), confidence = coalesce(?, confidence), "
        "classifier_version = ?, section = ? WHERE id = ?",
        changes,
    )
    return papers


def classify_file(source: Path, target: Path) -> int:
    """Classify a JSON Lines file whose lines have a `text` (and optionally `marker_start`/`marker_end`):
    every line is written back with `label`, `confidence` and `classifier`; returns how many."""
    model = load_model()
    try:
        lines = source.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise CitedeskError(f"Cannot read {source}: {exc.strerror or exc}") from None
    out = [json.dumps(_classified(model, line, number, source), ensure_ascii=False) for number, line in _lines(lines)]
    try:
        target.write_text("".join(line + "\n" for line in out), encoding="utf-8")
    except OSError as exc:
        raise CitedeskError(f"Cannot write {target}: {exc.strerror or exc}") from None
    return len(out)


def _lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    return ((number, line) for number, line in enumerate(lines, start=1) if line.strip())


def _classified(model: StanceModel, line: str, number: int, source: Path) -> dict:
    try:
        record = json.loads(line)
    except ValueError:
        raise CitedeskError(f"{source}:{number}: not valid JSON") from None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise CitedeskError(f"{source}:{number}: each line needs a \"text\" field with the citing sentence")
    start, end = record.get("marker_start"), record.get("marker_end")
    marker = (start, end) if isinstance(start, int) and isinstance(end, int) else None
    prediction = model.predict(record["text"], marker)
    return {**record, "label": prediction.stance.value, "confidence": round(prediction.confidence, 4),
            "classifier": model.version}
