"""Plug-ins add window actions and report sections through the Qt hooks; a failing one costs one line."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from citedesk.gui.extensions import load_extensions
from citedesk.gui.hookspecs import ReportSection
from citedesk.plugins import build_registry, hookimpl

pytestmark = pytest.mark.gui


class WordCount(ReportSection):
    title = "Words"

    def __init__(self, parent):
        super().__init__(parent)
        self.label = QLabel(self)
        QVBoxLayout(self).addWidget(self.label)

    def show_report(self, report):
        self.label.setText(f"{len(report.split())} words")


class Broken(ReportSection):
    def show_report(self, report):
        raise RuntimeError("a bug")


class GoodPlugin:
    __name__ = "good"

    @hookimpl
    def citedesk_window_actions(self, window):
        return [QAction("Count words", window)]

    @hookimpl
    def citedesk_report_sections(self, parent):
        return [WordCount(parent), Broken(parent)]


class BadPlugin:
    __name__ = "bad"

    @hookimpl
    def citedesk_window_actions(self):
        raise ValueError("no actions today")

    @hookimpl
    def citedesk_report_sections(self, parent):
        return ["not a widget"]


def test_actions_and_sections_come_from_the_plug_ins_and_a_failing_one_is_one_line(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    extensions = load_extensions(build_registry([GoodPlugin(), BadPlugin()], load_entry_points=False), window, window)
    assert [action.text() for action in extensions.actions] == ["Count words"]
    assert [type(section) for section in extensions.sections] == [WordCount, Broken]
    assert extensions.broken == [
        "bad: citedesk_window_actions failed (ValueError: no actions today)",
        "bad: 'not a widget' is not a ReportSection",
    ]
    extensions.show_report("three short words")
    word_count, broken = extensions.sections
    assert word_count.label.text() == "3 words" and not word_count.isHidden()
    assert broken.isHidden()  # its bug hid it; the window goes on
    extensions.clear()
    assert word_count.isHidden()


def test_without_plug_ins_the_window_gets_nothing_extra(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    extensions = load_extensions(build_registry(load_entry_points=False), window, window)
    assert (extensions.actions, extensions.sections, extensions.broken) == ([], [], [])


class CitationLine(ReportSection):
    """A section that reads the window's report: the paper's title and its count of citing statements."""

    title = "Citations"

    def __init__(self, parent):
        super().__init__(parent)
        self.label = QLabel(self)
        QVBoxLayout(self).addWidget(self.label)

    def show_report(self, report):
        self.label.setText(f"{report.paper.title}: {report.counts.citation_statements} statements")


class WindowPlugin:
    __name__ = "window-plugin"

    @hookimpl
    def citedesk_window_actions(self, window):
        return [QAction("Count words", window)]

    @hookimpl
    def citedesk_report_sections(self, parent):
        return [CitationLine(parent), Broken(parent)]


def test_the_window_shows_the_plug_ins_actions_and_sections_and_names_a_failing_one(qtbot, tmp_path, small_library):
    from PySide6.QtCore import QSettings
    from test_main_window import select

    from citedesk.gui.app import build_window

    registry = build_registry([WindowPlugin(), BadPlugin()], load_entry_points=False)
    window = build_window(
        small_library, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), registry
    )
    qtbot.addWidget(window)
    window.show()
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    assert [action.text() for action in menus["&Tools"].actions()] == ["Count words"]
    assert list(menus)[-2:] == ["&Tools", "&Help"]
    line, broken = window.findChildren(CitationLine)[0], window.findChildren(Broken)[0]
    assert window.right.widget().isAncestorOf(line)  # in the right-hand column, below the report
    assert line.isHidden()  # no paper selected yet

    select(qtbot, window, "tse2017")
    assert line.isVisible() and line.label.text().endswith(" statements")
    assert line.label.text().startswith(window.details.title_label.text()[:20])
    assert broken.isHidden()
    assert "bad: citedesk_window_actions failed (ValueError: no actions today)" in window.registry.broken
    window.close()
