"""A paper's files and links: the attachment fields JabRef, Zotero, Mendeley and others write, its ids as web
links and the open-access copy a source found; and attaching a file in JabRef's format."""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from urllib.parse import quote, unquote, urlsplit

import sqlite_utils

from citedesk.library.bibtex import splice
from citedesk.library.bibtex.latex import latex_to_unicode
from citedesk.library.bibtex.values import evaluate
from citedesk.library.editing import EntryState, edit_paper
from citedesk.library.identifiers import doi_from_url, normalize_arxiv
from citedesk.library.queries import Paper, paper_by_id
from citedesk.library.settings import set_setting, setting
from citedesk.model import CitedeskError

__all__ = [
    "ATTACHMENT_FIELDS",
    "Attached",
    "Link",
    "LinkKind",
    "attach_file",
    "attached_files",
    "attachment_folder",
    "full_text",
    "jabref_item",
    "links_of",
    "set_attachment_folder",
]


class LinkKind(enum.StrEnum):
    """What a link leads to."""

    PDF = "pdf"  # a PDF the entry names: a file, or a URL in its attachment field
    FILE = "file"  # another file the entry names (EPUB, an HTML snapshot, data)
    OPEN_ACCESS_PDF = "open_access_pdf"  # the open-access copy a source found (works.oa_url)
    DOI = "doi"
    ARXIV = "arxiv"
    URL = "url"  # the entry's url field


LABELS = {
    LinkKind.PDF: "PDF",
    LinkKind.FILE: "File",
    LinkKind.OPEN_ACCESS_PDF: "Open access PDF",
    LinkKind.DOI: "DOI",
    LinkKind.ARXIV: "arXiv",
    LinkKind.URL: "Web page",
}


@dataclass(frozen=True, slots=True)
class Link:
    """One way to a paper's text, as the person sees it."""

    kind: LinkKind
    label: str  # "PDF", "PDF (Published version)", "EPUB", "Open access PDF", "DOI", "arXiv", "Web page"
    target: str  # an absolute path, or a URL
    exists: bool  # a file: whether it is on disk; a URL: True

    @property
    def is_url(self) -> bool:
        """Whether the target is a URL (else a path on this computer)."""
        return is_url(self.target)


@dataclass(frozen=True)
class Attached:
    """One file an attachment field names: JabRef's description, the path (or URL) as written, the file type."""

    description: str
    path: str
    file_type: str  # "PDF", "application/pdf", "pdf", "" when the field does not say


ATTACHMENT_FIELDS = ("file", "pdf", "localfile", "local-url")  # JabRef/Zotero/Mendeley, old JabRef, BibDesk
SETTING = "attachment_folder"  # its name in library_settings
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")
_WINDOWS_ABSOLUTE = re.compile(r"[A-Za-z]:[\\/]|\\\\")
_ESCAPE = re.compile(r"\\([\\:;_&%#$~{}])")  # JabRef's \\ \: \; and the LaTeX escapes of Mendeley and others
_LATEX_GROUP = re.compile(r"\{\\[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")  # {\_}, {\"{u}}: Mendeley's escapes
_CALIBRE_GAP = re.compile(r"(?<=[A-Za-z0-9]), (?=:)")  # calibre joins JabRef's items with ", "
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{2,5}$")
_ROOTS = {"home", "Users", "Volumes", "media", "mnt"}  # Mendeley writes /home/x/a.pdf as home/x/a.pdf
_GENERIC = {"", "pdf", "full text", "full text pdf", "fulltext", "attachment", "file"}
_JABREF_FOLDER = re.compile(r"jabref-meta:\s*fileDirectory[^:;]*:(.*?);\s*\}", re.IGNORECASE | re.DOTALL)
_DOI_SAFE = "/:;()._-"
_FULL_TEXT_AFTER_PDF = (LinkKind.OPEN_ACCESS_PDF, LinkKind.DOI, LinkKind.ARXIV, LinkKind.URL)


# -- links


def links_of(db: sqlite_utils.Database, paper_id: int) -> tuple[Link, ...]:
    """The paper's attached PDFs, its other files, the open-access copy, DOI, arXiv and web page, in that order."""
    paper = paper_by_id(db, paper_id)
    files = sorted(attached_links(paper, folders_of(db, paper)), key=lambda link: link.kind is not LinkKind.PDF)
    return _unique([*files, *_open_access(db, paper_id), *_anthology_pdf(paper), *_id_links(paper)])


def full_text(db: sqlite_utils.Database, paper_id: int) -> Link | None:
    """The best way to the paper's text: an attached PDF that is there (a file before a URL), else the
    open-access copy, else the DOI, the arXiv page or the web page; None when the paper has none of them."""
    links = links_of(db, paper_id)
    pdfs = [link for link in links if link.kind is LinkKind.PDF and link.exists]
    if pdfs:
        return min(pdfs, key=lambda link: link.is_url)
    return next((link for kind in _FULL_TEXT_AFTER_PDF for link in links if link.kind is kind), None)


def attached_links(paper: Paper, folders: Sequence[Path]) -> list[Link]:
    """The files the paper's attachment fields name, in field order, relative paths looked up in the folders."""
    return [
        _file_link(item, folders)
        for name, raw in paper.fields
        if name.lower() in ATTACHMENT_FIELDS
        for item in attached_files(evaluate(raw, {}))
    ]


def _file_link(item: Attached, folders: Sequence[Path]) -> Link:
    target, exists = located(item.path, folders)
    kind = LinkKind.PDF if _is_pdf(item) else LinkKind.FILE
    return Link(kind, _file_label(kind, item), target, exists)


def _is_pdf(item: Attached) -> bool:
    return item.file_type.lower() in ("pdf", "application/pdf") or item.path.lower().endswith(".pdf")


def _file_label(kind: LinkKind, item: Attached) -> str:
    """ "PDF", "EPUB", "PDF (Published version)": the kind, and the description when it says more than the name."""
    label = LABELS[kind] if kind is LinkKind.PDF else _type_name(item)
    name = PurePath(item.path.replace("\\", "/")).name
    note = item.description
    if note.casefold() in _GENERIC or note in (name, PurePath(name).stem) or note.casefold() == label.casefold():
        return label
    return f"{label} ({note})"


def _type_name(item: Attached) -> str:
    """The file type as a short name ("EPUB"), else the file's extension, else "File"."""
    if re.fullmatch(r"[A-Za-z0-9]{1,6}", item.file_type):
        return item.file_type.upper()
    suffix = PurePath(urlsplit(item.path).path if is_url(item.path) else item.path).suffix
    return suffix[1:].upper() if 1 < len(suffix) <= 6 else LABELS[LinkKind.FILE]


def _open_access(db: sqlite_utils.Database, paper_id: int) -> list[Link]:
    row = db.execute("SELECT oa_url FROM works WHERE paper_id = ? AND oa_url IS NOT NULL", [paper_id]).fetchone()
    return [_web_link(LinkKind.OPEN_ACCESS_PDF, row[0])] if row and is_url(row[0]) else []


_ANTHOLOGY_PAGE = re.compile(
    r"(?i)https?://(?:www\.)?(?:aclweb\.org/anthology|aclanthology\.org)/([A-Z]\d{2}-\d{4}|\d{4}\.[a-z0-9-]+\.\d+)/?"
)


def _anthology_pdf(paper: Paper) -> list[Link]:
    """The ACL Anthology's PDF of a paper whose url is its Anthology page (every Anthology paper is open access,
    at aclanthology.org/ID.pdf)."""
    found = _ANTHOLOGY_PAGE.fullmatch((paper.url or "").strip())
    return [_web_link(LinkKind.OPEN_ACCESS_PDF, f"https://aclanthology.org/{found[1]}.pdf")] if found else []


def _id_links(paper: Paper) -> list[Link]:
    """The DOI, arXiv and url fields as links; a url that only repeats the DOI or the arXiv id is left out."""
    links = []
    if paper.doi:
        links.append(_web_link(LinkKind.DOI, "https://doi.org/" + quote(paper.doi, safe=_DOI_SAFE)))
    if paper.arxiv:
        links.append(_web_link(LinkKind.ARXIV, f"https://arxiv.org/abs/{paper.arxiv}"))
    url = web_url(paper.url)
    if url and not _repeats_ids(url, paper):
        links.append(_web_link(LinkKind.URL, url))
    return links


def _web_link(kind: LinkKind, url: str) -> Link:
    return Link(kind, LABELS[kind], url, True)


def web_url(value: str | None) -> str | None:
    """The URL a url field holds, LaTeX escapes (`\\_`, `\\%`) undone; None when it is not a web address."""
    text = _ESCAPE.sub(r"\1", latex_group_decoded(value or "")).strip()
    text = re.sub(r"^\\url\{(.*)\}$", r"\1", text).strip()
    if text.lower().startswith("www."):
        text = "https://" + text
    return text if re.match(r"(?i)(https?|ftp)://\S+$", text) else None


def _repeats_ids(url: str, paper: Paper) -> bool:
    host = urlsplit(url).netloc.lower()
    if paper.doi and host.endswith("doi.org") and doi_from_url(url) == paper.doi:
        return True
    return bool(paper.arxiv) and host.endswith("arxiv.org") and normalize_arxiv(url) == paper.arxiv


def _unique(links: Iterable[Link]) -> tuple[Link, ...]:
    """The links without a later one that leads where an earlier one does."""
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.target, link)
    return tuple(seen.values())


def is_url(target: str) -> bool:
    return _SCHEME.match(target) is not None


# -- reading attachment fields


def attached_files(value: str) -> list[Attached]:
    """The files an attachment field's value (evaluated: without its outer braces) names, in order. Reads
    JabRef's `Description:path:Type;...` with its escapes (`\\:`, `\\;`, `\\\\`), Zotero's
    `Full Text PDF:/a.pdf:application/pdf`, plain paths (`/a.pdf;/b.pdf`), Mendeley's
    `:C$\\backslash$:/a.pdf:pdf` and calibre's `:a.epub:EPUB, :a.pdf:PDF`."""
    text = latex_group_decoded(_unbraced(value))
    found = []
    for item in _items(text):
        attached = _attached(_parts(item))
        if attached.path:
            found.append(attached)
    return found


def latex_group_decoded(text: str) -> str:
    """Mendeley's LaTeX in a path as text: `$\\backslash$` as a backslash, `{\\_}` as `_`, `{\\"u}` as ü."""
    text = text.replace("$\\backslash$", "\\").replace("$\\sim$", "~")
    return _LATEX_GROUP.sub(lambda match: latex_to_unicode(match[0]), text)


def _unbraced(value: str) -> str:
    text = value.strip()
    while splice.delimiter_of(text) == "{":
        text = text[1:-1].strip()
    return text


def _items(text: str) -> list[str]:
    """The items of a field: split at the `;` that are not escaped, and at calibre's `, :`."""
    pieces = [piece for chunk in _CALIBRE_GAP.split(text) for piece in split_unescaped(chunk, ";")]
    items: list[str] = []
    for piece in pieces:
        if items and _goes_on(items[-1]):
            items[-1] += ";" + piece
        else:
            items.append(piece)
    return [item for item in items if item.strip()]


def _goes_on(piece: str) -> bool:
    """Whether a plain path continues after a `;` (BibDesk's folder `Cohen.I;Smith.G/`): it has no
    description or type and does not end in a file extension."""
    return len(_parts(piece)) == 1 and _EXTENSION.search(piece.rstrip()) is None


def split_unescaped(text: str, separator: str) -> list[str]:
    """The text split at each `separator` that no backslash escapes; the escapes are kept."""
    pieces, current, escaped = [], [], False
    for char in text:
        if escaped or char != separator:
            current.append(char)
            escaped = not escaped and char == "\\"
        else:
            pieces.append("".join(current))
            current = []
    pieces.append("".join(current))
    return pieces


def _parts(item: str) -> list[str]:
    """An item's description, path and type, unescaped; a drive letter (`C:\\`) or a scheme (`https://`)
    that was not escaped stays with its path."""
    parts: list[str] = []
    for part in split_unescaped(item, ":"):
        if parts and _joins(parts[-1], part):
            parts[-1] += ":" + part
        else:
            parts.append(part)
    return [_ESCAPE.sub(r"\1", part).strip() for part in parts]


def _joins(before: str, after: str) -> bool:
    drive = re.fullmatch(r"\s*[A-Za-z]", before) is not None and after[:1] in ("\\", "/")
    scheme = re.fullmatch(r"\s*[A-Za-z][A-Za-z0-9+.-]+", before) is not None and after.startswith("//")
    return drive or scheme


def _attached(parts: list[str]) -> Attached:
    """JabRef's reading of the parts: a path; a description and a path; a description, path and type. Two
    parts whose second is a bare type (`a.pdf:PDF`) are a path and its type."""
    if len(parts) == 1:
        return Attached("", parts[0], "")
    if len(parts) == 2 and re.fullmatch(r"[A-Za-z0-9]{1,6}", parts[1]) and parts[0]:
        return Attached("", parts[0], parts[1])
    if len(parts) == 2:
        return Attached(parts[0], parts[1], "")
    return Attached(parts[0], parts[1], parts[2])


# -- where the files are


def folders_of(db: sqlite_utils.Database, paper: Paper) -> tuple[Path, ...]:
    """Where the paper's relative paths are looked up, in order: the library's attachment folder, the file
    folders a JabRef .bib names (`jabref-meta: fileDirectory`), the folder of the .bib it came from."""
    folders = [attachment_folder(db)]
    source = _source_path(db, paper.source_file_id)
    if source is not None:
        folders += [source.parent / Path(_native(folder)) for folder in _jabref_folders(db, paper.source_file_id)]
        folders.append(source.parent)
    return tuple(dict.fromkeys(folders))


def located(path: str, folders: Sequence[Path]) -> tuple[str, bool]:
    """The absolute path (or URL) a written path stands for, and whether it is there (URLs always are)."""
    if path.lower().startswith("file:"):
        path = _file_url_path(path)
    elif is_url(path):
        return path, True
    if _WINDOWS_ABSOLUTE.match(path) and os.name != "nt":
        return path, False
    local = Path(_native(path)).expanduser()
    if local.is_absolute():
        return str(local), local.is_file()
    return _located_relative(local, folders)


def _located_relative(path: Path, folders: Sequence[Path]) -> tuple[str, bool]:
    """The first folder that holds the file, else the root: Mendeley writes /home/x/a.pdf as `home/x/a.pdf`.
    Where none holds it: the first folder, or the root for a path that starts where Mendeley's do."""
    candidates = [folder / path for folder in folders] or [path.absolute()]
    root = Path(os.sep) / path if os.name != "nt" else None
    found = next((candidate for candidate in [*candidates, root] if candidate and candidate.is_file()), None)
    fallback = root if root and path.parts[:1] and path.parts[0] in _ROOTS else candidates[0]
    return str(found or fallback), found is not None


def _file_url_path(url: str) -> str:
    """The path of a `file://localhost/a%20b.pdf` URL."""
    path = unquote(urlsplit(url).path)
    return path[1:] if re.match(r"/[A-Za-z]:[\\/]", path) else path


def _native(path: str) -> str:
    """A relative Windows path (`Pi-Kalkül\\a.pdf`) with this system's separators."""
    return path.replace("\\", "/") if os.name != "nt" and "/" not in path else path


def _source_path(db: sqlite_utils.Database, source_file_id: int | None) -> Path | None:
    row = db.execute("SELECT path FROM source_files WHERE id = ?", [source_file_id]).fetchone()
    return Path(row[0]).absolute() if row and row[0] else None


def _jabref_folders(db: sqlite_utils.Database, source_file_id: int | None) -> list[str]:
    rows = db.execute(
        "SELECT raw FROM file_blocks WHERE source_file_id = ? AND raw LIKE '%fileDirectory%' ORDER BY position",
        [source_file_id],
    ).fetchall()
    return [_ESCAPE.sub(r"\1", match.strip()) for (raw,) in rows for match in _JABREF_FOLDER.findall(raw)]


# -- the attachment folder


def attachment_folder(db: sqlite_utils.Database) -> Path:
    """Where relative attachment paths are looked up first: the library's setting, else a folder
    `attachments` beside the library file."""
    here = library_file(db).parent
    chosen = setting(db, SETTING)
    return here / Path(chosen).expanduser() if chosen else here / "attachments"


def set_attachment_folder(db: sqlite_utils.Database, path: str | os.PathLike[str] | None) -> None:
    """Keep the library's attachment folder (as an absolute path); None goes back to the default."""
    with db.atomic():
        set_setting(db, SETTING, None if path is None else str(Path(path).expanduser().absolute()))


def library_file(db: sqlite_utils.Database) -> Path:
    """The library's file (the current folder's `library.sqlite` for a library in memory)."""
    name = db.execute("PRAGMA database_list").fetchone()[2]
    return Path(name) if name else Path.cwd() / "library.sqlite"


# -- attaching


def attach_file(db: sqlite_utils.Database, paper_id: int, path: str | os.PathLike[str]) -> EntryState:
    """Add a file to the entry's `file` field in JabRef's format (`:papers/a.pdf:PDF`), after the files it names:
    relative to the attachment folder when it lies under it, else absolute. Only that field's bytes change;
    returns the entry as it was, for `editing.restore_entry`."""
    file = Path(path).expanduser().absolute()
    paper = paper_by_id(db, paper_id)
    if _is_attached(db, paper, file):
        raise CitedeskError(f"{file.name} is already attached to {paper.citekey}")
    name, old = _file_field(paper)
    return edit_paper(db, paper_id, {name: appended(old, jabref_item(file, attachment_folder(db)))})


def jabref_item(file: Path, folder: Path) -> str:
    """One item of JabRef's `file` field for a file: `:relative/path.pdf:PDF`, escaped as JabRef escapes."""
    written = _written_path(file, folder)
    escaped = written.replace("\\", "\\\\").replace(":", "\\:").replace(";", "\\;")
    return f":{escaped}:{_file_type(file)}"


def appended(old: str | None, item: str) -> str:
    """The raw `file` value with an item added after those it has, in the delimiters it had."""
    if old is None:
        return "{" + item + "}"
    delimiter = splice.delimiter_of(old)
    inner = old.strip()[1:-1] if delimiter else evaluate(old, {})
    separator = "" if not inner.strip() or inner.rstrip().endswith(";") else ";"
    joined = inner + separator + item
    return f'"{joined}"' if delimiter == '"' and '"' not in item else "{" + joined + "}"


def _written_path(file: Path, folder: Path) -> str:
    for inner, outer in ((file, folder.absolute()), (file.resolve(), folder.resolve())):
        if inner.is_relative_to(outer):
            return inner.relative_to(outer).as_posix()
    return str(file)


def _file_type(file: Path) -> str:
    """JabRef's name of the file's type: "PDF", else its extension in capitals."""
    return file.suffix[1:].upper()


def _file_field(paper: Paper) -> tuple[str, str | None]:
    """The name the entry gives its `file` field (`File` stays so) and its raw value; ("file", None) without one."""
    return next(((name, raw) for name, raw in paper.fields if name.lower() == "file"), ("file", None))


def _is_attached(db: sqlite_utils.Database, paper: Paper, file: Path) -> bool:
    wanted = file.resolve()
    return any(
        not link.is_url and Path(link.target).resolve() == wanted
        for link in attached_links(paper, folders_of(db, paper))
    )
