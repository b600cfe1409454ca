"""Classify 100,000 citing statements on one core: CiteDesk's pure-Python model beside the same model in
NumPy/SciPy (the reference, when installed) and the target, in one run.

Run: python benchmarks/bench_classify.py
The sentences are the real ones of Athar's corpus and SciCite (../shared), repeated up to 100,000.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import corpora  # noqa: E402

from citedesk.classify.features import features  # noqa: E402
from citedesk.classify.model import load_model  # noqa: E402

TOTAL, TARGET = 100_000, 10.0


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


def main() -> int:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    model, examples = load_model(), sentences()
    ours = min(pure_python(model, examples) for _ in range(3))
    reference = with_numpy(model, examples)
    print(f"{TOTAL:,} statements, one core, CPU seconds, best of 3 for CiteDesk; model {model.version}\n")
    print(f"| {'':<44} | seconds | per statement |")
    print(f"|{'-' * 46}|---------|---------------|")
    print(f"| {'CiteDesk, pure Python (what the app runs)':<44} | {ours:7.2f} | {ours / TOTAL * 1e6:9.0f} µs |")
    if reference is not None:
        print(f"| {'the same model with NumPy/SciPy (reference)':<44} | {reference:7.2f} | {reference / TOTAL * 1e6:9.0f} µs |")
    print(f"| {'target':<44} | {TARGET:7.2f} | {TARGET / TOTAL * 1e6:9.0f} µs |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
