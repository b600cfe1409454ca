"""The id of the row an INSERT made, as the int it is (sqlite3 types a cursor's lastrowid as int | None)."""

from __future__ import annotations

import sqlite3


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row that the INSERT just run on `cursor` made."""
    rowid = cursor.lastrowid
    if rowid is None:
        raise sqlite3.InterfaceError("the statement run inserted no row")
    return rowid
