"""The details of the selected paper: title, authors, venue, links, abstract, keywords, tags and key."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import PurePath
from urllib.parse import quote, urlsplit

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QEnterEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from citedesk.gui.widgets.year_chart import muted_color, small_font
from citedesk.reads import Link, LinkKind, Paper, entry_type_label, pictured

ABSTRACT_LINES = 4
MAX_AUTHORS = 12  # more than this: the first ten and "and N more"
MAX_LINK_TEXT = 56
WEB_SCHEMES = {"http", "https"}
HINT = "Select a paper to see its details."
SEPARATOR = "\u00a0· "  # a line may break after the dot, never before it


# What to show: plain functions over the paper's values


def doi_url(doi: str) -> str:
    """The resolver link of a DOI, its characters escaped for a URL."""
    return "https://doi.org/" + quote(doi.strip(), safe="/:;()[]-._~")


def arxiv_url(arxiv_id: str) -> str:
    """The abstract page of an arXiv id."""
    return "https://arxiv.org/abs/" + quote(arxiv_id.strip(), safe="/.-_~")


def web_url(url: str | None) -> str | None:
    """The url field as a link a browser may open: http(s) only ("www.x.org" gets https://), else None."""
    url = (url or "").strip()
    if url.lower().startswith("www."):
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in WEB_SCHEMES and parts.netloc and " " not in url else None


def short_url(url: str, limit: int = MAX_LINK_TEXT) -> str:
    """A link's text: no scheme, no "www.", no trailing slash, and elided in the middle when long."""
    text = re.sub(r"^[a-z]+://(www\.)?", "", url, flags=re.IGNORECASE).rstrip("/")
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]


def _place(url: str) -> str:
    """A URL without scheme, "www." and trailing slash, in lower case: for spotting duplicates."""
    return short_url(url, limit=10_000).lower()


def paper_links(paper: Paper) -> list[tuple[str, str, str]]:
    """(caption, URL to open, text to show) for the paper's DOI, arXiv id and URL, without duplicates;
    the URL to open is "" for a url field that is not a web address (javascript:, file:, ...)."""
    links = []
    if doi := _text(paper.doi):
        links.append(("DOI", doi_url(doi), doi))
    if arxiv := _text(paper.arxiv):
        links.append(("arXiv", arxiv_url(arxiv), arxiv))
    raw = _text(paper.url)
    url = web_url(raw)
    if url and _place(url) not in {_place(target) for _, target, _ in links}:
        links.append(("URL", url, short_url(url)))
    elif raw and not url:
        links.append(("URL", "", short_url(raw)))  # shown, but not a link a browser should open
    return links


def link_rows(links: Sequence[Link]) -> list[tuple[str, str, str]]:
    """(caption, URL to open, text to show) for the library's links of a paper: a file as its name (and "missing"
    when it is not on disk, with nothing to open), a DOI or arXiv id as itself, a web page shortened."""
    rows = []
    for link in links:
        if not link.is_url:
            name = PurePath(link.target).name or link.target
            url = QUrl.fromLocalFile(link.target).toString() if link.exists else ""
            rows.append((link.label, url, name if link.exists else f"{name} (missing)"))
        elif link.kind is LinkKind.DOI:
            rows.append((link.label, link.target, re.sub(r"^https?://(dx\.)?doi\.org/", "", link.target)))
        elif link.kind is LinkKind.ARXIV:
            rows.append((link.label, link.target, re.sub(r"^https?://arxiv\.org/abs/", "", link.target)))
        else:
            rows.append((link.label, web_url(link.target) or "", short_url(link.target)))
    return rows


def author_names(authors: str | None) -> list[str]:
    """The names of an authors column ("Given Family; Given Family"), BibTeX's "others" as "et al."."""
    names = [name.strip() for name in (authors or "").split(";") if name.strip()]
    return [("et al." if name == "others" else name) for name in names]


def author_line(authors: str | None) -> str:
    """The authors for reading: "A, B and C"; long lists cut to the first ten and "and N more"."""
    names = author_names(authors)
    if names and names[-1] == "et al.":
        return ", ".join(names[:-1][:MAX_AUTHORS]) + " et al."
    if len(names) > MAX_AUTHORS:
        return ", ".join(names[:10]) + f" and {len(names) - 10:,} more"
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return "".join(names)


def meta_line(paper: Paper) -> str:
    """ "Psychiatry Research · 2017 · Journal article", leaving out what is missing."""
    parts = [_text(paper.venue), _text(paper.year), entry_type_label(_text(paper.entry_type))]
    return SEPARATOR.join(part for part in parts if part)


def keyword_list(keywords: str | None) -> list[str]:
    """The keywords field split at commas and semicolons."""
    return [word.strip() for word in re.split(r"[;,]", keywords or "") if word.strip()]


def _text(value: object) -> str:
    """A value as display text: "" for None, whitespace collapsed."""
    return pictured(" ".join(str(value).split())) if value is not None else ""


def clamp_text(text: str, font: QFont, width: int, lines: int) -> str:
    """The text cut after `lines` lines wrapped at `width` px, the last line ending in "…" (unchanged if it fits)."""
    if width <= 0 or not text:
        return text
    layout = QTextLayout(text, font)
    layout.beginLayout()
    starts: list[int] = []
    while len(starts) <= lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
    layout.endLayout()
    if len(starts) <= lines:
        return text
    units = text.encode("utf-16-le")
    head = units[: 2 * starts[lines - 1]].decode("utf-16-le", errors="ignore")
    rest = text[len(head) :]
    return head + QFontMetrics(font).elidedText(rest, Qt.TextElideMode.ElideRight, width)


# Widgets


def _label(text_format: Qt.TextFormat = Qt.TextFormat.PlainText, selectable: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(text_format)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class LinkButton(QAbstractButton):
    """A button drawn as a link ("Show more", "Copy key"), in the palette's link colour."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(text)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.text()) + 4, metrics.height() + 2)

    def enterEvent(self, event: QEnterEvent) -> None:
        self.update()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.update()
        super().leaveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        font = QFont(self.font())
        font.setUnderline(self.underMouse() or self.hasFocus())
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.Link))
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self.rect(), align, self.text())


class AbstractView(QWidget):
    """The abstract: its first lines with "Show more", or all of it with "Show less"."""

    def __init__(self, parent: QWidget | None = None, lines: int = ABSTRACT_LINES) -> None:
        super().__init__(parent)
        self._text = ""
        self._lines = lines
        self._expanded = False
        self.label = _label()
        self.toggle_button = LinkButton("Show more")
        self.toggle_button.clicked.connect(self.toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.toggle_button)

    def set_text(self, text: str) -> None:
        """Show a new abstract, folded."""
        self._text = text
        self._expanded = False
        self._refresh()

    def text(self) -> str:
        """The whole abstract."""
        return self._text

    def shown_text(self) -> str:
        """What the label shows now: the whole abstract or its first lines."""
        return self.label.text()

    def is_folded(self) -> bool:
        """True when part of the abstract is hidden."""
        return self.label.text() != self._text

    def toggle(self) -> None:
        """Show all of the abstract, or only its first lines again."""
        self._expanded = not self._expanded
        self._refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._refresh()

    def _refresh(self) -> None:
        width = self.label.contentsRect().width() - 2
        short = clamp_text(self._text, self.label.font(), width, self._lines)
        self.label.setText(self._text if self._expanded else short)
        self.toggle_button.setText("Show less" if self._expanded else "Show more")
        self.toggle_button.setVisible(self._expanded or short != self._text)


class DetailsPane(QWidget):
    """What the library says about the selected paper; every value shown as the person typed it."""

    key_copied = Signal(str)  # the citation key just put on the clipboard

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paper: Paper | None = None
        self._tags: list[str] = []
        self._links: list[tuple[str, str, str]] = []
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(1500)
        self._copied_timer.timeout.connect(self._reset_copy_button)
        self._build_body()
        self.clear()

    # Building

    def _build_body(self) -> None:
        """The pane's rows, top to bottom; it is as tall as they are (the column around it scrolls)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        self.hint_label = _label(selectable=False)
        self.hint_label.setText(HINT)
        self.title_label = _label()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.authors_label = _label()
        self.meta_label = _label()
        self.links_label = _label(Qt.TextFormat.RichText, selectable=False)
        self.links_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.links_label.linkActivated.connect(self.open_link)
        self.abstract = AbstractView()
        self.star_button = QToolButton()
        self.star_button.setAutoRaise(True)
        self.star_button.hide()  # until set_watch_action gives it its action
        title_row = QHBoxLayout()
        title_row.setSpacing(6)
        title_row.addWidget(self.title_label, 1)
        title_row.addWidget(self.star_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.hint_label)
        layout.addLayout(title_row)
        for widget in (self.authors_label, self.meta_label, self.links_label):
            layout.addWidget(widget)
        self.below_links = QVBoxLayout()  # what the window adds under the links (the Cite row)
        self.below_links.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.below_links)
        layout.addWidget(self.abstract)
        layout.addLayout(self._build_fields())
        layout.addStretch(1)  # given more room than it needs, the rows stay at the top, at their own heights

    def _build_fields(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        self.keywords_label = _label()
        self.tags_label = _label(Qt.TextFormat.RichText)
        self.key_label = _label()
        self.key_label.setWordWrap(False)  # a key is one word; wrapping it at "-" or ":" misleads
        self.key_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.copy_button = LinkButton("Copy key")
        self.copy_button.setToolTip("Put the citation key on the clipboard")
        self.copy_button.clicked.connect(self.copy_key)
        key_row = QHBoxLayout()
        key_row.setSpacing(10)
        key_row.addWidget(self.key_label, 0, Qt.AlignmentFlag.AlignVCenter)
        key_row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignVCenter)
        key_row.addStretch(1)
        self._captions: dict[str, QLabel] = {}
        rows: tuple[tuple[str, QLabel | QHBoxLayout], ...] = (
            ("Keywords", self.keywords_label),
            ("Tags", self.tags_label),
            ("Key", key_row),
        )
        for row, (caption, value) in enumerate(rows):
            self._captions[caption] = self._caption(caption)
            grid.addWidget(self._captions[caption], row, 0, Qt.AlignmentFlag.AlignTop)
            if isinstance(value, QLabel):
                grid.addWidget(value, row, 1)
            else:
                grid.addLayout(value, row, 1)
        return grid

    def _caption(self, text: str) -> QLabel:
        """A small quiet caption whose first line sits on the same baseline as its value's."""
        label = _label(selectable=False)
        label.setText(text)
        label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        label.setFont(small_font(self.font(), 0.92))
        drop = QFontMetrics(self.font()).ascent() - QFontMetrics(label.font()).ascent()
        label.setContentsMargins(0, max(drop, 0), 0, 0)
        return label

    def set_watch_action(self, action: QAction) -> None:
        """The star beside the title: watches the paper (checked: watched)."""
        self.star_button.setDefaultAction(action)
        font = QFont(self.star_button.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        self.star_button.setFont(font)
        action.changed.connect(self._show_star)
        self._show_star()

    def add_below_links(self, widget: QWidget) -> None:
        """A row of the window's under the links (shown only while a paper is)."""
        self.below_links.addWidget(widget)
        widget.setVisible(self._paper is not None)

    def _show_star(self) -> None:
        action = self.star_button.defaultAction()
        if action is None:
            return
        watched = action.isChecked()
        self.star_button.setText("\u2605" if watched else "\u2606")
        self.star_button.setToolTip("Watched: click to stop watching" if watched else action.toolTip())
        self.star_button.setVisible(self._paper is not None)

    # Showing

    def show_paper(self, paper: Paper, tags: Sequence[str], links: Sequence[Link] | None = None) -> None:
        """Show one paper, its tags and its links (files, open access, ids; when None, from its own fields)."""
        self._paper, self._tags = paper, list(tags)
        self._links = link_rows(links) if links is not None else paper_links(paper)
        self._reset_copy_button()
        self.hint_label.hide()
        self._set(self.title_label, _text(paper.title))
        self._set(self.authors_label, author_line(_text(paper.authors) or None))
        names = author_names(_text(paper.authors))
        self.authors_label.setToolTip("\n".join(names) if len(names) > MAX_AUTHORS else "")
        self._set(self.meta_label, meta_line(paper))
        self._set(self.links_label, self._links_html())
        self.abstract.set_text(_text(paper.abstract))
        source = paper.abstract_source
        self.abstract.setToolTip(
            f"The BibTeX entry has no abstract; this one was fetched from {source}." if source else ""
        )
        self.abstract.setVisible(bool(self.abstract.text()))
        self._set_field("Keywords", self.keywords_label, SEPARATOR.join(keyword_list(_text(paper.keywords))))
        self._set_field("Tags", self.tags_label, self._tags_html())
        self._set_field("Key", self.key_label, _text(paper.citekey))
        self.copy_button.setVisible(bool(self.key_label.text()))
        self._show_below(True)
        self._apply_colors()
        self.updateGeometry()

    def clear(self) -> None:
        """Show only a quiet hint (no paper selected)."""
        self._paper, self._tags, self._links = None, [], []
        for label in (self.title_label, self.authors_label, self.meta_label, self.links_label):
            self._set(label, "")
        self.abstract.set_text("")
        self.abstract.hide()
        for caption, label in (("Keywords", self.keywords_label), ("Tags", self.tags_label), ("Key", self.key_label)):
            self._set_field(caption, label, "")
        self.copy_button.hide()
        self._show_below(False)
        self.hint_label.show()
        self._apply_colors()

    def _show_below(self, shown: bool) -> None:
        for index in range(self.below_links.count()):
            item = self.below_links.itemAt(index)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setVisible(shown)
        if self.star_button.defaultAction() is not None:
            self.star_button.setVisible(shown)

    def paper(self) -> Paper | None:
        """The paper shown (None when cleared)."""
        return self._paper

    def links(self) -> list[tuple[str, str, str]]:
        """(caption, URL, text) of each link shown (URL "" for what cannot be opened: a missing file)."""
        return list(self._links)

    # Actions

    def open_link(self, url: str) -> None:
        """Open a link of the pane in the person's browser, or a file in its viewer."""
        QDesktopServices.openUrl(QUrl(url))

    def copy_key(self) -> None:
        """Put the citation key on the clipboard and say so for a moment."""
        key = _text(self._paper.citekey) if self._paper is not None else ""
        if not key:
            return
        QGuiApplication.clipboard().setText(key)
        self.copy_button.setText("Copied")
        self._copied_timer.start()
        self.key_copied.emit(key)

    def _reset_copy_button(self) -> None:
        self.copy_button.setText("Copy key")

    # Helpers

    def _links_html(self) -> str:
        items = []
        for caption, url, text in self.links():
            shown = html.escape(text).replace(" ", "&nbsp;")
            link = f'<a href="{html.escape(url, quote=True)}">{shown}</a>' if url else shown
            if not url and text.endswith(" (missing)"):
                link = f'<span style="color:{self._muted()}">{shown}</span>'

            items.append(
                f'<span style="color:{self._muted()}">{html.escape(caption).replace(" ", "&nbsp;")}</span>&nbsp;{link}'
            )
        return "&nbsp;&nbsp;&nbsp; ".join(items)

    def _tags_html(self) -> str:
        palette = self.palette()
        chip = muted_color(palette, 0.12).name()
        return " ".join(
            f'<span style="background-color:{chip}">&nbsp;{html.escape(tag).replace(" ", "&nbsp;")}&nbsp;</span>'
            for tag in self._tags
            if tag.strip()
        )

    def _set(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _set_field(self, caption: str, label: QLabel, text: str) -> None:
        self._set(label, text)
        self._captions[caption].setVisible(bool(text))

    def _muted(self) -> str:
        return muted_color(self.palette()).name()

    def _apply_colors(self) -> None:
        """Colour the quiet labels, links' captions and tag chips from the current palette."""
        if self._paper is not None:
            self.links_label.setText(self._links_html())
            self.tags_label.setText(self._tags_html())
        muted = f"color: {self._muted()}"
        for label in (self.meta_label, self.hint_label, *self._captions.values()):
            label.setStyleSheet(muted)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_colors()
