"""A small stacked bar chart of citing statements per year, coloured by stance, painted by hand; works
without a year get an "Unknown" bar at the end, and a click on a bar asks for that year's statements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from citedesk.gui.style import STANCE_COLORS, STANCE_LABELS
from citedesk.model import Stance
from citedesk.reads import UNKNOWN_YEAR

LABEL_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
MAX_SLOT = 44.0  # px: with few years the bars stay slim and the chart narrow
BAR_FILL = 0.7  # share of a year's slot taken by its bar
MAX_BAR = 26.0
UNKNOWN_LABEL = "Unknown"  # under the bar of works without a year
UNKNOWN_GAP = 8.0  # px between the last year and the Unknown bar


def muted_color(palette: QPalette, amount: float = 0.55) -> QColor:
    """The text colour blended towards the background: for axes, captions and hints."""
    text, back = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    return QColor.fromRgbF(*(t * amount + b * (1 - amount) for t, b in zip(_rgb_f(text), _rgb_f(back))))


def _rgb_f(color: QColor) -> tuple[float, float, float]:
    """The red, green and blue of a colour, 0 to 1 (what getRgbF()[:3] gives; its stub says only `object`)."""
    return color.redF(), color.greenF(), color.blueF()


def small_font(font: QFont, factor: float = 0.85) -> QFont:
    """A copy of the font, smaller by `factor`."""
    small = QFont(font)
    small.setPointSizeF(max(font.pointSizeF() * factor, 6.0))
    return small


def count_words(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 statement", "1,234 statements"."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


class YearChart(QWidget):
    """Stacked bars, one per year from the first to the last year with statements, coloured by stance, then
    one for the works without a year; clicking a bar with statements emits `yearClicked` with its year
    (UNKNOWN_YEAR for that last bar)."""

    yearClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: dict[int, Counter[Stance]] = {}
        self._years: list[int] = []
        self._hovered: int | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_counts(self, years: Mapping[int, Counter[Stance]]) -> None:
        """Show these per-year stance counts (as `Reads.years` returns them: UNKNOWN_YEAR for
        works without a year)."""
        self._counts = {int(year): Counter(counts) for year, counts in years.items() if sum(counts.values()) > 0}
        dated = [year for year in self._counts if year != UNKNOWN_YEAR]
        self._years = list(range(min(dated), max(dated) + 1)) if dated else []
        self._hovered = None
        self.update()

    def years(self) -> list[int]:
        """Every year from the first to the last, including years without statements (not UNKNOWN_YEAR)."""
        return list(self._years)

    def columns(self) -> list[int]:
        """The chart's columns left to right: the years, then UNKNOWN_YEAR when some work has no year."""
        return self._years + ([UNKNOWN_YEAR] if self.has_unknown() else [])

    def has_unknown(self) -> bool:
        """Whether there is a bar for works without a year."""
        return UNKNOWN_YEAR in self._counts

    def counts(self, year: int) -> Counter[Stance]:
        """The stance counts of one year (empty for a year without statements); UNKNOWN_YEAR: works without one."""
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

    def _unknown_room(self) -> float:
        """The width the Unknown column takes after the years, with the gap before it (0 without one)."""
        if not self.has_unknown():
            return 0.0
        return (UNKNOWN_GAP if self._years else 0.0) + self._unknown_width()

    def _unknown_width(self) -> float:
        return QFontMetrics(self._font()).horizontalAdvance(UNKNOWN_LABEL) + 8.0

    def slot_width(self) -> float:
        """The horizontal room of one year."""
        if not self._years:
            return 0.0
        return min(max(self._area().width() - self._unknown_room(), 1.0) / len(self._years), MAX_SLOT)

    def plot_rect(self) -> QRectF:
        """The bars' area: as wide as the years (and the Unknown column) need, at most the widget's width."""
        area = self._area()
        width = self.slot_width() * len(self._years) + self._unknown_room()
        return QRectF(area.left(), area.top(), width, area.height())

    def slot_rect(self, year: int) -> QRectF:
        """The full-height column of one year (its bar is centred in it); UNKNOWN_YEAR: the last column."""
        plot, slot = self.plot_rect(), self.slot_width()
        if year == UNKNOWN_YEAR:
            width = self._unknown_width()
            return QRectF(plot.right() - width, plot.top(), width, plot.height())
        return QRectF(plot.left() + slot * (year - self._years[0]), plot.top(), slot, plot.height())

    def bar_rects(self, year: int) -> list[tuple[Stance, QRectF]]:
        """The stacked segments of a year's bar, bottom up in stance order (none for an empty year)."""
        highest = self.max_count()
        if year not in self._counts or highest == 0:
            return []
        slot = self.slot_rect(year)
        room = self.slot_width() if self._years else MAX_SLOT  # the Unknown bar is as wide as the others
        width = max(min(room * BAR_FILL, MAX_BAR), 1.0)
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
        """The year whose column contains the point (UNKNOWN_YEAR for the Unknown column), if any."""
        for year in self.columns():
            if self.slot_rect(year).adjusted(0, 0, 0, self.height()).contains(pos):
                return year
        return None

    def tooltip_text(self, year: int) -> str:
        """The year, its total and its non-zero counts per stance."""
        counts = self._counts.get(year)
        name = "Unknown year" if year == UNKNOWN_YEAR else str(year)
        if not counts:
            return f"{name}: no citing statements"
        lines = [f"{name}: {count_words(sum(counts.values()), 'citing statement')}"]
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
        year = self.year_at(event.position())
        self._set_hovered(year)
        if year is not None and year in self._counts:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        year = self.year_at(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        super().mouseReleaseEvent(event)
        if year is not None and year in self._counts:
            self.yearClicked.emit(year)

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
        if not self._counts:
            self._paint_empty(painter)
            return
        self._paint_axes(painter)
        self._paint_unknown_rule(painter)
        if self._hovered is not None:
            self._paint_hover(painter, self._hovered)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for year in self.columns():
            for stance, rect in self.bar_rects(year):
                painter.fillRect(rect, STANCE_COLORS[stance])
        self._paint_year_labels(painter)

    def _paint_empty(self, painter: QPainter) -> None:
        painter.setPen(muted_color(self.palette()))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No citing statements")

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

    def _paint_unknown_rule(self, painter: QPainter) -> None:
        """A dotted line in the gap before the Unknown column: that bar is not a year of the timeline."""
        if not (self.has_unknown() and self._years):
            return
        plot, x = self.plot_rect(), self.slot_rect(UNKNOWN_YEAR).left() - UNKNOWN_GAP / 2
        pen = QPen(muted_color(self.palette(), 0.3), 1, Qt.PenStyle.DotLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom() + 10))

    def _paint_hover(self, painter: QPainter, year: int) -> None:
        color = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        color.setAlphaF(0.14)
        painter.fillRect(self.slot_rect(year), color)

    def _paint_year_labels(self, painter: QPainter) -> None:
        painter.setPen(muted_color(self.palette()))
        plot = self.plot_rect()
        labels = [(year, str(year)) for year in self.labelled_years()]
        if self.has_unknown():
            labels.append((UNKNOWN_YEAR, UNKNOWN_LABEL))
        for year, text in labels:
            slot = self.slot_rect(year)
            box = QRectF(slot.center().x() - 30, plot.bottom() + 3, 60, self.height() - plot.bottom() - 3)
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
