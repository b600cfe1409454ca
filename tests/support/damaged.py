"""Real libraries damaged on purpose: a real .bib from the shared corpus imported, then pages in the middle of
the file overwritten with random bytes, as a failing disk or a bad copy leaves them."""

from __future__ import annotations

import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from citedesk import jobs

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "bibtex"
AUTHORS_BIB = (
    CORPUS / "jabref" / "jablib" / "src" / "test" / "resources" / "testbib" / "jabref-authors.bib"
)  # 212 entries


def build_library(folder: Path, bib: Path = AUTHORS_BIB) -> Path:
    """A real library of the entries of `bib`, closed (its write-ahead log folded into the file)."""
    library = folder / "library.sqlite"
    jobs.import_bibtex(library, [bib], workers=1)
    jobs.tag_papers(library, [1, 2, 3, 100, 150], name="to read")
    assert not Path(f"{library}-wal").exists() or Path(f"{library}-wal").stat().st_size == 0
    return library


def pages_of(library: Path, table: str) -> list[int]:
    """The page numbers of a table's b-tree (from SQLite's dbstat table)."""
    with closing(sqlite3.connect(library)) as conn:
        return [row[0] for row in conn.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", [table])]


def page_size(library: Path) -> int:
    with closing(sqlite3.connect(library)) as conn:
        return conn.execute("PRAGMA page_size").fetchone()[0]


def overwrite_pages(library: Path, pages: list[int], seed: int = 11) -> None:
    """Write random bytes over whole pages (numbered from 1, as SQLite does)."""
    size, rnd = page_size(library), random.Random(seed)
    with open(library, "r+b") as file:
        for page in pages:
            file.seek((page - 1) * size)
            file.write(rnd.randbytes(size))


def damage_middle(library: Path, copy: Path, count: int = 6, seed: int = 11) -> list[int]:
    """Copy the library and overwrite `count` random pages of its papers in the middle of the file (never the
    first page, which holds the schema); returns the pages overwritten."""
    shutil.copyfile(library, copy)
    papers = pages_of(library, "papers")
    middle = papers[len(papers) // 4 : 3 * len(papers) // 4]
    pages = sorted(random.Random(seed).sample(middle, count))
    overwrite_pages(copy, pages, seed)
    return pages


def papers(library: Path) -> dict[str, tuple]:
    """Every paper's key with its stored title and BibTeX text, read straight from the file."""
    with closing(sqlite3.connect(library)) as conn:
        return {row[0]: row[1:] for row in conn.execute("SELECT citekey, title, raw, fields, year FROM papers")}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real library of 212 entries, built once; tests damage copies of it."""
    return build_library(tmp_path_factory.mktemp("clean"))


@pytest.fixture
def damaged(clean: Path, tmp_path: Path) -> Path:
    library = tmp_path / "library.sqlite"
    damage_middle(clean, library)
    return library
