"""The stance model's measured quality must not fall below what the README reports (tools/evaluate_classifier.py)."""

from __future__ import annotations

import pytest

from citedesk.classify.model import load_model

# Measured with tools/evaluate_classifier.py for the shipped model (see the README); a little slack for ties.
FLOORS = {
    "athar_macro_f1": 0.58,
    "athar_ece": 0.05,
    "scicite_ece": 0.05,
    "supporting_f1": 0.74,
    "contrasting_f1": 0.33,
    "not_mentioning_f1": 0.45,
    "s2ag_called_mentioning": 0.9,
}


@pytest.fixture(scope="module")
def scicite():
    evaluate = pytest.importorskip("evaluate_classifier")
    return evaluate.scicite_test(load_model())


def test_scicite_test_split(scicite):
    support = scicite["supporting_vs_contrasting"]["model"]
    mentioning = scicite["mentioning_vs_not"]["model"]
    assert support["supporting"]["f1"] >= FLOORS["supporting_f1"]
    assert support["contrasting"]["f1"] >= FLOORS["contrasting_f1"]
    assert mentioning["not mentioning"]["f1"] >= FLOORS["not_mentioning_f1"]
    baseline = scicite["mentioning_vs_not"]["majority baseline"]
    assert mentioning["not mentioning"]["f1"] > baseline["not mentioning"]["f1"]


def test_scicite_calibration(scicite):
    assert scicite["ece"] <= FLOORS["scicite_ece"]


def test_sentences_semantic_scholar_calls_background_or_method_are_mentions():
    evaluate = pytest.importorskip("evaluate_classifier")
    s2ag = evaluate.s2ag_check(load_model())
    assert s2ag["sentences"] >= 70
    assert s2ag["called_mentioning"] >= FLOORS["s2ag_called_mentioning"]


@pytest.mark.slow
def test_athar_cross_validation():
    evaluate = pytest.importorskip("evaluate_classifier")
    athar = evaluate.athar_cross_validation()
    assert athar["macro_f1"] >= FLOORS["athar_macro_f1"]
    assert athar["ece"] <= FLOORS["athar_ece"]
