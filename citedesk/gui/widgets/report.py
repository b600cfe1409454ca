"""The citation report of one paper: totals, the four stance tallies, a stance bar and the per-year chart."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QHelpEvent, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from citedesk.gui.style import STANCE_COLORS, STANCE_LABELS
from citedesk.gui.widgets.year_chart import YearChart, count_words, muted_color, small_font
from citedesk.model import Stance
from citedesk.reads import UNKNOWN_YEAR, Counts

NO_DATA_MESSAGE = "No citation data for this paper yet."
EXTERNAL_NAMES = {
    "cited_by": "cited by",
    "citation_statements": "statements",
    "citing_publications": "citing publications",
    "statements": "statements",
    "references": "references",
    "references_count": "references",
    "reference_statements": "reference statements",
}


def segment_widths(counts: Mapping[Stance, int], width: int, minimum: int = 2) -> list[tuple[Stance, int]]:
    """Whole-pixel widths of the bar's segments, in stance order: proportional to the counts,
    adding up to `width`, and at least `minimum` px for a non-zero count when there is room."""
    numbers = [(stance, max(int(counts.get(stance, 0)), 0)) for stance in Stance]
    total = sum(number for _, number in numbers)
    if total == 0 or width <= 0:
        return [(stance, 0) for stance, _ in numbers]
    exact = [number * width / total for _, number in numbers]
    widths = [int(value) for value in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - widths[i], reverse=True)
    for i in by_remainder[: width - sum(widths)]:
        widths[i] += 1
    _widen_small_segments(widths, [number for _, number in numbers], minimum, width)
    return [(stance, widths[i]) for i, (stance, _) in enumerate(numbers)]


def _widen_small_segments(widths: list[int], numbers: list[int], minimum: int, width: int) -> None:
    """Give every non-zero segment `minimum` px, taken from the widest segment, when the bar is wide enough."""
    if width < minimum * sum(1 for number in numbers if number):
        return
    for i, number in enumerate(numbers):
        while number and widths[i] < minimum:
            widest = max(range(len(widths)), key=widths.__getitem__)
            widths[widest] -= 1
            widths[i] += 1


def cited_by_line(counts: Counts, bold: bool = False) -> str:
    """ "Cited by 31 publications (51 citation statements)" (numbers in <b> for rich text if `bold`)."""
    return _totals_line("Cited by", counts.cited_by, counts.citation_statements, "citation", bold)


def references_line(counts: Counts, bold: bool = False) -> str:
    """ "References 48 publications (43 reference statements)"."""
    return _totals_line("References", counts.references, counts.reference_statements, "reference", bold)


def _totals_line(prefix: str, publications: int, statements: int, kind: str, bold: bool) -> str:
    first, second = count_words(publications, "publication"), count_words(statements, f"{kind} statement")
    if bold:
        first, second = (re.sub(r"^([\d,]+)", r"<b>\1</b>", part) for part in (first, second))
    return f"{prefix} {first} ({second})"


def external_line(label: str, counts: Mapping[str, int]) -> str:
    """ "scite: supporting 3 · mentioning 47 · contrasting 0": stances first, then the other counts
    (a count that is None, i.e. unknown to that source, is left out)."""
    known = [stance.value for stance in Stance if counts.get(stance.value) is not None]
    others = [name for name, value in counts.items() if name not in known and value is not None]
    parts = [f"{EXTERNAL_NAMES.get(name, name.replace('_', ' '))} {int(counts[name]):,}" for name in known + others]
    return f"{label}: {' · '.join(parts)}" if parts else label


class StanceBar(QWidget):
    """One horizontal bar split into coloured segments proportional to the stance tallies."""

    HEIGHT = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: dict[Stance, int] = dict.fromkeys(Stance, 0)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_counts(self, counts: Mapping[Stance, int]) -> None:
        """Show these tallies."""
        self._counts = {stance: int(counts.get(stance, 0)) for stance in Stance}
        self.update()

    def segments(self) -> list[tuple[Stance, QRectF]]:
        """The painted segments left to right, without the empty ones."""
        rects, left = [], 0
        for stance, width in segment_widths(self._counts, self.width()):
            if width:
                rects.append((stance, QRectF(left, 0, width, self.height())))
                left += width
        return rects

    def sizeHint(self) -> QSize:
        return QSize(300, self.HEIGHT)

    def minimumSizeHint(self) -> QSize:
        return QSize(40, self.HEIGHT)

    def tooltip_text(self, stance: Stance) -> str:
        """ "Mentioning: 47 of 51 statements (92%)"."""
        total = sum(self._counts.values())
        share = 100 * self._counts[stance] / total if total else 0
        return f"{STANCE_LABELS[stance]}: {self._counts[stance]:,} of {count_words(total, 'statement')} ({share:.0f}%)"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = [stance for stance, rect in self.segments() if rect.contains(QPointF(event.pos()))]
            if found:
                QToolTip.showText(event.globalPos(), self.tooltip_text(found[0]), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        outline = QPainterPath()
        outline.addRoundedRect(QRectF(self.rect()), self.height() / 2, self.height() / 2)
        painter.setClipPath(outline)
        painter.fillRect(self.rect(), muted_color(self.palette(), 0.15))
        for stance, rect in self.segments():
            painter.fillRect(rect, STANCE_COLORS[stance])


class _Tally(QWidget):
    """One stance tally: a coloured marker and the number, with the stance's name beneath."""

    def __init__(self, stance: Stance, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stance = stance
        self.number = QLabel(self)
        self.number.setTextFormat(Qt.TextFormat.RichText)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.number.setFont(font)
        self.name = QLabel(STANCE_LABELS[stance], self)
        self.name.setFont(small_font(self.font()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.number)
        layout.addWidget(self.name)

    def set_count(self, count: int) -> None:
        """Show the number beside the stance's colour."""
        color = STANCE_COLORS[self.stance].name()
        self.number.setText(f'<span style="color:{color}">&#9632;</span>&nbsp;{count:,}')
        self.setToolTip(f"{STANCE_LABELS[self.stance]}: {count_words(count, 'citing statement')}")
        self.recolor()

    def recolor(self) -> None:
        """Take the quiet colour of the stance's name from the current palette."""
        self.name.setStyleSheet(f"color: {muted_color(self.palette()).name()}")


class ReportPane(QWidget):
    """The report of the selected paper: what our statements say, or a plain 'no data' with actions.
    A click on a bar of the chart emits `yearClicked` with its year (UNKNOWN_YEAR: works without one)."""

    yearClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quiet_labels: dict[QLabel, bool] = {}
        self._pages = QStackedWidget(self)
        self._blank = QWidget()
        self._report = self._build_report()
        self._no_data = self._build_no_data()
        for page in (self._blank, self._report, self._no_data):
            self._pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages)
        self.clear()

    # Building

    def _build_report(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        self.cited_by_label = self._line(layout)
        self.references_label = self._line(layout)
        layout.addSpacing(6)
        layout.addLayout(self._build_tallies())
        self.bar = StanceBar(page)
        layout.addWidget(self.bar)
        layout.addSpacing(8)
        self.chart_caption = self._caption(layout)
        self.chart = YearChart(page)
        self.chart.yearClicked.connect(self.yearClicked)
        layout.addWidget(self.chart)
        self.undated_label = self._caption(layout)
        self._external_box = QVBoxLayout()
        self._external_box.setSpacing(2)
        layout.addLayout(self._external_box)
        layout.addStretch(1)
        self.external_labels: dict[str, QLabel] = {}
        return page

    def _build_tallies(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setContentsMargins(0, 0, 0, 2)
        self.tallies = {stance: _Tally(stance) for stance in Stance}
        for column, tally in enumerate(self.tallies.values()):
            grid.addWidget(tally, 0, column)
            grid.setColumnStretch(column, 1)
        return grid

    def _build_no_data(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 10)
        self.no_data_label = QLabel(NO_DATA_MESSAGE, page)
        self.no_data_label.setWordWrap(True)
        layout.addWidget(self.no_data_label)
        self._buttons = QHBoxLayout()
        self._buttons.setSpacing(6)
        layout.addLayout(self._buttons)
        layout.addStretch(1)
        self.action_buttons: list[QToolButton] = []
        return page

    def _line(self, layout: QVBoxLayout) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        layout.addWidget(label)
        return label

    def _caption(self, layout: QVBoxLayout) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setFont(small_font(self.font()))
        layout.addWidget(label)
        return label

    # Showing

    def show_report(self, counts: Counts, years: Mapping[int, Counter[Stance]]) -> None:
        """Show the totals, tallies, bar and chart of one paper (removes any external lines)."""
        self.cited_by_label.setText(cited_by_line(counts, bold=True))
        self.references_label.setText(references_line(counts, bold=True))
        self._quiet(self.references_label, not (counts.references or counts.reference_statements))
        tallies = counts.stances()
        for stance, tally in self.tallies.items():
            tally.set_count(tallies[stance])
        self.bar.set_counts(tallies)
        self.chart.set_counts(years)
        self._show_chart_notes(counts.citation_statements, years)
        self._remove_external()
        self._pages.setCurrentWidget(self._report)

    def _show_chart_notes(self, statements: int, years: Mapping[int, Counter[Stance]]) -> None:
        """Show the chart only when some citing work has a year, and say how many statements it leaves out
        (those of works without a year are in it, under Unknown, when `years` counts them)."""
        dated = sum(sum(counts.values()) for year, counts in years.items() if year != UNKNOWN_YEAR)
        charted = sum(years.get(UNKNOWN_YEAR, Counter()).values()) if dated else 0  # the Unknown bar
        undated = statements - dated - charted
        self.chart_caption.setText("Citing statements per year")
        for widget in (self.chart_caption, self.chart):
            widget.setVisible(dated > 0)
        if dated and undated > 0:
            note = f"Not in the chart: {count_words(undated, 'statement')} from works without a year."
        elif undated > 0:
            note = "No chart by year: none of the citing works has a year."
        else:
            note = ""
        self.undated_label.setText(note)
        self.undated_label.setVisible(bool(note))
        for label in (self.chart_caption, self.undated_label):
            self._quiet(label, True)

    def show_no_data(self, actions: Iterable[QAction]) -> None:
        """Say plainly that there is no citation data, with a button for each action."""
        self._clear_buttons()
        for action in actions:
            button = QToolButton(self._no_data)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self._buttons.addWidget(button)
            self.action_buttons.append(button)
        self._buttons.addStretch(1)
        self._remove_external()
        self._pages.setCurrentWidget(self._no_data)

    def show_external(self, label: str, counts: Mapping[str, int]) -> None:
        """Add (or replace) a small line of another source's counts, e.g. scite's tallies."""
        line = self.external_labels.get(label)
        if line is None:
            line = QLabel(self._report)
            line.setTextFormat(Qt.TextFormat.PlainText)
            line.setWordWrap(True)
            line.setFont(small_font(self.font()))
            self._quiet(line, True)
            self._external_box.addWidget(line)
            self.external_labels[label] = line
        line.setText(external_line(label, counts))

    def clear(self) -> None:
        """Show nothing (no paper selected)."""
        self._remove_external()
        self._clear_buttons()
        self._pages.setCurrentWidget(self._blank)

    def showing(self) -> str:
        """Which state the pane is in: "blank", "report" or "no data"."""
        current = self._pages.currentWidget()
        return "blank" if current is self._blank else "report" if current is self._report else "no data"

    def _clear_buttons(self) -> None:
        while self._buttons.count():
            item = self._buttons.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.action_buttons = []

    def _remove_external(self) -> None:
        for line in self.external_labels.values():
            self._quiet_labels.pop(line, None)
            self._external_box.removeWidget(line)
            line.hide()
            line.deleteLater()
        self.external_labels = {}

    def _quiet(self, label: QLabel, quiet: bool) -> None:
        """Show the label in the quiet colour (or the normal one), now and after palette changes."""
        self._quiet_labels[label] = quiet
        label.setStyleSheet(f"color: {muted_color(self.palette()).name()}" if quiet else "")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for label, quiet in list(self._quiet_labels.items()):
                self._quiet(label, quiet)
            for tally in self.tallies.values():
                tally.recolor()

    def sizeHint(self) -> QSize:
        return QSize(480, super().sizeHint().height())
