"""The local library's side of a shared library: the rows it sends (papers as records, files with their blocks) and
applies, and what it remembers of the server (its URL, the last change it has seen)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from citedesk.library.entries import DISPLAY_COLUMNS
from citedesk.library.settings import set_setting as set_setting  # the team modules reach them through here
from citedesk.library.settings import setting as setting

# the papers columns a shared record holds: everything of the entry (tallies and marks are each library's own)
PAPER_COLUMNS = (
    "citekey",
    "entry_type",
    *DISPLAY_COLUMNS,
    "fields",
    "raw",
    "modified",
    "position",
    "line",
    "added_at",
    "updated_at",
)
FILE_COLUMNS = ("path", "name", "encoding", "bom", "newline", "sha256", "size", "imported_at", "format")
BLOCK_COLUMNS = ("position", "kind", "raw", "line", "error", "key")
URL_SETTING = "shared_url"  # the server's URL, without its password
SEQ_SETTING = "shared_seq"  # the last server change this library has taken
LAST_URL_SETTING = "shared_url_last"  # the shared library it was last connected to (kept when disconnected)


@dataclass(frozen=True)
class OutgoingPaper:
    """A local paper as the server keeps it."""

    paper_id: int
    uid: str
    base_version: int | None  # the server version it was last in step with; None: never sent
    citekey: str
    file_uid: str | None
    record: dict[str, Any]
    tags: list[str]


def forget_server(db: sqlite_utils.Database) -> None:
    """Connecting to another shared library: every paper, file and work is new there, nothing waits or conflicts."""
    db.execute("UPDATE papers SET shared_uid = NULL, shared_version = NULL, shared_dirty = 0")
    db.execute("UPDATE source_files SET shared_uid = NULL")
    db.execute("UPDATE works SET shared_key = NULL")
    for table in ("shared_deletions", "shared_conflicts", "shared_outbox"):
        db.execute(f"DELETE FROM {table}")
    db.execute("DELETE FROM library_settings WHERE name LIKE 'shared_seq%'")


def give_ids(db: sqlite_utils.Database) -> None:
    """Give every file and paper not yet shared its id for the server, before anything is sent: a push cut off
    after the server committed finds its papers there under the same ids, and sends nothing twice."""
    for table in ("source_files", "papers"):
        db.execute(f"UPDATE {table} SET shared_uid = {_RANDOM_UUID} WHERE shared_uid IS NULL")


# A random (version 4) UUID in the form PostgreSQL prints it, made by SQLite: one statement for 100,000 papers.
_RANDOM_UUID = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)"
    " || '-' || substr('89ab', 1 + abs(random() % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || "
    "lower(hex(randomblob(6)))"
)


def files_to_send(db: sqlite_utils.Database) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """(uid, record, blocks) of the files whose papers are to be sent (new papers name their file)."""
    sql = (
        "SELECT DISTINCT f.id, f.shared_uid FROM source_files f JOIN papers p ON p.source_file_id = f.id "
        "WHERE p.shared_version IS NULL AND p.shared_dirty = 0"
    )
    found = []
    for file_id, uid in db.execute(sql).fetchall():
        record = _row(db, "source_files", FILE_COLUMNS, file_id)
        blocks = [
            dict(zip(BLOCK_COLUMNS, row, strict=True))
            for row in db.execute(
                f"SELECT {', '.join(BLOCK_COLUMNS)} FROM file_blocks WHERE source_file_id = ? ORDER BY position",
                [file_id],
            )
        ]
        found.append((uid, record, blocks))
    return found


def papers_to_send(db: sqlite_utils.Database) -> list[OutgoingPaper]:
    """The papers never sent and those changed here since the last sync, as records."""
    sql = (
        f"SELECT p.id, p.shared_uid, p.shared_version, f.shared_uid, {', '.join('p.' + c for c in PAPER_COLUMNS)} "
        "FROM papers p LEFT JOIN source_files f ON f.id = p.source_file_id "
        "WHERE p.id IN (SELECT id FROM papers WHERE shared_version IS NULL AND shared_dirty = 0 "
        "UNION ALL SELECT id FROM papers WHERE shared_dirty = 1) ORDER BY p.id"  # two partial indexes, no scan
    )
    rows = db.execute(sql).fetchall()
    tags = tags_by_paper(db, [row[0] for row in rows])
    return [
        OutgoingPaper(
            paper_id=row[0],
            uid=row[1],
            base_version=row[2],
            citekey=row[4],
            file_uid=row[3],
            record=dict(zip(PAPER_COLUMNS, row[4:], strict=True)),
            tags=tags.get(row[0], []),
        )
        for row in rows
    ]


def deletions_to_send(db: sqlite_utils.Database) -> list[tuple[str, int | None]]:
    return [(row[0], row[1]) for row in db.execute("SELECT uid, version FROM shared_deletions ORDER BY uid")]


def tags_by_paper(db: sqlite_utils.Database, paper_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for start in range(0, len(paper_ids), 500):
        chunk = list(paper_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        sql = (
            f"SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            f"WHERE pt.paper_id IN ({marks}) ORDER BY t.name"
        )
        for paper_id, name in db.execute(sql, chunk):
            found.setdefault(paper_id, []).append(name)
    return found


def local_record(db: sqlite_utils.Database, paper_id: int) -> tuple[dict[str, Any], list[str]]:
    """A paper's record and tags as they are here now."""
    return _row(db, "papers", PAPER_COLUMNS, paper_id), tags_by_paper(db, [paper_id]).get(paper_id, [])


def _row(db: sqlite_utils.Database, table: str, columns: Sequence[str], row_id: int) -> dict[str, Any]:
    values = db.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?", [row_id]).fetchone()
    return dict(zip(columns, values, strict=True))


def mark_sent(db: sqlite_utils.Database, versions: dict[int, int]) -> None:
    """The server has these papers (id -> version) as they are here."""
    db.conn.executemany(
        "UPDATE papers SET shared_version = ?, shared_dirty = 0 WHERE id = ?",
        [(version, paper_id) for paper_id, version in versions.items()],
    )
    if db.execute("SELECT 1 FROM shared_conflicts LIMIT 1").fetchone():
        db.conn.executemany("DELETE FROM shared_conflicts WHERE paper_id = ?", [(paper_id,) for paper_id in versions])


def adopt(db: sqlite_utils.Database, paper_id: int, uid: str, tags: Sequence[str]) -> None:
    """This paper is the shared paper `uid` (same key, found there first); its tags become `tags`."""
    db.execute("UPDATE papers SET shared_uid = ? WHERE id = ?", [uid, paper_id])
    set_tags(db, paper_id, tags)


def forget_deletion(db: sqlite_utils.Database, uid: str) -> None:
    db.execute("DELETE FROM shared_deletions WHERE uid = ?", [uid])


# -- taking the server's changes


@dataclass(frozen=True)
class PapersHere:
    """What this library has of a batch of server rows: the local copies by server id, and the keys in use."""

    by_uid: dict[str, tuple[int, int | None, bool]]  # uid -> (id, version in step with, changed here since)
    keys: set[str]  # lower-cased keys of the batch that a paper here has


def papers_here(db: sqlite_utils.Database, uids: Sequence[str], keys: Sequence[str]) -> PapersHere:
    """Two queries a chunk instead of two a row."""
    by_uid: dict[str, tuple[int, int | None, bool]] = {}
    taken: set[str] = set()
    for start in range(0, len(uids), 500):
        chunk = list(uids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT shared_uid, id, shared_version, shared_dirty FROM papers WHERE shared_uid IN ({marks})"
        for uid, paper_id, version, dirty in db.execute(sql, chunk):
            by_uid[uid] = (paper_id, version, bool(dirty))
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT lower(citekey) FROM papers WHERE citekey COLLATE NOCASE IN ({marks})"
        taken.update(row[0] for row in db.execute(sql, chunk))
    return PapersHere(by_uid, taken)


def paper_of_uid(db: sqlite_utils.Database, uid: str) -> tuple[int, int | None, bool] | None:
    """(id, version it was in step with, changed here since) of the local copy of a shared paper."""
    row = db.execute("SELECT id, shared_version, shared_dirty FROM papers WHERE shared_uid = ?", [uid]).fetchone()
    return None if row is None else (row[0], row[1], bool(row[2]))


def store_file(db: sqlite_utils.Database, uid: str, record: dict[str, Any], blocks: list[dict[str, Any]]) -> int:
    """The local copy of a shared file and its blocks (once: a file's blocks never change); its local id."""
    found = db.execute("SELECT id FROM source_files WHERE shared_uid = ?", [uid]).fetchone()
    if found:
        return int(found[0])
    names = [*FILE_COLUMNS, "shared_uid"]
    cursor = db.execute(
        f"INSERT INTO source_files ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [*(record.get(c) for c in FILE_COLUMNS), uid],
    )
    file_id = int(cursor.lastrowid or 0)
    columns = ["source_file_id", *BLOCK_COLUMNS]
    db.conn.executemany(
        f"INSERT INTO file_blocks ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [(file_id, *(block.get(c) for c in BLOCK_COLUMNS)) for block in blocks],
    )
    return file_id


def insert_new(
    db: sqlite_utils.Database, papers: Sequence[tuple[str, dict[str, Any], Sequence[str], int, str | None]]
) -> None:
    """Papers new to this library, from the server, in one statement each batch: (uid, record, tags, version,
    file uid). The caller has checked that none is here, by id or by key."""
    files = {uid: file_id_of_uid(db, uid) for uid in {paper[4] for paper in papers if paper[4]}}
    names = [*PAPER_COLUMNS, "source_file_id", "shared_uid", "shared_version", "shared_dirty"]
    db.conn.executemany(
        f"INSERT INTO papers ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [
            (*(record.get(c) for c in PAPER_COLUMNS), files.get(file_uid) if file_uid else None, uid, version, 0)
            for uid, record, _, version, file_uid in papers
        ],
    )
    for uid, _, tags, _, _ in papers:
        if tags:
            found = paper_of_uid(db, uid)
            if found is not None:
                set_tags(db, found[0], tags)
                db.execute("UPDATE papers SET shared_dirty = 0 WHERE id = ?", [found[0]])


def file_id_of_uid(db: sqlite_utils.Database, uid: str | None) -> int | None:
    if uid is None:
        return None
    row = db.execute("SELECT id FROM source_files WHERE shared_uid = ?", [uid]).fetchone()
    return None if row is None else int(row[0])


def apply_paper(
    db: sqlite_utils.Database, uid: str, record: dict[str, Any], tags: Sequence[str], version: int, file_uid: str | None
) -> int:
    """Make the local copy of a shared paper what the server has (insert or update), in step at `version`."""
    values = [record.get(c) for c in PAPER_COLUMNS]
    file_id = file_id_of_uid(db, file_uid)
    found = paper_of_uid(db, uid)
    if found is None:
        names = [*PAPER_COLUMNS, "source_file_id", "shared_uid", "shared_version", "shared_dirty"]
        cursor = db.execute(
            f"INSERT INTO papers ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [*values, file_id, uid, version, 0],
        )
        paper_id = int(cursor.lastrowid or 0)
    else:
        paper_id = found[0]
        sets = ", ".join(f"{c} = ?" for c in PAPER_COLUMNS)
        db.execute(
            f"UPDATE papers SET {sets}, source_file_id = ?, shared_version = ? WHERE id = ?",
            [*values, file_id, version, paper_id],
        )
    set_tags(db, paper_id, tags)
    db.execute("UPDATE papers SET shared_dirty = 0 WHERE id = ?", [paper_id])  # the triggers saw a change here
    db.execute("DELETE FROM shared_conflicts WHERE paper_id = ?", [paper_id])
    return paper_id


def set_tags(db: sqlite_utils.Database, paper_id: int, names: Sequence[str]) -> None:
    """The paper's tags, exactly these (tags are made as needed)."""
    wanted = set(names)
    have = set(tags_by_paper(db, [paper_id]).get(paper_id, []))
    for name in wanted - have:
        db.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", [name])
        db.execute(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) SELECT ?, id FROM tags WHERE name = ?",
            [paper_id, name],
        )
    for name in have - wanted:
        db.execute(
            "DELETE FROM paper_tags WHERE paper_id = ? AND tag_id = (SELECT id FROM tags WHERE name = ?)",
            [paper_id, name],
        )


def apply_deletion(db: sqlite_utils.Database, paper_id: int, uid: str) -> None:
    """Delete the local copy of a paper the server deleted (not queued to be sent back)."""
    db.execute("DELETE FROM paper_tags WHERE paper_id = ?", [paper_id])
    db.execute("UPDATE works SET paper_id = NULL WHERE paper_id = ?", [paper_id])
    db.execute("DELETE FROM fetches WHERE paper_id = ?", [paper_id])
    db.execute("DELETE FROM shared_conflicts WHERE paper_id = ?", [paper_id])
    db.execute("DELETE FROM papers WHERE id = ?", [paper_id])
    forget_deletion(db, uid)


def note_conflict(
    db: sqlite_utils.Database,
    paper_id: int,
    theirs: dict[str, Any] | None,
    version: int,
    when: str,
    by: tuple[str | None, str | None] = (None, None),
) -> None:
    """Keep the server's version of a paper also changed here (`by`: who changed it there, and when), until the
    person chooses."""
    db.execute(
        "INSERT INTO shared_conflicts (paper_id, theirs, theirs_version, theirs_deleted, found_at, theirs_by, "
        "theirs_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (paper_id) DO UPDATE SET theirs = excluded.theirs, "
        "theirs_version = excluded.theirs_version, theirs_deleted = excluded.theirs_deleted, "
        "found_at = excluded.found_at, theirs_by = excluded.theirs_by, theirs_at = excluded.theirs_at",
        [paper_id, json.dumps(theirs) if theirs is not None else None, version, int(theirs is None), when, *by],
    )
