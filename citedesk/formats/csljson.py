"""CSL-JSON, the format of Zotero, pandoc and citeproc: a JSON array of CSL items, which records mirror."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from citedesk.formats import csl
from citedesk.formats.base import Date, Format, Name, ReadResult, Record
from citedesk.formats.dates import SEASON_MONTHS, date_part, parse_edtf
from citedesk.formats.sniffing import head_text
from citedesk.library.bibtex.encoding import decode_bytes
from citedesk.model import Problem

# (CSL-JSON name key, Name attribute); "dropping-particle" is read as the particle too.
NAME_KEYS: tuple[tuple[str, str], ...] = (
    ("family", "family"),
    ("given", "given"),
    ("literal", "literal"),
    ("non-dropping-particle", "particle"),
    ("suffix", "suffix"),
)
_SEASON_NAMES = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
_MARKUP = re.compile(r"</?(?:i|b|sup|sub|sc|span)\b[^>]*>")  # CSL's rich text: records hold plain text
_SNIFF_KEYS = re.compile(r'"(?:type|id|citation-key|title|author|issued|container-title)"\s*:')
_DECODER = json.JSONDecoder()


class CSLJSON(Format):
    """CSL-JSON items (an array of them, one item, or {"items": [...]})."""

    name: ClassVar[str] = "csljson"
    label: ClassVar[str] = "CSL JSON"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def sniff(self, head: bytes) -> bool:
        """JSON that opens with an array or object and names CSL keys ("type", "id", "title", ...) early."""
        text = head_text(head).lstrip("\ufeff \t\r\n")
        return text[:1] in ("[", "{") and len(_SNIFF_KEYS.findall(text)) >= 2

    def read(self, data: bytes, source: str) -> ReadResult:
        text = decode_bytes(data).text.lstrip("\ufeff")
        records, problems = [], []
        for line, item, error in _items(text):
            if error:
                problems.append(Problem(source, line, error))
                continue
            record, reason = _record_or_reason(item, line)
            if record is None:
                problems.append(
                    Problem(
                        source,
                        line,
                        reason,
                        json.dumps(item, ensure_ascii=False)[:2000],
                    )
                )
            else:
                records.append(record)
        return ReadResult(tuple(records), tuple(problems))

    def write(self, records: Sequence[Record]) -> bytes:
        items = [{"id": f"item-{number}", **item_of_record(record)} for number, record in enumerate(records, 1)]
        return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _items(text: str) -> Iterator[tuple[int, Any, str]]:
    """(line, item, "") for each item, read one by one so each has its line; (line, None, reason) where the
    JSON is broken (what follows it cannot be read) or is not a list of items."""
    start = _skip_space(text, 0)
    if text.startswith("{", start):
        value, error, line = _decode(text, start)
        if error:
            yield line, None, error
        elif isinstance(value, dict) and isinstance(value.get("items"), list):
            yield from ((line, item, "") for item in value["items"])
        else:
            yield line, value, ""
        return
    if not text.startswith("[", start):
        yield (
            _line(text, start),
            None,
            "this is not CSL JSON: it holds neither an array of items nor an item",
        )
        return
    position = _skip_space(text, start + 1)
    while position < len(text) and not text.startswith("]", position):
        value, error, line = _decode(text, position)
        if error:
            yield line, None, error
            return
        yield line, value, ""
        position = _skip_space(text, _DECODER.raw_decode(text, position)[1])
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)
        elif not text.startswith("]", position):
            yield (
                _line(text, position),
                None,
                "not valid JSON: a comma or ] is missing after this item",
            )
            return


def _decode(text: str, position: int) -> tuple[Any, str, int]:
    try:
        return _DECODER.raw_decode(text, position)[0], "", _line(text, position)
    except json.JSONDecodeError as exc:
        return (
            None,
            f"not valid JSON: {exc.msg} (column {exc.colno}); the items from here on are not imported",
            exc.lineno,
        )


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


# -- CSL-JSON -> Record


def _record_or_reason(item: Any, line: int) -> tuple[Record | None, str]:
    if not isinstance(item, dict):
        return None, f"an item must be a JSON object, not {type(item).__name__}"
    try:
        return record_of_item(item, line), ""
    except (TypeError, ValueError, AttributeError) as exc:
        return None, f"this item could not be read ({exc})"


def record_of_item(item: dict[str, Any], line: int = 0) -> Record:
    """A record from one CSL item; keys CSL does not define are left out."""
    record_type = str(item.get("type") or csl.DEFAULT_TYPE)
    key = str(item.get("citation-key") or item.get("id") or "")
    fields, names, dates = [], [], []
    for variable, value in item.items():
        if variable in csl.NAME_VARIABLES and isinstance(value, list):
            names.append(
                (
                    variable,
                    tuple(_name(entry) for entry in value if isinstance(entry, dict | str)),
                )
            )
        elif variable in csl.DATE_VARIABLES:
            date = _date(value)
            if date is not None:
                dates.append((variable, date))
        elif variable in csl.TEXT_VARIABLES and isinstance(value, str | int | float) and str(value).strip():
            fields.append((variable, _MARKUP.sub("", str(value))))
    keywords = tuple(word.strip() for word in str(item.get("keyword") or "").split(",") if word.strip())
    return Record(
        record_type if record_type in csl.TYPES else csl.DEFAULT_TYPE,
        key,
        tuple(fields),
        tuple(pair for pair in names if pair[1]),
        tuple(dates),
        keywords,
        line,
    )


def _name(entry: dict[str, Any] | str) -> Name:
    if isinstance(entry, str):
        return Name(literal=entry)
    parts = {attribute: str(entry.get(key) or "") for key, attribute in NAME_KEYS}
    particle = parts["particle"] or str(entry.get("dropping-particle") or "")
    return Name(parts["family"], parts["given"], parts["literal"], particle, parts["suffix"])


def _date(value: Any) -> Date | None:
    """A CSL date object (date-parts, season, circa, literal, raw); an EDTF string as one too."""
    if isinstance(value, str):
        return parse_edtf(value) or (Date(literal=value) if value.strip() else None)
    if not isinstance(value, dict):
        return None
    literal = str(value.get("literal") or "")
    parts = tuple(part for part in (_date_part(part) for part in value.get("date-parts") or []) if part)
    if not parts and value.get("raw"):
        return _date(str(value["raw"]))
    if not parts and not literal:
        return None
    season = _season(value.get("season"))
    if season and parts and len(parts[0]) == 1:
        parts = ((parts[0][0], 20 + season), *parts[1:])
    return Date(parts, bool(value.get("circa")), literal if not parts else "")


def _date_part(part: Any) -> tuple[int, ...]:
    """(year, month, day) from CSL date-parts (numbers or numeric strings; a month 13-16 is a season)."""
    if not isinstance(part, list):
        return ()
    numbers = []
    for number in part[:3]:
        text = str(number).strip()
        if not text.lstrip("-").isdigit():
            break
        numbers.append(int(text))
    return date_part(*numbers) or () if numbers else ()


def _season(value: Any) -> int:
    text = str(value or "").strip().lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 4 else 0
    return _SEASON_NAMES.get(text, 0)


# -- Record -> CSL-JSON


def item_of_record(record: Record) -> dict[str, Any]:
    """The CSL item of a record."""
    item: dict[str, Any] = {
        "id": record.key,
        "type": record.type,
        "citation-key": record.key,
    }
    if not record.key:
        del item["id"], item["citation-key"]
    for variable, names in record.names:
        item[variable] = [_name_object(name) for name in names]
    for variable, text in record.fields:
        item.setdefault(variable, text)
    for variable, date in record.dates:
        item[variable] = _date_object(date)
    if record.keywords:
        item["keyword"] = ", ".join(record.keywords)
    return item


def _name_object(name: Name) -> dict[str, str]:
    return {key: value for key, attribute in NAME_KEYS if (value := getattr(name, attribute))}


def _csl_part(part: tuple[int, ...]) -> list[int]:
    """date-parts as citeproc reads them: a season as month 13-16."""
    return [part[0], part[1] - 8, *part[2:]] if len(part) > 1 and part[1] in SEASON_MONTHS else list(part)


def _date_object(date: Date) -> dict[str, Any]:
    if date.literal:
        return {"literal": date.literal}
    value: dict[str, Any] = {"date-parts": [_csl_part(part) for part in date.parts]}
    if date.circa:
        value["circa"] = True
    return value
