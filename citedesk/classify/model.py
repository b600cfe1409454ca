"""The stance model at run time: a linear model over the sentence's features, in pure Python, from a weights file."""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from citedesk.classify.features import features
from citedesk.classify.labels import STANCES
from citedesk.model import CitedeskError, Stance

MODEL_NAME = "stance-model.json.gz"


@dataclass(frozen=True)
class Prediction:
    """A stance and how sure the model is of it (a calibrated probability)."""

    stance: Stance
    confidence: float
    probabilities: tuple[float, float, float]  # supporting, mentioning, contrasting


@dataclass
class StanceModel:
    """Weights per feature and class, an intercept, a calibration (temperature and offsets), and the
    confidence below which a statement is left unclassified."""

    version: str
    weights: dict[str, list[float]]
    intercept: list[float]
    temperature: float
    offsets: list[float]
    threshold: float

    def scores(self, text: str, marker: tuple[int, int] | None = None) -> tuple[float, float, float]:
        """The linear scores of supporting, mentioning and contrasting (trained with balanced classes)."""
        hits = [found for found in map(self.weights.get, set(features(text, marker))) if found is not None]
        b0, b1, b2 = self.intercept
        if not hits:
            return b0, b1, b2
        w0, w1, w2 = zip(*hits)
        return b0 + sum(w0), b1 + sum(w1), b2 + sum(w2)

    def calibrated(self, scores: tuple[float, float, float]) -> tuple[float, float, float]:
        """Probabilities from scores: temperature and offsets fitted on held-out sentences."""
        t, (o0, o1, o2) = self.temperature, self.offsets
        z = (scores[0] / t + o0, scores[1] / t + o1, scores[2] / t + o2)
        top = max(z)
        e0, e1, e2 = math.exp(z[0] - top), math.exp(z[1] - top), math.exp(z[2] - top)
        total = e0 + e1 + e2
        return e0 / total, e1 / total, e2 / total

    def probabilities(self, text: str, marker: tuple[int, int] | None = None) -> tuple[float, float, float]:
        """Calibrated probabilities of supporting, mentioning and contrasting."""
        return self.calibrated(self.scores(text, marker))

    def predict(self, text: str, marker: tuple[int, int] | None = None) -> Prediction:
        """The stance with the highest balanced score (rare stances are not drowned by mentions), with its
        calibrated probability as the confidence; unclassified when that is under the threshold."""
        scores = self.scores(text, marker)
        probs = self.calibrated(scores)
        best = max(range(3), key=scores.__getitem__)
        stance = STANCES[best] if probs[best] >= self.threshold else Stance.UNCLASSIFIED
        return Prediction(stance, probs[best], probs)

    def predict_many(
        self, texts: Sequence[str], markers: Sequence[tuple[int, int] | None] | None = None
    ) -> list[Prediction]:
        """Predictions for many sentences (the interface the accurate layer shares)."""
        markers = markers if markers is not None else [None] * len(texts)
        return [self.predict(text, marker) for text, marker in zip(texts, markers)]

    def to_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "classes": [stance.value for stance in STANCES],
            "intercept": self.intercept,
            "temperature": self.temperature,
            "offsets": self.offsets,
            "threshold": self.threshold,
            "weights": self.weights,
        }


def resource(name: str) -> Path:
    """A file shipped in citedesk/resources (both layers' model files)."""
    return Path(str(resources.files("citedesk") / "resources" / name))


def model_path() -> Path:
    return resource(MODEL_NAME)


def save_model(model: StanceModel, path: Path | None = None) -> Path:
    """Write the weights file (gzipped JSON, weights to 4 significant digits)."""
    path = path or model_path()
    data = json.dumps(model.to_json(), separators=(",", ":"), sort_keys=True).encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0))
    return path


@lru_cache(maxsize=2)
def load_model(path: Path | None = None) -> StanceModel:
    """The shipped model (or the one at `path`); a missing or broken file is a clear error."""
    path = path or model_path()
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError, EOFError) as exc:
        raise CitedeskError(
            f"The stance model {path} cannot be read ({exc}); reinstall CiteDesk or retrain it"
        ) from None
    if data.get("classes") != [stance.value for stance in STANCES]:
        raise CitedeskError(f"The stance model {path} has classes {data.get('classes')}, not {list(map(str, STANCES))}")
    return StanceModel(
        data["version"], data["weights"], data["intercept"], data["temperature"], data["offsets"], data["threshold"]
    )
