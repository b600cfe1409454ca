"""The classifier's tests read the corpora through tools/corpora.py, as training does."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
