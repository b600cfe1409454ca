"""The stance classifiers' measured quality must not fall below what the README reports
(tools/evaluate_classifier.py, on data they never saw)."""

from __future__ import annotations

import pytest

from citedesk.model import Stance

# Measured with tools/evaluate_classifier.py for the shipped models (see the README); a little slack for ties.
# The issue's macro-F1 target (0.70) is not reached, and contrasting precision is exactly its 0.6 (12 of 20): see
# the README.
FLOORS = {
    "accurate_macro_f1": 0.61,
    "accurate_supporting_f1": 0.62,
    "accurate_contrasting_precision": 0.55,
    "fast_macro_f1": 0.30,
    "ece": 0.05,
    "s2ag_called_mentioning": 0.9,
}


@pytest.fixture(scope="module")
def evaluate():
    return pytest.importorskip("evaluate_classifier")


@pytest.fixture(scope="module")
def stance_test(evaluate):
    return {
        who.split(" (")[0]: result
        for who, result in ((who, evaluate.stance_test(predict)) for who, predict in evaluate.classifiers().items())
    }


def test_the_stance_test_set_is_the_fixed_one():
    stance_data = pytest.importorskip("stance_data")
    test = stance_data.test_set()
    counts = {stance: sum(item.stance is stance for item in test) for stance in Stance}
    assert len(test) >= 500 and counts[Stance.SUPPORTING] >= 100 and counts[Stance.CONTRASTING] >= 50
    held = {item.sentence.cited for item in test}
    assert not any(
        item.sentence.cited in held or item.sentence.id.startswith("scicite-test:")
        for item in stance_data.training_set()
    )


def test_the_accurate_layer_on_the_stance_test_set(stance_test):
    accurate = stance_test["accurate layer"]
    assert accurate["macro_f1"] >= FLOORS["accurate_macro_f1"]
    assert accurate["classes"]["supporting"]["f1"] >= FLOORS["accurate_supporting_f1"]
    assert accurate["classes"]["contrasting"]["precision"] >= FLOORS["accurate_contrasting_precision"]
    assert accurate["macro_f1"] > max(
        stance_test[baseline]["macro_f1"]
        for baseline in ("majority", "fast layer = previous model", "cue phrases only")
    )


def test_the_accurate_layer_is_calibrated_on_held_out_papers(evaluate):
    assert evaluate.calibration_split_ece() <= FLOORS["ece"]


def test_the_fast_layer_on_the_stance_test_set(stance_test):
    assert stance_test["fast layer = previous model"]["macro_f1"] >= FLOORS["fast_macro_f1"]


def test_sentences_semantic_scholar_calls_background_or_method_are_mentions(evaluate):
    from citedesk.classify.encoder import load_encoder

    s2ag = evaluate.s2ag_check(load_encoder().predict_many)
    assert s2ag["sentences"] >= 70
    assert s2ag["called_mentioning"] >= FLOORS["s2ag_called_mentioning"]


@pytest.mark.parametrize("number", [0, 1, 2, 3], ids=["agree", "could-not-reproduce", "consistent", "in-contrast"])
def test_the_issues_four_sentences_get_the_label_a_reader_gives_them(evaluate, number):
    from citedesk.classify.encoder import load_encoder

    quoted = evaluate.quoted_sentences(load_encoder().predict_many)[number]
    assert quoted["label"] == quoted["expected"], quoted
