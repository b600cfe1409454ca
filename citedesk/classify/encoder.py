"""The accurate stance model: a fine-tuned MiniLM sentence encoder with a stance head, run by onnxruntime."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from citedesk.classify.cues import cue_vector, findings_stance
from citedesk.classify.labels import STANCES
from citedesk.classify.model import Prediction, resource
from citedesk.classify.plugin import Marker
from citedesk.model import CitedeskError, Stance

ENCODER_NAME, TOKENIZER_NAME, SETTINGS_NAME = "stance-encoder.onnx", "stance-tokenizer.json", "stance-encoder.json"
WINDOW = 48  # tokens the encoder reads, [CLS] and [SEP] included, centred on the cited marker
TARGET_TOKEN = "[unused0]"  # stands for the cited marker, so the model knows which citation is meant
BATCH = 64  # sentences per call of the network (sorted by length, so little padding)


@dataclass(frozen=True)
class Settings:
    """What goes with the network: its version, calibration and the confidence below which it abstains."""

    version: str
    temperature: float
    offsets: tuple[float, float, float]
    threshold: float
    window: int = WINDOW
    decision: tuple[float, float, float] = (0.0, 0.0, 0.0)  # added to the scaled logits to choose the label
    # Per stance (STANCES order), the measured precision of the cue families about findings
    # (cues.findings_stance): where they say that stance, it is the label and this its confidence; 0 is off.
    findings: tuple[float, float, float] = (0.0, 0.0, 0.0)


class Tokens:
    """Turns a sentence into the token ids the encoder reads: the marker as one token, a window around it."""

    def __init__(self, path: Path, window: int = WINDOW) -> None:
        from tokenizers import Tokenizer  # imported here: the fast layer and the window never need it

        self.tokenizer = Tokenizer.from_file(str(path))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.window = window
        self.cls, self.sep, self.target = (self._token_id(path, t) for t in ("[CLS]", "[SEP]", TARGET_TOKEN))

    def _token_id(self, path: Path, token: str) -> int:
        found = self.tokenizer.token_to_id(token)
        if found is None:
            raise CitedeskError(f"The stance model's tokenizer {path} has no {token} token; reinstall CiteDesk")
        return found

    def ids(self, texts: Sequence[str], markers: Sequence[Marker]) -> list[list[int]]:
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [self._windowed(e.ids, e.offsets, marker) for e, marker in zip(encodings, markers)]

    def _windowed(self, ids: list[int], offsets: list[tuple[int, int]], marker: Marker) -> list[int]:
        centre = len(ids) // 2
        if marker is not None:
            inside = [i for i, (start, end) in enumerate(offsets) if start < marker[1] and end > marker[0]]
            if inside:
                ids = [*ids[: inside[0]], self.target, *ids[inside[-1] + 1 :]]
                centre = inside[0]
        room = self.window - 2
        start = max(0, min(centre - room // 2, len(ids) - room))
        return [self.cls, *ids[start : start + room], self.sep]


class EncoderModel:
    """Predicts stances in batches; the same Prediction as the fast layer's, so either can label statements."""

    def __init__(self, network: Path, tokenizer: Path, settings: Settings, threads: int = 1) -> None:
        import onnxruntime  # imported here: loading it costs memory the window needs only once it classifies

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self.session = onnxruntime.InferenceSession(str(network), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for unreadable files
            raise CitedeskError(f"The stance model {network} cannot be loaded ({exc}); reinstall CiteDesk") from None
        self.tokens = Tokens(tokenizer, settings.window)
        self.settings = settings
        self.version = settings.version  # what statements record (the interface both layers share)

    def predict(self, text: str, marker: Marker = None) -> Prediction:
        return self.predict_many([text], [marker])[0]

    def predict_many(self, texts: Sequence[str], markers: Sequence[Marker] | None = None) -> list[Prediction]:
        """Predictions for many sentences."""
        markers = list(markers) if markers is not None else [None] * len(texts)
        rows = self.logits(texts, markers)
        return [self._prediction(row, text, marker) for row, text, marker in zip(rows, texts, markers)]

    def logits(self, texts: Sequence[str], markers: Sequence[Marker] | None = None) -> np.ndarray:
        """The network's raw scores for many sentences, computed a length-sorted batch at a time."""
        markers = list(markers) if markers is not None else [None] * len(texts)
        ids = self.tokens.ids(texts, markers)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        logits = np.zeros((len(ids), 3), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            logits[chosen] = self._logits([ids[i] for i in chosen], [texts[i] for i in chosen])
        return logits

    def _logits(self, rows: list[list[int]], texts: list[str]) -> np.ndarray:
        width = max(map(len, rows))
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, row in enumerate(rows):
            ids[r, : len(row)] = row
            mask[r, : len(row)] = 1
        cues = np.asarray([cue_vector(text) for text in texts], dtype=np.float32)
        logits: np.ndarray = self.session.run(["logits"], {"ids": ids, "mask": mask, "cues": cues})[0]
        return logits

    def _prediction(self, logits: np.ndarray, text: str, marker: Marker) -> Prediction:
        best, probs = decide(self.settings, logits, text, marker)
        stance = STANCES[best] if probs[best] >= self.settings.threshold else Stance.UNCLASSIFIED
        return Prediction(stance, float(probs[best]), (float(probs[0]), float(probs[1]), float(probs[2])))


def decide(settings: Settings, logits: np.ndarray, text: str, marker: Marker = None) -> tuple[int, np.ndarray]:
    """The chosen class (an index into STANCES) and the calibrated probabilities of one sentence.

    Where the cue families say a stance about findings in the marker's sentence, that stance is chosen with
    their measured precision as its probability (the network's odds kept between the other two). Otherwise
    the label is the highest scaled logit moved by the decision offsets (part way from the balanced classes
    the network was trained on towards the real mix, so rare stances are not drowned by mentions), and its
    calibrated probability is the confidence. A caller says unclassified under the threshold."""
    z = logits / settings.temperature + np.asarray(settings.offsets)
    z = np.exp(z - z.max())
    probs: np.ndarray = z / z.sum()
    ruled = findings_stance(text, marker)
    if ruled is not None and settings.findings[STANCES.index(ruled)] > 0:
        chosen, precision = STANCES.index(ruled), settings.findings[STANCES.index(ruled)]
        others = probs.sum() - probs[chosen]
        probs = probs * ((1.0 - precision) / others if others > 0 else 0.0)
        probs[chosen] = precision
        return chosen, probs
    return int((logits / settings.temperature + np.asarray(settings.decision)).argmax()), probs


def read_settings(path: Path) -> Settings:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["classes"] != [stance.value for stance in STANCES]:
            raise ValueError(f"classes {data['classes']}")
        return Settings(
            data["version"],
            float(data["temperature"]),
            tuple(data["offsets"]),
            float(data["threshold"]),
            int(data["window"]),
            tuple(data["decision"]),
            tuple(data.get("findings", (0.0, 0.0, 0.0))),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CitedeskError(f"The stance model settings {path} cannot be read ({exc}); reinstall CiteDesk") from None


def write_settings(settings: Settings, path: Path) -> None:
    data = {
        "version": settings.version,
        "classes": [stance.value for stance in STANCES],
        "temperature": settings.temperature,
        "offsets": list(settings.offsets),
        "threshold": settings.threshold,
        "window": settings.window,
        "decision": list(settings.decision),
        "findings": list(settings.findings),
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def load_encoder() -> EncoderModel:
    """The shipped accurate model, loaded once."""
    return EncoderModel(resource(ENCODER_NAME), resource(TOKENIZER_NAME), read_settings(resource(SETTINGS_NAME)))
