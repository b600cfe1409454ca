"""RIS (and Web of Science's tagged export, which shares its extension) through rispy, mapped to records.

rispy, a small, maintained MIT library, reads and writes the tag lines (multi-line values, list tags, URL lists
split at ";"); this module finds the records and their lines itself, so that a damaged record or stray lines
are a problem with a line number while the other records are imported."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import rispy  # rispy ships no type information (ignore_missing_imports in pyproject.toml)

from citedesk.formats.base import Date, Format, Name, ReadResult, Record
from citedesk.formats.dates import parse_ris_date, ris_date
from citedesk.formats.sniffing import head_text
from citedesk.library.bibtex.encoding import decode_bytes
from citedesk.model import Problem

# (RIS type, CSL type); the first row of a CSL type is what it is written as.
TYPES: tuple[tuple[str, str], ...] = (
    ("JOUR", "article-journal"),
    ("JFULL", "article-journal"),
    ("EJOUR", "article-journal"),
    ("INPR", "article-journal"),
    ("MGZN", "article-magazine"),
    ("NEWS", "article-newspaper"),
    ("BOOK", "book"),
    ("EBOOK", "book"),
    ("EDBOOK", "book"),
    ("CHAP", "chapter"),
    ("ECHAP", "chapter"),
    ("CONF", "paper-conference"),
    ("CPAPER", "paper-conference"),
    ("THES", "thesis"),
    ("RPRT", "report"),
    ("GOVDOC", "report"),
    ("UNPB", "manuscript"),
    ("MANSCPT", "manuscript"),
    ("ELEC", "webpage"),
    ("WEB", "webpage"),
    ("BLOG", "post-weblog"),
    ("DATA", "dataset"),
    ("DBASE", "dataset"),
    ("COMP", "software"),
    ("PAT", "patent"),
    ("STAND", "standard"),
    ("ENCYC", "entry-encyclopedia"),
    ("DICT", "entry-dictionary"),
    ("MPCT", "motion_picture"),
    ("VIDEO", "motion_picture"),
    ("SOUND", "song"),
    ("MUSIC", "musical_score"),
    ("MAP", "map"),
    ("ART", "graphic"),
    ("FIGURE", "figure"),
    ("CASE", "legal_case"),
    ("STAT", "legislation"),
    ("LEGAL", "regulation"),
    ("BILL", "bill"),
    ("HEAR", "hearing"),
    ("PCOMM", "personal_communication"),
    ("ICOMM", "post"),
    ("PAMP", "pamphlet"),
    ("SLIDE", "speech"),
    ("ADVS", "broadcast"),
    ("SER", "periodical"),
    ("CLSWK", "classic"),
    ("GEN", "document"),
)
DEFAULT_TYPE = "GEN"
# (RIS tag, CSL text variable) in the order they are read; the first row of a variable is what it is written
# as. SN is the ISBN of books and chapters, else the ISSN.
TAGS: tuple[tuple[str, str], ...] = (
    ("TI", "title"),
    ("T1", "title"),
    ("T2", "container-title"),
    ("JF", "container-title"),
    ("JO", "container-title"),
    ("BT", "container-title"),
    ("J2", "container-title-short"),
    ("JA", "container-title-short"),
    ("J1", "container-title-short"),
    ("T3", "collection-title"),
    ("ST", "title-short"),
    ("AB", "abstract"),
    ("N2", "abstract"),
    ("VL", "volume"),
    ("IS", "issue"),
    ("ET", "edition"),
    ("PB", "publisher"),
    ("CY", "publisher-place"),
    ("LA", "language"),
    ("DO", "DOI"),
    ("UR", "URL"),
    ("CN", "call-number"),
    ("M3", "genre"),
    ("SE", "section"),
    ("NV", "number-of-volumes"),
    ("DB", "source"),
    ("OP", "original-title"),
    ("N1", "note"),
)
NAME_TAGS: tuple[tuple[str, str], ...] = (
    ("AU", "author"),
    ("A1", "author"),
    ("A2", "editor"),
    ("ED", "editor"),
    ("A3", "collection-editor"),
    ("A4", "translator"),
)
DATE_TAGS: tuple[tuple[str, str], ...] = (
    ("DA", "issued"),
    ("PY", "issued"),
    ("Y1", "issued"),
    ("Y2", "accessed"),
)
BOOKS = frozenset({"book", "chapter"})

_TO_TYPE = {csl_type: ris for ris, csl_type in reversed(TYPES)}
_FROM_TYPE = {ris: csl_type for ris, csl_type in TYPES}
_TO_TAG = {variable: tag for tag, variable in reversed(TAGS)}
_TO_NAME_TAG = {variable: tag for tag, variable in reversed(NAME_TAGS)}
_TAG_OF_KEY = {key: tag for tag, key in rispy.TAG_KEY_MAPPING.items()}
_TAGS_OF = {
    variable: [
        tag
        for tag, name in (
            *TAGS,
            ("SN", "ISBN"),
            ("SN", "ISSN"),
            ("SP", "page"),
            ("EP", "page"),
        )
        if name == variable
    ]
    for variable in {"ISBN", "ISSN", "page", *(name for _, name in TAGS)}
}
_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_SNIFF = re.compile(r"^\ufeff?TY  - ", re.MULTILINE)
_WOS_SNIFF = re.compile(r"\A\ufeff?\s*(?:FN |PT [A-Z]\s*$)", re.MULTILINE)
_PARSER = rispy.RisParser()


class _Writer(rispy.RisWriter):  # type: ignore[misc]
    """rispy's writer without the "1." it puts before each record."""

    def set_header(self, count: int) -> str:
        return ""


class RIS(Format):
    """RIS files (EndNote, Zotero, Mendeley, PubMed, Scopus...); Web of Science's tagged files are read too."""

    name: ClassVar[str] = "ris"
    label: ClassVar[str] = "RIS"
    extensions: ClassVar[tuple[str, ...]] = (".ris",)
    version: ClassVar[str] = f"rispy {rispy.__version__}"

    def sniff(self, head: bytes) -> bool:
        """A "TY  - " line, or the FN/PT start of a Web of Science file."""
        text = head_text(head)
        return bool(_SNIFF.search(text) or _WOS_SNIFF.search(text))

    def read(self, data: bytes, source: str) -> ReadResult:
        text = decode_bytes(data).text
        if _WOS_SNIFF.search(text[:4096]) and not _SNIFF.search(text):
            return _read_wos(text, source)
        records: list[Record] = []
        problems: list[Problem] = []
        for line, lines in _records(text, source, problems):
            try:
                parsed = rispy.RisParser().parse_lines(iter(lines))
            except Exception as exc:
                problems.append(Problem(source, line, f"this RIS record could not be read ({exc})"))
                continue
            records += [record_of_ris(_by_tag(item), line) for item in parsed]
        return ReadResult(tuple(records), tuple(problems))

    def write(self, records: Sequence[Record]) -> bytes:
        text: str = _Writer().formats([ris_of_record(record) for record in records])
        return text.encode("utf-8")


def _records(text: str, source: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Each record's first line and lines (TY to ER; the last one may lack its ER); tag lines outside a
    record are one problem per run of them (other text between records is what exports put there)."""
    current: list[str] | None = None
    start = stray = 0
    for number, line in enumerate(text.splitlines(), 1):
        line = line.lstrip("\ufeff")
        tag = _PARSER.parse_line(line)[0]
        if current is not None:
            current.append(line)
            if tag == "ER":
                yield start, current
                current = None
        elif tag == "TY":
            current, start, stray = [line], number, 0
        elif tag and tag != "ER" and not stray:
            stray = number
            problems.append(
                Problem(
                    source,
                    number,
                    f"RIS lines outside a record (no TY line before the {tag} line); they are not imported",
                    line,
                )
            )
    if current is not None:
        yield start, [*current, "ER  - "]  # rispy drops a record its ER does not end


def _by_tag(item: dict[str, Any]) -> dict[str, Any]:
    """rispy's dict keyed by RIS tags again, unknown tags among them."""
    tags = {_TAG_OF_KEY.get(key, key): value for key, value in item.items() if key != "unknown_tag"}
    for tag, values in (item.get("unknown_tag") or {}).items():
        if tag:
            tags.setdefault(tag, values)
    return tags


def _values(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [text for text in (str(part).strip() for part in values) if text]


# -- RIS -> Record


def record_of_ris(tags: dict[str, Any], line: int = 0) -> Record:
    """A record from one RIS record's values by tag (in the file's order): each variable from the first of
    its tags in TAGS that has a value, placed where the first of its tags is in the file."""
    record_type = _FROM_TYPE.get(" ".join(_values(tags.get("TY", ""))).upper(), "document")
    found: dict[str, str] = {}
    for tag, variable in TAGS:
        values = _values(tags.get(tag, ""))
        if values and variable not in found:
            found[variable] = _text(tag, values)
    if _values(tags.get("SN", "")):
        found["ISBN" if record_type in BOOKS else "ISSN"] = _values(tags["SN"])[0]
    if page := _page(tags):
        found["page"] = page
    order = list(tags)
    fields = sorted(
        found.items(),
        key=lambda item: min(order.index(tag) for tag in _TAGS_OF[item[0]] if tag in order),
    )
    names: dict[str, tuple[Name, ...]] = {}
    for tag, variable in NAME_TAGS:
        if people := tuple(_name(text) for text in _values(tags.get(tag, ""))):
            names[variable] = names.get(variable, ()) + people
    keywords = tuple(_values(tags.get("KW", "")))
    key = _values(tags.get("ID", ""))
    return Record(
        record_type,
        key[0] if key else "",
        tuple(fields),
        tuple(names.items()),
        _dates(tags),
        keywords,
        line,
    )


def _text(tag: str, values: list[str]) -> str:
    if tag == "DO":
        return _DOI_PREFIX.sub("", values[0]).strip()
    return "\n".join(values) if tag == "N1" else values[0]


def _page(tags: dict[str, Any]) -> str:
    start, end = (" ".join(_values(tags.get(tag, ""))) for tag in ("SP", "EP"))
    if start and end and "-" not in start:
        return f"{start}-{end}"
    return start or end


def _name(text: str) -> Name:
    """ "Family, Given[, Suffix]" as RIS writes a name; a name without a comma is taken whole as the family name."""
    family, _, rest = text.partition(",")
    given, _, suffix = rest.partition(",")
    return Name(family.strip(), given.strip(), suffix=suffix.strip()) if rest else Name(family.strip())


def _dates(tags: dict[str, Any]) -> tuple[tuple[str, Date], ...]:
    """The issued date: the most precise of DA, PY and Y1 (a literal one only if none has a year); accessed (Y2)."""
    dates: list[tuple[str, Date]] = []
    issued = [date for tag in ("DA", "PY", "Y1") if (date := _date(tags, tag)) is not None]
    dated = [date for date in issued if date.parts]
    if dated or issued:
        dates.append(
            (
                "issued",
                max(dated, key=lambda date: len(date.parts[0])) if dated else issued[0],
            )
        )
    accessed = _date(tags, "Y2")
    if accessed is not None:
        dates.append(("accessed", accessed))
    return tuple(dates)


def _date(tags: dict[str, Any], tag: str) -> Date | None:
    values = _values(tags.get(tag, ""))
    return parse_ris_date(values[0]) if values else None


# -- Record -> RIS


def ris_of_record(record: Record) -> dict[str, Any]:
    """rispy's dict for one record."""
    ris: dict[str, Any] = {"type_of_reference": _TO_TYPE.get(record.type, DEFAULT_TYPE)}
    for variable, names in record.names:
        tag = _TO_NAME_TAG.get(variable)
        if tag and names:
            ris.setdefault(rispy.TAG_KEY_MAPPING[tag], []).extend(_ris_name(name) for name in names)
    for variable, text in record.fields:
        _put_text(ris, record.type, variable, _one_line(text) if variable != "note" else text)
    for variable, date in record.dates:
        _put_date(ris, variable, date)
    if record.keywords:
        ris["keywords"] = [_one_line(word) for word in record.keywords]
    if record.key:
        ris["id"] = record.key
    return ris


def _put_text(ris: dict[str, Any], record_type: str, variable: str, text: str) -> None:
    if variable == "page":
        start, _, end = text.partition("-")
        ris["start_page"] = start.strip()
        if end.strip():
            ris["end_page"] = end.strip()
    elif variable in ("ISBN", "ISSN"):
        if variable == ("ISBN" if record_type in BOOKS else "ISSN") or "issn" not in ris:
            ris["issn"] = text
    elif variable == "note":
        ris["notes"] = [_one_line(part) for part in text.split("\n") if part.strip()]
    elif variable == "URL":
        ris["urls"] = [text]
    elif variable in _TO_TAG:
        ris.setdefault(rispy.TAG_KEY_MAPPING[_TO_TAG[variable]], text)


def _put_date(ris: dict[str, Any], variable: str, date: Date) -> None:
    text = ris_date(date)
    if variable == "accessed" and text:
        ris["access_date"] = text
    elif variable == "issued" and text:
        if date.year is not None:
            ris["year"] = f"{date.year:04d}"
        if date.literal or len(date.parts[0]) > 1:
            ris["date"] = text


def _ris_name(name: Name) -> str:
    if name.literal:
        return _one_line(name.literal)
    family = " ".join(part for part in (name.particle, name.family) if part)
    return _one_line(
        ", ".join(part for part in (family, name.given, name.suffix) if part) if name.given or name.suffix else family
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- Web of Science

WOS_TYPES = {
    "J": "article-journal",
    "B": "book",
    "S": "book",
    "P": "patent",
    "C": "paper-conference",
}


def _read_wos(text: str, source: str) -> ReadResult:
    """Web of Science's tagged records (PT ... ER), through rispy's WokParser."""
    starts = [number for number, line in enumerate(text.splitlines(), 1) if line.startswith("PT ")]
    try:
        items = rispy.WokParser().parse(text.replace("\r\n", "\n"))
    except Exception as exc:
        return ReadResult(
            (),
            (Problem(source, 1, f"this Web of Science file could not be read ({exc})"),),
        )
    records = tuple(record_of_wos(item, line) for item, line in zip(items, starts + [0] * len(items)))
    return ReadResult(records)


def record_of_wos(item: dict[str, Any], line: int = 0) -> Record:
    """A record from one Web of Science record, by rispy's names of its tags (what RIS can hold of it)."""

    def first(key: str) -> str:
        values = _values(item.get(key, ""))
        return " ".join(values) if values else ""

    record_type = WOS_TYPES.get(first("publication_type"), "document")
    fields = {
        variable: value
        for variable, key in (
            ("title", "document_title"),
            ("container-title", "publication_name"),
            ("container-title-short", "iso_source_abbreviation"),
            ("abstract", "abstract"),
            ("language", "language"),
            ("volume", "volume"),
            ("issue", "issue"),
            ("DOI", "doi"),
            ("ISSN", "issn"),
            ("ISBN", "isbn"),
            ("publisher", "publisher"),
            ("publisher-place", "publisher_city"),
            ("genre", "document_type"),
        )
        if (value := first(key))
    }
    start, end = first("beginning_page"), first("ending_page")
    if start:
        fields["page"] = f"{start}-{end}" if end else start
    authors = tuple(_name(text) for text in _values(item.get("author_full_name") or item.get("authors") or []))
    keywords = tuple(word.strip() for word in first("author_keywords").split(";") if word.strip())
    year = first("publication_year")
    dates = (("issued", Date(((int(year),),))),) if year.isdigit() else ()
    key = first("accession_number")
    return Record(
        record_type,
        key,
        tuple(fields.items()),
        (("author", authors),) if authors else (),
        dates,
        keywords,
        line,
    )
