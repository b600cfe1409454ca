"""How each corpus's labels map onto CiteDesk's stances: the one place this is decided.

The stances are those of docs/stance-annotation-guide.md: supporting (the citing work gives evidence that agrees
with the cited work), contrasting (evidence or an argued judgement against it), mentioning (everything else,
and the default: background, use of a method, comparison of methods without evidence).

- The project's own labels (tools/annotations/stance-labels.tsv) are stances already, read by that guide one
  sentence at a time; a label the annotator doubted counts as the second reading settled it, and as
  mentioning while it has not been settled (`project_stance`).
- SciCite labels the intent of a citation (background, method, result) and, on result citations only,
  whether the citing work's finding is supportive or not:
  result + supportive -> supporting, result + not_supportive -> contrasting,
  background or method -> mentioning; a result citation without that second label is left out of training.
- SciCite's dev split, as mirrored in ../shared, carries label2 the other way round: its not_supportive
  result citations say "consistent with" 21 times (supportive ones 5 times), "confirm" 6 times and
  "in line with" 4 times, while its supportive ones say "in contrast", "however" and "differ". Dev's
  label2 is therefore read the other way round (not_supportive -> supporting, supportive -> contrasting).
  The test split, whose labels read as documented, is only ever used for evaluation.
- Athar's citation sentiment corpus labels **sentiment** towards the cited work (positive / negative /
  objective), not stance: "X proposed an elegant method" is positive but a mention. For stance, objective is
  mentioning; positive is supporting, and negative contrasting, only where the sentence also compares results
  (a cue family of that stance fires, "unlike" aside, which in Athar mostly contrasts designs); every other
  positive or negative sentence says nothing sure about stance and is not trained on (`athar_result_stance`).
  Athar's own three classes are still scored, as a secondary sentiment measure (`athar_stance`).
- The cue families of citedesk/classify/cues.py are labelling functions: over sentences that have no label
  of their own, a family whose precision on the training side's labelled sentences is high enough gives its
  stance as a weak label (tools/stance_data.py measures and decides); otherwise a sentence is mentioning.
- Semantic Scholar's intents (the s2ag sample in ../shared, and what the Semantic Scholar source fetches) say
  background, methodology or result. They are S2's own model's guesses, not human judgements, and a result
  intent does not say whether the finding agrees, so they are not mapped onto stances and never trained on;
  statements keep them as the source's intents. Background and methodology do describe what CiteDesk calls
  mentioning, so the evaluation checks that the model calls such sentences mentioning (S2_MENTIONING_INTENTS).
- Nothing maps to unclassified: the classifier says unclassified itself when it is not confident enough.
"""

from __future__ import annotations

from citedesk.classify.cues import fired
from citedesk.model import ATHAR_NAMES, Stance  # noqa: F401 (ATHAR_NAMES kept here for its readers)

STANCES = (Stance.SUPPORTING, Stance.MENTIONING, Stance.CONTRASTING)  # the classes, in the model's order
ATHAR = {"p": Stance.SUPPORTING, "n": Stance.CONTRASTING, "o": Stance.MENTIONING}


def athar_stance(label: str) -> Stance:
    """Athar's p / n / o read one to one (sentiment, for the secondary measure only)."""
    return ATHAR[label]


S2_MENTIONING_INTENTS = frozenset({"background", "methodology"})  # intents that describe a mention

SCICITE_INVERTED_LABEL2 = {"dev"}  # the splits whose label2 runs the other way round (see above)


def scicite_stance(intent: str, supportive: str | None, split: str = "test") -> Stance | None:
    """SciCite's intent and supportive label as a stance; None when a result citation has no second label."""
    if intent in ("background", "method"):
        return Stance.MENTIONING
    if intent == "result":
        if split in SCICITE_INVERTED_LABEL2:
            supportive = {"supportive": "not_supportive", "not_supportive": "supportive"}.get(supportive or "")
        return {"supportive": Stance.SUPPORTING, "not_supportive": Stance.CONTRASTING}.get(supportive or "")
    return None


ATHAR_NOT_RESULTS = frozenset({"unlike"})  # a cue family that, in Athar, mostly contrasts designs, not results


def athar_result_stance(label: str, text: str) -> Stance | None:
    """Athar's label read for stance, where it can be (the rule tools/stance_data.py trains with):
    objective is mentioning; positive is supporting, and negative contrasting, only when the sentence also
    compares results (a cue family of that stance fires, "unlike" aside); other positive or negative
    sentences are praise or criticism without evidence, and are not used."""
    if label == "o":
        return Stance.MENTIONING
    wanted = {"p": Stance.SUPPORTING, "n": Stance.CONTRASTING}.get(label)
    families = [f for f in fired(text) if f.stance is wanted and f.name not in ATHAR_NOT_RESULTS]
    return wanted if wanted and families else None


def project_stance(label: str, doubt: str, settled: str) -> Stance:
    """A project label as a stance: a doubtful one counts as settled on re-reading, and as mentioning (the
    default, see docs/stance-annotation-guide.md) while it has not been."""
    if doubt:
        return Stance(settled) if settled else Stance.MENTIONING
    return Stance(label)
