"""Would guessing a statement's section from its sentence help? The held-out test behind the answer.

A model over the stance model's sentence features is trained on SciCite dev's sentences whose section title is
known (titles mapped by citedesk.classify.sections) and scored on SciCite test's. CiteDesk would show a guessed
section only if the guesses it shows are nearly as trustworthy as a title: at least GUESS_PRECISION of them
right on held-out sentences, while covering at least MIN_COVERAGE of them. Until then a statement without a
title keeps an Unknown section.
"""

from __future__ import annotations

from collections import Counter

import corpora
import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import cross_val_score

from citedesk.classify.features import features
from citedesk.classify.sections import normalize_section
from citedesk.model import Section

GUESS_PRECISION = 0.9  # a shown guess must be right at least this often
MIN_COVERAGE = 0.25  # ... for at least this share of the sentences without a title
THRESHOLDS = np.arange(0.3, 0.96, 0.05)
COSTS = (0.03, 0.1, 0.3, 1.0)


def _sections(split: str) -> tuple[list[dict[str, int]], list[str]]:
    rows, sections = [], []
    for text, marker, title in corpora.scicite_sections(split):
        section = normalize_section(title)
        if section is not Section.UNKNOWN:
            rows.append(dict.fromkeys(features(text, marker), 1))
            sections.append(section.value)
    return rows, sections


def evaluate_section_guessing() -> dict:
    """Accuracy and macro-F1 beside the majority baseline, per-section scores, and how many guesses could be
    shown at each confidence with how many right; `helps` says whether guessing meets the bar."""
    train_rows, train_sections = _sections("dev")
    test_rows, truth = _sections("test")
    vectorizer = DictVectorizer()
    train = vectorizer.fit_transform(train_rows)
    model = _chosen_model(train, train_sections)
    probabilities = model.predict_proba(vectorizer.transform(test_rows))
    guesses = model.classes_[probabilities.argmax(axis=1)]
    confidence = probabilities.max(axis=1)
    majority = Counter(train_sections).most_common(1)[0][0]
    curve = _precision_by_confidence(np.array(truth), guesses, confidence)
    labels = sorted(set(truth))
    precision, recall, f1, support = precision_recall_fscore_support(truth, guesses, labels=labels, zero_division=0)
    return {
        "sentences": {"train": len(train_sections), "test": len(truth)},
        "accuracy": float(accuracy_score(truth, guesses)),
        "macro_f1": float(f1_score(truth, guesses, average="macro")),
        "majority": majority,
        "majority_accuracy": truth.count(majority) / len(truth),
        "majority_macro_f1": float(f1_score(truth, [majority] * len(truth), average="macro")),
        "per_section": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        },
        "by_confidence": curve,
        "helps": any(point["precision"] >= GUESS_PRECISION and point["coverage"] >= MIN_COVERAGE for point in curve),
    }


def _chosen_model(rows, sections: list[str]) -> LogisticRegression:
    """A balanced logistic regression whose C is chosen by 5-fold cross-validation on dev alone, never on test."""

    def model(c: float) -> LogisticRegression:
        return LogisticRegression(C=c, class_weight="balanced", max_iter=5000)

    best = max(COSTS, key=lambda c: cross_val_score(model(c), rows, sections, cv=5, scoring="f1_macro").mean())
    return model(best).fit(rows, sections)


def _precision_by_confidence(truth: np.ndarray, guesses: np.ndarray, confidence: np.ndarray) -> list[dict]:
    curve = []
    for threshold in THRESHOLDS:
        shown = confidence >= threshold
        if shown.any():
            curve.append(
                {
                    "threshold": round(float(threshold), 2),
                    "coverage": float(shown.mean()),
                    "precision": float((truth[shown] == guesses[shown]).mean()),
                }
            )
    return curve


def print_section_report(result: dict) -> None:
    print(
        f"\nSection from the sentence alone (SciCite dev -> test, {result['sentences']['test']} sentences with "
        f"a title): accuracy {result['accuracy']:.3f}, macro-F1 {result['macro_f1']:.3f}; always "
        f"'{result['majority']}': accuracy {result['majority_accuracy']:.3f}, macro-F1 {result['majority_macro_f1']:.3f}"
    )
    for label, s in result["per_section"].items():
        print(
            f"  {label:<13} precision {s['precision']:.3f}  recall {s['recall']:.3f}  F1 {s['f1']:.3f}  ({s['support']})"
        )
    best = max(
        (p for p in result["by_confidence"] if p["precision"] >= GUESS_PRECISION),
        key=lambda p: p["coverage"],
        default=None,
    )
    reach = (
        f"guesses right {GUESS_PRECISION:.0%} of the time cover {best['coverage']:.1%} of sentences"
        if best
        else f"no confidence makes guesses right {GUESS_PRECISION:.0%} of the time"
    )
    verdict = "helps: show guesses" if result["helps"] else "does not help: sections without a title stay Unknown"
    print(f"  {reach} (needed: {MIN_COVERAGE:.0%}); guessing {verdict}")
