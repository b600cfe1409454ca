"""A file to import, made ready for the importer: BibTeX as it is; another format's records as BibTeX
entries (UTF-8) that keep the lines of the records they came from; or refused in one sentence."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from citedesk.formats.base import Format
from citedesk.formats.bibtex import bibtex_text
from citedesk.formats.sniffing import recognise
from citedesk.library.bibtex.encoding import Decoded, decode_bytes
from citedesk.library.importer import FileImport
from citedesk.library.input_files import not_bibtex_reason, not_text_reason
from citedesk.library.parsing import Block, parse_pieces, parse_text
from citedesk.model import ImportReport, Problem

BIBTEX = "bibtex"


def prepare_file(
    path: Path,
    data: bytes,
    formats: Sequence[Format],
    report: ImportReport,
    workers: int = 1,
) -> FileImport | None:
    """The file ready to store, in the format that claims its first bytes (else the one its extension
    names, else BibTeX); None when it is refused (the reason is in `report.refused`)."""
    chosen = recognise(data, path, formats)
    if chosen is None or chosen.name == BIBTEX:
        others = [candidate.label for candidate in formats if candidate.name != BIBTEX] if chosen is None else []
        return _bibtex_file(path, data, report, workers, others)
    return _converted_file(path, data, chosen, report)


def _bibtex_file(path: Path, data: bytes, report: ImportReport, workers: int, others: list[str]) -> FileImport | None:
    """A BibTeX file as it is, the lines of invalid bytes it keeps noted; refused if it holds no BibTeX."""
    decoded = decode_bytes(data)
    reason = not_bibtex_reason(decoded.text)
    if reason:
        also = f", nor is it {' or '.join(others)}" if others and reason.startswith("there is no BibTeX") else ""
        report.refused.append(Problem(str(path), 0, f"{path} is not a BibTeX file: {reason}{also}"))
        return None
    report.bad_bytes += [
        Problem(str(path), line, "invalid UTF-8 bytes, kept as they are (shown as \ufffd)")
        for line in decoded.bad_byte_lines
    ]
    return FileImport(path, data, decoded, parse_pieces(decoded.text, workers))


def _converted_file(path: Path, data: bytes, chosen: Format, report: ImportReport) -> FileImport | None:
    """Another format's records as BibTeX entries; what could not be read is in `report.failed`."""
    reason = not_text_reason(decode_bytes(data).text)
    if reason is None:
        try:
            result = chosen.read(data, str(path))
        except Exception as exc:
            reason = f"it could not be read ({type(exc).__name__}: {exc})"
        else:
            report.failed += result.problems
            if result.records:
                text, lines = bibtex_text(result.records)
                return FileImport(
                    path,
                    data,
                    Decoded(text, "utf-8", False, "\n"),
                    _with_lines(text, lines),
                    chosen.name,
                )
            reason = "no record in it could be read" if result.problems else "there are no records in it"
    report.refused.append(Problem(str(path), 0, f"{path} is not a {chosen.label} file: {reason}"))
    return None


def _with_lines(text: str, lines: dict[int, int]) -> Iterator[list[Block]]:
    """The generated entries, each with the line of the record it came from."""
    yield [block._replace(line=lines.get(block.line, block.line)) for block in parse_text(text)]
