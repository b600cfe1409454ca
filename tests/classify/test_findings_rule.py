"""The accurate layer's findings rule: cue families count only in sentences about findings, and where they
speak their measured precision is the label's confidence."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from citedesk.classify.cues import findings_stance
from citedesk.classify.encoder import Settings, decide, read_settings, write_settings
from citedesk.classify.labels import STANCES
from citedesk.classify.marker_sentence import marker_sentence
from citedesk.model import Stance

SETTINGS = Settings("test", 1.0, (0.0, 0.0, 0.0), 0.3, findings=(0.7, 0.0, 0.45))
MENTION_LOGITS = np.array([0.0, 3.0, -1.0], dtype=np.float32)


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Our estimates agree closely with those reported by Kim et al. (2019).", Stance.SUPPORTING),
        ("These results contrast with previous studies of interleaved study [3].", Stance.CONTRASTING),
        ("We could not reproduce the gains reported by Alvarez and Chen (2020).", Stance.CONTRASTING),
        ("In contrast to (Lee et al., 2015), we use a discriminative model.", None),  # a design, not findings
        ("Unlike X, our results are reported per sentence.", None),  # "unlike" contrasts designs
        ("This is in direct contrast to recent reported results (Shen et al., 2008).", Stance.CONTRASTING),
        ("The results of the present study are not in agreement with Clombini et al. [13].", Stance.CONTRASTING),
        ("Our results are consistent with [4] but contradict [5].", None),  # both stances: not the rule's call
        ("The parser of Collins (1997) is widely used.", None),
    ],
)
def test_the_families_speak_only_about_findings(text, stance):
    assert findings_stance(text) is stance


def test_the_rule_overrides_the_network_with_its_measured_precision():
    best, probs = decide(SETTINGS, MENTION_LOGITS, "In contrast to [4], we found no association.")
    assert STANCES[best] is Stance.CONTRASTING
    assert probs[best] == pytest.approx(0.45) and probs.sum() == pytest.approx(1.0)
    # the network's odds of the other two classes are kept
    network = np.exp(MENTION_LOGITS) / np.exp(MENTION_LOGITS).sum()
    assert probs[0] / probs[1] == pytest.approx(network[0] / network[1], rel=1e-5)


def test_without_the_rule_the_network_decides():
    best, probs = decide(SETTINGS, MENTION_LOGITS, "The parser of Collins (1997) is widely used.")
    assert STANCES[best] is Stance.MENTIONING and probs.sum() == pytest.approx(1.0)
    off = dataclasses.replace(SETTINGS, findings=(0.0, 0.0, 0.0))
    best, _ = decide(off, MENTION_LOGITS, "In contrast to [4], we found no association.")
    assert STANCES[best] is Stance.MENTIONING


def test_settings_keep_the_rule_and_read_older_files_without_it(tmp_path):
    path = tmp_path / "stance-encoder.json"
    write_settings(SETTINGS, path)
    assert read_settings(path) == SETTINGS
    older = path.read_text(encoding="utf-8").replace('"findings"', '"unused"')
    path.write_text(older, encoding="utf-8")
    assert read_settings(path).findings == (0.0, 0.0, 0.0)


BLEU_TWO_SENTENCES = (
    "The reordered sentence is then re-tokenized to be consistent with the baseline system, which uses a different "
    "tokenization scheme.3 We use BLEU scores as the performance measure in our evaluation (Papineni et al., 2002)."
)
BLEU_LIST = (
    "Word Error Rate (WER), which penalizes the edit distance (Su et al. , 1992) BLEU: the geometric mean of n-gram "
    "precision for the translation results found in reference translations (Papineni et al. , 2002) Translation "
    "Accuracy (ACC): judged blindly by a native speaker (Sumita et al. , 1999) In contrast to WER, higher BLEU and "
    "ACC scores indicate better translations."
)


def marker_of(text: str, reference: str) -> tuple[int, int]:
    start = text.index(reference)
    return start, start + len(reference)


@pytest.mark.parametrize(
    ("text", "reference", "sentence"),
    [
        (BLEU_TWO_SENTENCES, "Papineni et al., 2002", "We use BLEU scores as the performance measure"),
        (BLEU_LIST, "Papineni et al. , 2002", "BLEU: the geometric mean of n-gram"),
        ("As noted by Smith et al. (2001), e.g. in Fig. 2, results agree. Next.", "Smith et al. (2001)", "As noted"),
    ],
)
def test_the_marker_sentence_is_the_one_that_holds_the_reference(text, reference, sentence):
    found = marker_sentence(text, marker_of(text, reference))
    assert found.startswith(sentence) and reference in found
    assert marker_sentence(text, None) == text


def test_cues_in_other_sentences_than_the_reference_say_nothing_about_it():
    assert findings_stance(BLEU_TWO_SENTENCES) is Stance.SUPPORTING  # the whole text, marker unknown
    assert findings_stance(BLEU_TWO_SENTENCES, marker_of(BLEU_TWO_SENTENCES, "Papineni et al., 2002")) is None
    assert findings_stance(BLEU_LIST, marker_of(BLEU_LIST, "Papineni et al. , 2002")) is None
    agreeing = "We tried this too. Our results agree closely with those of Kim et al. (2019)."
    assert findings_stance(agreeing, marker_of(agreeing, "Kim et al. (2019)")) is Stance.SUPPORTING


def test_a_sentence_too_long_to_be_one_says_nothing():
    garbled = "Tables 2 and 3 list every figure " * 20 + "and our results agree closely with Kim et al. (2019)"
    assert findings_stance(garbled, marker_of(garbled, "Kim et al. (2019)")) is None
