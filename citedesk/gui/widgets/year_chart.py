"""A small stacked bar chart of citing statements per year, coloured by stance, painted by hand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QMouseEvent, QPainter, QPalette, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from citedesk.gui.style import STANCE_COLORS, STANCE_LABELS
from citedesk.model import Stance

LABEL_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
MAX_SLOT = 44.0  # px: with few years the bars stay slim and the chart narrow
BAR_FILL = 0.7  # share of a year's slot taken by its bar
MAX_BAR = 26.0


def muted_color(palette: QPalette, amount: float = 0.55) -> QColor:
    """The text colour blended towards the background: for axes, captions and hints."""
    text, back = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    return QColor.fromRgbF(*(t * amount + b * (1 - amount) for t, b in zip(text.getRgbF()[:3], back.getRgbF()[:3])))


def small_font(font: QFont, factor: float = 0.85) -> QFont:
    """A copy of the font, smaller by `factor`."""
    small = QFont(font)
    small.setPointSizeF(max(font.pointSizeF() * factor, 6.0))
    return small


def count_words(count: int, singular: str, plural: str | None = None) -> str:
    """"1 statement", "1,234 statements"."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


class YearChart(QWidget):
    """Stacked bars, one per year from the first to the last year with statements, coloured by stance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: dict[int, Counter] = {}
        self._years: list[int] = []
        self._hovered: int | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_counts(self, years: Mapping[int, Counter]) -> None:
        """Show these per-year stance counts (as `statement_view.per_year` returns them)."""
        self._counts = {int(year): Counter(counts) for year, counts in years.items() if sum(counts.values()) > 0}
        self._years = list(range(min(self._counts), max(self._counts) + 1)) if self._counts else []
        self._hovered = None
        self.update()

    def years(self) -> list[int]:
        """Every year from the first to the last, including years without statements."""
        return list(self._years)

    def counts(self, year: int) -> Counter:
        """The stance counts of one year (empty for a year without statements)."""
        return Counter(self._counts.get(year, {}))

    def max_count(self) -> int:
        """The number of statements in the busiest year (0 when there are none)."""
        return max((sum(counts.values()) for counts in self._counts.values()), default=0)

    def sizeHint(self) -> QSize:
        return QSize(420, 120)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 90)

    # Geometry

    def _font(self) -> QFont:
        return small_font(self.font())

    def _area(self) -> QRectF:
        """The room for the bars: space for the y labels on the left and the years below."""
        metrics = QFontMetrics(self._font())
        left = metrics.horizontalAdvance(f"{max(self.max_count(), 10):,}") + 8
        half_label = metrics.horizontalAdvance("8888") / 2
        top, bottom = metrics.height() / 2 + 1, metrics.height() + 5
        return QRectF(left, top, max(self.width() - left - half_label, 1), max(self.height() - top - bottom, 1))

    def slot_width(self) -> float:
        """The horizontal room of one year."""
        if not self._years:
            return 0.0
        return min(self._area().width() / len(self._years), MAX_SLOT)

    def plot_rect(self) -> QRectF:
        """The bars' area: as wide as the years need, at most the widget's width."""
        area = self._area()
        return QRectF(area.left(), area.top(), self.slot_width() * len(self._years), area.height())

    def slot_rect(self, year: int) -> QRectF:
        """The full-height column of one year (its bar is centred in it)."""
        plot, slot = self.plot_rect(), self.slot_width()
        return QRectF(plot.left() + slot * (year - self._years[0]), plot.top(), slot, plot.height())

    def bar_rects(self, year: int) -> list[tuple[Stance, QRectF]]:
        """The stacked segments of a year's bar, bottom up in stance order (none for an empty year)."""
        highest = self.max_count()
        if year not in self._counts or highest == 0:
            return []
        slot = self.slot_rect(year)
        width = max(min(slot.width() * BAR_FILL, MAX_BAR), 1.0)
        left, bottom, scale = slot.center().x() - width / 2, slot.bottom(), slot.height() / highest
        segments = []
        for stance in Stance:
            number = self._counts[year].get(stance, 0)
            if number:
                height = number * scale
                segments.append((stance, QRectF(left, bottom - height, width, height)))
                bottom -= height
        return segments

    def label_step(self) -> int:
        """Label every year, or every 2nd, 5th, 10th ... year so that the labels do not collide."""
        room = QFontMetrics(self._font()).horizontalAdvance("8888") + 8
        slot = self.slot_width()
        return next((step for step in LABEL_STEPS if slot * step >= room), LABEL_STEPS[-1])

    def labelled_years(self) -> list[int]:
        """The years written under the axis."""
        step = self.label_step()
        if step == 1:
            return list(self._years)
        return [year for year in self._years if year % step == 0]

    def year_at(self, pos: QPointF) -> int | None:
        """The year whose column contains the point, if any."""
        for year in self._years:
            if self.slot_rect(year).adjusted(0, 0, 0, self.height()).contains(pos):
                return year
        return None

    def tooltip_text(self, year: int) -> str:
        """The year, its total and its non-zero counts per stance."""
        counts = self._counts.get(year)
        if not counts:
            return f"{year}: no citing statements"
        lines = [f"{year}: {count_words(sum(counts.values()), 'citing statement')}"]
        lines += [f"{STANCE_LABELS[stance]}: {counts[stance]:,}" for stance in Stance if counts.get(stance)]
        return "\n".join(lines)

    # Events

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            year = self.year_at(QPointF(event.pos()))
            if year is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_text(year), self)
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._set_hovered(self.year_at(event.position()))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hovered(None)
        super().leaveEvent(event)

    def _set_hovered(self, year: int | None) -> None:
        if year != self._hovered:
            self._hovered = year
            self.update()

    # Painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setFont(self._font())
        if not self._years:
            self._paint_empty(painter)
            return
        self._paint_axes(painter)
        if self._hovered is not None:
            self._paint_hover(painter, self._hovered)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for year in self._years:
            for stance, rect in self.bar_rects(year):
                painter.fillRect(rect, STANCE_COLORS[stance])
        self._paint_year_labels(painter)

    def _paint_empty(self, painter: QPainter) -> None:
        painter.setPen(muted_color(self.palette()))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No dated citing statements")

    def _paint_axes(self, painter: QPainter) -> None:
        plot, muted = self.plot_rect(), muted_color(self.palette())
        grid = muted_color(self.palette(), 0.18)
        painter.setPen(grid)
        painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.right(), plot.top()))
        painter.setPen(muted_color(self.palette(), 0.4))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        painter.setPen(muted)
        height = QFontMetrics(painter.font()).height()
        for value, y in ((self.max_count(), plot.top()), (0, plot.bottom())):
            box = QRectF(0, y - height / 2, plot.left() - 6, height)
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{value:,}")

    def _paint_hover(self, painter: QPainter, year: int) -> None:
        color = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        color.setAlphaF(0.14)
        painter.fillRect(self.slot_rect(year), color)

    def _paint_year_labels(self, painter: QPainter) -> None:
        painter.setPen(muted_color(self.palette()))
        plot = self.plot_rect()
        for year in self.labelled_years():
            slot = self.slot_rect(year)
            box = QRectF(slot.center().x() - 30, plot.bottom() + 3, 60, self.height() - plot.bottom() - 3)
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, str(year))
