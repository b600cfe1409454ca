"""`citedesk cite KEY...`: the papers' formatted references in a citation style, as text or HTML."""

from __future__ import annotations

import argparse

from citedesk import jobs
from citedesk.commands import Command
from citedesk.formats.references import references_html
from citedesk.model import CitedeskError
from citedesk.plugins import Registry, hookimpl


class CiteCommand(Command):
    """Print each paper's reference, in the order the keys are given (numbered where the style numbers)."""

    name = "cite"
    help = "print the formatted references of papers in a citation style (APA, IEEE, Vancouver, ...)"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("keys", nargs="*", metavar="KEY", help="the papers' citation keys")
        parser.add_argument(
            "--style",
            default=jobs.DEFAULT_STYLE,
            metavar="NAME",
            help=f"the citation style (default {jobs.DEFAULT_STYLE})",
        )
        parser.add_argument("--format", choices=("text", "html"), default="text", help="plain text, or HTML to paste")
        parser.add_argument("--list-styles", action="store_true", help="list the citation styles and stop")

    def run(self, args: argparse.Namespace, registry: Registry) -> int:
        if args.list_styles:
            for style in jobs.citation_styles():
                print(f"{style.name:<42} {style.title}")
            return 0
        if not args.keys:
            raise CitedeskError("Name the papers to cite: citedesk cite KEY... (see `citedesk list` for their keys)")
        references = jobs.cite_keys(args.library, args.keys, style=args.style)
        if args.format == "html":
            print(references_html(references))
        else:
            print("\n".join(reference.text for reference in references))
        return 0


@hookimpl
def citedesk_commands() -> list[Command]:
    return [CiteCommand()]
