"""Papers changed both here and in the shared library: both versions side by side, field by field, and settling
one with the fields the person chose."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

import sqlite_utils

from citedesk.library.editing import edit_paper
from citedesk.model import CitedeskError
from citedesk.team import local

KEY, TYPE = "(key)", "(type)"  # the rows of the key and the entry type, above the fields


@dataclass(frozen=True)
class FieldChoice:
    """One row of the merge: a field's value here and there (None: the field is absent on that side)."""

    name: str
    mine: str | None
    theirs: str | None

    @property
    def differs(self) -> bool:
        return self.mine != self.theirs


@dataclass(frozen=True)
class Conflict:
    """A paper changed on both sides; `theirs_deleted` when the other side deleted it."""

    paper_id: int
    citekey: str
    theirs_version: int
    theirs_deleted: bool
    theirs_by: str | None  # the role that changed (or deleted) it there
    theirs_at: str | None  # when, "YYYY-MM-DD HH:MM" in the server's time zone
    fields: tuple[FieldChoice, ...]  # the key and the type first, then every field of either side, mine's order first


def conflicts(db: sqlite_utils.Database) -> list[Conflict]:
    """Every paper waiting for the person's choice."""
    rows = db.execute(
        "SELECT c.paper_id, p.citekey, c.theirs, c.theirs_version, c.theirs_deleted, p.entry_type, p.fields, "
        "c.theirs_by, c.theirs_at "
        "FROM shared_conflicts c JOIN papers p ON p.id = c.paper_id ORDER BY p.citekey"
    ).fetchall()
    return [_conflict(*row) for row in rows]


def _conflict(
    paper_id: int,
    citekey: str,
    theirs: str | None,
    version: int,
    deleted: int,
    entry_type: str,
    fields: str,
    by: str | None,
    at: str | None,
) -> Conflict:
    record = json.loads(theirs) if theirs else {}
    mine_fields = dict(json.loads(fields))
    theirs_fields = dict(json.loads(record["fields"])) if record.get("fields") else {}
    names = list(dict.fromkeys([*mine_fields, *theirs_fields]))
    choices = [
        FieldChoice(KEY, citekey, record.get("citekey")),
        FieldChoice(TYPE, entry_type, record.get("entry_type")),
        *(FieldChoice(name, mine_fields.get(name), theirs_fields.get(name)) for name in names),
    ]
    return Conflict(paper_id, citekey, version, bool(deleted), by, at, tuple(choices))


def settle(db: sqlite_utils.Database, paper_id: int, chosen: Mapping[str, str | None]) -> None:
    """Settle a conflict with these values (by FieldChoice name; None: no such field): the server's version is
    taken as it is, then the person's choices are made as an edit over it, sent by the next sync."""
    found = db.execute(
        "SELECT c.theirs, c.theirs_version, p.shared_uid, f.shared_uid FROM shared_conflicts c "
        "JOIN papers p ON p.id = c.paper_id LEFT JOIN source_files f ON f.id = p.source_file_id WHERE c.paper_id = ?",
        [paper_id],
    ).fetchone()
    if found is None:
        raise CitedeskError("That paper has no conflict to settle (another sync may have settled it)")
    theirs, version, uid, file_uid = found
    with db.atomic():
        if theirs is None:  # deleted there: keeping it is sending it again as mine
            _over_mine(db, paper_id, version)
            _edit(db, paper_id, chosen)
            return
        record = json.loads(theirs)
        tags = local.tags_by_paper(db, [paper_id]).get(paper_id, [])
        try:
            with db.atomic():
                local.apply_paper(db, uid, record, tags, version, file_uid)
        except sqlite3.IntegrityError as exc:  # their key is another paper's here
            mine = db.execute("SELECT citekey FROM papers WHERE id = ?", [paper_id]).fetchone()[0]
            if chosen.get(KEY) != mine:
                raise CitedeskError(f"Another paper here has the key {record.get('citekey')}: rename it first") from exc
            _over_mine(db, paper_id, version)  # my key kept: the choices are made over my version instead
        _edit(db, paper_id, chosen)


def _over_mine(db: sqlite_utils.Database, paper_id: int, version: int) -> None:
    """Settle on this library's version, to be sent over the server's `version`."""
    db.execute("UPDATE papers SET shared_dirty = 1, shared_version = ? WHERE id = ?", [version, paper_id])
    db.execute("DELETE FROM shared_conflicts WHERE paper_id = ?", [paper_id])


def accept_deletion(db: sqlite_utils.Database, paper_id: int) -> None:
    """Settle a paper deleted there and changed here by deleting it here too."""
    uid = db.execute("SELECT shared_uid FROM papers WHERE id = ?", [paper_id]).fetchone()
    if uid is None:
        raise CitedeskError("That paper is no longer in the library")
    with db.atomic():
        local.apply_deletion(db, paper_id, uid[0])


def _edit(db: sqlite_utils.Database, paper_id: int, chosen: Mapping[str, str | None]) -> None:
    """Make the paper's fields, key and type the chosen ones, as an edit (only what differs)."""
    row = db.execute("SELECT citekey, entry_type, fields FROM papers WHERE id = ?", [paper_id]).fetchone()
    now = dict(json.loads(row[2]))
    changes = {name: value for name, value in chosen.items() if name not in (KEY, TYPE) and now.get(name) != value}
    key = chosen.get(KEY) if chosen.get(KEY) not in (None, row[0]) else None
    entry_type = chosen.get(TYPE) if chosen.get(TYPE) not in (None, row[1]) else None
    if changes or key or entry_type:
        edit_paper(db, paper_id, changes, key, entry_type)
