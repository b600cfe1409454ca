"""A real PostgreSQL server for the shared-library tests, started once (initdb in a temporary folder) and a fresh
database for each test."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgserver import PostgresServer, postgres_bin

_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    if postgres_bin() is None:
        pytest.fail("PostgreSQL is not installed: apt-get install postgresql (.ci/run does)")
    folder = Path(tempfile.mkdtemp(prefix="citedesk-pg-"))  # not under pytest's tmp: the postgres user enters it
    folder.chmod(0o755)
    server = PostgresServer(folder / "cluster")
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def shared_url(postgres: PostgresServer) -> str:
    """A new, empty database on the server, as the superuser (the password in the URL)."""
    return postgres.url(f"shared{next(_numbers)}")
