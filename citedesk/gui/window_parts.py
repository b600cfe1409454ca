"""What the window's helpers (Cite, watching papers) use of the window: one record, passed to each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from citedesk.gui.tasks import TaskRunner


@dataclass(frozen=True)
class WindowParts:
    """The library, the task runner, the settings, the selected papers and the status bar's message."""

    library: Path
    runner: TaskRunner
    settings: QSettings
    selected: Callable[[], list[int]]  # the ids of the papers selected in the list
    status: Callable[[str], None]  # say something in the status bar
