"""Change a paper's BibTeX: edited values replace raw ones in place, the rest stays as imported."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone

import sqlite_utils

from citedesk.library.entries import DISPLAY_COLUMNS
from citedesk.library.importer import crossref_parent
from citedesk.library.parsing import display_with_crossref, read_macros
from citedesk.model import CitedeskError


def edit_paper(
    db: sqlite_utils.Database,
    paper_id: int,
    changes: Mapping[str, str | None],
    citekey: str | None = None,
    entry_type: str | None = None,
) -> None:
    """Set raw field values (None removes a field; new fields go last), the key or the type."""
    row = db.execute("SELECT fields, citekey, entry_type, source_file_id FROM papers WHERE id = ?", [paper_id]).fetchone()
    if row is None:
        raise CitedeskError(f"No paper with id {paper_id} in the library")
    fields = changed_fields(json.loads(row[0]), changes)
    key = citekey or row[1]
    _check_key_free(db, key, paper_id)
    columns = display_with_crossref(fields, crossref_parent(db, fields, row[3]), _macros_of_file(db, row[3]))
    values = {
        **dict(zip(DISPLAY_COLUMNS, columns)),
        "fields": json.dumps(fields, ensure_ascii=False),
        "citekey": key,
        "entry_type": (entry_type or row[2]).lower(),
        "modified": 1,
        "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    with db.atomic():
        db["papers"].update(paper_id, values)


def changed_fields(fields: list[list[str]], changes: Mapping[str, str | None]) -> list[list[str]]:
    """Fields in their original order with changed values replaced, removed ones dropped and new ones last."""
    wanted = {name.lower(): value for name, value in changes.items()}
    kept = [[name, wanted.get(name.lower(), value)] for name, value in fields]
    kept = [[name, value] for name, value in kept if value is not None]
    present = {name.lower() for name, _ in fields}
    kept += [[name, value] for name, value in changes.items() if name.lower() not in present and value is not None]
    return kept


def _check_key_free(db: sqlite_utils.Database, key: str, paper_id: int) -> None:
    if not key.strip() or any(char in key for char in ",{}\" \t\n"):
        raise CitedeskError(f"{key!r} cannot be a citation key (no spaces, commas, braces or quotes)")
    taken = db.execute(
        "SELECT 1 FROM papers WHERE citekey = ? COLLATE NOCASE AND id != ?", [key, paper_id]
    ).fetchone()
    if taken:
        raise CitedeskError(f"The citation key {key!r} is already used by another paper")


def _macros_of_file(db: sqlite_utils.Database, source_file_id: int | None) -> dict[str, str]:
    rows = db.execute(
        "SELECT raw FROM file_blocks WHERE source_file_id = ? AND kind = 'string' ORDER BY position",
        [source_file_id],
    ).fetchall()
    return read_macros("\n".join(raw for (raw,) in rows))
