"""How each corpus's labels map onto CiteDesk's stances: the one place this is decided.

- Athar's citation sentiment corpus labels sentiment towards the cited work:
  positive -> supporting, negative -> contrasting, objective -> mentioning. Sentiment is close to, not the
  same as, rhetorical function: "X proposed an elegant method" is positive in Athar's scheme but only a
  mention in scite's; the corpus is still the largest openly available source of such judgements.
- SciCite labels the intent of a citation (background, method, result) and, on result citations only,
  whether the citing work's finding is supportive or not:
  result + supportive -> supporting, result + not_supportive -> contrasting,
  background or method -> mentioning; a result citation without that second label is left out of training.
- SciCite's dev split, as mirrored in ../shared, carries label2 the other way round: its not_supportive
  result citations say "consistent with" 21 times (supportive ones 5 times), "confirm" 6 times and
  "in line with" 4 times, while its supportive ones say "in contrast", "however" and "differ". Dev's
  label2 is therefore read the other way round (not_supportive -> supporting, supportive -> contrasting).
  The test split, whose labels read as documented, is only ever used for evaluation.
- Semantic Scholar's intents (the s2ag sample in ../shared, and what the Semantic Scholar source fetches) say
  background, methodology or result. They are S2's own model's guesses, not human judgements, and a result
  intent does not say whether the finding agrees, so they are not mapped onto stances and never trained on;
  statements keep them as the source's intents. Background and methodology do describe what CiteDesk calls
  mentioning, so the evaluation checks that the model calls such sentences mentioning (S2_MENTIONING_INTENTS).
- Nothing maps to unclassified: the classifier says unclassified itself when it is not confident enough.
"""

from __future__ import annotations

from citedesk.model import Stance

STANCES = (Stance.SUPPORTING, Stance.MENTIONING, Stance.CONTRASTING)  # the classes, in the model's order
ATHAR = {"p": Stance.SUPPORTING, "n": Stance.CONTRASTING, "o": Stance.MENTIONING}
ATHAR_NAMES = {"p": "positive", "n": "negative", "o": "objective"}


def athar_stance(label: str) -> Stance:
    """Athar's p / n / o as a stance."""
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
