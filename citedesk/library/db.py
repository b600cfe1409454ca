"""Open a library file: where it lives, WAL mode, and the schema built by migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
import sqlite_utils
from sqlite_utils import Migrations

from citedesk.library.damage import damage_error, is_damage
from citedesk.library.tallies import mark_self_citations, update_tallies
from citedesk.model import CitedeskError

LIBRARY_ENV = "CITEDESK_LIBRARY"
# One index per sort of the library list; listing.py sorts by exactly these expressions.
# The indexes that the library list sorts by (listing.Column.key uses these very expressions so that a sort
# seeks). A change here needs a new migration: m003 keeps its own copy, as it was.
SORT_INDEXES = {
    "idx_sort_title": "coalesce(title, '') COLLATE NOCASE",
    "idx_sort_authors": "coalesce(authors_short, '') COLLATE NOCASE",
    "idx_sort_year": "coalesce(year, 0)",
    "idx_sort_venue": "coalesce(venue, '') COLLATE NOCASE",
    "idx_sort_type": "coalesce(entry_type, '') COLLATE NOCASE",
    "idx_sort_citekey": "coalesce(citekey, '') COLLATE NOCASE",
    "idx_sort_added": "coalesce(added_at, '')",
    "idx_sort_cited_by": "coalesce(cited_by, 0)",
    "idx_sort_supporting": "coalesce(supporting, 0)",
    "idx_sort_mentioning": "coalesce(mentioning, 0)",
    "idx_sort_contrasting": "coalesce(contrasting, 0)",
}

WAIT_SECONDS = 60  # how long a writer waits for another process's transaction before giving up
_FIRST_TRY_MS = 250
_wait_listeners: list[Callable[[Path], None]] = []
_commits: list[None] = []  # one item per transaction this process committed (list.append is thread-safe)

migrations = Migrations("citedesk")


class Library(sqlite_utils.Database):
    """A library connection whose transactions start with BEGIN IMMEDIATE: a writer takes the write lock
    before it reads, so it waits for another process's writer (telling the listeners it waits) instead of
    failing with "database is locked" when its first write finds the snapshot it read is stale."""

    path: Path

    @contextmanager
    def atomic(self) -> Iterator[sqlite_utils.Database]:
        if self.conn.in_transaction:
            with super().atomic():  # a savepoint inside the outer transaction
                yield self
            return
        begin_immediate(self)
        try:
            yield self
        except BaseException:
            self.conn.rollback()
            raise
        else:
            self.conn.commit()
            _commits.append(None)  # counted, so a watcher can tell this process's writes from another's


def on_wait(listener: Callable[[Path], None]) -> Callable[[], None]:
    """Call `listener(library path)` whenever a writer has to wait for another process; returns a remover."""
    _wait_listeners.append(listener)
    return lambda: _wait_listeners.remove(listener) if listener in _wait_listeners else None


def begin_immediate(db: Library) -> None:
    """Take the write lock: at once if it is free, else tell the listeners and wait up to WAIT_SECONDS."""
    db.conn.execute(f"PRAGMA busy_timeout = {_FIRST_TRY_MS}")
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        return
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
    finally:
        db.conn.execute(f"PRAGMA busy_timeout = {WAIT_SECONDS * 1000}")
    for listener in list(_wait_listeners):
        listener(db.path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise CitedeskError(
            f"Another program has been writing to the library {db.path} for more than "
            f"{WAIT_SECONDS} s; nothing was changed, try again when it is done"
        ) from exc


def commits_here() -> int:
    """How many write transactions this process has committed, on any connection."""
    return len(_commits)


def data_version(db: sqlite_utils.Database) -> int:
    """A number that changes whenever another connection commits to the library (PRAGMA data_version)."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def default_library_path() -> Path:
    """The library file used when none is named: $CITEDESK_LIBRARY or the user data dir."""
    named = os.environ.get(LIBRARY_ENV)
    if named:
        return Path(named).expanduser()
    return Path(platformdirs.user_data_dir("CiteDesk", appauthor=False)) / "library.sqlite"


def open_library(path: str | os.PathLike[str] | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) the library at `path` and bring its schema up to date."""
    path = Path(path) if path is not None else default_library_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, timeout=WAIT_SECONDS)  # wait for another writer
        db = Library(conn)
        db.path = path
        db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        migrations.apply(db)
        do_upkeep(db)
    except (sqlite3.DatabaseError, OSError) as exc:
        if is_damage(exc):
            raise damage_error(path, exc) from exc
        raise CitedeskError(f"Cannot open the library {path}: {exc}") from exc
    return db


UPKEEP: dict[str, Callable[[sqlite_utils.Database], object]] = {
    "update_tallies": update_tallies,
    "mark_self_citations": mark_self_citations,
}


def do_upkeep(db: sqlite_utils.Database) -> None:
    """Run, with today's code and in one transaction, the data work migrations asked for; each task once."""
    tasks = [task for (task,) in db.execute("SELECT task FROM upkeep ORDER BY rowid").fetchall()]
    if not tasks:
        return
    with db.atomic():
        for task in tasks:
            UPKEEP[task](db)
        db.execute("DELETE FROM upkeep")


@contextmanager
def fts_deferred(db: sqlite_utils.Database, table: str) -> Iterator[None]:
    """Inside a transaction that only inserts into `table`: index the new rows in one bulk
    statement at the end instead of one trigger call per row (about six times faster)."""
    triggers = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", [table]
    ).fetchall()
    columns = [row[1] for row in db.execute(f"PRAGMA table_info([{table}_fts])")]
    last_id = db.execute(f"SELECT coalesce(max(rowid), 0) FROM [{table}]").fetchone()[0]
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER [{name}]")
    yield
    names = ", ".join(f"[{column}]" for column in columns)
    db.execute(
        f"INSERT INTO [{table}_fts] (rowid, {names}) SELECT rowid, {names} FROM [{table}] WHERE rowid > ?",
        [last_id],
    )
    for _, sql in triggers:
        db.execute(sql)


@contextmanager
def indexes_deferred(db: sqlite_utils.Database, names: Iterable[str]) -> Iterator[None]:
    """Inside a transaction: drop the named indexes and build them again at the end, which is
    faster than updating them row by row when a bulk insert is large beside the table."""
    sqls = [
        row[0]
        for name in names
        for row in db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [name])
    ]
    for name in names:
        db.execute(f"DROP INDEX IF EXISTS [{name}]")
    yield
    for sql in sqls:
        db.execute(sql)


@migrations()
def m001_bibtex(db: sqlite_utils.Database) -> None:
    """Papers, the files they came from, the blocks between them, and tags."""
    db.table("source_files").create(
        {
            "id": int,
            "path": str,
            "name": str,
            "encoding": str,
            "bom": int,
            "newline": str,
            "sha256": str,
            "size": int,
            "imported_at": str,
        },
        pk="id",
    )
    db.table("papers").create(
        {
            "id": int,
            "citekey": str,
            "entry_type": str,
            "title": str,
            "authors": str,
            "authors_short": str,
            "year": int,
            "venue": str,
            "doi": str,
            "arxiv": str,
            "url": str,
            "abstract": str,
            "keywords": str,
            "fields": str,
            "raw": str,
            "modified": int,
            "source_file_id": int,
            "position": int,
            "line": int,
            "added_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("source_file_id", "source_files", "id")],
        not_null={"citekey", "entry_type", "fields", "raw"},
        defaults={"modified": 0},
    )
    db.execute("CREATE UNIQUE INDEX idx_papers_citekey ON papers (citekey COLLATE NOCASE)")
    db.table("papers").create_index(["doi"])
    db.table("papers").create_index(["source_file_id", "position"])
    db.table("papers").create_index(["added_at"])
    db.table("papers").enable_fts(
        ["title", "authors", "venue", "abstract", "keywords", "citekey"],
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",  # frozen, as m001 created it
    )
    db.table("file_blocks").create(
        {
            "id": int,
            "source_file_id": int,
            "position": int,
            "kind": str,
            "raw": str,
            "line": int,
            "error": str,
            "key": str,
        },
        pk="id",
        foreign_keys=[("source_file_id", "source_files", "id")],
        not_null={"source_file_id", "position", "kind", "raw"},
    )
    db.table("file_blocks").create_index(["source_file_id", "position"], unique=True)
    db.table("tags").create({"id": int, "name": str}, pk="id", not_null={"name"})
    db.table("tags").create_index(["name"], unique=True)
    db.table("paper_tags").create(
        {"paper_id": int, "tag_id": int},
        pk=("paper_id", "tag_id"),
        foreign_keys=[("paper_id", "papers", "id"), ("tag_id", "tags", "id")],
    )


@migrations()
def m002_citations(db: sqlite_utils.Database) -> None:
    """Works outside or inside the library, who cites whom, the statements, and metrics."""
    db.table("works").create(
        {
            "id": int,
            "doi": str,
            "s2_id": str,
            "openalex_id": str,
            "title": str,
            "authors": str,
            "year": int,
            "venue": str,
            "publication_type": str,
            "paper_id": int,
        },
        pk="id",
        foreign_keys=[("paper_id", "papers", "id")],
    )
    db.table("works").create_index(["doi"], unique=True)
    db.table("works").create_index(["s2_id"], unique=True)
    db.table("works").create_index(["paper_id"], unique=True)
    db.table("citations").create(
        {
            "id": int,
            "citing_work_id": int,
            "cited_work_id": int,
            "is_influential": int,
            "self_citation": int,
            "sources": str,
        },
        pk="id",
        foreign_keys=[("citing_work_id", "works", "id"), ("cited_work_id", "works", "id")],
        not_null={"citing_work_id", "cited_work_id"},
    )
    db.table("citations").create_index(["citing_work_id", "cited_work_id"], unique=True)
    db.table("citations").create_index(["cited_work_id"])
    db.table("statements").create(
        {
            "id": int,
            "citation_id": int,
            "text": str,
            "marker_start": int,
            "marker_end": int,
            "section": str,
            "raw_section": str,
            "intents": str,
            "stance": str,
            "confidence": float,
            "classifier_version": str,
            "source": str,
            "fetched_at": str,
        },
        pk="id",
        foreign_keys=[("citation_id", "citations", "id")],
        not_null={"citation_id", "text"},
        defaults={"stance": "unclassified", "section": "unknown"},
    )
    db.table("statements").create_index(["citation_id", "text"], unique=True)
    db.table("statements").enable_fts(["text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")
    db.table("metrics").create(
        {
            "id": int,
            "work_id": int,
            "source": str,
            "cited_by": int,
            "citing_publications": int,
            "statements": int,
            "supporting": int,
            "mentioning": int,
            "contrasting": int,
            "unclassified": int,
            "references_count": int,
            "counts_by_year": str,
            "fetched_at": str,
        },
        pk="id",
        foreign_keys=[("work_id", "works", "id")],
        not_null={"work_id", "source", "fetched_at"},
    )
    db.table("metrics").create_index(["work_id", "source"], unique=True)


@migrations()
def m003_list_columns(db: sqlite_utils.Database) -> None:
    """Tallies on each paper, indexes for every sort of the library list, and full-text
    triggers that fire only when indexed text changes (not when a tally or a stance does)."""
    for name in ("cited_by", "statements", "supporting", "mentioning", "contrasting", "unclassified"):
        db.execute(f"ALTER TABLE papers ADD COLUMN {name} INTEGER")
    _only_on_text_update(db, "papers", ["title", "authors", "venue", "abstract", "keywords", "citekey"])
    _only_on_text_update(db, "statements", ["text"])
    for name, expression in _M003_SORT_INDEXES.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS [{name}] ON papers ({expression})")
    _ask_upkeep(db, "update_tallies", "mark_self_citations")


_M003_SORT_INDEXES = {  # frozen: SORT_INDEXES as m003 created them
    "idx_sort_title": "coalesce(title, '') COLLATE NOCASE",
    "idx_sort_authors": "coalesce(authors_short, '') COLLATE NOCASE",
    "idx_sort_year": "coalesce(year, 0)",
    "idx_sort_venue": "coalesce(venue, '') COLLATE NOCASE",
    "idx_sort_type": "coalesce(entry_type, '') COLLATE NOCASE",
    "idx_sort_citekey": "coalesce(citekey, '') COLLATE NOCASE",
    "idx_sort_added": "coalesce(added_at, '')",
    "idx_sort_cited_by": "coalesce(cited_by, 0)",
    "idx_sort_supporting": "coalesce(supporting, 0)",
    "idx_sort_mentioning": "coalesce(mentioning, 0)",
    "idx_sort_contrasting": "coalesce(contrasting, 0)",
}


def _ask_upkeep(db: sqlite_utils.Database, *tasks: str) -> None:
    """Leave data work that needs today's code (not frozen in a migration) to `do_upkeep`, which runs it once
    the whole schema is current."""
    db.execute("CREATE TABLE IF NOT EXISTS upkeep (task TEXT PRIMARY KEY)")
    db.conn.executemany("INSERT OR IGNORE INTO upkeep (task) VALUES (?)", [(task,) for task in tasks])


def _only_on_text_update(db: sqlite_utils.Database, table: str, columns: list[str]) -> None:
    """Recreate the table's full-text update trigger as AFTER UPDATE OF its indexed columns."""
    trigger = f"{table}_au"
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [trigger]).fetchone()[0]
    names = ", ".join(f'"{column}"' for column in columns)
    db.execute(f"DROP TRIGGER [{trigger}]")
    db.execute(sql.replace(f'AFTER UPDATE ON "{table}"', f'AFTER UPDATE OF {names} ON "{table}"', 1))


@migrations()
def m004_prefix_index(db: sqlite_utils.Database) -> None:
    """Index one- and two-letter prefixes of the papers' words, so the first keystrokes of a
    search are as fast as the later ones (a one-letter prefix query: 18 ms to 3 ms on 100,000 papers)."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'papers_fts'").fetchone()[0]
    db.execute("DROP TABLE papers_fts")
    db.execute(sql.rstrip().rstrip(")").rstrip() + ",\n    prefix='1 2'\n)")
    db.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")


@migrations()
def m005_fetched_data(db: sqlite_utils.Database) -> None:
    """What sources fetched: a work's abstract and who described it when, and when each paper
    was last fetched from each source (so a refresh can skip recent ones and resume)."""
    for column in ("abstract", "source", "fetched_at"):
        db.execute(f"ALTER TABLE works ADD COLUMN {column} TEXT")
    db.execute("CREATE UNIQUE INDEX idx_works_openalex_id ON works (openalex_id)")
    db.execute(
        "CREATE TABLE fetches (paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE, "
        "source TEXT NOT NULL, fetched_at TEXT NOT NULL, status TEXT NOT NULL, message TEXT, "
        "PRIMARY KEY (paper_id, source))"
    )


@migrations()
def m006_works_known_as(db: sqlite_utils.Database) -> None:
    """The id a work was known by before a source described it (a statement file's key that stood in for its
    title, "W06-3112"), so that the file's statements find that work again when read once more."""
    db.execute("ALTER TABLE works ADD COLUMN known_as TEXT")
    db.execute("CREATE INDEX idx_works_known_as ON works (known_as)")


@migrations()
def m007_upkeep(db: sqlite_utils.Database) -> None:
    """The data work migrations leave to today's code (libraries that passed m003 before it asked for any)."""
    db.execute("CREATE TABLE IF NOT EXISTS upkeep (task TEXT PRIMARY KEY)")


@migrations()
def m008_source_format(db: sqlite_utils.Database) -> None:
    """The format each imported file is in ("bibtex", "ris", "csljson"...): only BibTeX files are rebuilt
    byte for byte; the others' records were stored as BibTeX entries."""
    db.execute("ALTER TABLE source_files ADD COLUMN format TEXT NOT NULL DEFAULT 'bibtex'")


@migrations()
def m009_watch_and_full_text(db: sqlite_utils.Database) -> None:
    """Watched papers and what is new on them (the highest statement id seen when the paper was last opened, and
    a tally of the statements stored since), a work's open-access full text with where and when it was found, and
    the library's own settings (its attachment folder)."""
    db.execute("ALTER TABLE papers ADD COLUMN watched INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE papers ADD COLUMN seen_statement_id INTEGER")
    db.execute("ALTER TABLE papers ADD COLUMN new_statements INTEGER")
    db.execute("CREATE INDEX idx_papers_watched ON papers (watched) WHERE watched = 1")
    for column in ("oa_url", "oa_source", "oa_fetched_at"):
        db.execute(f"ALTER TABLE works ADD COLUMN {column} TEXT")
    db.execute("CREATE TABLE library_settings (name TEXT PRIMARY KEY, value TEXT)")
    _ask_upkeep(db, "update_tallies")


@migrations()
def m010_shared_library(db: sqlite_utils.Database) -> None:
    """What a library connected to a shared PostgreSQL library keeps: each paper's and file's id there and the
    version it last had, whether it was changed here since (set by triggers, so every writer is covered), the
    deletions and conflicts waiting for the next sync."""
    db.execute("ALTER TABLE papers ADD COLUMN shared_uid TEXT")
    db.execute("ALTER TABLE papers ADD COLUMN shared_version INTEGER")
    db.execute("ALTER TABLE papers ADD COLUMN shared_dirty INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE UNIQUE INDEX idx_papers_shared_uid ON papers (shared_uid)")
    db.execute("CREATE INDEX idx_papers_shared_dirty ON papers (shared_dirty) WHERE shared_dirty = 1")
    db.execute("CREATE INDEX idx_papers_shared_unsent ON papers (id) WHERE shared_version IS NULL")
    db.execute("CREATE INDEX idx_papers_shared_kept ON papers (shared_dirty) WHERE shared_dirty = 2")  # refused
    db.execute("ALTER TABLE source_files ADD COLUMN shared_uid TEXT")
    db.execute("CREATE UNIQUE INDEX idx_source_files_shared_uid ON source_files (shared_uid)")
    db.execute("CREATE TABLE shared_deletions (uid TEXT PRIMARY KEY, version INTEGER)")
    db.execute(
        "CREATE TABLE shared_conflicts (paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE, "
        "theirs TEXT, theirs_version INTEGER NOT NULL, theirs_deleted INTEGER NOT NULL DEFAULT 0, found_at TEXT, "
        "theirs_by TEXT, theirs_at TEXT)"  # who changed (or deleted) it there, and when
    )
    # An edit here (not a sync, which always sets shared_version) marks a shared paper changed.
    db.execute(
        "CREATE TRIGGER papers_shared_edited AFTER UPDATE OF citekey, entry_type, raw, fields, modified ON papers "
        "WHEN NEW.shared_uid IS NOT NULL AND NEW.shared_version IS OLD.shared_version "
        "BEGIN UPDATE papers SET shared_dirty = 1 WHERE id = NEW.id; END"
    )
    for event, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
        db.execute(
            f"CREATE TRIGGER paper_tags_shared_{event.lower()} AFTER {event} ON paper_tags "
            f"BEGIN UPDATE papers SET shared_dirty = 1 WHERE id = {row}.paper_id AND shared_uid IS NOT NULL; END"
        )
    db.execute(
        "CREATE TRIGGER papers_shared_deleted AFTER DELETE ON papers WHEN OLD.shared_uid IS NOT NULL "
        "BEGIN INSERT OR REPLACE INTO shared_deletions (uid, version) VALUES (OLD.shared_uid, OLD.shared_version); END"
    )
    db.execute(
        "CREATE TRIGGER papers_shared_restored AFTER INSERT ON papers WHEN NEW.shared_uid IS NOT NULL "
        "BEGIN DELETE FROM shared_deletions WHERE uid = NEW.shared_uid; END"
    )


@migrations()
def m011_shared_citation_data(db: sqlite_utils.Database) -> None:
    """The citation data a connected library sends to its shared library: an outbox of the works, citations,
    statements and source counts changed since the last sync (filled by triggers, whoever writes, except while
    a sync applies the server's own), and each work's key there."""
    db.execute("ALTER TABLE works ADD COLUMN shared_key TEXT")
    db.execute("CREATE UNIQUE INDEX idx_works_shared_key ON works (shared_key)")
    db.execute(
        "CREATE TABLE shared_outbox (kind TEXT NOT NULL, row_id INTEGER NOT NULL, stamp INTEGER NOT NULL, "
        "PRIMARY KEY (kind, row_id))"
    )
    db.execute("CREATE INDEX idx_shared_outbox_stamp ON shared_outbox (stamp)")  # the triggers' max(stamp)
    sending = (
        "(SELECT value FROM library_settings WHERE name = 'shared_url') IS NOT NULL "
        "AND (SELECT value FROM library_settings WHERE name = 'shared_applying') IS NULL"
    )
    changes = {  # the columns a sync sends (not works.shared_key, which sending itself sets)
        "works": (
            "INSERT",
            "UPDATE OF doi, s2_id, openalex_id, title, authors, year, venue, publication_type, abstract, "
            "known_as, oa_url, paper_id",
        ),
        "citations": ("INSERT", "UPDATE OF is_influential, self_citation, sources"),
        "statements": ("INSERT", "UPDATE OF stance, confidence, classifier_version, section, raw_section"),
        "metrics": ("INSERT", "UPDATE"),
    }
    for table, events in changes.items():
        for number, event in enumerate(events):
            db.execute(
                f"CREATE TRIGGER {table}_shared_{number} AFTER {event} ON {table} WHEN {sending} BEGIN "
                f"INSERT OR REPLACE INTO shared_outbox (kind, row_id, stamp) VALUES ('{table}', NEW.id, "
                "(SELECT coalesce(max(stamp), 0) + 1 FROM shared_outbox)); END"
            )
