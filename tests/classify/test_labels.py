"""The mappings of labels.py: Athar's sentiment counts as stance only where results are compared; doubt settles."""

from __future__ import annotations

from citedesk.classify.labels import athar_result_stance, project_stance, scicite_stance
from citedesk.model import Stance


def test_athar_objective_is_a_mention():
    assert athar_result_stance("o", "Our results are consistent with Smith (2001).") is Stance.MENTIONING


def test_athar_positive_counts_as_supporting_only_where_results_are_compared():
    assert athar_result_stance("p", "Our findings are in line with those of Smith (2001).") is Stance.SUPPORTING
    assert athar_result_stance("p", "Smith (2001) proposed an elegant method for parsing.") is None


def test_athar_negative_counts_as_contrasting_only_where_results_disagree():
    assert athar_result_stance("n", "We could not replicate the results of Smith (2001).") is Stance.CONTRASTING
    assert athar_result_stance("n", "Smith (2001) only handles one-to-one alignments.") is None


def test_unlike_in_athar_contrasts_designs_not_results():
    assert athar_result_stance("n", "Unlike Smith (2001), we use a discriminative model.") is None


def test_a_doubtful_project_label_is_a_mention_until_settled():
    assert project_stance("contrasting", "", "") is Stance.CONTRASTING
    assert project_stance("contrasting", "doubt: design only?", "") is Stance.MENTIONING
    assert project_stance("contrasting", "doubt: design only?", "contrasting") is Stance.CONTRASTING
    assert project_stance("supporting", "doubt: restates own claim", "mentioning") is Stance.MENTIONING


def test_scicite_dev_reads_label2_the_other_way_round():
    assert scicite_stance("result", "supportive", "test") is Stance.SUPPORTING
    assert scicite_stance("result", "supportive", "dev") is Stance.CONTRASTING
    assert scicite_stance("background", None, "dev") is Stance.MENTIONING
