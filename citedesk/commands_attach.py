"""`citedesk attach KEY FILE...` and `citedesk attachment-folder [PATH]`: link files to papers, in JabRef's format."""

from __future__ import annotations

import argparse
from pathlib import Path

from citedesk import jobs
from citedesk.commands import Command
from citedesk.plugins import Registry, hookimpl
from citedesk.reads import Reads


class AttachCommand(Command):
    """Write files into a paper's `file` field (relative to the attachment folder when they are in it)."""

    name = "attach"
    help = "attach files (a PDF) to a paper: written into its file field as JabRef writes it"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("key", help="the paper's citation key")
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="the files to attach")

    def run(self, args: argparse.Namespace, registry: Registry) -> int:
        with Reads.open(args.library) as library:
            paper = library.paper_by_key(args.key)
        for file in args.files:
            jobs.attach_file(args.library, paper.id, file)
            print(f"Attached {file} to {paper.citekey}")
        return 0


class AttachmentFolderCommand(Command):
    """Show or set the folder that relative attachment paths are read from and written against."""

    name = "attachment-folder"
    help = "show or set the library's attachment folder (relative file paths are read from it)"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("folder", nargs="?", type=Path, help="the new folder (omit it to show the folder)")
        parser.add_argument("--reset", action="store_true", help="back to the folder 'attachments' beside the library")

    def run(self, args: argparse.Namespace, registry: Registry) -> int:
        if args.folder is None and not args.reset:
            print(jobs.attachment_folder(args.library))
            return 0
        folder = jobs.set_attachment_folder(args.library, None if args.reset else args.folder)
        print(f"Attachment folder: {folder}")
        return 0


@hookimpl
def citedesk_commands() -> list[Command]:
    return [AttachCommand(), AttachmentFolderCommand()]
