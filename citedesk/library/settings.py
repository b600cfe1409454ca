"""The library's own settings (its attachment folder, when its watched papers were refreshed, its shared library),
kept in the library file by name: one value each, read and written here."""

from __future__ import annotations

import sqlite_utils


def setting(db: sqlite_utils.Database, name: str) -> str | None:
    """The value of a setting, None when it is not set."""
    row = db.execute("SELECT value FROM library_settings WHERE name = ?", [name]).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def set_setting(db: sqlite_utils.Database, name: str, value: str | None) -> None:
    """Set a setting (None removes it)."""
    if value is None:
        db.execute("DELETE FROM library_settings WHERE name = ?", [name])
        return
    db.execute(
        "INSERT INTO library_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [name, value],
    )
