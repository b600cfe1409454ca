"""Paints the statements list: citing-work headers, statements with their marker and search hits, "See N more"."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextCharFormat, QTextLayout, QTextOption
from PySide6.QtWidgets import QAbstractScrollArea, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from citedesk.gui.models.statements import Role, RowKind, SizeKey
from citedesk.gui.style import STANCE_COLORS
from citedesk.model import Section
from citedesk.reads import SECTION_LABELS, Item, Work, type_label

_Index = QModelIndex | QPersistentModelIndex

MARGIN = 12  # left and right padding of every row
INDENT = 14  # statements and "See N more" start this far right of the margin
BAR = 3  # width of the stance bar left of a statement
HIT_COLOR = QColor("#ffe27a")
LIBRARY_COLOR = QColor("#3b73c4")
NEW_COLOR = QColor("#d2691e")  # a statement stored since the paper was last opened
SELF_CITATION_COLOR = QColor("#8a55b8")
_CACHED_WIDTHS = 3
_SPACES = str.maketrans("\n\r\t\f\v\u2028\u2029", "       ")  # one for one, so offsets stay valid


@dataclass(frozen=True)
class Fonts:
    """The fonts of one row, derived from the view's font."""

    base: QFont
    bold: QFont
    small: QFont

    @classmethod
    def of(cls, font: QFont) -> Fonts:
        bold, small = QFont(font), QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        if font.pointSizeF() > 0:
            small.setPointSizeF(font.pointSizeF() * 0.88)
        else:
            small.setPixelSize(max(8, round(font.pixelSize() * 0.88)))
        return cls(QFont(font), bold, small)


class StatementDelegate(QStyledItemDelegate):
    """Paints each row of a StatementsModel; heights are cached per row key and width."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._heights: dict[tuple[int, str], dict[SizeKey, int]] = {}
        self._fonts: dict[str, Fonts] = {}
        self.seen_statement_id: int | None = None  # statements after this one are marked new; None: none is

    # -- sizes ---------------------------------------------------------------------------------

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        width = _view_width(option)
        heights = self._heights_for(width, option.font)
        key = index.data(Role.SIZE_KEY)
        height = heights.get(key)
        if height is None:
            height = heights[key] = self._measure(option, index, width)
        return QSize(width, height)

    def clear_cache(self) -> None:
        """Forget every measured height (after a font change)."""
        self._heights.clear()

    def link_at(self, rect: QRect, index: _Index, font: QFont, pos: QPoint) -> str | None:
        """The link of a header's title line when `pos` (in the view's coordinates) is on its text;
        `rect` is the row's rectangle and `font` the view's font."""
        if index.data(Role.KIND) != RowKind.HEADER:
            return None
        work: Work = index.data(Role.WORK)
        if work is None or not work.link:
            return None
        fonts = self._fonts_of(font)
        left, width = rect.left() + MARGIN, rect.width() - 2 * MARGIN
        title = title_layout(index.data(Qt.ItemDataRole.DisplayRole), fonts, width, link=True)
        top = rect.top() + _header_top(index)
        lines = [title.lineAt(number) for number in range(title.lineCount())]
        hit = any(
            QRectF(left, top + line.y(), line.naturalTextWidth(), line.height()).contains(QPointF(pos))
            for line in lines
        )
        return work.link if hit else None

    def _heights_for(self, width: int, font: QFont) -> dict[SizeKey, int]:
        slot = (width, font.key())
        heights = self._heights.get(slot)
        if heights is None:
            while len(self._heights) >= _CACHED_WIDTHS:
                del self._heights[next(iter(self._heights))]
            heights = self._heights[slot] = {}
        return heights

    def _measure(self, option: QStyleOptionViewItem, index: _Index, width: int) -> int:
        fonts = self._fonts_of(option.font)
        kind = index.data(Role.KIND)
        if kind == RowKind.STATEMENT:
            layout = statement_layout(index.data(Role.ITEM), [], fonts, _text_width(width))
            return round(_STATEMENT_TOP + layout.boundingRect().height() + _GAP + _meta_height(fonts) + _BOTTOM)
        if kind == RowKind.HEADER:
            title = title_layout(index.data(Qt.ItemDataRole.DisplayRole), fonts, width - 2 * MARGIN, _has_link(index))
            lines = _header_lines(index, fonts, width - 2 * MARGIN)
            return round(
                _header_top(index) + title.boundingRect().height() + 2 + len(lines) * _meta_height(fonts) + _BOTTOM
            )
        return QFontMetrics(fonts.small).height() + 10

    def _fonts_of(self, font: QFont) -> Fonts:
        key = font.key()
        fonts = self._fonts.get(key)
        if fonts is None:
            fonts = self._fonts[key] = Fonts.of(font)
        return fonts

    # -- painting ------------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fonts = self._fonts_of(option.font)
        kind = index.data(Role.KIND)
        self._paint_background(painter, option, kind)
        if kind == RowKind.STATEMENT:
            self._paint_statement(painter, option, index, fonts)
        elif kind == RowKind.HEADER:
            self._paint_header(painter, option, index, fonts)
        else:
            self._paint_more(painter, option, index, fonts)
        painter.restore()

    def _paint_background(self, painter: QPainter, option: QStyleOptionViewItem, kind: int) -> None:
        state = option.state
        tint = QColor(option.palette.color(QPalette.ColorRole.Highlight))
        if state & QStyle.StateFlag.State_Selected:
            tint.setAlpha(46)
        elif state & QStyle.StateFlag.State_MouseOver and kind != RowKind.HEADER:
            tint.setAlpha(16)
        else:
            return
        painter.fillRect(option.rect, tint)

    def _paint_statement(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index, fonts: Fonts) -> None:
        item: Item = index.data(Role.ITEM)
        rect = option.rect
        left = rect.left() + MARGIN + INDENT
        layout = statement_layout(item, index.data(Role.HITS) or [], fonts, _text_width(rect.width()))
        text_height = layout.boundingRect().height()
        bar_height = text_height + _GAP + _meta_height(fonts) - 4
        bar = QRectF(rect.left() + MARGIN + 2, rect.top() + _STATEMENT_TOP + 2, BAR, bar_height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(STANCE_COLORS[item.stance])
        painter.drawRoundedRect(bar, 1.5, 1.5)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        layout.draw(painter, QPointF(left, rect.top() + _STATEMENT_TOP))
        meta_top = rect.top() + _STATEMENT_TOP + text_height + _GAP
        _paint_statement_meta(
            painter,
            option,
            item,
            fonts,
            QRect(left, round(meta_top), rect.right() - MARGIN - left, _meta_height(fonts)),
            self.seen_statement_id is not None and item.id > self.seen_statement_id,
        )

    def _paint_header(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index, fonts: Fonts) -> None:
        rect = option.rect
        left, right = rect.left() + MARGIN, rect.right() - MARGIN
        if not index.data(Role.FIRST_GROUP):
            rule = QColor(option.palette.color(QPalette.ColorRole.Text))
            rule.setAlpha(40)
            painter.setPen(rule)
            painter.drawLine(left, rect.top() + 5, right, rect.top() + 5)
        linked = _has_link(index)
        title = title_layout(index.data(Qt.ItemDataRole.DisplayRole), fonts, right - left, linked)
        top = rect.top() + _header_top(index)
        painter.setPen(option.palette.color(QPalette.ColorRole.Link if linked else QPalette.ColorRole.Text))
        title.draw(painter, QPointF(left, top))
        meta_top = round(top + title.boundingRect().height() + 2)
        lines = _header_lines(index, fonts, right - left)
        _paint_header_meta(
            painter, option, _badges(index), lines, fonts, QRect(left, meta_top, right - left, _meta_height(fonts))
        )

    def _paint_more(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index, fonts: Fonts) -> None:
        rect = option.rect.adjusted(MARGIN + INDENT, 0, -MARGIN, 0)
        arrow = "\u25b4 " if index.data(Role.EXPANDED) else "\u25be "
        painter.setFont(fonts.small)
        painter.setPen(option.palette.color(QPalette.ColorRole.Link))
        text = arrow + index.data(Qt.ItemDataRole.DisplayRole)
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)


_STATEMENT_TOP = 7
_GAP = 4
_BOTTOM = 7


def _has_link(index: _Index) -> bool:
    """Whether the row's work has a title line that links somewhere (a work known only by an id)."""
    work = index.data(Role.WORK)
    return work is not None and bool(work.link)


def _header_top(index: _Index) -> int:
    return 6 if index.data(Role.FIRST_GROUP) else 14


def _meta_height(fonts: Fonts) -> int:
    return QFontMetrics(fonts.small).height() + 4


def _view_width(option: QStyleOptionViewItem) -> int:
    view = option.widget
    if isinstance(view, QAbstractScrollArea):
        return max(view.viewport().width(), 2 * (MARGIN + INDENT) + 40)
    return option.rect.width()


def _text_width(row_width: int) -> int:
    return max(40, row_width - 2 * MARGIN - INDENT)


def statement_layout(item: Item, hits: list[tuple[int, int]], fonts: Fonts, width: int) -> QTextLayout:
    """The statement as plain text (never HTML), wrapped to `width`, with its marker bold and search hits marked."""
    formats = []
    if item.marker is not None:
        formats.append(_format_range(item.marker, _bold_format()))
    formats += [_format_range(hit, _hit_format()) for hit in hits]
    return _wrapped(item.text.translate(_SPACES), fonts.base, width, formats)


def title_layout(title: str, fonts: Fonts, width: int, link: bool = False) -> QTextLayout:
    """A work's title in bold, wrapped to `width`; underlined when it is a link."""
    formats = [_format_range((0, len(title)), _underline_format())] if link else []
    return _wrapped(title.translate(_SPACES), fonts.bold, width, formats)


def _wrapped(text: str, font: QFont, width: int, formats: list[QTextLayout.FormatRange]) -> QTextLayout:
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.setFormats(formats)
    layout.beginLayout()
    y = 0.0
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        line.setPosition(QPointF(0, y))
        y += line.height()
    layout.endLayout()
    return layout


def _format_range(span: tuple[int, int], char_format: QTextCharFormat) -> QTextLayout.FormatRange:
    start, end = span
    format_range = QTextLayout.FormatRange()
    format_range.start, format_range.length, format_range.format = start, max(0, end - start), char_format
    return format_range


def _bold_format() -> QTextCharFormat:
    char_format = QTextCharFormat()
    char_format.setFontWeight(QFont.Weight.Bold)
    return char_format


def _underline_format() -> QTextCharFormat:
    char_format = QTextCharFormat()
    char_format.setFontUnderline(True)
    return char_format


def _hit_format() -> QTextCharFormat:
    char_format = QTextCharFormat()
    char_format.setBackground(HIT_COLOR)
    char_format.setForeground(QColor("#000000"))
    return char_format


# -- the small lines under statements and titles ----------------------------------------------------


def section_text(item: Item) -> str:
    """ "Section: 4 Discussion" from the raw heading when known, else from the normalised section."""
    if item.raw_section and item.raw_section.strip():
        return f"Section: {item.raw_section.strip()}"
    if item.section is Section.UNKNOWN:
        return ""
    return f"Section: {SECTION_LABELS[item.section]}"


def confidence_text(item: Item) -> str:
    """ "confidence 97%", or nothing when the classifier gave none."""
    return "" if item.confidence is None else f"confidence {round(item.confidence * 100)}%"


def header_text(work: Work) -> str:
    """Authors · year · venue · publication type, leaving out what is unknown."""
    return _SEPARATOR.join(part for part in _header_parts(work) if part)


ONLY_AN_ID = "only its id is known"  # the line under the title of a work known only by an id


def _header_parts(work: Work) -> list[str]:
    names = work.author_names
    authors = ", ".join(names) if len(names) <= 2 else f"{names[0]} et al."
    if work.known_by is not None and not names and not work.year and not work.venue:
        authors = ONLY_AN_ID
    kind = type_label(work.publication_type) if work.publication_type else ""
    return [authors, str(work.year or ""), work.venue or "", kind]


def _header_lines(index: _Index, fonts: Fonts, width: int) -> list[str]:
    """The line under a title, or two when it does not fit beside the badges: the venue goes below."""
    work: Work = index.data(Role.WORK)
    metrics = QFontMetrics(fonts.small)
    line = header_text(work)
    badges = sum(metrics.horizontalAdvance(text) + _PILL_PADDING + 6 for text, _ in _badges(index))
    if not work.venue or metrics.horizontalAdvance(line) <= width - badges:
        return [line]
    authors, year, venue, kind = _header_parts(work)
    return [_SEPARATOR.join(part for part in (authors, year, kind) if part), venue]


def _badges(index: _Index) -> list[tuple[str, QColor]]:
    work: Work = index.data(Role.WORK)
    badges = [("in your library", LIBRARY_COLOR)] if work.paper_key else []
    if index.data(Role.SELF_CITATION):
        badges.append(("self-citation", SELF_CITATION_COLOR))
    return badges


_SEPARATOR = " \u00b7 "


def _muted(option: QStyleOptionViewItem) -> QColor:
    text = option.palette.color(QPalette.ColorRole.Text)
    base = option.palette.color(QPalette.ColorRole.Base)
    return QColor(
        round(text.red() * 0.6 + base.red() * 0.4),
        round(text.green() * 0.6 + base.green() * 0.4),
        round(text.blue() * 0.6 + base.blue() * 0.4),
    )


def _paint_statement_meta(
    painter: QPainter, option: QStyleOptionViewItem, item: Item, fonts: Fonts, rect: QRect, new: bool = False
) -> None:
    painter.setFont(fonts.small)
    metrics = QFontMetrics(fonts.small)
    x = rect.left()
    if new:
        x = _paint_pill(painter, "new", NEW_COLOR, metrics, x, rect) + 8
        painter.setFont(fonts.small)
    section = section_text(item)
    if section:
        elided = metrics.elidedText(section, Qt.TextElideMode.ElideRight, max(40, rect.width() // 2))
        painter.setPen(_muted(option))
        painter.drawText(QRect(x, rect.top(), rect.right() - x, rect.height()), _LEFT_CENTER, elided)
        x += metrics.horizontalAdvance(elided) + 10
    x = _paint_pill(painter, item.stance.value, STANCE_COLORS[item.stance], metrics, x, rect) + 10
    confidence = confidence_text(item)
    if confidence and x < rect.right():
        painter.setPen(_muted(option))
        painter.drawText(QRect(x, rect.top(), rect.right() - x, rect.height()), _LEFT_CENTER, confidence)


def _paint_header_meta(
    painter: QPainter,
    option: QStyleOptionViewItem,
    badges: list[tuple[str, QColor]],
    lines: list[str],
    fonts: Fonts,
    rect: QRect,
) -> None:
    painter.setFont(fonts.small)
    metrics = QFontMetrics(fonts.small)
    x = rect.left()
    for text, color in badges:
        x = _paint_pill(painter, text, color, metrics, x, rect) + 6
    painter.setPen(_muted(option))
    for line in lines:
        area = QRect(x, rect.top(), max(0, rect.right() - x), rect.height())
        painter.drawText(area, _LEFT_CENTER, metrics.elidedText(line, Qt.TextElideMode.ElideRight, area.width()))
        x, rect = rect.left(), rect.translated(0, rect.height())


_LEFT_CENTER = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_PILL_PADDING = 12


def _paint_pill(painter: QPainter, text: str, color: QColor, metrics: QFontMetrics, x: int, rect: QRect) -> int:
    """A rounded, tinted label at x; returns where it ends."""
    width = metrics.horizontalAdvance(text) + _PILL_PADDING
    pill = QRectF(x, rect.top() + 1, width, rect.height() - 2)
    fill = QColor(color)
    fill.setAlpha(38)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
    painter.setPen(color.darker(135))
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
    return x + width
