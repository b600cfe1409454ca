"""The shared library's PostgreSQL side: connecting (errors said in one sentence) and its schema, created and
upgraded by versioned migrations recorded in the database itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors

from citedesk.model import CitedeskError

CHANNEL = "citedesk_changes"  # what every write NOTIFYs, and every open client LISTENs to
CONNECT_TIMEOUT = 10  # seconds
WRITE_LOCK = 7_240_421  # the advisory lock pushes take, so changes commit in the order of their sequence numbers

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE SEQUENCE citedesk_seq;
        CREATE TABLE source_files (
            uid uuid PRIMARY KEY,
            record jsonb NOT NULL,
            blocks jsonb NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('citedesk_seq')
        );
        CREATE TABLE papers (
            uid uuid PRIMARY KEY,
            citekey text NOT NULL,
            source_file_uid uuid REFERENCES source_files (uid),
            record jsonb NOT NULL,
            tags text[] NOT NULL DEFAULT '{}',
            version bigint NOT NULL DEFAULT 1,
            deleted boolean NOT NULL DEFAULT false,
            seq bigint NOT NULL DEFAULT nextval('citedesk_seq'),
            updated_by text NOT NULL DEFAULT current_user,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX papers_citekey ON papers (lower(citekey)) WHERE NOT deleted;
        CREATE INDEX papers_seq ON papers (seq);
        CREATE INDEX source_files_seq ON source_files (seq);
        CREATE FUNCTION citedesk_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('citedesk_changes', current_user);
            RETURN NULL;
        END $$;
        CREATE TRIGGER papers_notify AFTER INSERT OR UPDATE ON papers
            FOR EACH STATEMENT EXECUTE FUNCTION citedesk_notify();
        """,
    ),
    (
        2,
        """
        CREATE TABLE works (
            key text PRIMARY KEY,
            record jsonb NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('citedesk_seq')
        );
        CREATE TABLE citations (
            key text PRIMARY KEY,
            citing text NOT NULL,
            cited text NOT NULL,
            record jsonb NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('citedesk_seq')
        );
        CREATE TABLE statements (
            key text PRIMARY KEY,
            citation text NOT NULL,
            record jsonb NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('citedesk_seq')
        );
        CREATE TABLE metrics (
            key text PRIMARY KEY,
            work text NOT NULL,
            record jsonb NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('citedesk_seq')
        );
        CREATE INDEX works_seq ON works (seq);
        CREATE INDEX citations_seq ON citations (seq);
        CREATE INDEX statements_seq ON statements (seq);
        CREATE INDEX metrics_seq ON metrics (seq);
        CREATE TRIGGER statements_notify AFTER INSERT OR UPDATE ON statements
            FOR EACH STATEMENT EXECUTE FUNCTION citedesk_notify();
        CREATE TRIGGER metrics_notify AFTER INSERT OR UPDATE ON metrics
            FOR EACH STATEMENT EXECUTE FUNCTION citedesk_notify();
        """,
    ),
]


class ServerLost(CitedeskError):
    """The connection broke in the middle (a restarted server, a dropped network): trying again may succeed."""


class ServerUnreachable(CitedeskError):
    """No connection could be made (a wrong address, a server down, a refused password)."""


def without_password(url: str) -> str:
    """The URL as it may be shown and stored: the password left out (it goes to the keyring)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def password_of(url: str) -> str | None:
    return urlsplit(url).password


@contextmanager
def connected(url: str, password: str | None = None) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    """A connection to the shared library; a server that cannot be reached or refuses is one sentence."""
    shown = without_password(url)
    try:
        conn = psycopg.connect(  # autocommit: each `conn.transaction()` is a transaction of its own
            url, password=password, connect_timeout=CONNECT_TIMEOUT, application_name="citedesk", autocommit=True
        )
    except psycopg.OperationalError as exc:
        raise ServerUnreachable(f"Cannot reach the shared library {shown}: {first_line(exc)}") from exc
    try:
        with said_in_one_sentence(shown):
            yield conn
    finally:
        conn.close()


@contextmanager
def said_in_one_sentence(shown: str) -> Iterator[None]:
    """What the server refused or lost, as a CitedeskError naming the library."""
    try:
        yield
    except errors.InsufficientPrivilege as exc:
        raise CitedeskError(
            f"The shared library {shown} refused the change: your role may read it but not write to it "
            f"({first_line(exc)}). Nothing was sent; ask its owner for write access"
        ) from exc
    except psycopg.OperationalError as exc:
        raise ServerLost(f"Lost the shared library {shown}: {first_line(exc)}; sync again later") from exc


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def schema_version(conn: psycopg.Connection[tuple[Any, ...]]) -> int:
    """The schema version the server's library is at (0: none yet)."""
    found = conn.execute("SELECT to_regclass('citedesk_schema') IS NOT NULL").fetchone()
    if not found or not found[0]:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM citedesk_schema").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: psycopg.Connection[tuple[Any, ...]]) -> int:
    """Create or upgrade the server's schema (in one transaction, under a lock); returns its version. A library
    already current is left alone, so a role that may only read it can connect."""
    newest = MIGRATIONS[-1][0]
    if schema_version(conn) >= newest:
        return _checked(schema_version(conn), newest)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        conn.execute(
            "CREATE TABLE IF NOT EXISTS citedesk_schema "
            "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        current = schema_version(conn)
        for version, sql in MIGRATIONS:
            if version > current:
                conn.execute(sql.encode())  # our own text, no parameters
                conn.execute("INSERT INTO citedesk_schema (version) VALUES (%s)", [version])
    return _checked(schema_version(conn), newest)


def _checked(found: int, newest: int) -> int:
    if found > newest:
        raise CitedeskError(
            f"The shared library was made by a newer CiteDesk (schema {found}, this one knows {newest}); update CiteDesk"
        )
    return found
