"""What every `citedesk` subcommand added by a plug-in is: a name, a one-line help, its arguments and a run."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from citedesk.plugins import Registry


class Command:
    """A subcommand. A plug-in subclasses it and implements `add_arguments` and `run`; it is registered through
    the `citedesk_commands` hook as an instance. `run` returns the exit status; a `CitedeskError` it raises is
    shown as one line, like the built-in commands' errors."""

    api_version: ClassVar[int] = 1
    name: ClassVar[str]  # "citedesk NAME ..."
    help: ClassVar[str]  # one line, shown by `citedesk --help`
    version: ClassVar[str] = ""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Declare the command's arguments (the parser already has --library)."""

    def run(self, args: argparse.Namespace, registry: Registry) -> int:
        """Do the command's work."""
        raise NotImplementedError
