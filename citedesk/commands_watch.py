"""`citedesk watch`, `unwatch` and `news`: watch papers, and read the citing statements stored since last shown."""

from __future__ import annotations

import argparse
import textwrap

from citedesk import jobs
from citedesk.commands import Command
from citedesk.model import count
from citedesk.plugins import Registry, hookimpl


class WatchCommand(Command):
    """Star papers: `citedesk news` and the window's Watched list then tell what is new on them."""

    name = "watch"
    help = "watch papers: their new citing statements show in `citedesk news` and the window's Watched list"
    watched = True

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("keys", nargs="+", metavar="KEY", help="the papers' citation keys")

    def run(self, args: argparse.Namespace, registry: Registry) -> int:
        changed = jobs.watch_keys(args.library, args.keys, watched=self.watched)
        verb = "Watching" if self.watched else "Stopped watching"
        unchanged = len(set(args.keys)) - changed
        state = "already watched" if self.watched else "not watched"
        note = f" ({count(unchanged, 'was', 'were')} {state})" if unchanged else ""
        print(f"{verb} {count(changed, 'paper')}{note}.")
        return 0


class UnwatchCommand(WatchCommand):
    """Stop watching papers."""

    name = "unwatch"
    help = "stop watching papers"
    watched = False


class NewsCommand(Command):
    """The new citing statements of the watched papers, grouped by paper; each is shown once."""

    name = "news"
    help = "the citing statements of watched papers stored since they were last shown or opened"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--keep", action="store_true", help="show them again next time (do not mark them seen)")

    def run(self, args: argparse.Namespace, registry: Registry) -> int:
        found = jobs.news(args.library, keep=args.keep)
        if not found:
            print("Nothing new on the watched papers (refresh them with `citedesk refresh --watched`).")
            return 0
        for entry in found:
            print(f"{entry.paper.citekey}  {entry.paper.title or ''}  ({count(len(entry.items), 'new statement')})")
            for item in entry.items:
                work = item.work
                print(f"  {work.display_title} ({work.year or 'n.d.'})  [{item.stance.value}]")
                print(textwrap.fill(item.text, width=100, initial_indent="    ", subsequent_indent="    "))
        return 0


@hookimpl
def citedesk_commands() -> list[Command]:
    return [WatchCommand(), UnwatchCommand(), NewsCommand()]
