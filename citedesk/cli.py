"""The `citedesk` command: argument parsing and terminal output, nothing else."""

from __future__ import annotations

import argparse
import getpass
import logging
import sqlite3
import sys
import textwrap
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from citedesk import __version__, jobs, reads, system_libs
from citedesk.jobs import (
    FORMAT_NAMES,
    FORMATS,
    MAX_BIBLIOGRAPHY_BYTES,
    PREVIEW_ROWS,
    StatementLayout,
    StatementPreview,
    describe_columns,
    parse_columns,
    repair_library,
    sources_panel,
)
from citedesk.model import Cancelled, CitedeskError, count, problem_line
from citedesk.plugins import Registry, build_registry
from citedesk.reads import LIBRARY_ENV, damage_error, default_library_path, is_damage, on_wait, visible

if TYPE_CHECKING:
    from citedesk.commands import Command

log = logging.getLogger(__name__)
if TYPE_CHECKING:  # what add_subparsers returns (argparse names its class privately)
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status. The plug-in registry is built once, here: every
    command finds it in `args.registry`."""
    registry = build_registry()
    args = _parser(registry).parse_args(argv)
    on_wait(
        lambda path: print(
            f"citedesk: waiting for another CiteDesk to finish writing to {path}…", file=sys.stderr, flush=True
        )
    )
    try:
        return args.run(args) or 0
    except CitedeskError as exc:
        print(f"citedesk: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:  # a damaged page met while a command read the library
        if not is_damage(exc):
            raise
        library = Path(args.library).expanduser() if args.library else default_library_path()
        print(f"citedesk: {damage_error(library, exc)}", file=sys.stderr)
        return 1
    except (Cancelled, KeyboardInterrupt):
        print("citedesk: cancelled, the library is as it was", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _parser(registry: Registry) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citedesk",
        description="A reference manager that shows the statements citing each paper.",
        epilog=f"The library is one SQLite file; by default {default_library_path()} (or ${LIBRARY_ENV}).",
    )
    parser.add_argument("--version", action="version", version=f"citedesk {__version__}")
    parser.add_argument("--library", metavar="PATH", help="the library file to use")
    parser.add_argument("--screenshot", metavar="PNG", help="render the window offscreen to a PNG file and exit")
    parser.add_argument("--select", metavar="KEY", help="select the paper with this key when the window opens")
    parser.add_argument(
        "--explain",
        dest="open_explanation",
        action="store_true",
        help="with --select: open the plain-language reading of that paper's report",
    )
    parser.set_defaults(run=_run_window, registry=registry)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_import(commands, registry)
    _add_export(commands, registry)
    _add_command(commands, "list", _run_list, "list papers, optionally matching a search").add_argument(
        "query", nargs="*", help="words to search for in titles, authors, venues, abstracts, keywords, keys"
    )
    show = _add_command(commands, "show", _run_show, "show one paper: fields, abstract and citing statements")
    show.add_argument("key", help="the paper's citation key")
    show.add_argument(
        "--limit",
        type=int,
        default=20,
        metavar="N",
        help="show the statements of at most N citing papers (default 20; 0 for all)",
    )
    show.add_argument(
        "--explain",
        action="store_true",
        help="instead of the fields and statements, say in plain words what the paper's citation counts show",
    )
    _add_command(commands, "stats", _run_stats, "counts of papers, files and statements")
    statements = _add_command(
        commands, "import-statements", _run_import_statements, "load citing statements from a file"
    )
    statements.add_argument("file", help="JSON Lines, CSV or TSV file (see docs/statement-files.md)")
    statements.add_argument(
        "--columns",
        metavar="FIELD=COLUMN,...",
        help="which column holds which field: numbers from 0 (a file without a header line), "
        "header names or JSON keys, e.g. cited_key=1,citing_key=0,label=2,text=3",
    )
    statements.add_argument(
        "--format",
        choices=FORMATS,
        help="read the file as this (default: from its extension, else from its first line)",
    )
    statements.add_argument(
        "--header",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="whether the first row of a CSV/TSV file names the columns (default: it does, "
        "unless --columns gives column numbers only)",
    )
    statements.add_argument(
        "--preview",
        action="store_true",
        help="show how the first rows would be read and stored, each with its problem; store nothing",
    )
    statements.add_argument(
        "--preview-rows",
        type=int,
        default=PREVIEW_ROWS,
        metavar="N",
        help=f"how many rows --preview shows (default {PREVIEW_ROWS})",
    )
    statements.add_argument("-v", "--verbose", action="store_true", help="list every row that was not stored")
    _add_refresh(commands)
    _add_command(
        commands,
        "repair",
        _run_repair,
        "copy what can still be read of a damaged library into a new "
        "one, which takes its place (the damaged file is kept as NAME.damaged-DATE.sqlite)",
    ).add_argument(
        "-o",
        "--output",
        metavar="NEW.sqlite",
        help="write the repaired library here instead, and leave the damaged one as it is",
    )
    _add_sources(commands)
    classify = _add_command(
        commands, "classify", _run_classify, "classify the library's statements, or a JSON Lines file of sentences"
    )
    classify.add_argument(
        "--input", metavar="FILE.jsonl", help='sentences to classify, one JSON object with a "text" per line'
    )
    classify.add_argument("--output", metavar="OUT.jsonl", help='where to write them with "label" and "confidence"')
    classify.add_argument(
        "--classifier",
        metavar="NAME",
        choices=list(registry.classifiers),
        help="use this classifier from now on (the library's statements are labelled again); "
        f"installed: {', '.join(registry.classifiers)} (see `citedesk plugins`)",
    )
    _add_plugin_commands(commands, registry)
    return parser


def _add_plugin_commands(commands: Subcommands, registry: Registry) -> None:
    """A subcommand for each registered command (`citedesk plugins` is one); one whose name is taken, or whose
    arguments cannot be declared, is a line in `registry.broken`."""
    for command in registry.commands.values():
        if command.name in commands.choices:
            registry.broken.append(
                f"{registry.plugin_of('commands', command.name)}: a command named {command.name!r} is already built in"
            )
            continue
        parser = _add_command(commands, command.name, partial(_run_plugin, command), command.help)
        try:
            command.add_arguments(parser)
        except Exception as exc:  # a third party's bug must not stop the other commands
            registry.broken.append(
                f"{registry.plugin_of('commands', command.name)}: the arguments of "
                f"{command.name!r} failed ({type(exc).__name__}: {exc})"
            )


def _run_plugin(command: Command, args: argparse.Namespace) -> int:
    """Run a registered command; a bug in it is one line, not a traceback."""
    try:
        return command.run(args, args.registry)
    except (CitedeskError, Cancelled, KeyboardInterrupt, BrokenPipeError, sqlite3.DatabaseError):
        raise
    except Exception as exc:
        log.info("the command %s failed", command.name, exc_info=True)
        raise CitedeskError(f"the command {command.name!r} failed ({type(exc).__name__}: {exc})") from None


def _add_command(
    commands: Subcommands, name: str, run: Callable[[argparse.Namespace], int | None], help_text: str
) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = commands.add_parser(name, help=help_text, description=help_text)
    command.add_argument("--library", metavar="PATH", default=argparse.SUPPRESS, help="the library file to use")
    command.set_defaults(run=run)
    return command


def _formats_help(registry: Registry) -> str:
    """The installed formats as help text: "BibTeX (.bib, .bibtex, .biblatex), RIS (.ris), ..."."""
    return ", ".join(f"{f.label} ({', '.join(f.extensions)})" for f in registry.formats.values())


def _add_import(commands: Subcommands, registry: Registry) -> None:
    labels = ", ".join(f.label for f in registry.formats.values())
    command = _add_command(commands, "import", _run_import, f"import bibliography files ({labels}) into the library")
    command.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help=f"files in an installed format: "
        f"{_formats_help(registry)}; each is recognised by its content, else by its extension",
    )
    command.add_argument(
        "--allow-duplicates",
        action="store_true",
        help="import entries whose key or DOI is already in the library, under a suffixed key",
    )
    command.add_argument("-v", "--verbose", action="store_true", help="list every skipped or failed block")
    command.add_argument(
        "--max-size",
        type=float,
        metavar="MB",
        default=MAX_BIBLIOGRAPHY_BYTES / 1e6,
        help=f"refuse files larger than this (default {MAX_BIBLIOGRAPHY_BYTES / 1e6:.0f} MB)",
    )


def _add_export(commands: Subcommands, registry: Registry) -> None:
    command = _add_command(commands, "export", _run_export, "export BibTeX, or another installed format")
    command.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write")
    command.add_argument(
        "--format",
        choices=list(registry.formats),
        metavar="NAME",
        help=f"write this format: {', '.join(registry.formats)} (default: the one OUT's extension "
        f"names, else bibtex; {_formats_help(registry)})",
    )
    which = command.add_mutually_exclusive_group()
    which.add_argument("--keys", nargs="+", metavar="KEY", help="only these papers")
    which.add_argument("--file-of", metavar="SOURCE", help="one imported file, byte for byte as it was")
    command.add_argument("--latex", action="store_true", help="write non-ASCII letters as LaTeX for old BibTeX")


def _add_refresh(commands: Subcommands) -> None:
    command = _add_command(commands, "refresh", _run_refresh, "fetch citation data from the scholarly APIs")
    command.add_argument("keys", nargs="*", metavar="KEY", help="the papers to refresh")
    command.add_argument("--all", action="store_true", help="refresh every paper in the library")
    command.add_argument("--watched", action="store_true", help="refresh the watched papers (see `citedesk watch`)")
    command.add_argument(
        "--source", action="append", metavar="NAME", help="only this source (repeatable; see `citedesk sources`)"
    )
    command.add_argument("--force", action="store_true", help="fetch again what was fetched recently")
    command.add_argument("-v", "--verbose", action="store_true", help="list every problem")


def _add_sources(commands: Subcommands) -> None:
    command = _add_command(
        commands, "sources", _run_sources, "list the citation sources, enable, disable or give them a key"
    )
    command.add_argument("--enable", action="append", default=[], metavar="NAME", help="use this source in refreshes")
    command.add_argument("--disable", action="append", default=[], metavar="NAME", help="do not use this source")
    command.add_argument(
        "--set-key", metavar="NAME", help="read an API key for the source from standard input into the keyring"
    )
    command.add_argument("--clear-key", metavar="NAME", help="remove the source's API key from the keyring")
    command.add_argument(
        "--mailto", metavar="EMAIL", help="your e-mail, sent to Crossref and OpenAlex (their polite pools)"
    )
    command.add_argument(
        "--max-age", type=float, metavar="DAYS", help="a refresh skips what was fetched within this many days"
    )


def _run_refresh(args: argparse.Namespace) -> int:
    if sum((bool(args.keys), args.all, args.watched)) != 1:
        raise CitedeskError("name the papers to refresh (KEY ...), or use --all or --watched")
    progress = _TerminalProgress("Fetching")
    options = {"sources": args.source, "force": args.force, "progress": progress, "registry": args.registry}
    if args.watched:
        report = jobs.refresh_watched(args.library, **options)
    else:
        report = jobs.refresh(args.library, None if args.all else args.keys, **options)
    progress.end()
    lines = [problem_line(p) for p in report.problems]
    _print_some(lines, None if args.verbose else _SHOWN_PROBLEMS)
    print(report.summary())
    if report.new_statements:
        _classify_accurately(args)
    return 0


def _run_sources(args: argparse.Namespace) -> int:
    registry = args.registry
    changes = sources_panel.change_settings(args.enable, args.disable, args.mailto, args.max_age, registry=registry)
    if args.set_key:
        key = (
            sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass(f"API key for {args.set_key}: ")
        )
        sources_panel.set_key(args.set_key, key, registry=registry)
        changes.append(f"kept the key of {args.set_key} in the keyring")
    if args.clear_key:
        sources_panel.set_key(args.clear_key, None, registry=registry)
        changes.append(f"removed the key of {args.clear_key}")
    for line in changes:
        print(line)
    for row in sources_panel.describe_sources(registry=registry):
        print(
            f"{row.name:<16} {'enabled ' if row.enabled else 'disabled'}  {row.label:<18} {row.url}"
            f"{'  (key set)' if row.has_key else ''}{'  [' + row.origin + ']' if row.origin != 'built-in' else ''}"
        )
    for line in registry.broken:
        print(f"broken plug-in: {line}", file=sys.stderr)
    return 0


def _run_classify(args: argparse.Namespace) -> int:
    if bool(args.input) != bool(args.output):
        raise CitedeskError("give both --input and --output, or neither (to classify the library's statements)")
    if args.classifier:
        print(
            f"Statements are labelled by {jobs.choose_classifier(args.classifier, registry=args.registry)} from now on"
        )
    if args.input:
        count = jobs.classify_file(args.input, args.output, registry=args.registry)
        print(f"Classified {count:,} sentence(s) into {args.output}")
        return 0
    _classify_accurately(args)
    return 0


def _classify_accurately(args: argparse.Namespace) -> None:
    """Give statements the chosen classifier's labels (the fast one labelled them as they were stored)."""
    progress = _TerminalProgress("Classifying")
    report = jobs.classify(args.library, progress=progress, registry=args.registry)
    progress.end()
    print(report.summary())


def _run_window(args: argparse.Namespace) -> int:
    """Open the window; Qt is imported only here, so the other commands start fast without it."""
    problem = None if args.screenshot else system_libs.window_problem()
    if problem:
        raise CitedeskError(problem)
    try:
        from citedesk.gui.app import run
    except ImportError as exc:
        raise CitedeskError(f"The window cannot start: {exc}. The commands (citedesk --help) still work.") from exc
    return run(args.library, args.screenshot, args.select, registry=args.registry, explain=args.open_explanation)


def _run_import(args: argparse.Namespace) -> int:
    progress = _TerminalProgress("Importing")
    report = jobs.import_bibtex(
        args.library,
        args.files,
        progress=progress,
        allow_duplicates=args.allow_duplicates,
        max_bytes=int(args.max_size * 1e6),
        registry=args.registry,
    )
    progress.end()
    limit = None if args.verbose else _SHOWN_PROBLEMS
    refused = [p.reason for p in report.refused]
    failed = [f"{p.source}:{p.line}: failed to parse: {p.reason}" for p in report.failed]
    damaged = [f"{p.source}:{p.line}: {p.reason}" for p in report.bad_bytes]
    skipped = [f"{p.source}:{p.line}: skipped {p.key}: {p.reason}" for p in report.duplicates]
    renamed = [
        f"imported {'an entry without a key' if not old else 'duplicate ' + old} as {new}"
        for old, new in report.renamed
    ]
    for lines in (refused, failed, damaged, skipped, renamed):
        _print_some([visible(line) for line in lines], limit)
    print(report.summary())
    return 1 if report.refused else 0


_SHOWN_PROBLEMS = 20


def _print_some(lines: list[str], limit: int | None) -> None:
    """Print lines to stderr, at most `limit` of them and a count of the rest."""
    for line in lines[:limit]:
        print(line, file=sys.stderr)
    if limit is not None and len(lines) > limit:
        print(f"... and {len(lines) - limit} more like these (--verbose lists them all)", file=sys.stderr)


def _run_export(args: argparse.Namespace) -> int:
    result = jobs.export_bibtex(
        args.library,
        args.output,
        keys=args.keys,
        file_of=args.file_of,
        seven_bit=args.latex,
        format_name=args.format,
        registry=args.registry,
    )
    print(f"Wrote {count(result.entries, 'entry')} ({result.size:,} bytes) to {result.path}")
    return 0


def _run_repair(args: argparse.Namespace) -> int:
    progress = _TerminalProgress("Repairing")
    result = repair_library(args.library, args.output, progress)
    progress.end()
    print(result.summary())
    return 0


def _run_list(args: argparse.Namespace) -> int:
    with reads.Reads.open(args.library) as library:
        for row in library.search(" ".join(args.query)):
            print(
                visible(f"{row.citekey:<24} {row.year or '    '}  {_clip(row.authors, 22):<22}  {_clip(row.title, 70)}")
            )
    return 0


def _run_show(args: argparse.Namespace) -> int:
    with reads.Reads.open(args.library) as library:
        paper = library.paper_by_key(args.key)
        if args.explain:
            labels = {name: source.label for name, source in args.registry.sources.items()}
            _show(f"{paper.citekey}  ({paper.year or 'no year'})  {paper.title or '(no title)'}")
            for paragraph in library.explanation(paper.id, labels).paragraphs:
                _show("\n" + textwrap.fill(paragraph, 88, initial_indent="  ", subsequent_indent="  "))
            return 0
        _print_paper(paper)
        _print_links(library.links(paper.id))
        citing = reads.works_newest_first(library.statements(paper.id, reads.Direction.CITED_BY))
        _print_citations(library.counts(paper.id), citing, args.limit)
    return 0


def _run_stats(args: argparse.Namespace) -> int:
    with reads.Reads.open(args.library) as library:
        stats = library.stats()
    print(f"Library: {stats.path}")
    for label, number in (("Papers", stats.papers), ("Imported files", stats.files), ("Citing works", stats.works)):
        print(f"{label + ':':<20}{number:>10,}")
    print(f"{'Statements:':<20}{stats.statements:>10,}")
    for stance, number in stats.stances:
        print(f"  {stance + ':':<18}{number:>10,}")
    for name, number in stats.per_file:
        print(f"  {number:>8,}  {name}")
    return 0


def _run_import_statements(args: argparse.Namespace) -> int:
    columns = parse_columns(args.columns) if args.columns is not None else ()
    layout = StatementLayout(columns, args.format, args.header)
    if args.preview:
        return _print_statement_preview(
            jobs.preview_statements(args.library, args.file, layout=layout, limit=max(args.preview_rows, 0))
        )
    progress = _TerminalProgress("Loading")
    report = jobs.import_statements(args.library, args.file, progress=progress, layout=layout)
    progress.end()
    problems = [f"{p.source}:{p.line}: {p.reason}" for p in [*report.unmatched, *report.invalid]]
    _print_some(problems, None if args.verbose else _SHOWN_PROBLEMS)
    print(report.summary())
    _classify_accurately(args)
    return 0


def _print_statement_preview(preview: StatementPreview) -> int:
    if preview.error:
        raise CitedeskError(preview.error)
    assert preview.format is not None  # a preview without an error has read the file's format
    header = "" if preview.format == "jsonl" else " with a header line" if preview.header else " without a header line"
    _show(
        f"{Path(preview.path).name}: {FORMAT_NAMES[preview.format]}{header}; "
        f"read as --columns {describe_columns(preview.mapping)}"
    )
    for row in preview.rows:
        _show(f"line {row.line}" + (f" (not stored: {row.problem})" if row.problem else ""))
        for name, value in row.values:
            _show(f"  {name + ':':<16}{textwrap.shorten(value, 100, placeholder=' …')}")
    return 0


def _print_paper(paper: reads.Paper) -> None:
    _show(f"{paper.citekey}  (@{paper.entry_type})")
    _show(f"  {paper.title or '(no title)'}")
    for label, value in (
        ("Authors", paper.authors),
        ("Year", paper.year),
        ("Venue", paper.venue),
        ("Doi", paper.doi),
        ("Arxiv", paper.arxiv),
        ("Url", paper.url),
        ("Keywords", paper.keywords),
    ):
        if value:
            _show(f"  {label + ':':<10}{value}")
    if paper.abstract:
        heading = f"Abstract (fetched from {paper.abstract_source})" if paper.abstract_source else "Abstract"
        _show(f"\n{heading}\n" + textwrap.fill(paper.abstract, 88, initial_indent="  ", subsequent_indent="  "))
    _show("\nBibTeX fields")
    for name, value in paper.fields:
        _show(f"  {name} = {' '.join(value.split())}")


def _print_links(links: Sequence[reads.Link]) -> None:
    """The paper's files and links: "PDF  /home/me/papers/tse.pdf (missing)", "DOI  https://doi.org/..."."""
    if links:
        _show("\nFull text and links")
    for link in links:
        _show(f"  {link.label + ':':<18}{link.target}{'' if link.exists else '  (missing)'}")


def _show(text: str = "") -> None:
    """Print text with control characters and bidirectional overrides escaped, never obeyed."""
    print(visible(text))


def _print_citations(counts: reads.Counts, groups: list[reads.Group], limit: int = 0) -> None:
    _show(
        f"\nCited by {counts.cited_by:,} publications ({counts.citation_statements:,} citation statements); "
        f"references {counts.references:,} publications ({counts.reference_statements:,} reference statements)"
    )
    if not counts.citation_statements:
        _show("  No citing statements are stored for this paper yet.")
        return
    _show("  " + " · ".join(f"{stance.value} {number:,}" for stance, number in counts.stances().items()))
    for group in groups[: limit or None]:
        _print_work(group.work)
        for statement in group.items:
            _show(textwrap.fill(statement.text, 88, initial_indent="      • ", subsequent_indent="        "))
            _show(f"        {_describe(statement)}")
    if limit and len(groups) > limit:
        _show(f"\n  … and {count(len(groups) - limit, 'more citing paper')} (--limit 0 shows them all)")


def _print_work(work: reads.Work) -> None:
    """A citing work's title line as the statements pane shows it ("ACL Anthology W06-3112" for a work known
    only by an id), then its authors and venue, or where its id leads."""
    _show(f"\n  {work.year or '----'}  {work.display_title}")
    if work.authors or work.venue:
        _show(f"        {_clip(work.authors, 50)}{' — ' + work.venue if work.venue else ''}")
    elif work.known_by is not None and work.link:
        _show(f"        only its id is known: {work.link}")


def _describe(statement: reads.Item) -> str:
    confidence = f", confidence {statement.confidence:.0%}" if statement.confidence is not None else ""
    section = statement.raw_section or statement.section.value
    return f"[{statement.stance.value}{confidence}; section: {section}; source: {statement.source}]"


def _clip(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


class _TerminalProgress:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        self.label, self.shown = label, False

    def __call__(self, done: int, total: int) -> None:
        if sys.stderr.isatty():
            filled = 30 * done // max(total, 1)
            percent = 100 * done // max(total, 1)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%")
            sys.stderr.flush()
            self.shown = True

    def end(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
