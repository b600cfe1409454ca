"""The shipped stance model: loads, answers in pure Python, and behaves like a stance classifier."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

from citedesk.classify.features import features, mark_target
from citedesk.classify.model import load_model, model_path
from citedesk.model import CitedeskError, Stance


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_the_weights_file_is_small_and_complete(model):
    assert model_path().stat().st_size < 3_000_000
    assert model.version.startswith("linear-") and len(model.weights) > 10_000
    assert 0 < model.threshold < 1 and model.temperature > 0


def test_probabilities_are_a_distribution(model):
    probs = model.probabilities("We use the parser of Collins (1999).")
    assert len(probs) == 3 and abs(sum(probs) - 1) < 1e-9 and all(0 < p < 1 for p in probs)


@pytest.mark.parametrize(
    "text, more, than",
    [
        (
            "Unlike Smith et al. (2010), we found no improvement at all; their method fails on long sentences.",
            Stance.CONTRASTING,
            Stance.SUPPORTING,
        ),
        (
            "Our results are consistent with Smith et al. (2010), confirming their finding.",
            Stance.SUPPORTING,
            Stance.CONTRASTING,
        ),
        ("The corpus was tokenised with the tool of Smith et al. (2010).", Stance.MENTIONING, Stance.CONTRASTING),
    ],
)
def test_cues_move_the_stance_the_right_way(model, text, more, than):
    order = [Stance.SUPPORTING, Stance.MENTIONING, Stance.CONTRASTING]
    probs = model.probabilities(text, (text.index("Smith"), text.index(")") + 1))
    assert probs[order.index(more)] > probs[order.index(than)]


def test_unclassified_below_the_threshold(model):
    prediction = model.predict("See Smith (2010).")
    assert (prediction.stance is Stance.UNCLASSIFIED) == (prediction.confidence < model.threshold)


def test_markers_become_tokens():
    text = "As shown by Papineni et al. (2002) and (Och, 2003), BLEU [4] works."
    marked = mark_target(text, (12, 34))
    assert marked.count("targetcit") == 1 and marked.count("othercit") == 2
    assert "l1:by" in features(text, (12, 34)) and "no-target" in features(text)


def test_a_broken_weights_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "m.json.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(CitedeskError, match="cannot be read"):
        load_model(bad)
    bad.write_bytes(gzip.compress(json.dumps({"classes": ["a"]}).encode()))
    with pytest.raises(CitedeskError, match="has classes"):
        load_model(bad)


def test_the_app_classifies_without_scikit_learn_or_numpy():
    code = (
        "import sys; sys.modules['sklearn'] = sys.modules['numpy'] = sys.modules['scipy'] = None\n"
        "from citedesk.classify.model import load_model\n"
        "print(load_model().predict('We thank Smith (2010).').stance)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
