"""Parse a decoded .bib text into segments and display columns, in parallel for large files."""

from __future__ import annotations

import ctypes
import itertools
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from multiprocessing import get_context, resource_tracker
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import NamedTuple

from bibtexparser import model
from bibtexparser.entrypoint import parse_string

from citedesk.library.bibtex.encoding import shown
from citedesk.library.bibtex.reader import Segment, block_starts, split_segments, string_blocks
from citedesk.library.bibtex.values import evaluate, strip_enclosing
from citedesk.library.entries import (
    DISPLAY_COLUMNS,
    Columns,
    Fields,
    display_columns,
    evaluated_fields,
    inherit_crossref,
)
from citedesk.library.visible import has_hidden, visible

PARALLEL_MIN_CHARS = 1_000_000
_PR_SET_PDEATHSIG = 1
_to_json = json.JSONEncoder(ensure_ascii=False).encode


class Block(NamedTuple):
    """A parsed segment in the compact form that crosses process boundaries and is stored."""

    kind: str
    raw: str
    line: int
    key: str
    entry_type: str
    fields_json: str  # entries and @string: [[name, raw value], ...] in file order
    error: str
    report_text: str
    columns: Columns | None  # entries: values in DISPLAY_COLUMNS order


def parse_text(text: str, workers: int = 1) -> list[Block]:
    """Every block of a text, in order (see `parse_pieces`)."""
    return [block for piece in parse_pieces(text, workers) for block in piece]


def parse_pieces(text: str, workers: int = 1) -> Iterator[list[Block]]:
    """The blocks of a text, piece by piece in file order. A large text is cut at block starts;
    worker processes parse the later pieces while this one parses the first and the caller
    stores it, so storing overlaps parsing."""
    macros = read_macros(text)
    cuts = block_starts(text, workers) if workers > 1 and len(text) >= PARALLEL_MIN_CHARS else []
    pieces = _pieces(text, cuts, macros)
    if len(pieces) == 1:
        yield _parse_piece(pieces[0])
        return
    resource_tracker.ensure_running()  # before the hold: starting it unblocks SIGINT, which would end the hold
    with _ctrl_c_held_while_workers_start():
        helpers = [_Worker.start() for _ in pieces[1:]]
    feeder = threading.Thread(target=_send_pieces, args=(helpers, pieces[1:]), name="citedesk-parse-feeder")
    feeder.start()
    try:
        yield _parse_piece(pieces[0])
        for helper in helpers:
            yield helper.result()
    finally:  # also when the caller stops early (Cancel, Ctrl-C, an error): end the workers now
        for helper in helpers:
            helper.end()
        feeder.join()


class _Worker(NamedTuple):
    """One spawned process that parses one piece, and the pipe the piece goes out and its blocks come back on."""

    process: BaseProcess
    pipe: Connection

    @classmethod
    def start(cls) -> _Worker:
        context = get_context("spawn")
        pipe, theirs = context.Pipe()
        process = context.Process(target=_work, args=(theirs, os.getpid()), daemon=True, name="citedesk-parse")
        process.start()
        theirs.close()
        return cls(process, pipe)

    def result(self) -> list[Block]:
        """The piece's blocks, once the process has sent them; its error, raised here."""
        try:
            outcome, value = self.pipe.recv()
        except EOFError:
            code = self.process.exitcode
            raise RuntimeError(f"a parsing process ended without its result (exit code {code})") from None
        if outcome == "error":
            raise value
        blocks: list[Block] = value
        return blocks

    def end(self) -> None:
        """Kill the process if it still runs and close its pipe, so nothing is left for exit to wait on."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.pipe.close()


def _send_pieces(helpers: list[_Worker], pieces: list[tuple[str, int, dict[str, str]]]) -> None:
    """Hand each worker its piece, in a thread of its own: a send waits until that worker has started."""
    for helper, piece in zip(helpers, pieces, strict=True):
        try:
            helper.pipe.send(piece)
        except OSError:  # the worker was ended (the caller stopped) or died
            return


def _work(pipe: Connection, parent: int) -> None:
    """In a worker process: parse the piece that comes in and send back its blocks, or the error that stopped it."""
    _start_worker(parent)
    try:
        outcome: tuple[str, object] = ("blocks", _parse_piece(pipe.recv()))
    except Exception as error:  # sent back and raised in the parent, as if parsed there
        outcome = ("error", error)
    try:
        try:
            pipe.send(outcome)
        except OSError:
            raise
        except Exception as error:  # the error itself would not pickle
            pipe.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    except OSError:  # the parent has gone or stopped listening: nobody is left to tell
        pass
    pipe.close()


@contextmanager
def _ctrl_c_held_while_workers_start() -> Iterator[None]:
    """Block SIGINT while the workers start: they inherit the blocked mask through exec, so a Ctrl-C that
    reaches the whole process group while they import cannot print their KeyboardInterrupt tracebacks;
    here it stays pending and is raised as soon as the mask is restored."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield  # the window's workers: no terminal, no Ctrl-C
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_worker(parent: int) -> None:
    """In a worker process: leave Ctrl-C to the parent (which cancels and ends the workers), and end
    when the parent ends, even by kill -9: at once on Linux (PR_SET_PDEATHSIG), else within half a second."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def read_macros(text: str) -> dict[str, str]:
    """The @string macros a text defines, evaluated in order, by case-folded name."""
    source = string_blocks(text)
    macros: dict[str, str] = {}
    if not source:
        return macros
    for block in parse_string(source, parse_stack=[]).blocks:
        if isinstance(block, model.String):
            macros[block.key.lower()] = evaluate(block.value, macros)
    return macros


def _pieces(text: str, cuts: list[int], macros: dict[str, str]) -> list[tuple[str, int, dict[str, str]]]:
    bounds = [0, *cuts, len(text)]
    pieces, line = [], 0
    for start, end in itertools.pairwise(bounds):
        pieces.append((text[start:end], line, macros))
        line += text.count("\n", start, end)
    return pieces


def _parse_piece(piece: tuple[str, int, dict[str, str]]) -> list[Block]:
    text, first_line, macros = piece
    return [_block_of(segment, macros) for segment in split_segments(text, first_line)]


def _block_of(segment: Segment, macros: dict[str, str]) -> Block:
    if segment.kind == "entry" and has_hidden(segment.key):
        segment = segment._replace(
            kind="failed",
            error=f"the citation key '{visible(segment.key)}' holds control "
            "characters; a key is letters, digits and punctuation",
        )
    columns = None
    if segment.kind == "entry":
        columns = _column_values(evaluated_fields(segment.fields, macros))
    fields_json = _to_json(segment.fields) if segment.kind in ("entry", "string") else ""
    return Block(
        segment.kind,
        segment.raw,
        segment.line,
        segment.key,
        segment.entry_type,
        fields_json,
        segment.error,
        segment.text_for_report,
        columns,
    )


def _column_values(values: dict[str, str]) -> Columns:
    columns = display_columns(values)
    return tuple(columns[name] for name in DISPLAY_COLUMNS)


def display_with_crossref(fields: Fields, parent: Fields | None, macros: dict[str, str]) -> Columns:
    """Display columns of an entry that inherits what it lacks from its crossref parent."""
    values = evaluated_fields(fields, macros)
    columns = _column_values(inherit_crossref(values, evaluated_fields(parent, macros) if parent else None))
    return tuple(shown(value) if isinstance(value, str) else value for value in columns)


def crossref_key(fields: Fields) -> str:
    """The key named in an entry's crossref field, or ''."""
    raw = next((raw for name, raw in fields if name.lower() == "crossref"), "")
    return strip_enclosing(raw).strip()
