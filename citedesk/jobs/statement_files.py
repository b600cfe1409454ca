"""Loading citing statements from JSON Lines, CSV or TSV files, and previewing such a file first."""

from __future__ import annotations

from citedesk.jobs.base import IsCancelled, PathLike, Progress, never, no_progress, opened, writing
from citedesk.jobs.classifying import label_new
from citedesk.library.statement_columns import StatementLayout
from citedesk.library.statement_files import PREVIEW_ROWS, StatementPreview
from citedesk.library.statement_store import preview_statement_import, store_statements
from citedesk.model import StatementImportReport


def preview_statements(
    library: PathLike | None,
    path: PathLike,
    *,
    layout: StatementLayout = StatementLayout(),  # noqa: B008 (frozen)
    limit: int = PREVIEW_ROWS,
) -> StatementPreview:
    """The first rows of a statement file as `import_statements` would read them, each with what would keep it
    from being stored; reads the library, writes nothing."""
    with opened(library) as db:
        return preview_statement_import(db, path, layout, limit)


def import_statements(
    library: PathLike | None,
    path: PathLike,
    *,
    progress: Progress = no_progress,
    cancelled: IsCancelled = never,
    layout: StatementLayout = StatementLayout(),  # noqa: B008 (frozen)
) -> StatementImportReport:
    """Load citing statements from a JSON Lines, CSV or TSV file read as `layout` says (see
    docs/statement-files.md) and label them with the fast classifier; `classify` then gives them the accurate
    one's labels."""
    with opened(library) as db, writing(db):
        report = store_statements(db, path, progress, cancelled, layout)
    label_new(library)
    return report
