"""What a person does with a library, as plain functions the command line and the window share.

Each job opens the library, does one thing in one transaction where it writes, and says what went wrong in one
sentence (a `CitedeskError`). The fronts import this package and nothing below it but `reads`, `model` and
`plugins`; the modules here group the jobs by what they do.
"""

from citedesk.jobs import sources_panel
from citedesk.jobs.attachments import attach_file, attachment_folder, set_attachment_folder
from citedesk.jobs.changes import (
    add_work,
    delete_tag,
    edit_paper,
    remove_papers,
    restore_paper_edit,
    restore_papers,
    tag_papers,
)
from citedesk.jobs.citing import (
    DEFAULT_STYLE,
    Reference,
    Style,
    citation_styles,
    cite_keys,
    cite_papers,
    references_html,
)
from citedesk.jobs.classifying import ClassifyReport, choose_classifier, classifier_in_use, classify, classify_file
from citedesk.jobs.exporting import ExportResult, bibtex_of, export_bibtex, export_listed
from citedesk.jobs.formats import export_format, format_of_file, installed_formats
from citedesk.jobs.importing import default_workers, import_bibtex
from citedesk.jobs.refreshing import refresh
from citedesk.jobs.sharing import (
    Conflict,
    FieldChoice,
    Prefer,
    ShareStatus,
    SyncReport,
    accept_deletion,
    connect_shared,
    disconnect_shared,
    settle_conflict,
    share_status,
    shared_conflicts,
    sync_shared,
    watch_shared,
)
from citedesk.jobs.statement_files import import_statements, preview_statements
from citedesk.jobs.watching import (
    News,
    days_since_watched_refresh,
    mark_seen,
    news,
    refresh_watched,
    watch_keys,
    watch_papers,
)
from citedesk.library.editing import EntryState
from citedesk.library.input_files import MAX_BIBLIOGRAPHY_BYTES
from citedesk.library.removal import Removed
from citedesk.library.repair import Repaired, repair_library
from citedesk.library.statement_columns import (
    FIELDS,
    FORMAT_NAMES,
    FORMATS,
    Column,
    StatementLayout,
    describe_columns,
    parse_columns,
)
from citedesk.library.statement_files import PREVIEW_ROWS, StatementPreview
from citedesk.sources.settings import load_settings

# What the fronts need besides the jobs to call them and show what they return: they import the core only
# through this package and citedesk.reads (see docs/architecture.md).
__all__ = [
    "DEFAULT_STYLE",
    "FIELDS",
    "FORMATS",
    "FORMAT_NAMES",
    "MAX_BIBLIOGRAPHY_BYTES",
    "PREVIEW_ROWS",
    "ClassifyReport",
    "Column",
    "Conflict",
    "EntryState",
    "ExportResult",
    "FieldChoice",
    "News",
    "Prefer",
    "Reference",
    "Removed",
    "Repaired",
    "ShareStatus",
    "StatementLayout",
    "StatementPreview",
    "Style",
    "SyncReport",
    "accept_deletion",
    "add_work",
    "attach_file",
    "attachment_folder",
    "bibtex_of",
    "choose_classifier",
    "citation_styles",
    "cite_keys",
    "cite_papers",
    "classifier_in_use",
    "classify",
    "classify_file",
    "connect_shared",
    "days_since_watched_refresh",
    "default_workers",
    "delete_tag",
    "describe_columns",
    "disconnect_shared",
    "edit_paper",
    "export_bibtex",
    "export_format",
    "export_listed",
    "format_of_file",
    "import_bibtex",
    "import_statements",
    "installed_formats",
    "load_settings",
    "mark_seen",
    "news",
    "parse_columns",
    "preview_statements",
    "references_html",
    "refresh",
    "refresh_watched",
    "remove_papers",
    "repair_library",
    "restore_paper_edit",
    "restore_papers",
    "set_attachment_folder",
    "settle_conflict",
    "share_status",
    "shared_conflicts",
    "sources_panel",
    "sync_shared",
    "tag_papers",
    "watch_keys",
    "watch_papers",
    "watch_shared",
]
