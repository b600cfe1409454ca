"""The stance test set and training set: real sentences from ../shared with SciCite's or the project's labels.

The test set is fixed by labels alone, before any model is trained, and split from training by cited paper:
- SciCite test's result citations with their supportive / not-supportive label (mapped in labels.py);
- SciCite test's randomly drawn background and method citations, labelled by the project;
- the project's other labels (tools/annotations/stance-labels.tsv) from Athar, SciCite dev and SciCite test,
  split by cited paper: BLEU's citations and the cited papers whose sentences include contrasting ones go to the
  test side until it has TEST_CONTRASTING of them, then a quarter of the other cited papers by a hash of the id.
Training never sees a test sentence, nor any sentence citing a paper that is on the test side; nor SciCite test.
"""

from __future__ import annotations

import csv
import hashlib
import json
import zlib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import corpora

from citedesk.classify.cues import FAMILIES, findings_stance, fired
from citedesk.classify.labels import athar_result_stance, project_stance, scicite_stance
from citedesk.model import Stance

LABELS = Path(__file__).parent / "annotations" / "stance-labels.tsv"
BLEU = "P02-1040"  # its report is the one a reader checks, so all of its sentences are held out
# Contrasting sentences the test side should hold. The issue asks for 100, but the real sentences in ../shared
# hold only 90 contrasting ones once doubtful labels are settled (SciCite test's 35 and the project's 55, after
# every sentence with a contrast word was read); all of them on the test side would leave training none, so it
# takes 50 (52, whole papers) and training the rest.
TEST_CONTRASTING = 50
TEST_SHARE = 0.25  # the share of the remaining cited papers put on the test side
CALIBRATION_SHARE = 0.2  # training-side cited papers held out to calibrate a model and to set its threshold
PRECISE_CUE = 0.6  # a cue family gives weak training labels only when this precise on the training labels


@dataclass(frozen=True)
class Sentence:
    """One real citing sentence, where it comes from and the paper it cites."""

    id: str  # athar:<row> or scicite-<split>:<unique_id>
    text: str
    marker: tuple[int, int] | None
    cited: str  # the cited paper: an ACL Anthology id or a Semantic Scholar id


@dataclass(frozen=True)
class Labelled:
    """A sentence with its stance and where that label comes from."""

    sentence: Sentence
    stance: Stance
    origin: str  # scicite, project, athar (rule), weak:<cue family>, default


@cache
def sentences() -> dict[str, Sentence]:
    """Every sentence of Athar's corpus and SciCite's dev and test splits, by id."""
    found = {}
    athar = corpora.athar()
    with corpora.ATHAR.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    for number, (row, example) in enumerate(zip(rows, athar), start=1):
        found[f"athar:{number}"] = Sentence(f"athar:{number}", example.text, example.marker, row[1])
    for split in ("dev", "test"):
        for record in _scicite_records(split):
            key = f"scicite-{split}:{record['unique_id']}"
            found[key] = Sentence(key, record["string"], corpora._marker(record), _cited(record))
    return found


def athar_labels() -> dict[str, str]:
    """Athar's own p / n / o label of each of its sentences."""
    with corpora.ATHAR.open(encoding="utf-8", newline="") as handle:
        return {f"athar:{number}": row[2] for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1)}


@cache
def scicite_labels() -> dict[str, Stance | None]:
    """SciCite's own label of each dev and test sentence, as a stance (None: a result without label2)."""
    return {
        f"scicite-{split}:{r['unique_id']}": scicite_stance(r["label"], r.get("label2"), split)
        for split in ("dev", "test")
        for r in _scicite_records(split)
    }


@cache
def project_labels() -> dict[str, tuple[Stance, str]]:
    """The project's labels by id: the stance and the pool it was drawn from; texts checked against ../shared."""
    found, texts = {}, sentences()
    with LABELS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            text = texts[row["id"]].text
            if hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] != row["text_sha256_12"]:
                raise ValueError(f"{row['id']}: the text in ../shared is not the one that was labelled")
            found[row["id"]] = (project_stance(row["label"], row["doubt"], row["settled"]), row["pool"])
    return found


@cache
def test_set() -> tuple[Labelled, ...]:
    """The fixed stance test set (see the module's docstring)."""
    texts, scicite, project = sentences(), scicite_labels(), project_labels()
    chosen = [
        Labelled(texts[key], stance, "scicite")
        for key, stance in scicite.items()
        if key.startswith("scicite-test:") and stance in (Stance.SUPPORTING, Stance.CONTRASTING)
    ]
    chosen += [
        Labelled(texts[key], stance, "project")
        for key, (stance, pool) in project.items()
        if pool == "random" and key.startswith("scicite-test:")
    ]
    taken = {item.sentence.id for item in chosen}
    rest = {key: stance for key, (stance, _) in project.items() if key not in taken}
    for cited in _test_papers(rest, sum(item.stance is Stance.CONTRASTING for item in chosen)):
        chosen += [Labelled(texts[key], stance, "project") for key, stance in rest.items() if texts[key].cited == cited]
    return tuple(sorted(chosen, key=lambda item: item.sentence.id))


def test_papers() -> frozenset[str]:
    return frozenset(item.sentence.cited for item in test_set())


def _test_papers(labels: dict[str, Stance], contrasting: int) -> list[str]:
    """The cited papers whose project-labelled sentences go to the test side."""
    by_paper: dict[str, list[Stance]] = defaultdict(list)
    for key, stance in labels.items():
        by_paper[sentences()[key].cited].append(stance)
    order = sorted(by_paper, key=lambda cited: zlib.crc32(cited.encode()))
    chosen = [BLEU] if BLEU in by_paper else []
    contrasting += by_paper[BLEU].count(Stance.CONTRASTING) if chosen else 0
    for cited in order:
        if cited not in chosen and contrasting < TEST_CONTRASTING and Stance.CONTRASTING in by_paper[cited]:
            chosen.append(cited)
            contrasting += by_paper[cited].count(Stance.CONTRASTING)
    chosen += [
        c
        for c in order
        if c not in chosen
        and zlib.crc32(c.encode()) % 1000 < TEST_SHARE * 1000
        and Stance.CONTRASTING not in by_paper[c]
    ]
    return chosen


def training_set() -> list[Labelled]:
    """Every sentence outside the test side with the best label there is for it: the project's, then SciCite
    dev's, then Athar's where the rule in labels.py applies, then a precise cue family's, else mentioning."""
    held, texts = test_papers(), sentences()
    scicite, project, athar = scicite_labels(), project_labels(), athar_labels()
    precise = precise_families()
    found = []
    for key, sentence in texts.items():
        if sentence.cited in held or key.startswith("scicite-test:"):
            continue
        found.append(_best_label(sentence, project.get(key), scicite.get(key), athar.get(key), precise))
    return [item for item in found if item is not None]


def _best_label(
    sentence: Sentence,
    project: tuple[Stance, str] | None,
    scicite: Stance | None,
    athar: str | None,
    precise: frozenset[str],
) -> Labelled | None:
    if project:
        return Labelled(sentence, project[0], "project")
    if sentence.id.startswith("scicite-dev:"):
        return Labelled(sentence, scicite, "scicite") if scicite else None
    compared = athar_result_stance(athar, sentence.text) if athar in ("p", "n") else None
    if compared:
        return Labelled(sentence, compared, "athar")
    families = [family for family in fired(sentence.text) if family.name in precise]
    stances = {family.stance for family in families}
    if len(stances) == 1:
        return Labelled(sentence, stances.pop(), f"weak:{families[0].name}")
    if athar in ("p", "n"):
        return None  # sentiment without a comparison of results says nothing sure about stance
    return Labelled(sentence, Stance.MENTIONING, "default")


@cache
def precise_families() -> frozenset[str]:
    """The cue families whose stance the project's training-side labels agree with at least PRECISE_CUE."""
    return frozenset(
        name
        for name, (right, fires) in cue_precision(training_side_labels()).items()
        if fires >= 5 and right / fires >= PRECISE_CUE
    )


def training_side_labels() -> list[Labelled]:
    """The project's and SciCite dev's labels outside the test side: the held-out data for the cue families."""
    held, texts, project, scicite = test_papers(), sentences(), project_labels(), scicite_labels()
    found = [Labelled(texts[k], s, "project") for k, (s, _) in project.items() if texts[k].cited not in held]
    found += [
        Labelled(texts[k], s, "scicite")
        for k, s in scicite.items()
        if s and k.startswith("scicite-dev:") and k not in project and texts[k].cited not in held
    ]
    return found


def cue_precision(labelled: list[Labelled]) -> dict[str, tuple[int, int]]:
    """Per cue family: how often its stance is the label, and how often it fires, on these sentences."""
    counts = {family.name: [0, 0] for family in FAMILIES}
    for item in labelled:
        for family in fired(item.sentence.text):
            counts[family.name][1] += 1
            counts[family.name][0] += family.stance is item.stance
    return {name: (right, fires) for name, (right, fires) in counts.items()}


def findings_precision(labelled: list[Labelled]) -> dict[Stance, tuple[int, int]]:
    """Per stance: how often cues.findings_stance says it rightly, and how often it says it, on these."""
    counts = {Stance.SUPPORTING: [0, 0], Stance.CONTRASTING: [0, 0]}
    for item in labelled:
        said = findings_stance(item.sentence.text, item.sentence.marker)
        if said is not None:
            counts[said][1] += 1
            counts[said][0] += said is item.stance
    return {stance: (right, says) for stance, (right, says) in counts.items()}


def split_by_paper(items: list[Labelled]) -> tuple[list[Labelled], list[Labelled]]:
    """Training items to fit on and to calibrate on, split by cited paper (a salted hash, apart from the test
    split's), so calibration sees papers the fit did not."""
    held = {
        i.sentence.cited
        for i in items
        if zlib.crc32(b"calibration:" + i.sentence.cited.encode()) % 1000 < CALIBRATION_SHARE * 1000
    }
    return [i for i in items if i.sentence.cited not in held], [i for i in items if i.sentence.cited in held]


def _scicite_records(split: str) -> list[dict]:
    return [json.loads(line) for line in (corpora.SCICITE / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]


def _cited(record: dict) -> str:
    cited = record.get("citedPaperId")
    return cited if isinstance(cited, str) and cited else record["unique_id"].split(">")[-1].rsplit("_", 1)[0]
