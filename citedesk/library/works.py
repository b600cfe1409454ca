"""Turn a work known only from citation data (a citing paper) into a library paper with a BibTeX entry."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from citedesk.library.authorship import author_key
from citedesk.library.bibtex.writer import serialize_entry
from citedesk.library.importer import PAPER_COLUMNS, KnownIds
from citedesk.library.parsing import parse_text
from citedesk.library.rowids import inserted_id
from citedesk.model import CitedeskError

_ENTRY_TYPES = {
    "journal-article": ("article", "journal"),
    "review": ("article", "journal"),
    "conference-paper": ("inproceedings", "booktitle"),
    "proceedings-article": ("inproceedings", "booktitle"),
    "book": ("book", "publisher"),
    "book-chapter": ("incollection", "booktitle"),
    "thesis": ("phdthesis", "school"),
    "report": ("techreport", "institution"),
}
_SPECIAL = re.compile(r"([&%$#_])")

WorkRow = dict[str, Any]  # a row of the works table by column name


def add_work_to_library(db: sqlite_utils.Database, work_id: int) -> str:
    """Create a paper for the work (linked to it, so its citations stay), and return its key."""
    work = _work(db, work_id)
    if work["paper_id"] is not None:
        raise CitedeskError("That paper is already in the library")
    entry_type, fields = entry_fields(work)
    key = KnownIds.of_library(db).free_key(generated_key(work))
    block = next(block for block in parse_text(serialize_entry(entry_type, key, fields)) if block.kind == "entry")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    row = (key, entry_type, *(block.columns or ()), block.fields_json, block.raw, 0, None, None, None, now, now)
    with db.atomic():
        sql = f"INSERT INTO papers ({', '.join(PAPER_COLUMNS)}) VALUES ({', '.join('?' * len(PAPER_COLUMNS))})"
        paper_id = inserted_id(db.execute(sql, row))
        db.execute("UPDATE works SET paper_id = ? WHERE id = ?", [paper_id, work_id])
    return key


def entry_fields(work: WorkRow) -> tuple[str, list[tuple[str, str]]]:
    """The entry type and braced BibTeX fields for what is known of a work."""
    entry_type, venue_field = _ENTRY_TYPES.get(work["publication_type"] or "", ("misc", "howpublished"))
    values = [
        ("title", work["title"]),
        ("author", " and ".join(name.strip() for name in (work["authors"] or "").split(";") if name.strip())),
        (venue_field, work["venue"]),
        ("year", str(work["year"]) if work["year"] else None),
        ("doi", work["doi"]),
    ]
    return entry_type, [(name, "{" + _escape(value) + "}") for name, value in values if value]


def generated_key(work: WorkRow) -> str:
    """First author's family name and the year, like JabRef's default: "papineni2002"."""
    first = (work["authors"] or "").split(";")[0]
    key = author_key(first) if first.strip() else None
    family = re.sub(r"\W", "", key[0]) if key else "work"
    return f"{family or 'work'}{work['year'] or ''}"


def _work(db: sqlite_utils.Database, work_id: int) -> WorkRow:
    cursor = db.execute("SELECT * FROM works WHERE id = ?", [work_id])
    row = cursor.fetchone()
    if row is None:
        raise CitedeskError("That citing paper is no longer in the citation data")
    return dict(zip([column[0] for column in cursor.description], row))


def _escape(text: str) -> str:
    """Plain text as a BibTeX value: LaTeX specials escaped, braces kept balanced."""
    text = _SPECIAL.sub(r"\\\1", " ".join(text.split()))
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    return text if depth == 0 else text.replace("{", "").replace("}", "")
