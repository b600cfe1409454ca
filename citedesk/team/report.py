"""What a sync did, and how it settles a paper changed on both sides: shared by sending, taking and the fronts."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg

from citedesk.model import Problem, count
from citedesk.team.local import PAPER_COLUMNS

Connection = psycopg.Connection[tuple[Any, ...]]
# A server paper as taken: its row, then its record's columns unpacked by the server (no JSON decoding here),
# each as text (SQLite's column affinity makes numbers of the numeric ones).
PAPER_SELECT = (
    "SELECT p.uid, p.citekey, p.source_file_uid, p.tags, p.version, p.deleted, p.seq, p.updated_by, "
    "to_char(p.updated_at, 'YYYY-MM-DD HH24:MI'), r.* FROM papers p, "
    f"jsonb_to_record(p.record) AS r({', '.join(f'{chr(34)}{c}{chr(34)} text' for c in PAPER_COLUMNS)})"
)
RECORD_AT = 9  # where a taken row's record columns begin (after who changed it there, and when)


class Prefer(enum.StrEnum):
    """How `sync` settles a paper changed both here and there."""

    MINE = "mine"
    THEIRS = "theirs"


@dataclass
class SyncReport:
    """What a sync sent and took, and what it could not settle."""

    sent: int = 0
    deleted_there: int = 0
    received: int = 0
    deleted_here: int = 0
    kept_here: int = 0  # changes the server refused (a role that may only read): kept in this library only
    added: int = 0  # of the received: papers new to this library
    changed: list[int] = field(default_factory=list)  # of the received: the ids of papers changed in place
    data_sent: int = 0  # works, citations, statements and source counts sent
    data_received: int = 0  # and taken
    conflicts: list[str] = field(default_factory=list)  # citation keys changed here and there
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        conflicts = f"; {count(len(self.conflicts), 'conflict')} to settle" if self.conflicts else ""
        problems = f"; {count(len(self.problems), 'problem')}" if self.problems else ""
        data = (
            f"; citation data: {self.data_sent:,} rows sent, {self.data_received:,} taken"
            if self.data_sent or self.data_received
            else ""
        )
        return (
            f"Sent {count(self.sent, 'change')} and {count(self.deleted_there, 'deletion')}; received "
            f"{count(self.received, 'change')} and {count(self.deleted_here, 'deletion')}{data}{conflicts}{problems}."
        )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
