"""A shared team library on PostgreSQL: connect this library to one, sync with it, and say where it stands."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import keyring
import psycopg
from keyring.errors import KeyringError

from citedesk.jobs.base import PathLike, opened, writing
from citedesk.model import CitedeskError
from citedesk.team import citation_data, conflicts, local, server
from citedesk.team.conflicts import Conflict, FieldChoice
from citedesk.team.sync import Prefer, SyncReport, sync

__all__ = [
    "Conflict",
    "FieldChoice",
    "Prefer",
    "ShareStatus",
    "SyncReport",
    "accept_deletion",
    "connect_shared",
    "disconnect_shared",
    "settle_conflict",
    "share_status",
    "shared_conflicts",
    "sync_shared",
    "watch_shared",
]

KEYRING_SERVICE = "CiteDesk shared library"
RETRY_SECONDS = 1.0  # the wait before reaching a lost server again, growing with each try
LISTEN_POLL = 0.5  # how often the listener looks whether it should stop
RECONNECT_SECONDS = 5.0  # how long the listener waits before reaching a lost server again


@dataclass(frozen=True)
class ShareStatus:
    """Where a library stands with its shared library."""

    url: str | None  # None: not connected
    waiting: int  # local changes (new, edited, deleted papers) not yet sent
    kept_here: int  # changes the server refused (a role that may only read): in this library only
    conflicts: tuple[str, ...]  # citation keys changed here and there, waiting for a choice
    last_change: int  # the last server change taken


def connect_shared(library: PathLike | None, url: str) -> SyncReport:
    """Connect this library to a shared one (its schema created if new), keep the password in the keyring, and
    sync: an empty library takes everything, a full one sends what the server lacks."""
    shown = server.without_password(url)
    password = server.password_of(url)
    with server.connected(url) as conn:
        server.migrate(conn)
    if password:
        _keep_password(shown, password)
    with opened(library) as db:
        with writing(db):
            before = local.setting(db, local.URL_SETTING) or local.setting(db, local.LAST_URL_SETTING)
            if before is not None and before != shown:
                local.forget_server(db)  # another shared library: its ids and versions mean nothing there
            local.set_setting(db, local.URL_SETTING, shown)
            local.set_setting(db, local.LAST_URL_SETTING, shown)
            citation_data.queue_everything(db)
    return sync_shared(library)


def disconnect_shared(library: PathLike | None) -> None:
    """Stop syncing: the library keeps its papers; connecting again later sends what changed meanwhile."""
    with opened(library) as db, writing(db):
        local.set_setting(db, local.URL_SETTING, None)


def sync_shared(library: PathLike | None, *, prefer: Prefer | None = None, attempts: int = 4) -> SyncReport:
    """Send this library's changes and take the others'; conflicts are kept (or settled by `prefer`). A server
    lost in the middle (restarted) is reached again and the sync goes on: sending twice sends nothing twice, and
    taking goes on from the last change it noted."""
    with opened(library) as db:
        url, lost = _url_of(db), False
        for attempt in range(attempts):
            try:
                with _server(url) as conn:
                    return sync(db, conn, prefer)
            except (server.ServerLost, server.ServerUnreachable) as exc:
                lost = lost or isinstance(exc, server.ServerLost)  # a server that was there: probably restarting
                if not lost or attempt == attempts - 1:
                    raise
                time.sleep(RETRY_SECONDS * (attempt + 1))
    raise AssertionError("unreachable")


def share_status(library: PathLike | None) -> ShareStatus:
    """The shared library this one is connected to, its changes waiting to be sent and its conflicts."""
    with opened(library) as db:
        waiting = db.execute(
            "SELECT (SELECT count(*) FROM papers WHERE shared_version IS NULL AND shared_dirty = 0) "
            "+ (SELECT count(*) FROM papers WHERE shared_dirty = 1) + (SELECT count(*) FROM shared_deletions)"
        ).fetchone()[0]
        kept_here = db.execute("SELECT count(*) FROM papers WHERE shared_dirty = 2").fetchone()[0]
        conflicts = tuple(
            row[0]
            for row in db.execute(
                "SELECT p.citekey FROM shared_conflicts c JOIN papers p ON p.id = c.paper_id ORDER BY p.citekey"
            )
        )
        return ShareStatus(
            local.setting(db, local.URL_SETTING),
            int(waiting),
            int(kept_here),
            conflicts,
            int(local.setting(db, local.SEQ_SETTING) or 0),
        )


def shared_conflicts(library: PathLike | None) -> list[Conflict]:
    """The papers changed here and there, each with both versions field by field."""
    with opened(library) as db:
        return conflicts.conflicts(db)


def settle_conflict(library: PathLike | None, paper_id: int, chosen: dict[str, str | None]) -> None:
    """Settle a conflict with the values chosen per field; the next sync sends the result."""
    with opened(library) as db, writing(db):
        conflicts.settle(db, paper_id, chosen)


def accept_deletion(library: PathLike | None, paper_id: int) -> None:
    """Settle a paper deleted there (and changed here) by deleting it here too."""
    with opened(library) as db, writing(db):
        conflicts.accept_deletion(db, paper_id)


def watch_shared(library: PathLike | None, changed: Callable[[], None], stopped: Callable[[], bool]) -> None:
    """Call `changed()` whenever another member writes to the shared library (PostgreSQL's LISTEN), until
    `stopped()`; a lost server is reached again every few seconds. Run it on a thread of its own."""
    with opened(library) as db:
        url = _url_of(db)
    while not stopped():
        try:
            with server.connected(url, _password(url)) as conn:
                conn.execute(f"LISTEN {server.CHANNEL}")
                changed()  # what was written while nobody listened
                while not stopped():
                    for _ in conn.notifies(timeout=LISTEN_POLL, stop_after=1):
                        changed()
        except CitedeskError:
            _wait(stopped, RECONNECT_SECONDS)


def _wait(stopped: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not stopped() and time.monotonic() < deadline:
        time.sleep(LISTEN_POLL)


def _url_of(db: Any) -> str:
    url = local.setting(db, local.URL_SETTING)
    if url is None:
        raise CitedeskError("This library is not connected to a shared library: citedesk share connect URL")
    return url


@contextmanager
def _server(url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    """The server, with the password from the keyring (else libpq's own: PGPASSWORD, ~/.pgpass)."""
    with server.connected(url, _password(url)) as conn:
        server.migrate(conn)
        yield conn


def _keep_password(url: str, password: str) -> None:
    try:
        keyring.set_password(KEYRING_SERVICE, url, password)
    except KeyringError as exc:
        raise CitedeskError(
            f"Cannot keep the password in the system keyring ({exc}); connect without it in the URL and put it in "
            "~/.pgpass (or PGPASSWORD) instead"
        ) from exc


def _password(url: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, url)
    except KeyringError:
        return None
