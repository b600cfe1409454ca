"""Cue-phrase labelling functions, one per cue family: weak labels for training, a baseline, and model features.

Each family says one stance when its phrase is in the sentence, and abstains otherwise. Their precision on
held-out stance-labelled sentences is measured by tools/evaluate_classifier.py and written in the README; only
families precise enough there give weak labels in training (tools/stance_data.py decides which).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from citedesk.classify.marker_sentence import marker_sentence
from citedesk.classify.plugin import Marker
from citedesk.model import Stance


@dataclass(frozen=True)
class CueFamily:
    """A labelling function: a family of phrases that signals one stance."""

    name: str
    stance: Stance
    pattern: re.Pattern[str]

    def fires(self, text: str) -> bool:
        return self.pattern.search(text) is not None


def _family(name: str, stance: Stance, pattern: str) -> CueFamily:
    return CueFamily(name, stance, re.compile(pattern, re.IGNORECASE))


_NOT = r"(?:not|n't|never|no longer)"
FAMILIES: tuple[CueFamily, ...] = (
    _family(
        "agreement",
        Stance.SUPPORTING,
        r"\b(?<!not )(?:agrees?|agreed|agreeing) (?:well |closely |very well |nicely )?with\b"
        r"|(?<!not )\bin (?:good |close |full |excellent )?(?:agreement|accord(?:ance)?) with\b",
    ),
    _family(
        "consistency",
        Stance.SUPPORTING,
        r"(?<!not )(?<!in)\b(?:consistent|compatible|concordant|congruent) with\b"
        r"|(?<!not )\bin (?:line|keeping) with\b"
        r"|\bsimilar (?:results|findings|observations|conclusions|trends?|effects?|patterns?)\b"
        r"|\b(?:similar|comparable) to (?:those|that|what (?:was|were|has been|have been)) (?:reported|found|observed|described)",
    ),
    _family(
        "replication",
        Stance.SUPPORTING,
        r"(?<!not )\b(?:confirm(?:s|ed|ing)?|corroborat(?:e|es|ed|ing)|replicat(?:e|es|ed|ing)|reproduc(?:e|es|ed|ing))"
        r"\b(?:\W+\w+){0,3}\W+(?:results?|findings?|observations?|reports?|conclusions?|effects?|gains?|claims?)\b"
        r"|\b(?:confirming|corroborating|supporting) (?:the |an? |earlier |previous |prior )?(?:results?|findings?|observations?|reports?|hypothesis)\b"
        r"|\bas (?:previously |also |earlier )?(?:reported|observed|found|shown|noted) (?:by|in|for)\b"
        r"(?! (?:the )?(?:figure|fig\.|table|section|eq\.|equation|appendix|example)s?\b)"
        r"|\b(?:(?:we|they|also) )(?:also )?(?:found|observed) (?:a )?(?:similar|the same)\b",
    ),
    _family(
        "contrast",
        Stance.CONTRASTING,
        r"\bin (?:direct |sharp |stark |marked )?(?:contrast|contradiction|opposition) (?:to|with)\b"
        r"|\bcontrasts? (?:sharply )?(?:with\b|(?:the )?(?:findings|results)\b)"
        r"|\bin contrast,? (?:we|our|these|this|the present|in (?:a|an|the) (?:previous|earlier|prior))\b"
        r"|\bcontrasting (?:results|findings|evidence|observations)\b",
    ),
    _family(
        "failure to replicate",
        Stance.CONTRASTING,
        r"\b(?:could|can|did|do|does|were|was) (?:not|n't) (?:\w+ ){0,2}(?:reproduce|replicate|confirm|find|observe|detect|support)\b"
        r"|\b(?:fail(?:s|ed)?|unable) to (?:\w+ ){0,2}(?:reproduce|replicate|confirm|find|observe|detect|support)\b"
        r"|\bno (?:evidence|support) (?:for|of)\b",
    ),
    _family(
        "inconsistency",
        Stance.CONTRASTING,
        r"\b(?:inconsistent|incompatible|at odds|in conflict|conflicts?|conflicting) with\b"
        rf"|\b{_NOT} (?:consistent|in (?:line|agreement|accord(?:ance)?)) with\b"
        r"|\bcontradict(?:s|ed|ing|ory)?\b|\bdisagree(?:s|d|ment)? with\b"
        r"|\b(?:differs?|differed|different|differences?|diverges?|diverged) (?:\w+ ){0,2}from (?:those|that"
        r"|the (?:results|findings)|our (?:\w+ )?(?:results|findings|data))",
    ),
    _family("unlike", Stance.CONTRASTING, r"\bunlike\b"),
    _family(
        "contrary to", Stance.CONTRASTING, r"\bcontrary to\b|\bas opposed to\b|\bopposite (?:to|of) (?:the|what)\b"
    ),
    _family(
        "poor performance",
        Stance.CONTRASTING,
        r"\bperform(?:s|ed)? (?:very |rather |quite |relatively )?(?:poorly|badly|worse)\b"
        r"|\b(?:poor|low) (?:performance|accuracy|quality)\b|\bbreaks? down\b"
        r"|\b(?:did|do|does) not work(?: well)?\b|\b(?:were|was) unsuccessful\b"
        r"|\b(?:not able|unable) to generali[sz]e\b|\bquestion(?:s|ed)? the (?:results|findings|claims?|conclusions?)\b",
    ),
)
FAMILY_NAMES = tuple(family.name for family in FAMILIES)
# Findings language: the guide's stances are about the cited *findings*, and a cue phrase without it mostly
# compares designs ("in contrast to X, we use a discriminative model"): the citing work's own findings, or
# results, data or estimates named as such.
FINDINGS = re.compile(
    r"\b(?:we|our|this study|the present study|these|here)\b[^.;]{0,80}\b(?:find|found|finding|findings|observ\w*"
    r"|result\w*|show\w*|report\w*|data|detect\w*|estimat\w*|measur\w*|obtain\w*|noted?|see|saw|reproduc\w*"
    r"|replicat\w*|confirm\w*)\b|\b(?:results?|findings?|observations?|data|estimates?)\b",
    re.IGNORECASE,
)
NOT_ABOUT_FINDINGS = frozenset({"unlike"})  # a family that contrasts designs even beside findings language
# Longer than this, the marker's "sentence" is text that lost its full stops (a page of a badly read PDF): its
# cues cannot be told to be about the cited work. On the training side's labels every rule call over it was wrong.
LONGEST_SENTENCE = 500


def fired(text: str) -> list[CueFamily]:
    """The families whose phrases are in the sentence."""
    return [family for family in FAMILIES if family.fires(text)]


def cue_vector(text: str) -> list[float]:
    """One 0/1 value per family, in FAMILIES order (a feature of the encoder model's head)."""
    return [1.0 if family.fires(text) else 0.0 for family in FAMILIES]


def findings_stance(text: str, marker: Marker = None) -> Stance | None:
    """The stance the cue families say about findings: the families of one stance fire ("unlike" aside)
    in the marker's sentence, and it has findings language; None when none does, when both stances' families
    fire, when the sentence names no findings, or when it is too long to be one."""
    text = marker_sentence(text, marker)
    if len(text) > LONGEST_SENTENCE or not FINDINGS.search(text):
        return None
    stances = {family.stance for family in fired(text) if family.name not in NOT_ABOUT_FINDINGS}
    return stances.pop() if len(stances) == 1 else None


def cue_stance(text: str) -> Stance:
    """The cue-phrase-only baseline: the stance most families say, mentioning when none fires or they tie."""
    votes = Counter(family.stance for family in fired(text))
    if not votes:
        return Stance.MENTIONING
    (best, count), *rest = votes.most_common()
    return best if not rest or rest[0][1] < count else Stance.MENTIONING
