"""Works known only by an identifier (a statement file's key standing in for a missing title, a bare DOI):
which scheme the identifier is in, how to name the work ("ACL Anthology W06-3112") and where it links."""

from __future__ import annotations

import re
from urllib.parse import quote

from citedesk.library.identifiers import normalize_acl, normalize_arxiv, normalize_doi
from citedesk.model import IdKind, WorkId

_OPENALEX = re.compile(r"(?:https?://(?:api\.)?openalex\.org/(?:works/)?)?(?P<id>W\d{4,})", re.IGNORECASE)
_S2_SHA = re.compile(r"(?:https?://www\.semanticscholar\.org/paper/(?:[^/]+/)?)?(?P<id>[0-9a-f]{40})", re.IGNORECASE)
_S2_CORPUS = re.compile(r"corpusid:(?P<id>\d+)", re.IGNORECASE)
_KEY_LIKE = re.compile(r"\S*\d\S*")  # one word with a digit in it: "smith2005", "doc-17"
UNTITLED = "Untitled work"

_LABELS = {
    IdKind.ACL: "ACL Anthology {}",
    IdKind.DOI: "DOI {}",
    IdKind.ARXIV: "arXiv {}",
    IdKind.OPENALEX: "OpenAlex {}",
    IdKind.S2: "Semantic Scholar {}",
    IdKind.OTHER: UNTITLED + " ({})",
}
_URLS = {
    IdKind.ACL: "https://aclanthology.org/{}/",
    IdKind.DOI: "https://doi.org/{}",
    IdKind.ARXIV: "https://arxiv.org/abs/{}",
    IdKind.OPENALEX: "https://openalex.org/{}",
}
_URL_SAFE = "/:;()[]._-~@!$&'*+,="  # RFC 3986 path characters: the rest of a DOI is %-encoded


def recognise_id(text: str | None) -> WorkId | None:
    """The identifier that `text` is, in the first scheme it fits (ACL Anthology, DOI, arXiv, OpenAlex,
    Semantic Scholar), spelt as that scheme spells it; None when it is none of them."""
    text = (text or "").strip()
    if not text or any(char.isspace() for char in text):
        return None
    for kind, normalize in ((IdKind.ACL, normalize_acl), (IdKind.DOI, normalize_doi), (IdKind.ARXIV, normalize_arxiv)):
        if found := normalize(text):
            return WorkId(kind, found)
    if match := _OPENALEX.fullmatch(text):
        return WorkId(IdKind.OPENALEX, match["id"].upper())
    if match := _S2_SHA.fullmatch(text):
        return WorkId(IdKind.S2, match["id"].lower())
    if match := _S2_CORPUS.fullmatch(text):
        return WorkId(IdKind.S2, f"CorpusId:{match['id']}")
    return None


def stand_in_id(
    title: str | None,
    authors: str | None = None,
    year: int | None = None,
    doi: str | None = None,
    s2_id: str | None = None,
    openalex_id: str | None = None,
) -> WorkId | None:
    """The identifier a work is known by when that is all there is: a title that is an identifier (the key a
    statement file gave instead of a title), a key-like word with neither authors nor year, or, with no title,
    the work's DOI, Semantic Scholar or OpenAlex id. None for a work with a real title (or nothing at all)."""
    if title and title.strip():
        found = recognise_id(title)
        if found is None and not (authors or "").strip() and not year and _KEY_LIKE.fullmatch(title.strip()):
            found = WorkId(IdKind.OTHER, title.strip())
        return found
    if doi:
        return WorkId(IdKind.DOI, doi)
    if s2_id:
        return WorkId(IdKind.S2, s2_id)
    if openalex_id:
        return WorkId(IdKind.OPENALEX, openalex_id)
    return None


def id_label(work_id: WorkId) -> str:
    """How the window names a work known only by this id: "ACL Anthology W06-3112", "Untitled work (k17)"."""
    return _LABELS[work_id.kind].format(work_id.value)


def id_url(work_id: WorkId) -> str | None:
    """The page of the id's own registry ("https://aclanthology.org/W06-3112/"); None for an unknown scheme."""
    if work_id.kind is IdKind.S2:
        if work_id.value.startswith("CorpusId:"):
            return f"https://api.semanticscholar.org/CorpusID:{work_id.value.split(':', 1)[1]}"
        return f"https://www.semanticscholar.org/paper/{work_id.value}"
    pattern = _URLS.get(work_id.kind)
    return pattern.format(quote(work_id.value, safe=_URL_SAFE)) if pattern else None


def display_title(title: str | None, known_by: WorkId | None) -> str:
    """The title line of a work: its id's label when it is known only by an id, else its title."""
    if known_by is not None:
        return id_label(known_by)
    return title.strip() if title and title.strip() else UNTITLED
