"""What every stance classifier is: a name, a version, its labels, and a batch of sentences classified with
calibrated probabilities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from citedesk.model import Stance

Marker = tuple[int, int] | None  # a citation marker's character offsets in its sentence, when known


@dataclass(frozen=True)
class Sentence:
    """A citing sentence to classify, with where its citation marker is (character offsets) when known."""

    text: str
    marker: Marker = None
    section: str | None = None


@dataclass(frozen=True)
class Verdict:
    """A classifier's label for one sentence, and its calibrated probability."""

    label: Stance
    probability: float


class StanceClassifier:
    """A stance classifier. A plug-in subclasses it and implements `classify`; it is registered through the
    `citedesk_classifiers` hook as an instance. The one used is a setting; changing it reclassifies."""

    api_version: ClassVar[int] = 1
    name: ClassVar[str]  # "minilm3": used in settings and on the command line
    label: ClassVar[str] = ""  # what people read; the name when empty
    labels: ClassVar[tuple[Stance, ...]] = (Stance.SUPPORTING, Stance.MENTIONING, Stance.CONTRASTING)

    @property
    def version(self) -> str:
        """What statements record as the classifier that labelled them: changes when its model does."""
        raise NotImplementedError

    def classify(self, sentences: Sequence[Sentence]) -> list[Verdict]:
        """One verdict per sentence, in order."""
        raise NotImplementedError
