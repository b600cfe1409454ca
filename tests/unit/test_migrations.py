"""Migrations are frozen: they never call live code, so an old library still upgrades after that code changes;
the data they leave to compute (tallies, self-citations) is done by today's code once the schema is current."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from citedesk.library import db as library_db
from citedesk.library import tallies
from citedesk.library.db import Library, migrations, open_library

CITING, CITED = "Kishore Papineni; Salim Roukos", "Kishore Papineni; Todd Ward"


def version_2_library(path: Path) -> None:
    """A library as CiteDesk left it before migration 3: a paper cited by a work sharing an author."""
    db = Library(sqlite3.connect(path))
    migrations.apply(db, stop_before="m003_list_columns")
    db["papers"].insert(
        {
            "id": 1,
            "citekey": "bleu",
            "entry_type": "inproceedings",
            "fields": "[]",
            "raw": "@inproceedings{bleu,}",
            "authors": CITED,
        }
    )
    db["works"].insert_all(
        [
            {"id": 1, "paper_id": 1, "title": "BLEU", "authors": CITED},
            {"id": 2, "title": "A later paper", "authors": CITING},
        ]
    )
    db["citations"].insert({"id": 1, "citing_work_id": 2, "cited_work_id": 1})
    db["statements"].insert({"id": 1, "citation_id": 1, "text": "As BLEU shows.", "stance": "supporting"})
    db.conn.commit()
    db.conn.close()


def test_no_migration_calls_code_that_lives_on_outside_the_migrations():
    names = {name for name in vars(library_db) if not name.startswith("_")}
    live = {"update_tallies", "mark_self_citations", "TALLY_COLUMNS", "SORT_INDEXES"}
    for migration in migrations._migrations:
        code = migration.fn.__code__
        used = set(code.co_names) | {
            name for const in code.co_consts if hasattr(const, "co_names") for name in const.co_names
        }
        assert not (used & live & names), f"{migration.name} calls {used & live}"


def test_an_old_library_upgrades_even_when_todays_code_has_changed(tmp_path, monkeypatch):
    version_2_library(tmp_path / "old.sqlite")
    monkeypatch.setattr(library_db, "SORT_INDEXES", {"idx_sort_new": "no_such_column"}, raising=False)
    monkeypatch.setattr(tallies, "TALLY_COLUMNS", ("no_such_column",))
    db = open_library(tmp_path / "old.sqlite")  # the schema changes need none of today's code
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"idx_sort_title", "idx_sort_cited_by"} <= indexes and "idx_sort_new" not in indexes
    db.conn.close()


def test_after_upgrading_todays_code_fills_in_the_tallies_and_self_citations(tmp_path):
    version_2_library(tmp_path / "old.sqlite")
    db = open_library(tmp_path / "old.sqlite")
    assert db.execute("SELECT cited_by, statements, supporting FROM papers").fetchone() == (1, 1, 1)
    assert db.execute("SELECT self_citation FROM citations").fetchone() == (1,)
    assert db.execute("SELECT count(*) FROM upkeep").fetchone() == (0,)  # done once, not at every opening
    db.conn.close()


def test_a_new_library_has_every_table_and_nothing_left_to_do(tmp_path):
    db = open_library(tmp_path / "new.sqlite")
    tables = set(db.table_names())
    assert {"papers", "works", "citations", "statements", "fetches", "upkeep"} <= tables
    assert db.execute("SELECT count(*) FROM upkeep").fetchone() == (0,)
    db.conn.close()


def test_a_library_migrated_before_the_upkeep_table_gets_it(tmp_path):
    path = tmp_path / "older.sqlite"
    db = Library(sqlite3.connect(path))
    migrations.apply(db, stop_before="m007_upkeep")
    db.execute("DROP TABLE IF EXISTS upkeep")  # as libraries migrated before m007 have none
    db.conn.commit()
    db.conn.close()
    again = open_library(path)
    assert "upkeep" in again.table_names()
    again.conn.close()


@pytest.mark.parametrize("stop", ["m003_list_columns", "m005_fetched_data"])
def test_every_older_schema_reaches_todays(tmp_path, stop):
    old, new = tmp_path / "old.sqlite", tmp_path / "new.sqlite"
    db = Library(sqlite3.connect(old))
    migrations.apply(db, stop_before=stop)
    db.conn.close()
    assert schema(open_library(old)) == schema(open_library(new))


def schema(db: sqlite_utils.Database) -> set[tuple[str, str]]:
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    db.conn.close()
    return {(name, " ".join(sql.split())) for name, sql in rows}
