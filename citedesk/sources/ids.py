"""Helpers the sources share: DOIs, OpenAlex and OpenCitations ids, types, tolerant JSON values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

from citedesk.model import Cancelled

_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:doi\s*:\s*|(?:https?://)?(?:dx\.|www\.)?doi\.org/)", re.IGNORECASE)
_OPENALEX_ID = re.compile(r"([WASIPCFTK]\d+)$", re.IGNORECASE)
_PID_SCHEMES = {"omid", "doi", "pmid", "pmcid", "issn", "isbn", "openalex", "wikidata", "arxiv"}
_PATH_SAFE = "/:@!$&'()*+,;="  # RFC 3986 pchar: everything else in a DOI is %-encoded in a URL path

TYPES = (
    "journal-article",
    "conference-paper",
    "proceedings",
    "book",
    "book-chapter",
    "thesis",
    "report",
    "preprint",
    "review",
    "dataset",
    "other",
)


def normalize_doi(value: str | None) -> str | None:
    """The bare lower-case DOI in value ("https://doi.org/10.1/X" -> "10.1/x"), or None when it is not one."""
    if not value or not isinstance(value, str):
        return None
    text = unquote(_DOI_PREFIX.sub("", value.strip())).strip().lower()
    return text if _DOI.fullmatch(text) else None


def quote_path(value: str) -> str:
    """An id made safe for a URL path: slashes and colons kept; `<`, `#`, `?`, `%` and spaces %-encoded."""
    return quote(value, safe=_PATH_SAFE)


def openalex_key(value: str | None) -> str | None:
    """The short OpenAlex id ("W2741809807") of an OpenAlex URL or id, or None."""
    if not value or not isinstance(value, str):
        return None
    match = _OPENALEX_ID.search(value.strip().rstrip("/"))
    return match[1].upper() if match else None


def parse_pids(text: str | None) -> dict[str, str]:
    """OpenCitations' identifiers by scheme: v2's "omid:br/061 doi:10.7717/x pmid:338" (first value of each
    scheme kept, "coci => " index prefixes ignored) and v1's bare DOI "10.7717/x" (as "doi")."""
    pids: dict[str, str] = {}
    for token in (text or "").split() if isinstance(text, str) else []:
        token = token.rstrip(";,")
        scheme, _, value = token.partition(":")
        scheme = scheme.lower()
        if scheme not in _PID_SCHEMES or not value:
            if not _DOI.fullmatch(token):
                continue  # an index name, "=>", or an id CiteDesk cannot read
            scheme, value = "doi", token
        if scheme == "doi":
            value = normalize_doi(value) or ""
        if value:
            pids.setdefault(scheme, value)
    return pids


def normalize_title(title: str | None) -> str:
    """A title reduced for comparison: accents, case, punctuation, braces and extra spaces removed."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def same_title(first: str | None, second: str | None) -> bool:
    """Whether two titles are the same once case, accents and punctuation are ignored."""
    first_key, second_key = normalize_title(first), normalize_title(second)
    return bool(first_key) and first_key == second_key


def type_in(table: dict[str, str], value: object) -> str | None:
    """A source's publication type looked up in its table (TYPES' names by the source's); "other" for a type the
    table lacks, None when the source gives none."""
    if not isinstance(value, str) or not value.strip():
        return None
    return table.get(value.strip().lower(), "other")


def year_from(value: object) -> int | None:
    """A plausible year from an int or a text such as "2019", "2017-08" or "2006a", else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1000 <= value <= 2999 else None
    match = re.search(r"(?<!\d)([12]\d{3})(?!\d)", value) if isinstance(value, str) else None
    return int(match[1]) if match else None


def text_or_none(value: Any) -> str | None:
    """A stripped non-empty string, else None."""
    return (value.strip() or None) if isinstance(value, str) else None


def int_or_none(value: Any) -> int | None:
    """An int, or an int given as text ("34"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value.strip()) if isinstance(value, str) and value.strip().isdigit() else None


def string_list(value: Any) -> list[str]:
    """The non-empty strings of a list; [] for null or anything else."""
    return [item for item in value if isinstance(item, str) and item.strip()] if isinstance(value, list) else []


def dict_or_empty(value: Any) -> dict[str, Any]:
    """value when it is a JSON object, else {} (so that .get never fails on null)."""
    return value if isinstance(value, dict) else {}


def check_cancelled(cancelled: Callable[[], bool]) -> None:
    """Raise Cancelled when the person pressed Cancel (called between requests)."""
    if cancelled():
        raise Cancelled()
