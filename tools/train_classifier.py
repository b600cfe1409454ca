"""Train the stance model from ../shared and write citedesk/resources/stance-model.json.gz.

Run: python tools/train_classifier.py   (needs the `train` extra: pip install -e '.[train]')
Training data: all of Athar's corpus and SciCite's dev split; SciCite's test split is never used here.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import corpora
from stance_training import train

from citedesk.classify.model import save_model


def main() -> int:
    began = time.perf_counter()
    examples = corpora.athar() + corpora.scicite("dev")
    model = train(examples)
    path = save_model(model)
    print(
        f"Trained {model.version} on {len(examples):,} sentences in {time.perf_counter() - began:.0f} s: "
        f"{len(model.weights):,} features, temperature {model.temperature}, offsets {model.offsets}, "
        f"threshold {model.threshold}; wrote {path} ({path.stat().st_size / 1e6:.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
