"""Measure the stance model: Athar 10-fold cross-validation, SciCite's held-out test split, calibration; and
whether a section could be guessed from the sentence (tools/section_guessing.py).

Run: python tools/evaluate_classifier.py [--json]   (needs the `train` extra)
Splits are fixed: Athar's folds are sklearn's GroupKFold(10) over sentences grouped by their words (the same
sentence citing two papers never sits on both sides); each fold's model is trained by the shipped recipe on
the other nine folds plus SciCite dev. SciCite test is scored with the shipped model, which never saw it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from sklearn.metrics import precision_recall_fscore_support  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

import corpora  # noqa: E402
from section_guessing import evaluate_section_guessing, print_section_report  # noqa: E402
from stance_training import expected_calibration_error, train  # noqa: E402

from citedesk.classify.labels import ATHAR_NAMES, S2_MENTIONING_INTENTS, STANCES  # noqa: E402
from citedesk.classify.model import StanceModel, load_model  # noqa: E402
from citedesk.model import Stance  # noqa: E402

FOLDS = 10
ATHAR_CLASSES = {Stance.SUPPORTING: "p", Stance.MENTIONING: "o", Stance.CONTRASTING: "n"}


def athar_cross_validation() -> dict:
    """Macro-F1 over positive / negative / objective, and calibration, on held-out folds only."""
    athar, extra = corpora.athar(), corpora.scicite("dev")
    truth, predicted, confidence = [], [], []
    for train_rows, test_rows in GroupKFold(FOLDS).split(athar, groups=[e.group for e in athar]):
        model = train([athar[i] for i in train_rows] + extra)
        for i in test_rows:
            prediction = model.predict(athar[i].text, athar[i].marker)
            best = max(range(3), key=model.scores(athar[i].text, athar[i].marker).__getitem__)  # no abstaining here
            truth.append(athar[i].label)
            predicted.append(ATHAR_CLASSES[STANCES[best]])
            confidence.append(prediction.probabilities[best])
    labels = ["p", "n", "o"]
    _, _, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    correct = [t == p for t, p in zip(truth, predicted)]
    return {
        "macro_f1": float(sum(f1) / 3),
        "f1": {ATHAR_NAMES[label]: float(value) for label, value in zip(labels, f1)},
        "support": {ATHAR_NAMES[label]: int(value) for label, value in zip(labels, support)},
        "ece": expected_calibration_error(confidence, correct),
        "accuracy": sum(correct) / len(correct),
    }


def scicite_test(model: StanceModel) -> dict:
    """Supporting vs contrasting on result citations, mentioning vs not on all, beside majority baselines."""
    test = corpora.scicite("test")
    scores = [model.scores(e.text, e.marker) for e in test]
    probs = [model.calibrated(s) for s in scores]
    best = [max(range(3), key=s.__getitem__) for s in scores]
    evidence = [(e, s) for e, s in zip(test, scores) if e.stance is not Stance.MENTIONING]
    sup_truth = [e.stance.value for e, _ in evidence]
    sup_pred = ["supporting" if s[0] >= s[2] else "contrasting" for _, s in evidence]
    men_truth = ["mentioning" if e.stance is Stance.MENTIONING else "not mentioning" for e in test]
    men_pred = ["mentioning" if b == 1 else "not mentioning" for b in best]
    return {
        "supporting_vs_contrasting": _scores(sup_truth, sup_pred, ["supporting", "contrasting"]),
        "mentioning_vs_not": _scores(men_truth, men_pred, ["mentioning", "not mentioning"]),
        "ece": expected_calibration_error([p[b] for p, b in zip(probs, best)],
                                          [STANCES[b] is e.stance for e, b in zip(test, best)]),
        "unclassified_share": sum(p[b] < model.threshold for p, b in zip(probs, best)) / len(probs),
    }


def s2ag_check(model: StanceModel) -> dict:
    """On the Semantic Scholar sample (never trained on, mostly outside NLP): how often the model calls
    mentioning the sentences whose citation S2 gave only background / methodology intents."""
    mentions = [text for text, intents in corpora.s2ag_contexts() if intents and intents <= S2_MENTIONING_INTENTS]
    called = sum(model.predict(text).stance is Stance.MENTIONING for text in mentions)
    return {"sentences": len(mentions), "called_mentioning": called / len(mentions)}


def _scores(truth: list[str], predicted: list[str], labels: list[str]) -> dict:
    majority = max(labels, key=truth.count)
    result = {}
    for name, guesses in (("model", predicted), ("majority baseline", [majority] * len(truth))):
        p, r, f, s = precision_recall_fscore_support(truth, guesses, labels=labels, zero_division=0)
        result[name] = {label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
                        for i, label in enumerate(labels)}
    return result


def print_report(results: dict) -> None:
    athar = results["athar"]
    print(f"Athar, {FOLDS}-fold grouped cross-validation: macro-F1 {athar['macro_f1']:.3f} "
          f"(positive {athar['f1']['positive']:.3f}, negative {athar['f1']['negative']:.3f}, "
          f"objective {athar['f1']['objective']:.3f}); accuracy {athar['accuracy']:.3f}; ECE {athar['ece']:.3f}")
    scicite = results["scicite"]
    for task in ("supporting_vs_contrasting", "mentioning_vs_not"):
        print(f"\nSciCite test, {task.replace('_', ' ')}:")
        print(f"| {'':<18} | {'class':<15} | precision | recall |   F1  | support |")
        for who, classes in scicite[task].items():
            for label, s in classes.items():
                print(f"| {who:<18} | {label:<15} | {s['precision']:9.3f} | {s['recall']:6.3f} | {s['f1']:.3f} | {s['support']:7} |")
    print(f"\nSciCite test: ECE {scicite['ece']:.3f}; unclassified {scicite['unclassified_share']:.1%} "
          f"at the model's threshold {results['threshold']}")
    s2ag = results["s2ag"]
    print(f"Semantic Scholar sample: {s2ag['called_mentioning']:.1%} of the {s2ag['sentences']} sentences S2 calls "
          f"background or methodology are called mentioning")
    print_section_report(results["sections"])


def main() -> int:
    model = load_model()
    results = {"model": model.version, "threshold": model.threshold, "athar": athar_cross_validation(),
               "scicite": scicite_test(model), "s2ag": s2ag_check(model), "sections": evaluate_section_guessing()}
    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))
    else:
        print_report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
