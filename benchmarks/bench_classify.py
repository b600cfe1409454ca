"""Classify citing statements on one core: the fast layer (pure Python) on 100,000 beside the same model in
NumPy/SciPy (the reference, when installed), and the accurate layer (onnxruntime, one thread) on 10,000 and
100,000, each beside its target, in one run.

Run: python benchmarks/bench_classify.py [--quick]   (--quick: the accurate layer on 10,000 only)
The sentences are the real ones of Athar's corpus and SciCite (../shared), repeated up to 100,000.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import corpora

from citedesk.classify.encoder import load_encoder
from citedesk.classify.features import features
from citedesk.classify.model import load_model

TOTAL, TARGET = 100_000, 10.0
ACCURATE_TARGETS = {10_000: 30.0, 100_000: 300.0}


def sentences() -> list:
    examples = corpora.athar() + corpora.scicite("dev") + corpora.scicite("test")
    return [examples[i % len(examples)] for i in range(TOTAL)]


def pure_python(model, examples) -> float:
    began = time.process_time()
    for example in examples:
        model.predict(example.text, example.marker)
    return time.process_time() - began


def with_numpy(model, examples) -> float | None:
    try:
        import numpy as np
        from scipy.sparse import csr_matrix
    except ImportError:
        return None
    index = {feature: i for i, feature in enumerate(model.weights)}
    weights = np.array(list(model.weights.values()))
    began = time.process_time()
    columns, pointers = [], [0]
    for example in examples:  # the same features; only the arithmetic moves to NumPy
        columns += [index[f] for f in set(features(example.text, example.marker)) if f in index]
        pointers.append(len(columns))
    rows = csr_matrix((np.ones(len(columns)), columns, pointers), shape=(len(examples), len(index)))
    scores = rows @ weights + np.array(model.intercept)
    z = scores / model.temperature + np.array(model.offsets)
    np.exp(z - z.max(axis=1, keepdims=True))
    return time.process_time() - began


def accurate(examples) -> float:
    """Wall seconds for the accurate layer, loaded beforehand, as classify_library calls it (batches of 256)."""
    model = load_encoder()
    began = time.perf_counter()
    for start in range(0, len(examples), 256):
        part = examples[start : start + 256]
        model.predict_many([e.text for e in part], [e.marker for e in part])
    return time.perf_counter() - began


def main() -> int:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    model, examples = load_model(), sentences()
    ours = min(pure_python(model, examples) for _ in range(3))
    reference = with_numpy(model, examples)
    print(
        f"One core; the fast layer {model.version} in CPU seconds, best of 3; the accurate layer "
        f"{load_encoder().version} in wall seconds, one thread\n"
    )
    print(f"| {'':<52} | seconds | per statement | target |")
    print(f"|{'-' * 54}|---------|---------------|--------|")
    print(
        f"| {'fast layer, 100,000, pure Python (what the app runs)':<52} | {ours:7.2f} | {ours / TOTAL * 1e6:9.0f} µs | {TARGET:6.0f} |"
    )
    if reference is not None:
        print(
            f"| {'the same model with NumPy/SciPy (reference)':<52} | {reference:7.2f} | {reference / TOTAL * 1e6:9.0f} µs | |"
        )
    for count, target in ACCURATE_TARGETS.items():
        if count > 10_000 and "--quick" in sys.argv:
            continue
        took = accurate(examples[:count])
        print(f"| {f'accurate layer, {count:,}':<52} | {took:7.2f} | {took / count * 1e6:9.0f} µs | {target:6.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
