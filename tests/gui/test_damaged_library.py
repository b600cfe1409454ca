"""A damaged library file: the window opens on a dialog that says so and repairs it in the background, or quits."""

from __future__ import annotations

from pathlib import Path

import pytest
from damaged import AUTHORS_BIB, papers
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from citedesk.gui import app
from citedesk.gui.damaged_dialog import DamagedLibraryDialog
from citedesk.library.damage import LibraryDamaged

pytestmark = [pytest.mark.gui, pytest.mark.skipif(not AUTHORS_BIB.exists(), reason="needs the shared corpus")]


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def on_the_dialog(qtbot, act) -> list[DamagedLibraryDialog]:
    """Once the modal dialog is up, record it and do `act(dialog)`; the dialogs seen are in the list returned."""
    seen: list[DamagedLibraryDialog] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, DamagedLibraryDialog):
            QTimer.singleShot(20, look)
            return
        seen.append(dialog)
        act(dialog)

    QTimer.singleShot(0, look)
    return seen


def test_building_the_window_on_a_damaged_library_raises_library_damaged(qtbot, damaged: Path, settings) -> None:
    with pytest.raises(LibraryDamaged) as caught:
        app.build_window(damaged, settings)
    assert caught.value.path == damaged


def test_the_window_opens_on_the_dialog_and_repairs_in_the_background(
    qtbot, damaged: Path, clean: Path, settings
) -> None:
    told: dict[str, object] = {}

    def repair(dialog: DamagedLibraryDialog) -> None:
        told["text"] = dialog.message.text()
        told["title"] = dialog.windowTitle()
        dialog.repairFinished.connect(lambda: (told.update(summary=dialog.detail.text()), dialog.open_button.click()))
        dialog.repair_button.click()
        told["while_repairing"] = (dialog.repaired, dialog.repair_button.isEnabled(), dialog.quit_button.isEnabled())

    seen = on_the_dialog(qtbot, repair)
    window = app.open_window(damaged, settings)
    qtbot.addWidget(window)
    assert len(seen) == 1
    assert told["title"] == "The library is damaged — CiteDesk"
    assert told["text"] == (
        f"The library file {damaged} is damaged (database disk image is malformed): "
        f"`citedesk repair --library {damaged}` copies what can still be read into a new library "
        "in its place and keeps the damaged file beside it."
    )
    assert told["while_repairing"] == (None, False, False)  # the click returned while the work went on
    [kept] = damaged.parent.glob("library.damaged-*.sqlite")
    recovered = papers(damaged)
    assert told["summary"] == seen[0].repaired.summary()
    assert f"the damaged file is kept as {kept}" in told["summary"]
    assert 0.6 * len(papers(clean)) <= len(recovered) < len(papers(clean))
    assert window.library == damaged and window.model.total == len(recovered)


def test_quit_leaves_the_library_as_it_was(qtbot, damaged: Path, settings) -> None:
    before = damaged.read_bytes()
    seen = on_the_dialog(qtbot, lambda dialog: dialog.quit_button.click())
    assert app.open_window(damaged, settings) is None
    assert len(seen) == 1
    assert damaged.read_bytes() == before
    assert (
        sorted(path.name for path in damaged.parent.iterdir() if "damaged" in path.name or "repair" in path.name) == []
    )


def test_a_failed_repair_says_why_and_offers_only_quit(qtbot, damaged: Path, settings) -> None:
    def repair_then_quit(dialog: DamagedLibraryDialog) -> None:
        damaged.unlink()  # gone before the repair could read it
        dialog.repairFinished.connect(lambda: (texts.append(dialog.detail.text()), dialog.quit_button.click()))
        dialog.repair_button.click()

    texts: list[str] = []
    on_the_dialog(qtbot, repair_then_quit)
    assert app.open_window(damaged, settings) is None
    assert texts == [f"The repair failed: There is no library file at {damaged} to repair"]
