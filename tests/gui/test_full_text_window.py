"""View Full Text, Attach File, a PDF dropped on a paper, and a missing attachment, in the real window offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDropEvent
from test_main_window import make_window, select

from citedesk import jobs
from citedesk.gui.full_text import NO_FULL_TEXT

pytestmark = pytest.mark.gui


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url.toString()) or True)
    return urls


def pdf(folder, name: str = "tse.pdf"):
    path = folder / name
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    return path


def link_texts(window) -> list[str]:
    return [f"{caption} {text}" for caption, _, text in window.details.links()]


def test_view_full_text_opens_the_doi_then_the_attached_pdf_and_undo_detaches_it(qtbot, small_library, opened):
    window = make_window(qtbot, small_library.parent)
    select(qtbot, window, "tse2017")
    assert link_texts(window) == ["DOI 10.1016/j.psychres.2017.05.007"]
    window.full_text.view_action.trigger()
    qtbot.waitUntil(lambda: opened == ["https://doi.org/10.1016/j.psychres.2017.05.007"], timeout=10_000)

    file = pdf(small_library.parent)
    window.full_text.attach(window.current_paper, [file])
    qtbot.waitUntil(lambda: "PDF tse.pdf" in link_texts(window), timeout=10_000)
    entry = window.reads.paper(window.current_paper).raw
    assert "tse.pdf:PDF}" in entry  # JabRef's format: description, path, type
    window.full_text.view_action.trigger()
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=10_000)
    assert opened[1] == QUrl.fromLocalFile(str(file)).toString()

    window.commands.undo.trigger()
    qtbot.waitUntil(lambda: "PDF tse.pdf" not in link_texts(window), timeout=10_000)
    assert "tse.pdf" not in window.reads.paper(window.current_paper).raw  # the entry as it was
    window.close()


def test_a_pdf_dropped_on_a_row_is_attached_to_that_paper_and_a_missing_one_is_said_missing(qtbot, small_library):
    window = make_window(qtbot, small_library.parent)
    select(qtbot, window, "tse2017")
    row = window.model.row_of(window.reads.paper_id_of_key("nolan2015"))
    file = pdf(small_library.parent, "nolan.pdf")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(file))])
    viewport = window.table.viewport()
    point = viewport.mapTo(window, window.table.visualRect(window.model.index(row, 0)).center())
    event = QDropEvent(
        QPointF(point), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    nolan = window.reads.paper_id_of_key("nolan2015")
    qtbot.waitUntil(lambda: "nolan.pdf" in window.reads.paper(nolan).raw, timeout=10_000)
    assert "nolan.pdf" not in window.reads.paper(window.reads.paper_id_of_key("tse2017")).raw

    file.unlink()  # moved away: shown as missing, and View Full Text says there is nothing to open
    select(qtbot, window, "nolan2015")
    assert link_texts(window) == ["PDF nolan.pdf (missing)"]
    assert window.details.links()[0][1] == ""  # nothing to click
    window.full_text.view_action.trigger()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == NO_FULL_TEXT, timeout=10_000)
    window.close()


def test_a_relative_attachment_is_found_once_its_folder_is_chosen(qtbot, small_library, tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    pdf(papers, "tse.pdf")
    window = make_window(qtbot, small_library.parent)
    select(qtbot, window, "tse2017")
    jobs.edit_paper(small_library, window.current_paper, fields={"file": ":tse.pdf:PDF"})  # relative, as JabRef
    window.reload_report()
    qtbot.waitUntil(lambda: "PDF tse.pdf (missing)" in link_texts(window), timeout=10_000)
    window.full_text.set_folder(papers)
    qtbot.waitUntil(lambda: "PDF tse.pdf" in link_texts(window), timeout=10_000)
    assert jobs.attachment_folder(small_library) == papers
    window.close()
