"""How the stance model is trained and measured (scikit-learn and SciPy, development only): one recipe for
the shipped model and for every evaluation, so that what is measured is what is shipped."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from citedesk.classify.features import features
from citedesk.classify.labels import STANCES
from citedesk.classify.model import StanceModel
from citedesk.model import Stance

C = 0.1  # inverse regularisation strength, chosen by grouped cross-validation on Athar (0.03 .. 3 tried)
MIN_COUNT = 2  # features seen in fewer training sentences are dropped
CALIBRATION_SHARE = 0.2  # groups held out from the first fit to calibrate and to set the threshold
MIN_EVIDENCE_PRECISION = 0.5  # supporting / contrasting are said only when right at least this often


@dataclass
class Matrix:
    """Sentences as binary feature rows over a vocabulary, with their classes (indices into STANCES)."""

    rows: csr_matrix
    classes: np.ndarray


def feature_lists(examples: Sequence) -> list[list[str]]:
    return [sorted(set(features(example.text, example.marker))) for example in examples]


def vocabulary_of(lists: list[list[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for found in lists:
        for feature in found:
            counts[feature] = counts.get(feature, 0) + 1
    kept = sorted(feature for feature, count in counts.items() if count >= MIN_COUNT)
    return {feature: index for index, feature in enumerate(kept)}


def matrix(lists: list[list[str]], examples: Sequence, vocabulary: dict[str, int]) -> Matrix:
    indices, pointers = [], [0]
    for found in lists:
        indices += [vocabulary[feature] for feature in found if feature in vocabulary]
        pointers.append(len(indices))
    rows = csr_matrix((np.ones(len(indices)), indices, pointers), shape=(len(lists), len(vocabulary)))
    return Matrix(rows, np.array([STANCES.index(example.stance) for example in examples]))


def fit(lists: list[list[str]], examples: Sequence) -> tuple[LogisticRegression, dict[str, int]]:
    vocabulary = vocabulary_of(lists)
    data = matrix(lists, examples, vocabulary)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    model.fit(data.rows, data.classes)
    return model, vocabulary


def calibrate(logits: np.ndarray, classes: np.ndarray) -> tuple[float, list[float]]:
    """A temperature and per-class offsets that minimise the log loss of the held-out sentences
    (the class weights that balance training distort probabilities; this undoes it)."""

    def loss(params: np.ndarray) -> float:
        z = logits / params[0] + np.array([params[1], params[2], params[3]])
        z = z - z.max(axis=1, keepdims=True)
        log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_probs[np.arange(len(classes)), classes].mean())

    result = minimize(
        loss, np.array([1.0, 0.0, 0.0, 0.0]), method="L-BFGS-B", bounds=[(0.05, 20.0), (-10, 10), (-10, 10), (-10, 10)]
    )
    return float(result.x[0]), [float(value) for value in result.x[1:]]


def choose_threshold(
    best: np.ndarray, probs: np.ndarray, classes: np.ndarray, precision: float = MIN_EVIDENCE_PRECISION
) -> float:
    """The lowest confidence at which the supporting / contrasting predictions `best` are right at least
    `precision` of the time on held-out sentences; below it the model says unclassified."""
    confidence = probs[np.arange(len(best)), best]
    evidence = best != STANCES.index(Stance.MENTIONING)
    for threshold in np.arange(0.0, 0.96, 0.01):
        chosen = evidence & (confidence >= threshold)
        if chosen.sum() >= 10 and (best[chosen] == classes[chosen]).mean() >= precision:
            return round(float(threshold), 2)
    return 0.95


def split_groups(examples: Sequence, share: float) -> tuple[list[int], list[int]]:
    """A fixed split by group: a group is held out when a hash of it falls under `share`."""
    held = [i for i, e in enumerate(examples) if zlib.crc32(e.group.encode()) % 1000 < share * 1000]
    kept = sorted(set(range(len(examples))) - set(held))
    return kept, held


def train(examples: Sequence) -> StanceModel:
    """Fit on 80% of the groups, calibrate and set the threshold on the other 20%, then fit on all."""
    lists = feature_lists(examples)
    kept, held = split_groups(examples, CALIBRATION_SHARE)
    first, vocabulary = fit([lists[i] for i in kept], [examples[i] for i in kept])
    held_data = matrix([lists[i] for i in held], [examples[i] for i in held], vocabulary)
    logits = first.decision_function(held_data.rows)
    temperature, offsets = calibrate(logits, held_data.classes)
    probs = _softmax(logits / temperature + np.array(offsets))
    threshold = choose_threshold(logits.argmax(axis=1), probs, held_data.classes)
    final, vocabulary = fit(lists, examples)
    return _stance_model(final, vocabulary, temperature, offsets, threshold)


def _stance_model(
    model: LogisticRegression, vocabulary: dict[str, int], temperature: float, offsets: list[float], threshold: float
) -> StanceModel:
    coef = model.coef_  # (3, features), rows in STANCES order since classes are 0, 1, 2
    weights = {
        feature: [_round(coef[0, i]), _round(coef[1, i]), _round(coef[2, i])]
        for feature, i in vocabulary.items()
        if np.abs(coef[:, i]).max() >= 1e-3
    }
    digest = hashlib.sha256(repr(sorted(weights.items())).encode()).hexdigest()[:8]
    return StanceModel(
        f"linear-{digest}",
        weights,
        [_round(v) for v in model.intercept_],
        round(temperature, 4),
        [round(v, 4) for v in offsets],
        threshold,
    )


def _round(value: float) -> float:
    return float(f"{value:.4g}")


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 15) -> float:
    """Top-label ECE: the gap between confidence and accuracy, averaged over equal-width bins by size."""
    total, error = len(confidence), 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidence) if low < c <= high or (b == 0 and c == 0)]
        if members:
            accuracy = sum(correct[i] for i in members) / len(members)
            mean = sum(confidence[i] for i in members) / len(members)
            error += len(members) / total * abs(accuracy - mean)
    return error
