"""`citedesk share connect|status|disconnect` and `citedesk sync`: a library shared through PostgreSQL."""

from __future__ import annotations

import argparse

from citedesk import jobs
from citedesk.commands import Command
from citedesk.jobs.sharing import Prefer, SyncReport
from citedesk.model import problem_line
from citedesk.plugins import Registry, hookimpl


class ShareCommand(Command):
    """Connect this library to a shared PostgreSQL library, say where it stands, or disconnect it."""

    name = "share"
    help = "connect the library to a shared PostgreSQL library (share connect URL), or show its status"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        connect = actions.add_parser("connect", help="connect and sync: postgresql://user[:password]@host/db")
        connect.add_argument("url", help="postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]")
        actions.add_parser("status", help="the shared library, the changes waiting to be sent, the conflicts")
        actions.add_parser("disconnect", help="stop syncing (the papers stay in this library)")

    def run(self, args: argparse.Namespace, registry: Registry) -> int:
        if args.action == "connect":
            print_report(jobs.connect_shared(args.library, args.url))
        elif args.action == "disconnect":
            jobs.disconnect_shared(args.library)
            print("Disconnected; the papers stay in this library.")
        else:
            status = jobs.share_status(args.library)
            if status.url is None:
                print("Not connected to a shared library (citedesk share connect URL).")
                return 0
            print(f"Shared library: {status.url}")
            print(f"Changes waiting to be sent: {status.waiting:,}")
            if status.kept_here:
                print(f"Changes kept here only (the server refused them): {status.kept_here:,}")
            print(f"Conflicts: {', '.join(status.conflicts) if status.conflicts else 'none'}")
        return 0


class SyncCommand(Command):
    """Send this library's changes to the shared library and take everyone else's."""

    name = "sync"
    help = "sync with the shared library; --prefer mine|theirs settles papers changed on both sides"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--prefer", choices=[p.value for p in Prefer], help="settle conflicts this way")

    def run(self, args: argparse.Namespace, registry: Registry) -> int:
        report = jobs.sync_shared(args.library, prefer=Prefer(args.prefer) if args.prefer else None)
        print_report(report)
        return 3 if report.conflicts else 0


def print_report(report: SyncReport) -> None:
    for problem in report.problems:
        print(problem_line(problem))
    print(report.summary())
    if report.conflicts:
        print(
            f"Changed here and in the shared library: {', '.join(report.conflicts)}. Both versions are kept: "
            "choose in the window, or run citedesk sync --prefer mine (or theirs)."
        )


@hookimpl
def citedesk_commands() -> list[Command]:
    return [ShareCommand(), SyncCommand()]
