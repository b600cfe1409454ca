"""Start the window: the application object, the library, the main window, and screenshots."""

from __future__ import annotations

import gc
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import platformdirs

from citedesk.model import CitedeskError
from citedesk.plugins import Registry, build_registry
from citedesk.reads import LibraryDamaged, Reads, damage_error, default_library_path, is_damage, reporting_damage

if TYPE_CHECKING:  # Qt is loaded only once a window is to open
    from PySide6.QtCore import QSettings

    from citedesk.gui.mainwindow import MainWindow
    from citedesk.gui.tasks import TaskRunner

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]

log = logging.getLogger("citedesk")
SCREENSHOT_SIZE = (1600, 1000)
SCREENSHOT_PATIENCE = 120  # seconds a screenshot waits for the background work to end


def run(
    library: str | None,
    screenshot: str | None = None,
    select: str | None = None,
    *,
    registry: Registry | None = None,
    explain: bool = False,
) -> int:
    """Show the window until it is closed, or render it to a PNG and return; the exit status. The plug-in
    registry is the command line's, else built here, once. `explain`: open the selected paper's explanation."""
    if screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not has_display():
        raise CitedeskError(
            "there is no display to open the window on (DISPLAY is not set). Run citedesk in a desktop "
            "session, or use --screenshot PNG, or the commands listed by citedesk --help."
        )
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    _send_qt_messages_to_the_log()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("CiteDesk")
    app.setOrganizationName("CiteDesk")
    QApplication.setDesktopFileName("citedesk")  # QGuiApplication's, static: instance() is typed a QCoreApplication
    _log_to_file()
    path = Path(library).expanduser() if library else default_library_path()
    registry = registry if registry is not None else build_registry()
    if screenshot:
        return _screenshot(path, Path(screenshot), select, registry, explain)
    try:
        window = open_window(path, QSettings(), registry)
    except CitedeskError as exc:
        return _fail(str(exc), False)
    if window is None:
        return 1
    sys.excepthook = _excepthook(window)
    window.show()
    freeze_startup_objects()
    if select and window.select_key(select) and explain:
        window.explanation.set_open(True)
    return app.exec()


def freeze_startup_objects() -> None:
    """Leave what start-up made (modules, Qt wrappers, the window) out of every later garbage collection.
    Reading a paper with 10,000 statements makes enough objects to set off full collections, and each
    would rescan all of start-up's too: a quarter of the time to list them."""
    gc.freeze()


def has_display() -> bool:
    """Whether Qt can open a window here: always on macOS and Windows, on Linux with X11 or Wayland."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_window(path: Path, settings: QSettings, registry: Registry | None = None) -> MainWindow | None:
    """The main window on the library at `path`; when its file is damaged, first a dialog that says so and
    offers to repair it; None when the person quits there."""
    try:
        return build_window(path, settings, registry)
    except LibraryDamaged as damage:
        from citedesk.gui.damaged_dialog import DamagedLibraryDialog

        dialog = DamagedLibraryDialog(damage)
        if not dialog.exec() or dialog.repaired is None:
            return None
        return build_window(dialog.repaired.library, settings, registry)


def build_window(path: Path, settings: QSettings, registry: Registry | None = None) -> MainWindow:
    """A main window on the library at `path`, with the real dialogs; LibraryDamaged if its file is damaged."""
    from citedesk.gui.about import application_icon
    from citedesk.gui.dialogs import Dialogs
    from citedesk.gui.mainwindow import MainWindow

    reads = Reads.open(path)
    try:
        with reporting_damage(path):  # the window reads the list and the sidebar as it is built
            return MainWindow(path, reads, Dialogs(settings, path), settings, application_icon(), registry=registry)
    except BaseException:
        _discard_half_built(MainWindow, reads)
        reads.close()
        raise


def _discard_half_built(kind: type, reads: Reads) -> None:
    """Delete a window whose building failed, before it reads its (closed) library again from the event loop."""
    import shiboken6
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and getattr(widget, "reads", None) is reads:
            shiboken6.delete(widget)


def save_screenshot(window: MainWindow, path: Path, select: str | None, explain: bool = False) -> int:
    """Render the window offscreen, with a paper selected and its report loaded (and explained), to a PNG."""
    from PySide6.QtCore import QEventLoop, QTimer

    window.resize(*SCREENSHOT_SIZE)
    window.show()
    if select:
        loop = QEventLoop()
        window.reportShown.connect(lambda _: loop.quit())
        QTimer.singleShot(20_000, loop.quit)
        if not window.select_key(select):
            return _fail(f"No paper with the key {select!r} in the library", True)
        loop.exec()
        if explain:
            window.explanation.set_open(True)
    deadline = time.monotonic() + SCREENSHOT_PATIENCE
    while True:  # what a finished task delivers (a report read) may start another (its reference, its seen mark)
        wait_until_idle(window.runner, deadline - time.monotonic())
        settle(400)
        if not window.runner.busy or time.monotonic() >= deadline:
            break
    if not window.grab().save(str(path), "PNG"):
        return _fail(f"Cannot write the screenshot {path}", True)
    window.close()
    print(f"Saved a screenshot of the window to {path}")
    return 0


def wait_until_idle(runner: TaskRunner, seconds: float) -> None:
    """Let the window's background work (a relabelling at start, the report's reads) finish, for at most
    `seconds`: a screenshot shows the window at rest, not a progress bar."""
    deadline = time.monotonic() + seconds
    while runner.busy and time.monotonic() < deadline:
        settle(50)


def settle(msecs: int) -> None:
    """Let queued layout and painting (the statements are laid out in batches) finish for a while."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(msecs, loop.quit)
    loop.exec()


def _screenshot(library: Path, png: Path, select: str | None, registry: Registry, explain: bool = False) -> int:
    """A screenshot with the default layout: settings in a scratch file, never the person's."""
    from PySide6.QtCore import QSettings

    with tempfile.TemporaryDirectory(prefix="citedesk-screenshot-") as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        try:
            window = build_window(library, settings, registry)
        except CitedeskError as exc:
            return _fail(str(exc), True)
        return save_screenshot(window, png, select, explain)


def _send_qt_messages_to_the_log() -> None:
    """Qt's own warnings (fonts, platform plugins) go to the log file, not to the person's terminal."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO}
    qInstallMessageHandler(lambda kind, _context, text: log.log(levels.get(kind, logging.WARNING), "Qt: %s", text))


def _log_to_file() -> None:
    folder = Path(platformdirs.user_log_dir("CiteDesk", appauthor=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "citedesk.log", encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def _excepthook(window: MainWindow) -> ExceptHook:
    """A bug in a slot: log the traceback, tell the person in one line, keep the window running."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if is_damage(value):
            value = damage_error(window.library, value)
        message = (
            str(value) if isinstance(value, CitedeskError) else f"Something went wrong ({kind.__name__}: {value})."
        )
        window.dialogs.error(window, "CiteDesk", message + "\nThe details are in the log file.")

    return hook


def _fail(message: str, to_terminal: bool) -> int:
    if to_terminal:
        print(f"citedesk: {message}", file=sys.stderr)
    else:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "CiteDesk", message)
    return 1
