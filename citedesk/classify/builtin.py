"""The two stance classifiers that come with CiteDesk, registered through the same hook as third-party ones:
a linear model (thousands of sentences a second; it labels statements as they are stored) and a fine-tuned
MiniLM encoder (more accurate; by default it labels the library's statements in the background)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from citedesk.classify.plugin import Sentence, StanceClassifier, Verdict
from citedesk.plugins import hookimpl


class LinearClassifier(StanceClassifier):
    """The linear model over the sentence's features, in pure Python."""

    name = "linear"
    label = "Fast (linear model)"

    @property
    def version(self) -> str:
        from citedesk.classify.model import load_model

        return load_model().version

    def classify(self, sentences: Sequence[Sentence]) -> list[Verdict]:
        from citedesk.classify.model import load_model

        predictions = load_model().predict_many([s.text for s in sentences], [s.marker for s in sentences])
        return [Verdict(prediction.stance, prediction.confidence) for prediction in predictions]


class MiniLMClassifier(StanceClassifier):
    """The MiniLM encoder with a stance head, run by onnxruntime: loaded when it first classifies."""

    name = "minilm"
    label = "Accurate (MiniLM encoder)"

    @cached_property
    def version(self) -> str:  # read from its settings file, without loading the model
        from citedesk.classify.encoder import SETTINGS_NAME, read_settings
        from citedesk.classify.model import resource

        return read_settings(resource(SETTINGS_NAME)).version

    def classify(self, sentences: Sequence[Sentence]) -> list[Verdict]:
        from citedesk.classify.encoder import load_encoder  # NumPy and onnxruntime: imported when first needed

        predictions = load_encoder().predict_many([s.text for s in sentences], [s.marker for s in sentences])
        return [Verdict(prediction.stance, prediction.confidence) for prediction in predictions]


DEFAULT = MiniLMClassifier.name  # the classifier used until the person chooses another
FAST = LinearClassifier()  # the one that labels statements as they are stored


@hookimpl
def citedesk_classifiers() -> list[StanceClassifier]:
    return [FAST, MiniLMClassifier()]
