"""Normalise DOIs, arXiv and ACL Anthology identifiers found in BibTeX fields, URLs and keys."""

from __future__ import annotations

import re
from urllib.parse import unquote

_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/[^\s?#]+")
_DOI_PREFIX = re.compile(r"^(?:doi\s*:\s*|doi\s+|(?:https?://)?(?:dx\.|www\.)?doi\.org/)", re.IGNORECASE)
_LATEX_ESCAPE = re.compile(r"\\([_&%#$])")

_ARXIV_NEW = r"\d{2}(?:0[1-9]|1[0-2])\.\d{4,5}"
_ARXIV_OLD = r"[a-z]+(?:-[a-z]+)*(?:\.[a-z]{2})?/\d{2}(?:0[1-9]|1[0-2])\d{3}"
_ARXIV_ID = rf"(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?"
_ARXIV = re.compile(
    rf"(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?"
    rf"{_ARXIV_ID}(?:\.pdf)?/?",
    re.IGNORECASE,
)
_ARXIV_IN_TEXT = re.compile(rf"arxiv:\s*{_ARXIV_ID}(?!\d)", re.IGNORECASE)
# ACL Anthology ids: old style "W06-3112" (a letter, the year's two digits, a number), new style
# "2020.acl-main.1" (year, volume, number); bare, "ACL:"-prefixed or in an anthology URL
_ACL = re.compile(
    r"(?:acl:\s*|(?:https?://)?(?:www\.)?(?:aclanthology\.org|aclweb\.org/anthology)/)?"
    r"(?P<id>[A-Z]\d{2}-\d{4}|\d{4}\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.\d+)(?:\.pdf)?/?",
    re.IGNORECASE,
)


def normalize_doi(value: str | None) -> str | None:
    """Return the bare lower-case DOI ("10.1000/xyz") in value, or None."""
    if value is None:
        return None
    text = value
    while (cleaned := _clean_doi(text)) != text:
        text = cleaned
    return text if _DOI.fullmatch(text) else None


def _clean_doi(text: str) -> str:
    """One round of removing URL/`doi:` prefixes, escapes, braces and %-encoding."""
    text = _LATEX_ESCAPE.sub(r"\1", text).strip().strip("{}").strip()
    return unquote(_DOI_PREFIX.sub("", text)).lower()


def doi_from_url(url: str | None) -> str | None:
    """Extract a DOI from a doi.org or publisher URL, or None."""
    if not url:
        return None
    match = _DOI_IN_TEXT.search(unquote(url))
    return normalize_doi(match[0]) if match else None


def normalize_arxiv(value: str | None) -> str | None:
    """Return the arXiv id without version ("1706.03762", "hep-th/9901001"), or None."""
    if value is None:
        return None
    match = _ARXIV.fullmatch(value.strip().strip("{}").strip())
    return match["id"] if match else None


def arxiv_from_fields(fields: dict[str, str]) -> str | None:
    """Find an arXiv id in a BibTeX entry's fields (eprint, arxiv, url, journal)."""
    lowered = {key.lower(): value for key, value in fields.items()}
    archive = (lowered.get("archiveprefix") or lowered.get("eprinttype") or "").strip("{} ")
    candidates = [lowered.get("arxiv"), lowered.get("url")]
    if archive.lower() == "arxiv":
        candidates.insert(0, lowered.get("eprint"))
    for candidate in candidates:
        if found := normalize_arxiv(candidate):
            return found
    match = _ARXIV_IN_TEXT.search(lowered.get("journal", ""))
    return match["id"] if match else None


def normalize_acl(value: str | None) -> str | None:
    """Return the ACL Anthology id in value ("W06-3112", "2020.acl-main.1"), or None."""
    if value is None:
        return None
    match = _ACL.fullmatch(value.strip().strip("{}").strip())
    if match is None:
        return None
    found = match["id"]
    return found.upper() if found[0].isalpha() else found.lower()
