"""The features of a citing sentence, in pure Python: the same code for training and for use."""

from __future__ import annotations

import re
import unicodedata

TARGET, OTHER = "targetcit", "othercit"  # lower case: the text is folded after they are put in
WINDOW = 4  # words on each side of the cited marker

# Citation markers other than the target: "(Och, 2003; Koehn et al., 2007)", "[4, 7]", "Och (2003)", "Och et al. 2003".
_OTHER_MARKERS = re.compile(
    r"\((?:[^()]*?\b(?:19|20)\d\d[a-z]?\b[^()]*?)\)"
    r"|\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]"
    r"|\b[A-Z][A-Za-z'-]+(?:\s+(?:et\s+al\.?|and\s+[A-Z][A-Za-z'-]+))?\s*,?\s*\(?\s*(?:19|20)\d\d[a-z]?\s*\)?"
)
_TOKEN = re.compile(r"[a-z]+(?:['-][a-z]+)*|\d+(?:\.\d+)?|[^\w\s]")
_NEGATORS = {
    "not",
    "no",
    "never",
    "cannot",
    "n't",
    "neither",
    "nor",
    "without",
    "hardly",
    "fail",
    "fails",
    "failed",
    "lack",
    "lacks",
}
_SCOPE_END = {".", ",", ";", ":", "!", "?", "but", "however", "although", "while", "whereas"}

# Cue lexicons: words and phrases that signal what a sentence does to the work it cites.
CUES = {
    "positive": (
        "state of the art",
        "state-of-the-art",
        "successful",
        "successfully",
        "success",
        "effective",
        "effectively",
        "efficient",
        "robust",
        "accurate",
        "accuracy",
        "popular",
        "widely used",
        "widely-used",
        "well known",
        "well-known",
        "standard",
        "elegant",
        "powerful",
        "promising",
        "impressive",
        "excellent",
        "good",
        "best",
        "high",
        "significant",
        "improve",
        "improves",
        "improved",
        "improvement",
        "useful",
        "important",
        "seminal",
        "pioneering",
        "superior",
        "outperform",
        "outperforms",
        "outperformed",
        "competitive",
        "strong",
        "reliable",
        "simple",
        "attractive",
        "consistent with",
        "in line with",
        "agree with",
        "agrees with",
        "confirm",
        "confirms",
        "confirmed",
        "support",
        "supports",
        "supported",
        "similar to",
        "as shown by",
        "demonstrated",
        "shown to",
        "proven",
        "benefit",
    ),
    "negative": (
        "however",
        "but",
        "although",
        "though",
        "unlike",
        "whereas",
        "while",
        "problem",
        "problems",
        "problematic",
        "limitation",
        "limitations",
        "limited",
        "drawback",
        "drawbacks",
        "fail",
        "fails",
        "failed",
        "failure",
        "suffer",
        "suffers",
        "poor",
        "poorly",
        "worse",
        "worst",
        "weak",
        "cannot",
        "can not",
        "unable",
        "difficult",
        "difficulty",
        "expensive",
        "costly",
        "slow",
        "error",
        "errors",
        "inconsistent",
        "inadequate",
        "insufficient",
        "lack",
        "lacks",
        "only",
        "rather than",
        "instead of",
        "in contrast",
        "contrary to",
        "contradict",
        "contradicts",
        "disagree",
        "not",
        "no",
        "neither",
        "unfortunately",
        "ignore",
        "ignores",
        "ignored",
        "sparse",
        "noisy",
        "brittle",
        "restrictive",
        "restricted",
        "biased",
        "questionable",
        "unclear",
        "overly",
        "complex",
        "complicated",
        "than",
        "better than",
        "improvement over",
        "improvements over",
        "outperforms",
        "outperform",
        "over",
    ),
    "comparison": ("compared to", "compared with", "in comparison", "than", "versus", "vs", "similar to", "same as"),
    "use": (
        "we use",
        "we used",
        "we follow",
        "following",
        "we adopt",
        "based on",
        "using",
        "we apply",
        "implemented",
        "as in",
        "as described in",
        "as proposed in",
        "we employ",
        "toolkit",
        "described in",
    ),
    "hedge": (
        "may",
        "might",
        "could",
        "possibly",
        "perhaps",
        "suggest",
        "suggests",
        "appear",
        "appears",
        "seem",
        "seems",
    ),
    "ours": ("we", "our", "ours", "this paper", "this work", "our approach", "our method", "our system", "our model"),
}


# Every cue in one pattern (longest first, whole words of the space-joined tokens), and the lists each is in.
_CUE_LISTS: dict[str, tuple[str, ...]] = {}
for _name, _cues in CUES.items():
    for _cue in _cues:
        _CUE_LISTS[_cue] = (*_CUE_LISTS.get(_cue, ()), _name)
_CUE_PATTERN = re.compile(
    r"(?<= )(?:" + "|".join(map(re.escape, sorted(_CUE_LISTS, key=len, reverse=True))) + r")(?= )"
)


def mark_target(text: str, marker: tuple[int, int] | None) -> str:
    """The sentence with the cited marker as `targetcit` and every other citation as `othercit`."""
    if marker is not None and 0 <= marker[0] < marker[1] <= len(text):
        before, after = text[: marker[0]], text[marker[1] :]
        return _others(before) + f" {TARGET} " + _others(after)
    return _others(text)


def _others(text: str) -> str:
    return _OTHER_MARKERS.sub(f" {OTHER} ", text)


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    plain = unicodedata.normalize("NFKD", text)
    return "".join(char for char in plain if not unicodedata.combining(char)).lower()


def tokens(text: str) -> list[str]:
    """Lower-case words, numbers as <num>, punctuation, and the two marker tokens kept as they are."""
    return ["<num>" if word[0].isdigit() else word for word in _TOKEN.findall(_fold(text))]


def negated(words: list[str]) -> list[str]:
    """Words inside a negation's scope (after not/no/never... up to punctuation or a contrast) get NEG_."""
    if _NEGATORS.isdisjoint(words):
        return words
    out, scope = [], False
    for word in words:
        if word in _SCOPE_END:
            scope = False
        out.append("NEG_" + word if scope and word not in (TARGET, OTHER) else word)
        if word in _NEGATORS:
            scope = True
    return out


def features(text: str, marker: tuple[int, int] | None = None) -> list[str]:
    """Every feature of a sentence: words and word pairs (negation marked), words near the cited marker,
    cue-lexicon hits (near the marker and anywhere), and a few shape features."""
    marked = mark_target(text, marker)
    words = negated(tokens(marked))
    found = list(map("w:{}".format, words))
    found += map("b:{} {}".format, words, words[1:])
    # (word trigrams were tried: no better on held-out folds, and a quarter slower)
    found += _near_target(words)
    found += _cue_features(" ".join(words), words)
    found += _shape(words)
    return found


def _near_target(words: list[str]) -> list[str]:
    if TARGET not in words:
        return ["no-target"]
    at = words.index(TARGET)
    before, after = words[max(0, at - WINDOW) : at], words[at + 1 : at + 1 + WINDOW]
    near = [f"l:{w}" for w in before] + [f"r:{w}" for w in after]
    near += [f"l1:{before[-1]}"] if before else ["l1:<start>"]
    near += [f"r1:{after[0]}"] if after else ["r1:<end>"]
    near.append(
        "target-first" if at < len(words) / 3 else "target-last" if at > 2 * len(words) / 3 else "target-middle"
    )
    return near


def _cue_features(joined: str, words: list[str]) -> list[str]:
    hits: dict[str, int] = {}
    for cue in _CUE_PATTERN.findall(f" {joined} "):
        for name in _CUE_LISTS[cue]:
            hits[name] = hits.get(name, 0) + 1
    found = [f"cue:{name}" for name in hits] + [f"cue:{name}:many" for name, count in hits.items() if count > 1]
    if TARGET in words:
        at = words.index(TARGET)
        near = _CUE_PATTERN.findall(f" {' '.join(words[max(0, at - 8) : at + 9])} ")
        found += [f"near:{name}" for name in {name for cue in near for name in _CUE_LISTS[cue]}]
    return found


def _shape(words: list[str]) -> list[str]:
    length = len(words)
    found = ["len:short" if length < 15 else "len:long" if length > 45 else "len:mid"]
    others = words.count(OTHER)
    found.append("others:0" if others == 0 else "others:1" if others == 1 else "others:many")
    if words and words[-1] == "?":
        found.append("question")
    return found
