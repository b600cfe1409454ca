"""Measure the stance classifiers on data they never saw: the fixed stance test set (tools/stance_data.py) beside
a majority baseline, a cue-phrase-only baseline and the previous model; SciCite's test split; Athar's
sentiment (secondary); the Semantic Scholar sample; calibration; each cue family's precision; and whether a
section could be guessed from the sentence (tools/section_guessing.py).

Run: python tools/evaluate_classifier.py [--json] [--athar]   (needs the `train` extra)
Athar's 10-fold grouped cross-validation trains the fast layer's recipe ten times (--athar, a minute or two).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import corpora
import stance_data
from section_guessing import evaluate_section_guessing, print_section_report
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from stance_training import expected_calibration_error, train

from citedesk.classify.cues import cue_stance
from citedesk.classify.encoder import load_encoder
from citedesk.classify.labels import ATHAR_NAMES, S2_MENTIONING_INTENTS, STANCES
from citedesk.classify.model import Prediction, load_model
from citedesk.model import Stance

FOLDS = 10
ATHAR_CLASSES = {Stance.SUPPORTING: "p", Stance.MENTIONING: "o", Stance.CONTRASTING: "n"}
NAMES = [stance.value for stance in STANCES]
# The sentences issue 10 quoted, with the label a reader gives them (marker offsets found by their text).
QUOTED = (
    ("Our estimates agree closely with those reported by Kim et al. (2019).", "Kim et al. (2019)", Stance.SUPPORTING),
    (
        "We could not reproduce the gains reported by Alvarez and Chen (2020); accuracy fell by four points.",
        "Alvarez and Chen (2020)",
        Stance.CONTRASTING,
    ),
    (
        "Our results are consistent with earlier reports of reduced uptake in older patients [12].",
        "[12]",
        Stance.SUPPORTING,
    ),
    (
        "In contrast to (Lee et al., 2015), we fail to find any association between dose and response.",
        "(Lee et al., 2015)",
        Stance.CONTRASTING,
    ),
)

Predict = Callable[[Sequence[str], Sequence[tuple[int, int] | None]], list[Prediction]]


def classifiers() -> dict[str, Predict]:
    """What the stance test set is scored for: the two layers and the three baselines."""
    accurate, fast = load_encoder(), load_model()
    majority = Prediction(Stance.MENTIONING, 1.0, (0.0, 1.0, 0.0))
    return {
        f"accurate layer ({accurate.version})": accurate.predict_many,
        f"fast layer = previous model ({fast.version})": fast.predict_many,
        "cue phrases only": lambda texts, markers: [_cue_prediction(t) for t in texts],
        "majority (mentioning)": lambda texts, markers: [majority] * len(texts),
    }


def _cue_prediction(text: str) -> Prediction:
    stance = cue_stance(text)
    return Prediction(stance, 1.0, tuple(1.0 if s is stance else 0.0 for s in STANCES))  # type: ignore[arg-type]


def stance_test(predict: Predict) -> dict:
    """Per-class precision / recall / F1 and macro-F1 over the three stances (an unclassified call counts as
    a miss), calibration and the share left unclassified, on the fixed test set."""
    items = stance_data.test_set()
    predictions = predict([i.sentence.text for i in items], [i.sentence.marker for i in items])
    truth = [i.stance.value for i in items]
    called = [p.stance.value for p in predictions]
    p, r, f, s = precision_recall_fscore_support(truth, called, labels=NAMES, zero_division=0)
    return {
        "macro_f1": float(sum(f) / 3),
        "classes": {
            name: {"precision": float(p[k]), "recall": float(r[k]), "f1": float(f[k]), "support": int(s[k])}
            for k, name in enumerate(NAMES)
        },
        "ece": _ece(predictions, [i.stance for i in items]),
        "unclassified_share": called.count(Stance.UNCLASSIFIED.value) / len(called),
        "sentences": len(items),
    }


def _ece(predictions: Sequence[Prediction], truth: Sequence[Stance]) -> float:
    """Top-label ECE of the calibrated probabilities (unclassified calls included, at their best class)."""
    best = [max(range(3), key=p.probabilities.__getitem__) for p in predictions]
    return expected_calibration_error(
        [p.probabilities[b] for p, b in zip(predictions, best)], [STANCES[b] is t for b, t in zip(best, truth)]
    )


def calibration_split_ece() -> float:
    """The accurate layer's ECE on the training-side cited papers held out to calibrate it (natural mix)."""
    _, held = stance_data.split_by_paper(stance_data.training_set())
    predictions = load_encoder().predict_many([i.sentence.text for i in held], [i.sentence.marker for i in held])
    return _ece(predictions, [i.stance for i in held])


def scicite_test(predict: Predict) -> dict:
    """Supporting vs contrasting on result citations, mentioning vs not on all, beside majority baselines."""
    test = corpora.scicite("test")
    predictions = predict([e.text for e in test], [e.marker for e in test])
    evidence = [(e, p) for e, p in zip(test, predictions) if e.stance is not Stance.MENTIONING]
    sup_truth = [e.stance.value for e, _ in evidence]
    sup_pred = ["supporting" if p.probabilities[0] >= p.probabilities[2] else "contrasting" for _, p in evidence]
    men_truth = ["mentioning" if e.stance is Stance.MENTIONING else "not mentioning" for e in test]
    men_pred = ["mentioning" if p.stance is Stance.MENTIONING else "not mentioning" for p in predictions]
    return {
        "supporting_vs_contrasting": _scores(sup_truth, sup_pred, ["supporting", "contrasting"]),
        "mentioning_vs_not": _scores(men_truth, men_pred, ["mentioning", "not mentioning"]),
    }


def s2ag_check(predict: Predict) -> dict:
    """On the Semantic Scholar sample (never trained on, mostly outside NLP): how often the model calls
    mentioning the sentences whose citation S2 gave only background / methodology intents."""
    mentions = [text for text, intents in corpora.s2ag_contexts() if intents and intents <= S2_MENTIONING_INTENTS]
    called = sum(p.stance is Stance.MENTIONING for p in predict(mentions, [None] * len(mentions)))
    return {"sentences": len(mentions), "called_mentioning": called / len(mentions)}


def quoted_sentences(predict: Predict) -> list[dict]:
    """The issue's four plain sentences, with what the model calls them."""
    markers = [(text.index(mark), text.index(mark) + len(mark)) for text, mark, _ in QUOTED]
    predictions = predict([text for text, _, _ in QUOTED], markers)
    return [
        {"text": text, "expected": stance.value, "label": p.stance.value, "confidence": p.confidence}
        for (text, _, stance), p in zip(QUOTED, predictions)
    ]


def cue_families() -> dict[str, dict]:
    """Each labelling function's precision where it fires, on the training side's labels (which decide which
    families give weak labels) and on the test set (held out from everything)."""
    train_side = stance_data.cue_precision(stance_data.training_side_labels())
    test_side = stance_data.cue_precision(list(stance_data.test_set()))
    precise = stance_data.precise_families()
    return {
        name: {"training side": train_side[name], "test set": test_side[name], "weak labels": name in precise}
        for name in train_side
    }


def findings_rule() -> dict[str, dict]:
    """The accurate layer's rule (cues.findings_stance) per stance: right / says on the training side's labels
    (which set its confidence) and on the test set."""
    train_side = stance_data.findings_precision(stance_data.training_side_labels())
    test_side = stance_data.findings_precision(list(stance_data.test_set()))
    return {stance.value: {"training side": train_side[stance], "test set": test_side[stance]} for stance in train_side}


def athar_cross_validation() -> dict:
    """Sentiment (secondary): macro-F1 over positive / negative / objective on held-out grouped folds, each
    fold's model trained by the fast layer's recipe on the other nine folds plus SciCite dev."""
    athar, extra = corpora.athar(), corpora.scicite("dev")
    truth, predicted = [], []
    for train_rows, test_rows in GroupKFold(FOLDS).split(athar, groups=[e.group for e in athar]):
        model = train([athar[i] for i in train_rows] + extra)
        for i in test_rows:
            best = max(range(3), key=model.scores(athar[i].text, athar[i].marker).__getitem__)
            truth.append(athar[i].label)
            predicted.append(ATHAR_CLASSES[STANCES[best]])
    labels = ["p", "n", "o"]
    _, _, f1, _ = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    return {"macro_f1": float(sum(f1) / 3), "f1": {ATHAR_NAMES[label]: float(v) for label, v in zip(labels, f1)}}


def _scores(truth: list[str], predicted: list[str], labels: list[str]) -> dict:
    majority = max(labels, key=truth.count)
    result = {}
    for name, guesses in (("model", predicted), ("majority baseline", [majority] * len(truth))):
        p, r, f, s = precision_recall_fscore_support(truth, guesses, labels=labels, zero_division=0)
        result[name] = {
            label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, label in enumerate(labels)
        }
    return result


def print_report(results: dict) -> None:
    test = next(iter(results["stance_test"].values()))
    print(
        f"Stance test set: {test['sentences']} sentences, "
        + ", ".join(f"{name} {test['classes'][name]['support']}" for name in NAMES)
    )
    print(f"| {'':<36} | macro-F1 | F1 sup / men / con | precision con | recall con | ECE   | unclassified |")
    for who, r in results["stance_test"].items():
        c = r["classes"]
        print(
            f"| {who:<36} | {r['macro_f1']:8.3f} | {c['supporting']['f1']:.3f} / {c['mentioning']['f1']:.3f} / "
            f"{c['contrasting']['f1']:.3f} | {c['contrasting']['precision']:13.3f} | {c['contrasting']['recall']:10.3f} "
            f"| {r['ece']:.3f} | {r['unclassified_share']:11.1%} |"
        )
    print(f"\nAccurate layer, ECE on the held-out calibration papers (natural mix): {results['calibration_ece']:.3f}")
    for task in ("supporting_vs_contrasting", "mentioning_vs_not"):
        print(f"\nSciCite test (accurate layer), {task.replace('_', ' ')}:")
        for who, classes in results["scicite"][task].items():
            for label, s in classes.items():
                print(
                    f"| {who:<18} | {label:<15} | P {s['precision']:.3f} | R {s['recall']:.3f} | F1 {s['f1']:.3f} "
                    f"| {s['support']:5} |"
                )
    s2ag = results["s2ag"]
    print(
        f"\nSemantic Scholar sample: {s2ag['called_mentioning']:.1%} of the {s2ag['sentences']} sentences S2 calls "
        "background or methodology are called mentioning"
    )
    print("\nThe issue's four sentences (accurate layer):")
    for q in results["quoted"]:
        mark = "ok " if q["label"] == q["expected"] else "NO "
        print(f"  {mark}{q['label']:<12} {q['confidence']:.0%}  {q['text']}")
    print("\nCue families: right / fires on the training side's labels and on the test set")
    for name, c in results["cues"].items():
        print(
            f"  {name:<22} {c['training side'][0]:>3} / {c['training side'][1]:<4} {c['test set'][0]:>3} / "
            f"{c['test set'][1]:<4} {'(gives weak labels)' if c['weak labels'] else ''}"
        )
    print("\nThe findings rule (cue families in a sentence about findings): right / says, training side and test set")
    for name, c in results["findings"].items():
        print(
            f"  {name:<22} {c['training side'][0]:>3} / {c['training side'][1]:<4} {c['test set'][0]:>3} / {c['test set'][1]:<4}"
        )
    if "athar" in results:
        a = results["athar"]
        print(
            f"\nAthar (sentiment, secondary), {FOLDS}-fold grouped, fast recipe: macro-F1 {a['macro_f1']:.3f} "
            f"(positive {a['f1']['positive']:.3f}, negative {a['f1']['negative']:.3f}, objective {a['f1']['objective']:.3f})"
        )
    print_section_report(results["sections"])


def evaluate(athar: bool = False) -> dict:
    accurate = load_encoder().predict_many
    results = {
        "stance_test": {who: stance_test(predict) for who, predict in classifiers().items()},
        "calibration_ece": calibration_split_ece(),
        "scicite": scicite_test(accurate),
        "s2ag": s2ag_check(accurate),
        "quoted": quoted_sentences(accurate),
        "cues": cue_families(),
        "findings": findings_rule(),
        "sections": evaluate_section_guessing(),
    }
    if athar:
        results["athar"] = athar_cross_validation()
    return results


def main() -> int:
    results = evaluate(athar="--athar" in sys.argv)
    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))
    else:
        print_report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
