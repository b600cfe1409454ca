"""BibTeX as a format, and the BibTeX <-> Record mapping every other format's import and export goes through.

BibTeX files are imported by the lossless importer (`jobs.import_bibtex` -> `library/importer.py`) and
written back byte for byte; this module maps a library paper's fields to a `Record` (macros evaluated, LaTeX
decoded) and a `Record` to BibTeX fields (special characters escaped, UTF-8), in the tables below
(docs/formats.md shows them)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

from citedesk.formats import csl
from citedesk.formats.base import Date, Format, Name, ReadResult, Record
from citedesk.formats.dates import edtf, month_macro, parse_edtf, plain_date
from citedesk.formats.sniffing import head_text
from citedesk.library.bibtex.encoding import decode_bytes
from citedesk.library.bibtex.latex import latex_to_unicode
from citedesk.library.bibtex.names import split_names
from citedesk.library.bibtex.values import evaluate
from citedesk.library.bibtex.writer import serialize_entry
from citedesk.library.parsing import parse_text, read_macros
from citedesk.model import Problem

# (CSL type, BibTeX type); the first row of a BibTeX type is what it is read as. A CSL type whose BibTeX type
# reads as another one is written with entrysubtype = {its CSL name} ("magazine", "newspaper" as BibLaTeX has them).
TYPES: tuple[tuple[str, str], ...] = (
    ("article-journal", "article"),
    ("article-magazine", "article"),
    ("article-newspaper", "article"),
    ("book", "book"),
    ("chapter", "incollection"),
    ("paper-conference", "inproceedings"),
    ("thesis", "thesis"),
    ("report", "report"),
    ("manuscript", "unpublished"),
    ("webpage", "online"),
    ("post-weblog", "online"),
    ("dataset", "dataset"),
    ("software", "software"),
    ("patent", "patent"),
    ("standard", "standard"),
    ("entry-encyclopedia", "inreference"),
    ("entry-dictionary", "inreference"),
    ("motion_picture", "video"),
    ("broadcast", "video"),
    ("musical_score", "music"),
    ("song", "audio"),
    ("legislation", "legislation"),
    ("legal_case", "jurisdiction"),
    ("pamphlet", "booklet"),
    ("graphic", "artwork"),
    ("review", "review"),
    ("review-book", "review"),
    ("personal_communication", "letter"),
    ("performance", "performance"),
    ("periodical", "periodical"),
    ("document", "misc"),
)
# Other BibTeX and BibLaTeX types, read as these CSL types.
READ_TYPES = {
    "inbook": "chapter",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
    "www": "webpage",
    "electronic": "webpage",
    "proceedings": "book",
    "mvproceedings": "book",
    "collection": "book",
    "mvcollection": "book",
    "mvbook": "book",
    "reference": "book",
    "mvreference": "book",
    "manual": "report",
    "image": "graphic",
    "movie": "motion_picture",
    "commentary": "book",
    "suppperiodical": "article-journal",
}
_SUBTYPES = {"magazine": "article-magazine", "newspaper": "article-newspaper"}
_ARTICLES = frozenset({"article-journal", "article-magazine", "article-newspaper"})

# (CSL variable, BibTeX field) for text variables; a CSL variable not here is a field of its own name in lower
# case ("call-number", "pmid"), and a BibTeX field that is neither is not mapped. Some depend on the type:
FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "title"),
    ("title-short", "shorttitle"),
    ("container-title-short", "shortjournal"),
    ("collection-title", "series"),
    ("publisher-place", "address"),
    ("page", "pages"),
    ("edition", "edition"),
    ("genre", "type"),
    ("chapter-number", "chapter"),
    ("number-of-pages", "pagetotal"),
    ("number-of-volumes", "volumes"),
    ("event-title", "eventtitle"),
    ("event-place", "venue"),
    ("original-title", "origtitle"),
    ("language", "language"),
    ("note", "note"),
    ("abstract", "abstract"),
    ("annote", "annote"),
    ("DOI", "doi"),
    ("ISBN", "isbn"),
    ("ISSN", "issn"),
    ("URL", "url"),
    ("volume", "volume"),
    ("version", "version"),
)
READ_FIELDS = {
    "journaltitle": "container-title",
    "location": "publisher-place",
    "langid": "language",
    "annotation": "annote",
    "school": "publisher",
    "institution": "publisher",
}
NAMES: tuple[tuple[str, str], ...] = (
    ("author", "author"),
    ("editor", "editor"),
    ("translator", "translator"),
    ("container-author", "bookauthor"),
)  # other CSL name variables are fields of their own name ("director", "script-writer")
DATES: tuple[tuple[str, str], ...] = (
    ("accessed", "urldate"),
    ("original-date", "origdate"),
    ("event-date", "eventdate"),
)  # "issued" is date, or year and month; other CSL dates are fields of their own name ("submitted")
VERBATIM = frozenset({"url", "doi", "eprint", "file", "urlraw"})  # read without LaTeX decoding, written as is
# biblatex's localisation keys in a `type` field, as words (what a style prints as the genre)
TYPE_KEYS = {
    "phdthesis": "PhD thesis",
    "mathesis": "Master's thesis",
    "candthesis": "Candidate thesis",
    "techreport": "Technical report",
    "resreport": "Research report",
    "software": "Software",
    "datacd": "CD-ROM",
    "audiocd": "Audio CD",
}
# biblatex's localisation keys in a `series` field
SERIES_KEYS = {"newseries": "new series", "oldseries": "old series"}
# babel's language names (biblatex's langid) as the BCP 47 tags CSL wants: a style cases
# and punctuates an English title only when it knows the item is in English
LANGUAGE_TAGS = {
    "english": "en",
    "american": "en-US",
    "USenglish": "en-US",
    "british": "en-GB",
    "UKenglish": "en-GB",
    "australian": "en-AU",
    "canadian": "en-CA",
    "newzealand": "en-NZ",
    "german": "de",
    "ngerman": "de",
    "austrian": "de-AT",
    "naustrian": "de-AT",
    "swissgerman": "de-CH",
    "nswissgerman": "de-CH",
    "french": "fr",
    "francais": "fr",
    "italian": "it",
    "spanish": "es",
    "portuguese": "pt",
    "brazil": "pt-BR",
    "brazilian": "pt-BR",
    "dutch": "nl",
    "swedish": "sv",
    "danish": "da",
    "norsk": "nb",
    "nynorsk": "nn",
    "finnish": "fi",
    "polish": "pl",
    "czech": "cs",
    "russian": "ru",
    "greek": "el",
    "latin": "la",
    "japanese": "ja",
    "chinese": "zh",
}
_LANGUAGE_TAGS = {name.lower(): tag for name, tag in LANGUAGE_TAGS.items()}
# an eprint of these archives is also a link (biblatex's eprinttype, or archiveprefix)
EPRINT_URLS = {
    "arxiv": "https://arxiv.org/abs/{}",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/{}",
    "jstor": "https://www.jstor.org/stable/{}",
}

_TO_BIBTEX_TYPE = {csl_type: bibtex for csl_type, bibtex in reversed(TYPES)}
_FROM_BIBTEX_TYPE = {
    **READ_TYPES,
    **{bibtex: csl_type for csl_type, bibtex in reversed(TYPES)},
}
_TO_FIELD = dict(FIELDS)
_FROM_FIELD = {**READ_FIELDS, **{bibtex: variable for variable, bibtex in FIELDS}}
_NAME_FIELDS = {
    **{variable: variable for variable in csl.NAME_VARIABLES},
    **{b: v for v, b in NAMES},
}
_TO_NAME_FIELD = {variable: bibtex for bibtex, variable in _NAME_FIELDS.items()}
_DATE_FIELDS = {
    **{variable: variable for variable in csl.DATE_VARIABLES - {"issued"}},
    **{b: v for v, b in DATES},
}
_TO_DATE_FIELD = {variable: bibtex for bibtex, variable in _DATE_FIELDS.items()}
_ISSUED_FIELDS = ("date", "year", "month", "day")
_SPECIAL = {
    "\\": "\\textbackslash{}",
    "{": "\\{",
    "}": "\\}",
    "%": "\\%",
    "&": "\\&",
    "$": "\\$",
    "#": "\\#",
    "_": "\\_",
    "~": "\\textasciitilde{}",
    "^": "\\textasciicircum{}",
}
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")  # "--", "``", "''": LaTeX would join them
_KEY_UNSAFE = re.compile(r"[\s,{}()\"#%'=\\~]")
_TOP_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_SNIFF = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_RIS_TAG = re.compile(r"^\ufeff?[A-Z][A-Z0-9]  -", re.MULTILINE)


class BibTeX(Format):
    """BibTeX and BibLaTeX files: imported losslessly and rebuilt byte for byte by the library itself."""

    name: ClassVar[str] = "bibtex"
    label: ClassVar[str] = "BibTeX"
    extensions: ClassVar[tuple[str, ...]] = (".bib", ".bibtex", ".biblatex")
    rebuilds_files: ClassVar[bool] = True

    def sniff(self, head: bytes) -> bool:
        """An @type{, @string or @comment block at the start of a line, before any RIS tag, not in JSON."""
        text = head_text(head)
        if text.lstrip("\ufeff \t\r\n")[:1] in ("[", "{"):
            return False
        block = _SNIFF.search(text)
        ris = _RIS_TAG.search(text)
        return block is not None and (ris is None or block.start() < ris.start())

    def read(self, data: bytes, source: str) -> ReadResult:
        """The entries of a BibTeX file as records (the library imports BibTeX itself, losslessly)."""
        text = decode_bytes(data).text
        macros = read_macros(text)
        records, problems = [], []
        for block in parse_text(text):
            if block.kind == "entry":
                values = [(name, evaluate(raw, macros)) for name, raw in _raw_fields(block.fields_json)]
                records.append(record_of_entry(block.entry_type, block.key, values, block.line))
            elif block.kind == "failed":
                problems.append(Problem(source, block.line, block.error, block.report_text, block.key))
        return ReadResult(tuple(records), tuple(problems))

    def write(self, records: Sequence[Record]) -> bytes:
        return bibtex_text(records)[0].encode("utf-8")


def _raw_fields(fields_json: str) -> list[tuple[str, str]]:
    return [(name, raw) for name, raw in json.loads(fields_json)]


# -- BibTeX -> Record


def record_of_entry(entry_type: str, key: str, values: Iterable[tuple[str, str]], line: int = 0) -> Record:
    """A record from an entry's fields, macros and `#` already evaluated (braces and LaTeX still in them)."""
    fields = _first_of_each(values)
    record_type = _record_type(entry_type.lower(), fields.get("entrysubtype", ""))
    texts: list[tuple[str, str]] = []
    names: list[tuple[str, tuple[Name, ...]]] = []
    dates: list[tuple[str, Date]] = []
    keywords: tuple[str, ...] = ()
    for field, value in fields.items():
        if field in _ISSUED_FIELDS:
            _add_issued(dates, fields)
        elif field in _NAME_FIELDS:
            names.append((_name_variable(field, fields), names_of(value)))
        elif field in _DATE_FIELDS:
            dates.append((_DATE_FIELDS[field], _date_of(value)))
        elif field == "keywords":
            keywords = tuple(word for word in (part.strip() for part in re.split(r"[,;]", _decoded(value))) if word)
        else:
            variable = _text_variable(field, record_type)
            if variable and variable not in dict(texts) and (text := _text_of(field, value)):
                texts.append((variable, text))
    texts = _with_subtitle(texts, fields) + _eprint_link(texts, fields)
    return Record(
        record_type,
        key,
        tuple(texts),
        tuple(pair for pair in names if pair[1]),
        tuple(dates),
        keywords,
        line,
    )


def _name_variable(field: str, fields: Mapping[str, str]) -> str:
    """The CSL name variable of a name field; BibLaTeX's editortype says what kind of editor ("director")."""
    role = _unbraced(fields.get("editortype", "")).lower()
    return role if field == "editor" and role in csl.NAME_VARIABLES else _NAME_FIELDS[field]


def _first_of_each(values: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Field names in lower case, each once (the first), in their order."""
    fields: dict[str, str] = {}
    for name, value in values:
        fields.setdefault(name.lower(), value)
    return fields


def _record_type(entry_type: str, subtype: str) -> str:
    subtype = latex_to_unicode(subtype).strip().lower()
    if subtype in csl.TYPES:
        return subtype
    if entry_type == "article" and subtype in _SUBTYPES:
        return _SUBTYPES[subtype]
    return _FROM_BIBTEX_TYPE.get(entry_type, csl.DEFAULT_TYPE)


def _text_variable(field: str, record_type: str) -> str | None:
    """The CSL variable a BibTeX field holds for this type of record, or None."""
    if field in ("journal", "booktitle"):
        return "container-title"
    if field == "number":
        return "issue" if record_type in _ARTICLES else "number"
    if field == "eid":
        return "number" if record_type in _ARTICLES else None
    if field in _FROM_FIELD:
        return _FROM_FIELD[field]
    if field in ("entrysubtype", "crossref", "key"):
        return None
    variable = csl.text_variable(field)
    return variable if variable and variable not in _TO_FIELD else None


def _text_of(field: str, value: str) -> str:
    if field in VERBATIM:
        return " ".join(_unbraced(value).split())
    key = _unbraced(value).strip().lower()
    if field == "type" and key in TYPE_KEYS:
        return TYPE_KEYS[key]
    if field == "series" and key in SERIES_KEYS:
        return SERIES_KEYS[key]
    if field == "langid" and key in _LANGUAGE_TAGS:
        return _LANGUAGE_TAGS[key]
    return _decoded(value)


def _with_subtitle(texts: list[tuple[str, str]], fields: dict[str, str]) -> list[tuple[str, str]]:
    """biblatex's subtitle joins the title as CSL has it, "Title: Subtitle"."""
    subtitle = _decoded(fields.get("subtitle", "")).strip()
    if not subtitle:
        return texts
    return [(name, f"{text}: {subtitle}" if name == "title" else text) for name, text in texts]


def _eprint_link(texts: list[tuple[str, str]], fields: dict[str, str]) -> list[tuple[str, str]]:
    """A link to an arXiv (PubMed, JSTOR) eprint, when the entry has no URL of its own."""
    archive = _unbraced(fields.get("eprinttype") or fields.get("archiveprefix") or "").strip().lower()
    eprint = " ".join(_unbraced(fields.get("eprint", "")).split())
    if archive not in EPRINT_URLS or not eprint or any(name == "URL" for name, _ in texts):
        return []
    return [("URL", EPRINT_URLS[archive].format(eprint))]


def _decoded(value: str) -> str:
    return latex_to_unicode(value)


def _unbraced(value: str) -> str:
    value = value.strip()
    while value.startswith("{") and value.endswith("}"):
        value = value[1:-1].strip()
    return value


def _add_issued(dates: list[tuple[str, Date]], fields: Mapping[str, str]) -> None:
    """The issued date, once, where the first of date, year, month and day is: `date` (EDTF) when there is
    one, else year, month and day."""
    if any(name == "issued" for name, _ in dates):
        return
    date = None
    if fields.get("date", "").strip():
        date = _date_of(fields["date"])
    elif fields.get("year", "").strip():
        date = plain_date(
            _decoded(fields["year"]),
            _decoded(fields.get("month", "")),
            _decoded(fields.get("day", "")),
        )
    if date is not None:
        dates.append(("issued", date))


def _date_of(value: str) -> Date:
    """An EDTF date (read as written: "~" is circa, not a space), else the decoded text as a literal date."""
    return parse_edtf(" ".join(_unbraced(value).split())) or Date(literal=_decoded(value))


def names_of(value: str) -> tuple[Name, ...]:
    """The names of a BibTeX name list, LaTeX decoded; a name wholly in braces is a literal one."""
    names = []
    for chunk in _name_chunks(value):
        chunk = chunk.strip()
        if _wholly_braced(chunk) or chunk == "others":
            names.append(Name(literal=_decoded(chunk)))
        elif chunk:
            for name in split_names(chunk):
                names.append(
                    Name(
                        _decoded(name.family),
                        _decoded(name.given),
                        "",
                        _decoded(name.von),
                        _decoded(name.jr),
                    )
                )
    return tuple(names)


def _name_chunks(value: str) -> list[str]:
    """The names of a list, split at "and" outside braces."""
    depth, start, chunks = 0, 0, []
    for match in _TOP_AND.finditer(value):
        depth = _depth(value[: match.start()])
        if depth == 0:
            chunks.append(value[start : match.start()])
            start = match.end()
    chunks.append(value[start:])
    return chunks


def _depth(text: str) -> int:
    depth, escaped = 0, False
    for char in text:
        if not escaped:
            depth += (char == "{") - (char == "}")
        escaped = not escaped and char == "\\"
    return depth


def _wholly_braced(text: str) -> bool:
    """True if the text is one brace group: its first brace closes at its last character."""
    if not text.startswith("{"):
        return False
    depth, escaped = 0, False
    for index, char in enumerate(text):
        if not escaped:
            depth += (char == "{") - (char == "}")
            if depth == 0:
                return index == len(text) - 1
        escaped = not escaped and char == "\\"
    return False


# -- Record -> BibTeX


def entry_of_record(record: Record) -> tuple[str, str, list[tuple[str, str]]]:
    """The BibTeX type, key and fields (raw values, enclosed) that hold a record."""
    entry_type = _TO_BIBTEX_TYPE.get(record.type, "misc")
    fields: list[tuple[str, str]] = []
    for variable, names in record.names:
        if names and variable in _TO_NAME_FIELD:
            fields.append(
                (
                    _TO_NAME_FIELD[variable],
                    _braced(" and ".join(map(bibtex_name, names))),
                )
            )
    for variable, text in record.fields:
        field = _field_of(variable, record.type)
        if field and text and field not in dict(fields):
            fields.append((field, _value_of(field, text)))
    for variable, date in record.dates:
        fields += _date_fields(variable, date)
    if record.keywords:
        fields.append(("keywords", _braced(", ".join(map(escaped, record.keywords)))))
    if _record_type(entry_type, "") != record.type:
        fields.append(("entrysubtype", _braced(_subtype(record.type))))
    return entry_type, safe_key(record.key), fields


def _subtype(record_type: str) -> str:
    return next(
        (name for name, csl_type in _SUBTYPES.items() if csl_type == record_type),
        record_type,
    )


def _field_of(variable: str, record_type: str) -> str | None:
    if variable == "container-title":
        return "journal" if record_type in _ARTICLES else "booktitle"
    if variable == "issue":
        return "number" if record_type in _ARTICLES else "issue"
    if variable == "number":
        return "eid" if record_type in _ARTICLES else "number"
    if variable == "publisher":
        return {"thesis": "school", "report": "institution"}.get(record_type, "publisher")
    if variable in _TO_FIELD:
        return _TO_FIELD[variable]
    return variable.lower() if variable in csl.TEXT_VARIABLES else None


def _value_of(field: str, text: str) -> str:
    if field in VERBATIM:
        return _braced(text)
    return _braced(escaped(text))


def _date_fields(variable: str, date: Date) -> list[tuple[str, str]]:
    if variable != "issued":
        field = _TO_DATE_FIELD.get(variable)
        return [(field, _date_value(date))] if field else []
    simple = (
        len(date.parts) == 1
        and len(date.parts[0]) <= 2
        and not (date.circa or date.literal)
        and (date.parts[0][1:] < (13,))
    )
    if not simple:
        known_year = [("year", _braced(str(date.year)))] if date.year else []
        return [("date", _date_value(date)), *known_year]
    year, *month = date.parts[0]
    return [
        ("year", _braced(str(year))),
        *(("month", month_macro(number)) for number in month),
    ]


def _date_value(date: Date) -> str:
    """EDTF as it is (a literal date escaped)."""
    return _braced(edtf(date) if not date.literal else escaped(date.literal))


def bibtex_name(name: Name) -> str:
    """A name as BibTeX reads it back: "von Last, Jr, First", a literal one in braces."""
    if name.literal:
        return "others" if name.literal == "others" else _braced(escaped(name.literal))
    family = " ".join(part for part in (escaped(name.particle), _name_part(name.family, True)) if part)
    suffix = f", {_name_part(name.suffix)}" if name.suffix else ""
    return f"{family}{suffix}, {_name_part(name.given)}".rstrip()


def _name_part(text: str, family: bool = False) -> str:
    """A part of a name, braced where BibTeX would split it (a comma, "and") or take a word of a family
    name for a particle (one in lower case)."""
    text = escaped(text)
    risky = (
        "," in text
        or re.search(r"\band\b", text, re.IGNORECASE)
        or (family and any(word[:1].islower() for word in text.split()))
    )
    return _braced(text) if risky else text


def escaped(text: str) -> str:
    """Plain text as a BibTeX value that LaTeX and CiteDesk read back as the same text."""
    return _LIGATURE.sub("{}", "".join(_SPECIAL.get(char, char) for char in text))


def _braced(text: str) -> str:
    return "{" + text + "}"


def safe_key(key: str) -> str:
    """The key without what a BibTeX key cannot hold (spaces, commas, braces, quotes); "" lets the importer
    make one."""
    return "".join(char for char in _KEY_UNSAFE.sub("", key) if char.isprintable())


def bibtex_text(records: Iterable[Record]) -> tuple[str, dict[int, int]]:
    """BibTeX entries for records, and for each entry's first line the line its record came from."""
    chunks, lines, line = [], {}, 1
    for record in records:
        entry = serialize_entry(*entry_of_record(record))
        chunks.append(entry)
        lines[line] = record.line
        line += entry.count("\n") + 2
    return "\n\n".join(chunks) + ("\n" if chunks else ""), lines
