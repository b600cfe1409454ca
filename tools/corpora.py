"""The labelled citing sentences in ../shared/corpus/citations, read as training and evaluation examples."""

from __future__ import annotations

import csv
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

from citedesk.classify.labels import athar_stance, scicite_stance
from citedesk.library.markers import find_marker
from citedesk.library.parsing import parse_text
from citedesk.model import Stance

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CITATIONS = SHARED / "corpus" / "citations"
ATHAR = (
    CITATIONS
    / "athar-citation-sentiment"
    / "impactcite-mirror"
    / "ImpactCite_Sentiment"
    / "data"
    / "complete_corpus.txt"
)
SCICITE = CITATIONS / "scicite" / "graphcite-mirror" / "scicite"
S2AG_SAMPLE = CITATIONS / "s2ag-citations-sample" / "samples" / "citations" / "citations-sample.jsonl"
ACL_PARTS = SHARED / "corpus" / "bibtex" / "acl-anthology-split" / "outputs" / "bibs"
_AUTHORS, _YEAR = 1, 3  # positions in a parsed entry's display columns


@dataclass(frozen=True)
class Example:
    """One labelled sentence: its text, where the cited marker is, its stance and what it was labelled."""

    text: str
    marker: tuple[int, int] | None
    stance: Stance
    label: str  # the corpus's own label: p / n / o, or background / method / result+supportive ...
    group: str  # sentences in one group never go to different sides of a split
    section: str | None = None


def group_of(text: str) -> str:
    """The same sentence, however spaced or cased, is one group (it can cite several papers)."""
    return " ".join(re.findall(r"\w+", text.lower()))


def acl_authors_and_years(keys: set[str]) -> dict[str, tuple[str | None, int | None]]:
    """Authors and year of the ACL Anthology entries with these keys, from the BibTeX in ../shared."""
    found: dict[str, tuple[str | None, int | None]] = {}
    for part in sorted(ACL_PARTS.glob("*/all_*.bib.gz")):
        text = gzip.decompress(part.read_bytes()).decode("utf-8")
        for block in parse_text(text):
            if block.kind == "entry" and block.key in keys and block.key not in found:
                found[block.key] = (block.columns[_AUTHORS], block.columns[_YEAR])
    return found


def athar() -> list[Example]:
    """Athar's 8,736 sentences; the cited marker found from the cited paper's first author and year."""
    with ATHAR.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    cited = acl_authors_and_years({row[1] for row in rows})
    return [
        Example(text, find_marker(text, *cited.get(target, (None, None))), athar_stance(label), label, group_of(text))
        for _, target, label, text in rows
    ]


def scicite(split: str) -> list[Example]:
    """SciCite's dev or test sentences that map onto a stance, with their marker offsets and section names."""
    examples = []
    for line in (SCICITE / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        stance = scicite_stance(record["label"], record.get("label2"), split)
        if stance is None:
            continue
        text, marker = record["string"], _marker(record)
        label = record["label"] + (f"+{record['label2']}" if record.get("label2") else "")
        section = record.get("sectionName") if isinstance(record.get("sectionName"), str) else None
        examples.append(Example(text, marker, stance, label, group_of(text), section))
    return examples


def scicite_sections(split: str) -> list[tuple[str, tuple[int, int] | None, str]]:
    """SciCite's dev or test sentences whose section title is known: text, marker offsets, title."""
    found = []
    for line in (SCICITE / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        title = record.get("sectionName")
        if isinstance(title, str) and title.strip():
            found.append((record["string"], _marker(record), title))
    return found


def s2ag_contexts() -> list[tuple[str, frozenset[str]]]:
    """The Semantic Scholar sample's citing sentences, each with the intents S2's own model gave its citation."""
    found = []
    for line in S2AG_SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        intents = frozenset(record.get("intents") or ())
        found += [(context, intents) for context in record.get("contexts") or () if context.strip()]
    return found


def _marker(record: dict) -> tuple[int, int] | None:
    start, end = record.get("citeStart"), record.get("citeEnd")
    if _offset(start) and _offset(end) and start < end <= len(record["string"]):
        return int(start), int(end)
    return None


def _offset(value: object) -> bool:
    return isinstance(value, (int, float)) and value == value and value >= 0  # not NaN
