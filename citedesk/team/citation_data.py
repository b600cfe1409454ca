"""Sharing citation data: the works, citations, statements (with their classifications and sources) and source
counts one member fetched or classified, so one refresh serves the team. Rows are known on the server by natural
keys (a work by its paper, DOI or other id; a citation by its two works; a statement by its citation and text),
so two members who fetched the same paper share one copy; a row changed on both sides keeps the newer values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import sqlite_utils
from psycopg.types.json import Jsonb

from citedesk.library.tallies import update_tallies
from citedesk.team import local
from citedesk.team.server import WRITE_LOCK

Connection = psycopg.Connection[tuple[Any, ...]]
KINDS = ("works", "citations", "statements", "metrics")  # in the order they are sent and taken
WORK_COLUMNS = (
    "doi", "s2_id", "openalex_id", "title", "authors", "year", "venue", "publication_type", "abstract", "source",
    "fetched_at", "known_as", "oa_url", "oa_source", "oa_fetched_at",
)  # fmt: skip
_IDS = ("doi", "s2_id", "openalex_id")  # unique in the works table
CITATION_COLUMNS = ("is_influential", "self_citation", "sources")
STATEMENT_COLUMNS = (
    "text", "marker_start", "marker_end", "section", "raw_section", "intents", "stance", "confidence",
    "classifier_version", "source", "fetched_at",
)  # fmt: skip
METRIC_COLUMNS = (
    "source", "cited_by", "citing_publications", "statements", "supporting", "mentioning", "contrasting",
    "unclassified", "references_count", "counts_by_year", "fetched_at",
)  # fmt: skip
APPLYING = "shared_applying"  # set while a sync writes the server's rows: the outbox triggers keep out
BATCH = 5_000
SEQ_PREFIX = "shared_seq_"  # + kind: the last server change of that kind taken


def queue_everything(db: sqlite_utils.Database) -> None:
    """On connecting: every row of citation data is to be sent (the server keeps one copy of each)."""
    for kind in KINDS:
        db.execute(f"INSERT OR IGNORE INTO shared_outbox (kind, row_id, stamp) SELECT '{kind}', id, 0 FROM {kind}")


# -- keys


def work_key(db: sqlite_utils.Database, work_id: int) -> str | None:
    """The work's key on the server (kept once given): its paper's, else its DOI, S2 or OpenAlex id, else the
    id it stands in for, else its title, year and authors. None for a paper not yet shared."""
    row = db.execute(
        f"SELECT w.shared_key, p.shared_uid, w.paper_id, {', '.join('w.' + c for c in WORK_COLUMNS)} "
        "FROM works w LEFT JOIN papers p ON p.id = w.paper_id WHERE w.id = ?",
        [work_id],
    ).fetchone()
    if row is None:
        return None
    if row[0]:
        return str(row[0])
    values = dict(zip(WORK_COLUMNS, row[3:], strict=True))
    if row[2] is not None:
        key = f"paper:{row[1]}" if row[1] else None
    elif values["doi"]:
        key = f"doi:{values['doi']}"
    elif values["s2_id"]:
        key = f"s2:{values['s2_id']}"
    elif values["openalex_id"]:
        key = f"openalex:{values['openalex_id']}"
    elif values["known_as"]:
        key = f"id:{values['known_as']}"
    else:
        key = "title:" + _digest(values["title"], values["year"], values["authors"])
    if key is not None:
        db.execute("UPDATE works SET shared_key = ? WHERE id = ? AND shared_key IS NULL", [key, work_id])
    return key


def _digest(*parts: object) -> str:
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def statement_key(citation: str, text: str) -> str:
    return f"{citation}|{_digest(text)}"


# -- sending


def send(db: sqlite_utils.Database, conn: Connection) -> int:
    """The outbox's rows, upserted on the server in one transaction (newer values over older, nothing erased by
    a null); then cleared up to what was read. Returns how many rows went."""
    rows = db.execute("SELECT kind, row_id, stamp FROM shared_outbox ORDER BY stamp").fetchall()
    if not rows:
        return 0
    with db.atomic():
        outgoing = {kind: _records(db, kind, [row_id for k, row_id, _ in rows if k == kind]) for kind in KINDS}
    latest: dict[str, int] = {}
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        for kind in KINDS:
            in_step = _latest(conn, kind) <= int(local.setting(db, f"{SEQ_PREFIX}{kind}") or 0)
            _upsert(conn, kind, outgoing[kind])
            if in_step and outgoing[kind]:  # nobody else wrote these since the last take: no need to take them back
                latest[kind] = _latest(conn, kind)
    newest = max(stamp for _, _, stamp in rows)
    with db.atomic():
        db.execute("DELETE FROM shared_outbox WHERE stamp <= ?", [newest])
        for kind, seq in latest.items():
            local.set_setting(db, f"{SEQ_PREFIX}{kind}", str(seq))
    return sum(len(found) for found in outgoing.values())


def _latest(conn: Connection, kind: str) -> int:
    row = conn.execute(f"SELECT coalesce(max(seq), 0) FROM {kind}").fetchone()
    return int(row[0]) if row else 0


def _records(db: sqlite_utils.Database, kind: str, ids: Sequence[int]) -> list[tuple[str, ...] | tuple[Any, ...]]:
    """(key, [reference keys...], record) of each row; rows whose works have no key yet are left for later."""
    found: list[tuple[Any, ...]] = []
    for row_id in ids:
        made = _record(db, kind, row_id)
        if made is not None:
            found.append(made)
    return found


def _record(db: sqlite_utils.Database, kind: str, row_id: int) -> tuple[Any, ...] | None:
    if kind == "works":
        key = work_key(db, row_id)
        row = db.execute(f"SELECT {', '.join(WORK_COLUMNS)} FROM works WHERE id = ?", [row_id]).fetchone()
        return None if key is None or row is None else (key, dict(zip(WORK_COLUMNS, row, strict=True)))
    if kind == "citations":
        row = db.execute(
            f"SELECT citing_work_id, cited_work_id, {', '.join(CITATION_COLUMNS)} FROM citations WHERE id = ?",
            [row_id],
        ).fetchone()
        if row is None:
            return None
        citing, cited = work_key(db, row[0]), work_key(db, row[1])
        if citing is None or cited is None:
            return None
        return (f"{citing}>{cited}", citing, cited, dict(zip(CITATION_COLUMNS, row[2:], strict=True)))
    if kind == "statements":
        row = db.execute(
            f"SELECT citation_id, {', '.join(STATEMENT_COLUMNS)} FROM statements WHERE id = ?", [row_id]
        ).fetchone()
        citation = _citation_key(db, row[0]) if row is not None else None
        if row is None or citation is None:
            return None
        return (statement_key(citation, row[1]), citation, dict(zip(STATEMENT_COLUMNS, row[1:], strict=True)))
    row = db.execute(f"SELECT work_id, {', '.join(METRIC_COLUMNS)} FROM metrics WHERE id = ?", [row_id]).fetchone()
    work = work_key(db, row[0]) if row is not None else None
    if row is None or work is None:
        return None
    return (f"{work}|{row[1]}", work, dict(zip(METRIC_COLUMNS, row[1:], strict=True)))


def _citation_key(db: sqlite_utils.Database, citation_id: int) -> str | None:
    row = db.execute("SELECT citing_work_id, cited_work_id FROM citations WHERE id = ?", [citation_id]).fetchone()
    if row is None:
        return None
    citing, cited = work_key(db, row[0]), work_key(db, row[1])
    return None if citing is None or cited is None else f"{citing}>{cited}"


_UPSERT = {
    "works": ("key, record", "%s, %s"),
    "citations": ("key, citing, cited, record", "%s, %s, %s, %s"),
    "statements": ("key, citation, record", "%s, %s, %s"),
    "metrics": ("key, work, record", "%s, %s, %s"),
}


def _upsert(conn: Connection, kind: str, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    columns, marks = _UPSERT[kind]
    sql = (
        f"INSERT INTO {kind} ({columns}) VALUES ({marks}) ON CONFLICT (key) DO UPDATE SET "
        f"record = {kind}.record || jsonb_strip_nulls(EXCLUDED.record), seq = nextval('citedesk_seq')"
    )
    with conn.cursor() as cursor:
        cursor.executemany(sql, [(*row[:-1], Jsonb(row[-1])) for row in rows])


# -- taking


@contextmanager
def applying(db: sqlite_utils.Database) -> Iterator[None]:
    """Inside a transaction: write the server's rows without queueing them to be sent back."""
    local.set_setting(db, APPLYING, "1")
    try:
        yield
    finally:
        local.set_setting(db, APPLYING, None)


def take(db: sqlite_utils.Database, conn: Connection) -> int:
    """The citation data changed on the server since the last taken, kind by kind; the papers they cite are
    counted again. Returns how many rows were applied."""
    applied = 0
    for kind in KINDS:
        setting = f"{SEQ_PREFIX}{kind}"
        last = int(local.setting(db, setting) or 0)
        columns = {"works": "key, record", "citations": "key, citing, cited, record"}.get(kind, "key, record")
        if kind in ("statements", "metrics"):
            columns = f"key, {'citation' if kind == 'statements' else 'work'}, record"
        rows = conn.execute(f"SELECT {columns}, seq FROM {kind} WHERE seq > %s ORDER BY seq", [last]).fetchall()
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            with db.atomic(), applying(db):
                touched: set[int] = set()
                for row in chunk:
                    applied += _apply(db, kind, row[:-1], touched)
                if touched:
                    update_tallies(db, touched)
                local.set_setting(db, setting, str(chunk[-1][-1]))
    return applied


def _apply(db: sqlite_utils.Database, kind: str, row: tuple[Any, ...], touched: set[int]) -> int:
    if kind == "works":
        return int(_apply_work(db, row[0], row[1]) is not None)
    if kind == "citations":
        return _apply_citation(db, row[1], row[2], row[3], touched)
    if kind == "statements":
        return _apply_statement(db, row[1], row[2], touched)
    return _apply_metrics(db, row[1], row[2])


def _work_id(db: sqlite_utils.Database, key: str) -> int | None:
    row = db.execute("SELECT id FROM works WHERE shared_key = ?", [key]).fetchone()
    return None if row is None else int(row[0])


def _apply_work(db: sqlite_utils.Database, key: str, record: dict[str, Any]) -> int | None:
    """The local work of a server work: found by its key, its paper or an id it has, filled in; else created."""
    work_id = _work_id(db, key) or _matching_work(db, key, record)
    if work_id is None:
        paper_id = _paper_of_key(db, key)
        if key.startswith("paper:") and paper_id is None:
            return None  # its paper is not here (not taken: its key is another paper's here)
        free = {c: record.get(c) for c in WORK_COLUMNS if c not in _IDS or not _id_taken(db, c, record.get(c))}
        names = [*free, "paper_id", "shared_key"]
        cursor = db.execute(
            f"INSERT INTO works ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [*free.values(), paper_id, key],
        )
        return int(cursor.lastrowid or 0)
    db.execute("UPDATE works SET shared_key = coalesce(shared_key, ?) WHERE id = ?", [key, work_id])
    for column in WORK_COLUMNS:
        value = record.get(column)
        if value is not None and not (column in _IDS and _id_taken(db, column, value, work_id)):
            db.execute(f"UPDATE works SET {column} = ? WHERE id = ?", [value, work_id])
    return work_id


def _matching_work(db: sqlite_utils.Database, key: str, record: dict[str, Any]) -> int | None:
    paper_id = _paper_of_key(db, key)
    if paper_id is not None:
        row = db.execute("SELECT id FROM works WHERE paper_id = ?", [paper_id]).fetchone()
        if row is not None:
            return int(row[0])
    for column in _IDS:
        if record.get(column):
            row = db.execute(f"SELECT id FROM works WHERE {column} = ?", [record[column]]).fetchone()
            if row is not None:
                return int(row[0])
    return None


def _paper_of_key(db: sqlite_utils.Database, key: str) -> int | None:
    if not key.startswith("paper:"):
        return None
    row = db.execute("SELECT id FROM papers WHERE shared_uid = ?", [key[len("paper:") :]]).fetchone()
    return None if row is None else int(row[0])


def _id_taken(db: sqlite_utils.Database, column: str, value: object, other_than: int | None = None) -> bool:
    if value is None:
        return False
    row = db.execute(f"SELECT id FROM works WHERE {column} = ?", [value]).fetchone()
    return row is not None and row[0] != other_than


def _both_works(db: sqlite_utils.Database, citing: str, cited: str) -> tuple[int, int] | None:
    """The local works of a citation's two keys; None when either is not here (yet)."""
    citing_id, cited_id = _work_id(db, citing), _work_id(db, cited)
    return None if citing_id is None or cited_id is None else (citing_id, cited_id)


def _apply_citation(
    db: sqlite_utils.Database, citing: str, cited: str, record: dict[str, Any], touched: set[int]
) -> int:
    works = _both_works(db, citing, cited)
    if works is None:
        return 0
    citing_id, cited_id = works
    values = [record.get(c) for c in CITATION_COLUMNS]
    db.execute(
        f"INSERT INTO citations (citing_work_id, cited_work_id, {', '.join(CITATION_COLUMNS)}) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (citing_work_id, cited_work_id) DO UPDATE SET is_influential = coalesce(excluded.is_influential, "
        "is_influential), self_citation = coalesce(excluded.self_citation, self_citation), "
        "sources = coalesce(excluded.sources, sources)",
        [citing_id, cited_id, *values],
    )
    touched.update(_papers_of(db, cited_id, citing_id))
    return 1


def _apply_statement(db: sqlite_utils.Database, citation: str, record: dict[str, Any], touched: set[int]) -> int:
    citing, _, cited = citation.partition(">")
    works = _both_works(db, citing, cited)
    if works is None:
        return 0
    citing_id, cited_id = works
    row = db.execute(
        "SELECT id FROM citations WHERE citing_work_id = ? AND cited_work_id = ?", [citing_id, cited_id]
    ).fetchone()
    if row is None:
        return 0
    values = [record.get(c) for c in STATEMENT_COLUMNS]
    db.execute(
        f"INSERT INTO statements (citation_id, {', '.join(STATEMENT_COLUMNS)}) VALUES (?, {', '.join('?' * len(values))}) "
        "ON CONFLICT (citation_id, text) DO UPDATE SET stance = excluded.stance, confidence = excluded.confidence, "
        "classifier_version = excluded.classifier_version, section = excluded.section, "
        "raw_section = coalesce(excluded.raw_section, raw_section)",
        [row[0], *values],
    )
    touched.update(_papers_of(db, cited_id, citing_id))
    return 1


def _apply_metrics(db: sqlite_utils.Database, work: str, record: dict[str, Any]) -> int:
    work_id = _work_id(db, work)
    if work_id is None:
        return 0
    values = [record.get(c) for c in METRIC_COLUMNS]
    updates = ", ".join(f"{c} = excluded.{c}" for c in METRIC_COLUMNS if c != "source")
    db.execute(
        f"INSERT INTO metrics (work_id, {', '.join(METRIC_COLUMNS)}) VALUES (?, {', '.join('?' * len(values))}) "
        f"ON CONFLICT (work_id, source) DO UPDATE SET {updates}",
        [work_id, *values],
    )
    return 1


def _papers_of(db: sqlite_utils.Database, *work_ids: int) -> list[int]:
    marks = ",".join("?" * len(work_ids))
    sql = f"SELECT paper_id FROM works WHERE id IN ({marks}) AND paper_id IS NOT NULL"
    return [row[0] for row in db.execute(sql, work_ids)]
