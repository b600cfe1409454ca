"""The window shows control characters and bidirectional overrides as visible symbols, never obeys them."""

from __future__ import annotations

import json

import pytest
from test_main_window import make_window, select

from citedesk import jobs
from citedesk.library.listing import COLUMN_NAMES

pytestmark = pytest.mark.gui

HIDDEN = "\u202e\x1b\x07"
ENTRY = "@article{bidi,\n  title = {Invoice \u202egnp.exe \x1b[2J},\n  author = {Eve\x07, Evil},\n}\n"


def test_titles_authors_and_statements_show_hidden_characters_as_symbols(qtbot, tmp_path):
    (tmp_path / "hostile.bib").write_text(ENTRY, encoding="utf-8")
    statements = tmp_path / "statements.jsonl"
    statements.write_text(
        json.dumps({"cited_key": "bidi", "citing_key": "W1", "text": "As shown by Eve \u202e(2020)\u202c, it works."})
        + "\n",
        encoding="utf-8",
    )
    library = tmp_path / "library.sqlite"
    jobs.import_bibtex(library, [tmp_path / "hostile.bib"])
    jobs.import_statements(library, statements)

    window = make_window(qtbot, tmp_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    title = window.model.index(0, COLUMN_NAMES.index("title")).data()
    select(qtbot, window, "bidi")

    assert title == "Invoice \ufffdgnp.exe \u241b[2J"
    assert window.details.title_label.text() == title
    assert "\u2407" in window.details.authors_label.text()
    [item] = [row.item for row in window.statements._model._rows if row.item is not None]
    assert not any(char in item.text for char in HIDDEN + "\u202c") and "\ufffd(2020)\ufffd" in item.text
    window.close()
