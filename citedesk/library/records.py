"""Rows read by column name: the records the fronts show are built from a query's named columns, never positions."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any, TypeVar

T = TypeVar("T")
Row = tuple[Any, ...]


def column_picker(cursor: sqlite3.Cursor, names: Sequence[str]) -> Callable[[Row], tuple[Any, ...]]:
    """A function that takes these columns, found by name in the cursor's query, out of each of its rows,
    in the order of `names`; a name the query lacks is a KeyError, at once rather than row by row."""
    where = {column[0]: index for index, column in enumerate(cursor.description)}
    missing = [name for name in names if name not in where]
    if missing:
        raise KeyError(f"the query has no column {', '.join(missing)}")
    if len(names) == 1:
        only = where[names[0]]
        return lambda row: (row[only],)
    return itemgetter(*(where[name] for name in names))


def records(cursor: sqlite3.Cursor, kind: type[T], **converters: Callable[[Any], Any]) -> Iterator[T]:
    """A `kind` from each of the cursor's rows (see `record_maker`)."""
    return map(record_maker(cursor, kind, **converters), cursor)


def record_maker(cursor: sqlite3.Cursor, kind: type[T], **converters: Callable[[Any], Any]) -> Callable[[Row], T]:
    """A function that makes a `kind` (a dataclass or named tuple) of a row of the cursor's query: every field
    from the column of its name, passed through its converter when one is given; fields the query has no
    column for keep their defaults."""
    columns = {column[0] for column in cursor.description}
    names = [name for name in field_names(kind) if name in columns]
    pick = column_picker(cursor, names)
    converted = [(name, convert) for name, convert in converters.items() if name in names]

    def make(row: Row) -> T:
        values = dict(zip(names, pick(row)))
        for name, convert in converted:
            values[name] = convert(values[name])
        return kind(**values)

    return make


def field_names(kind: type) -> tuple[str, ...]:
    """The names of the fields a dataclass's (or named tuple's) constructor takes."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if dataclasses.is_dataclass(kind):
            names = tuple(field.name for field in dataclasses.fields(kind) if field.init)
        else:
            names = tuple(kind._fields)  # type: ignore[attr-defined]
        _FIELD_NAMES[kind] = names
    return names


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
