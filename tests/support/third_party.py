"""A third party's CiteDesk plug-in package, written on the fly: its own distribution (a dist-info folder
with METADATA and an entry point in the `citedesk` group) beside its module, in a folder to put on sys.path
or PYTHONPATH, as pip would install it. It adds one format, one statement facet and one classifier."""

from __future__ import annotations

from pathlib import Path

DISTRIBUTION, VERSION = "citedesk-tinyplug", "1.2"
FORMAT, FACET, CLASSIFIER = "tsv-list", "length", "hedges"
CLASSIFIER_VERSION = "hedges-1"

MODULE = '''"""A tiny CiteDesk plug-in: tab-separated lists of papers, a filter by statement length, a classifier
that calls a sentence with "not" in it contrasting."""

from citedesk.classify.plugin import StanceClassifier, Verdict
from citedesk.formats.base import Date, Format, ReadResult, Record
from citedesk.library.facets import Facet
from citedesk.model import Problem, Stance
from citedesk.plugins import hookimpl

HEADER = b"#tsv-list\\n"


class TsvList(Format):
    name = "tsv-list"
    label = "TSV list"
    extensions = (".tsvlist",)

    def sniff(self, head):
        return head.startswith(HEADER)

    def read(self, data, source):
        records, problems = [], []
        for number, line in enumerate(data.decode("utf-8").splitlines()[1:], start=2):
            parts = line.split("\\t")
            if len(parts) != 3 or not parts[2].isdigit():
                problems.append(Problem(source, number, "not KEY, TITLE and YEAR"))
                continue
            key, title, year = parts
            records.append(Record(type="article-journal", key=key, fields=(("title", title),),
                                  dates=(("issued", Date(((int(year),),))),), line=number))
        return ReadResult(tuple(records), tuple(problems))

    def write(self, records):
        lines = [f"{r.key}\\t{r.get('title', '')}\\t{r.date().year if r.date() else ''}\\n" for r in records]
        return HEADER + "".join(lines).encode("utf-8")


def length(item):
    return ("long",) if len(item.text) > 60 else ("short",)


class Hedges(StanceClassifier):
    name = "hedges"
    label = "Hedge words"
    version = "hedges-1"

    def classify(self, sentences):
        return [Verdict(Stance.CONTRASTING if " not " in f" {s.text} " else Stance.MENTIONING, 0.75) for s in sentences]


@hookimpl
def citedesk_formats():
    return [TsvList()]


@hookimpl
def citedesk_statement_facets():
    return [Facet("length", "Length", length, str.capitalize, order=70)]


@hookimpl
def citedesk_classifiers():
    return [Hedges()]
'''


def install_plugin_package(folder: Path) -> Path:
    """Write the package and its distribution's metadata into `folder`; the folder to put on the path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tinyplug.py").write_text(MODULE, encoding="utf-8")
    info = folder / f"{DISTRIBUTION.replace('-', '_')}-{VERSION}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {DISTRIBUTION}\nVersion: {VERSION}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[citedesk]\ntinyplug = tinyplug\n", encoding="utf-8")
    (info / "top_level.txt").write_text("tinyplug\n", encoding="utf-8")
    return folder
