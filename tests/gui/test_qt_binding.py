"""The Qt binding the project runs on keeps Python's reference counts right (PySide6 6.12.0 does not)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_calls_that_return_nothing_keep_references_to_none():
    # PySide6 6.12.0 on Python 3.11 drops a reference to None on every call that returns nothing;
    # after a few thousand calls Python aborts ("none_dealloc"). pyproject.toml pins below 6.12.
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(1000):
        probe.setObjectName("probe")
    assert sys.getrefcount(None) >= before - 10
