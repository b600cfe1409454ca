"""Change a paper's BibTeX: only the bytes of the changed fields, key or type change; an edit can be put back."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from citedesk.library.bibtex import splice
from citedesk.library.bibtex.reader import Segment, split_segments
from citedesk.library.bibtex.writer import serialize_entry, with_key, written_type
from citedesk.library.entries import DISPLAY_COLUMNS
from citedesk.library.importer import crossref_parent
from citedesk.library.parsing import display_with_crossref, read_macros
from citedesk.library.queries import Paper
from citedesk.model import CitedeskError

# What `papers.modified` says about `papers.raw`:
UNEDITED = 0  # the entry as imported
REWRITTEN = 1  # edited; `raw` is still the imported text and the entry is written from its fields
SPLICED = 2  # edited; `raw` is the edited text, changed only where the edits changed it

_STATE_COLUMNS = ("citekey", "entry_type", "raw", "fields", "modified", "updated_at", *DISPLAY_COLUMNS)


@dataclass(frozen=True)
class EntryState:
    """A paper's entry as it was before an edit: what `restore_entry` needs to put it back exactly."""

    paper_id: int
    citekey: str
    entry_type: str
    raw: str
    fields: str  # JSON, [[name, raw value], ...]
    modified: int
    updated_at: str | None
    columns: tuple[str | int | None, ...]  # the display columns, in DISPLAY_COLUMNS order


@dataclass(frozen=True)
class EditedEntry:
    """An entry's text, fields and `modified` flag once an edit is applied."""

    raw: str
    fields: list[list[str]]
    modified: int


def edit_paper(
    db: sqlite_utils.Database,
    paper_id: int,
    changes: Mapping[str, str | None],
    citekey: str | None = None,
    entry_type: str | None = None,
) -> EntryState:
    """Set raw field values (None removes a field; new fields go last), the key or the type; returns
    the entry as it was, for `restore_entry`. A value that is not BibTeX (`A title`) is enclosed."""
    before = _state(db, paper_id)
    key = citekey or before.citekey
    _check_key_free(db, key, paper_id)
    new_type = (entry_type or before.entry_type).lower()
    edited = edited_entry(
        before.raw, json.loads(before.fields), before.modified, changes,
        key if key != before.citekey else None, new_type if new_type != before.entry_type else None,
    )  # fmt: skip
    file_id = _file_of(db, paper_id)
    columns = display_with_crossref(
        edited.fields, crossref_parent(db, edited.fields, file_id), _macros_of_file(db, file_id)
    )
    values = {
        **dict(zip(DISPLAY_COLUMNS, columns)),
        "raw": edited.raw,
        "fields": json.dumps(edited.fields, ensure_ascii=False),
        "citekey": key,
        "entry_type": new_type,
        "modified": edited.modified,
        "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with db.atomic():
        db.table("papers").update(paper_id, values)
    return before


def restore_entry(db: sqlite_utils.Database, state: EntryState) -> str:
    """Put a paper's entry back as `edit_paper` found it (undo); returns its key."""
    _state(db, state.paper_id)
    _check_key_free(db, state.citekey, state.paper_id)
    values = {name: getattr(state, name) for name in _STATE_COLUMNS[:6]}
    values.update(zip(DISPLAY_COLUMNS, state.columns))
    with db.atomic():
        db.table("papers").update(state.paper_id, values)
    return state.citekey


def edited_entry(
    raw: str,
    fields: list[list[str]],
    modified: int,
    changes: Mapping[str, str | None],
    citekey: str | None = None,
    entry_type: str | None = None,
) -> EditedEntry:
    """An entry with changed fields and, when given, a new key or type: its raw text changed only there
    when it can be, else (REWRITTEN) the raw text kept and the entry to be written from its fields."""
    values = written_values(raw, fields, changes)
    new_fields = changed_fields(fields, values)
    text = None if modified == REWRITTEN else _spliced(raw, fields, values, citekey, entry_type, new_fields)
    if text is None:
        return EditedEntry(raw, new_fields, REWRITTEN)
    return EditedEntry(text, new_fields, SPLICED)


def written_values(
    raw: str, fields: Sequence[Sequence[str]], changes: Mapping[str, str | None]
) -> dict[str, str | None]:
    """The changes as they will be written: line breaks as in the entry; text that is not a BibTeX value
    enclosed; one enclosed group in the delimiters of the value it replaces (of most of the entry's, for a new field)."""
    newline = "\r\n" if "\r\n" in raw else "\n"
    old = {name.lower(): value for name, value in fields}
    usual = splice.usual_delimiter([value for _, value in fields])
    values: dict[str, str | None] = {}
    for name, value in changes.items():
        if value is None:
            values[name] = None
            continue
        text = value.replace("\r\n", "\n").replace("\n", newline)
        delimiter = splice.delimiter_of(old.get(name.lower(), "")) or usual
        try:
            values[name] = splice.value_in_style(text, delimiter)
        except splice.BadValue:
            raise CitedeskError(f"The braces in the value of {name} do not match; nothing was changed") from None
    return values


def changed_fields(fields: list[list[str]], changes: Mapping[str, str | None]) -> list[list[str]]:
    """Fields in their original order with changed values replaced, removed ones dropped and new ones last."""
    wanted = {name.lower(): value for name, value in changes.items()}
    kept: list[list[str]] = []
    for name, value in fields:
        new = wanted.get(name.lower(), value)
        if new is not None:
            kept.append([name, new])
    present = {name.lower() for name, _ in fields}
    kept += [[name, value] for name, value in changes.items() if name.lower() not in present and value is not None]
    return kept


def written_entry(
    raw: str, fields: Sequence[Sequence[str]], entry_type: str, citekey: str, modified: int, newline: str = "\n"
) -> str:
    """An entry as an export of papers writes it: its raw text under the library's key, or rewritten from its fields."""
    if modified == REWRITTEN:
        return serialize_entry(written_type(raw, entry_type), citekey, fields, newline)
    return with_key(raw, citekey).strip()


def previewed_entry(
    paper: Paper, changes: Mapping[str, str | None], citekey: str | None = None, entry_type: str | None = None
) -> str:
    """The entry as an export will write it once these changes are saved: as it is while nothing changes, else
    changed where it was edited (or rewritten from its fields where its text cannot be, see `edited_entry`);
    with a value whose braces do not match yet (saving waits for them), rewritten from its fields as typed."""
    key, kind = citekey or paper.citekey, (entry_type or paper.entry_type).lower()
    if not changes and citekey is None and entry_type is None and not paper.modified:
        return with_key(paper.raw, paper.citekey).strip()
    fields = [list(pair) for pair in paper.fields]
    try:
        edited = edited_entry(paper.raw, fields, paper.modified, changes, citekey, entry_type)
    except CitedeskError:
        return serialize_entry(written_type(paper.raw, kind), key, changed_fields(fields, changes))
    return written_entry(edited.raw, edited.fields, entry_type or paper.entry_type, key, edited.modified)


def shown_type(paper: Paper) -> str:
    """The paper's entry type as its text writes it ("Article" stays so), for the editor to offer."""
    return written_type(paper.raw, paper.entry_type)


def _spliced(
    raw: str,
    fields: list[list[str]],
    values: Mapping[str, str | None],
    citekey: str | None,
    entry_type: str | None,
    expected: list[list[str]],
) -> str | None:
    """The raw text with the changes made in place, or None where they cannot be made reliably: where `splice`
    does not find in the text the very fields bibtexparser read from it (a comment after a value, which
    bibtexparser reads into the value; commented-out fields; a missing comma), or where the result would not
    read back as the edited entry. The entry is then rewritten from its fields, as before."""
    original = _only_entry(raw)
    layout = splice.locate(raw)
    if original is None or layout is None or splice.field_pairs(raw, layout) != [tuple(pair) for pair in fields]:
        return None
    if list(original.fields) != [tuple(pair) for pair in fields]:
        return None
    text = raw
    for step in (_replace_values, _remove_fields, _append_fields):
        stepped = step(text, values)
        if stepped is None:
            return None
        text = stepped
    layout = splice.locate(text)
    if layout is None:
        return None
    if entry_type:
        text = splice.replace_type(text, layout, entry_type)
        layout = splice.locate(text)
    if citekey and layout is not None:
        text = splice.replace_key(text, layout, citekey)
    if layout is None or not _reads_as(text, expected, citekey or original.key, entry_type or original.entry_type):
        return None
    return text


def _replace_values(text: str, values: Mapping[str, str | None]) -> str | None:
    layout = splice.locate(text)
    if layout is None:
        return None
    wanted = {name.lower(): value for name, value in values.items() if value is not None}
    for index in reversed(range(len(layout.fields))):  # from the end: offsets before stay valid
        value = wanted.get(layout.fields[index].name.lower())
        if value is not None:
            text = splice.replace_value(text, layout, index, value)
    return text


def _remove_fields(text: str, values: Mapping[str, str | None]) -> str | None:
    gone = {name.lower() for name, value in values.items() if value is None}
    while True:
        layout = splice.locate(text)
        if layout is None:
            return None
        index = next((number for number, span in enumerate(layout.fields) if span.name.lower() in gone), None)
        if index is None:
            return text
        text = splice.remove_field(text, layout, index)


def _append_fields(text: str, values: Mapping[str, str | None]) -> str | None:
    for name, value in values.items():
        layout = splice.locate(text)
        if layout is None:
            return None
        if value is not None and all(span.name.lower() != name.lower() for span in layout.fields):
            text = splice.append_field(text, layout, name, value)
    return text


def _only_entry(text: str) -> Segment | None:
    """The entry the text holds, when it holds one entry and nothing else but spaces."""
    segments = split_segments(text)
    entries = [segment for segment in segments if segment.kind == "entry"]
    others = [segment for segment in segments if segment.kind != "entry"]
    if len(entries) != 1 or any(segment.kind != "gap" or segment.raw.strip() for segment in others):
        return None
    return entries[0]


def _reads_as(text: str, fields: list[list[str]], key: str, entry_type: str) -> bool:
    """Whether bibtexparser reads the text back as exactly this entry (as an import of the file will)."""
    entry = _only_entry(text)
    return (
        entry is not None
        and list(entry.fields) == [tuple(pair) for pair in fields]
        and entry.key == key
        and entry.entry_type.lower() == entry_type.lower()
    )


def _state(db: sqlite_utils.Database, paper_id: int) -> EntryState:
    row = db.execute(f"SELECT {', '.join(_STATE_COLUMNS)} FROM papers WHERE id = ?", [paper_id]).fetchone()
    if row is None:
        raise CitedeskError(f"No paper with id {paper_id} in the library")
    citekey, entry_type, raw, fields, modified, updated_at = row[:6]
    return EntryState(paper_id, citekey, entry_type, raw, fields, modified, updated_at, tuple(row[6:]))


def _file_of(db: sqlite_utils.Database, paper_id: int) -> int | None:
    file_id: int | None = db.execute("SELECT source_file_id FROM papers WHERE id = ?", [paper_id]).fetchone()[0]
    return file_id


def _check_key_free(db: sqlite_utils.Database, key: str, paper_id: int) -> None:
    if not key.strip() or any(char in key for char in ',{}" \t\n'):
        raise CitedeskError(f"{key!r} cannot be a citation key (no spaces, commas, braces or quotes)")
    taken = db.execute("SELECT 1 FROM papers WHERE citekey = ? COLLATE NOCASE AND id != ?", [key, paper_id]).fetchone()
    if taken:
        raise CitedeskError(f"The citation key {key!r} is already used by another paper")


def _macros_of_file(db: sqlite_utils.Database, source_file_id: int | None) -> dict[str, str]:
    rows = db.execute(
        "SELECT raw FROM file_blocks WHERE source_file_id = ? AND kind = 'string' ORDER BY position",
        [source_file_id],
    ).fetchall()
    return read_macros("\n".join(raw for (raw,) in rows))
