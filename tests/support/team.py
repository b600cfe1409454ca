"""What the shared-library tests share: a client's library, its papers as comparable records, and a keyring kept
in memory (the machine's keyring is never touched)."""

from __future__ import annotations

from pathlib import Path

import pytest

from citedesk import jobs
from citedesk.library.db import open_library

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
GRAL = SHARED / "corpus" / "bibtex" / "typst-biblatex" / "tests" / "fixtures" / "valid" / "gral.bib"


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch):
    """Passwords kept in memory for the test."""
    kept: dict[tuple[str, str], str] = {}
    monkeypatch.setattr(jobs.sharing.keyring, "set_password", lambda s, u, p: kept.__setitem__((s, u), p))
    monkeypatch.setattr(jobs.sharing.keyring, "get_password", lambda s, u: kept.get((s, u)))


def client(tmp_path: Path, name: str) -> Path:
    return tmp_path / name / "library.sqlite"


def records(library: Path) -> dict[str, tuple]:
    """Every paper as the library holds it (key -> raw, fields, type, tags), for comparing libraries."""
    db = open_library(library)
    try:
        rows = db.execute(
            "SELECT p.citekey, p.raw, p.fields, p.entry_type, (SELECT group_concat(t.name, ',') FROM "
            "(SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = p.id ORDER BY t.name) t) "
            "FROM papers p"
        ).fetchall()
        return {row[0]: tuple(row[1:]) for row in rows}
    finally:
        db.close()


def paper_id(library: Path, key: str) -> int:
    db = open_library(library)
    try:
        return db.execute("SELECT id FROM papers WHERE citekey = ?", [key]).fetchone()[0]
    finally:
        db.close()


def exported_file(library: Path, name: str, out: Path) -> bytes:
    jobs.export_bibtex(library, out, file_of=name)
    return out.read_bytes()
