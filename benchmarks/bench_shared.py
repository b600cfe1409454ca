"""The shared library on a real PostgreSQL server: push a 100,000-paper library and pull it on a second client,
beside a plain COPY of the same rows into the same tables (the floor); and the time from an edit on one client to
its row changing in another client's open window.

Run: python benchmarks/bench_shared.py [--papers N] [--edits N]
Needs PostgreSQL's initdb and pg_ctl (tools/system-packages.sh tests installs them); the server is a throwaway
cluster in a temporary folder (tools/local_postgres.py). Targets (issue 14): push and pull within 3x the COPY, a
remote edit visible in under 1 s.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
SHARED = ROOT.parent / "shared"
ACL_PARTS = SHARED / "corpus" / "bibtex" / "acl-anthology-split" / "outputs" / "bibs"

import psycopg  # noqa: E402
from local_postgres import PostgresServer  # noqa: E402

from citedesk import jobs  # noqa: E402


def build_bib(path: Path, papers: int) -> Path:
    """Real entries (the ACL Anthology's), repeated under new keys (the copies without their DOIs) until there are
    `papers` of them."""
    text = b"".join(gzip.decompress(part.read_bytes()) for part in sorted(ACL_PARTS.glob("*/all_*.bib.gz")))
    entries = list(
        {  # one per key: the Anthology lists some papers twice
            re.match(rb"@\w+\{([^,\s]+),", entry)[1].lower(): entry  # type: ignore[index]
            for entry in re.findall(rb"@\w+\{[^,\s]+,.*?\n\}\n", text, flags=re.DOTALL)
        }.values()
    )
    with path.open("wb") as out:
        written = 0
        copy = 0
        while written < papers:
            for entry in entries:
                if written == papers:
                    break
                renamed = re.sub(rb"^(@\w+\{)([^,\s]+),", rb"\1\2-c%d," % copy, entry, count=1)
                if copy:  # a copy without the DOI, which the import would take for the same paper again
                    renamed = re.sub(rb"\n\s*doi\s*=\s*[{\"][^\n]*", b"", renamed, flags=re.IGNORECASE)
                out.write(renamed + b"\n")
                written += 1
            copy += 1
    return path


def timed(work):
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def copy_floor(server: PostgresServer, source_url: str) -> float:
    """The same files and papers rows, COPY'd out of the pushed database and COPY'd into an empty one with the
    same schema: what moving these bytes costs PostgreSQL itself."""
    target = server.url("floor")
    with psycopg.connect(target, autocommit=True) as conn:
        from citedesk.team import server as team_server

        team_server.migrate(conn)
    data = {}
    with psycopg.connect(source_url) as conn:  # the password from PGPASSWORD
        for table in ("source_files", "papers"):
            with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                data[table] = b"".join(bytes(chunk) for chunk in copy)
    start = time.perf_counter()
    with psycopg.connect(target) as conn:
        for table in ("source_files", "papers"):
            with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(data[table])
        conn.commit()
    return time.perf_counter() - start


def edit_latency(library_a: Path, library_b: Path, edits: int) -> list[float]:
    """Seconds from an edit saved on A (and its sync) to the row changing in B's open window, `edits` times."""
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from citedesk.gui.dialogs import Dialogs
    from citedesk.gui.mainwindow import MainWindow
    from citedesk.reads import Reads

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp())
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library_b, Reads.open(library_b), Dialogs(settings), settings, QIcon())
    window.resize(1200, 800)
    window.show()
    deadline = time.monotonic() + 60
    while window.sharing.url is None or window.sharing._syncing:
        app.processEvents()
        if time.monotonic() > deadline:
            raise RuntimeError("the window did not connect to the shared library")
        time.sleep(0.01)
    key_row = window.model.rows[0]
    key, paper_id = key_row.citekey, jobs.share_status  # noqa: F841
    with Reads.open(library_a) as reads:
        paper_id_a = reads.paper_id_of_key(key)
    found = []
    for n in range(edits):
        title = f"Edited on the other client, {n}"
        start = time.perf_counter()
        jobs.edit_paper(library_a, paper_id_a, fields={"title": "{" + title + "}"})
        jobs.sync_shared(library_a)
        while True:
            app.processEvents()
            row = window.model.row_of(key_row.id)
            if row is not None and window.model.rows[row].title == title:
                break
            if time.perf_counter() - start > 30:
                raise RuntimeError("the edit never showed in the other window")
            time.sleep(0.002)
        found.append(time.perf_counter() - start)
    window.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="citedesk-bench-"))
    folder.chmod(0o755)
    with PostgresServer(folder / "cluster") as server:
        url = server.url("bench")
        os.environ["PGPASSWORD"] = url.split(":")[2].split("@")[0]  # libpq's own: no keyring needed here
        url = url.replace(":" + os.environ["PGPASSWORD"] + "@", "@")
        bib = build_bib(folder / "library.bib", args.papers)
        a, b = folder / "a" / "library.sqlite", folder / "b" / "library.sqlite"
        imported = jobs.import_bibtex(a, [bib])
        push, sent = timed(lambda: jobs.connect_shared(a, url))
        pull, taken = timed(lambda: jobs.connect_shared(b, url))
        floor = copy_floor(server, url)
        latency = edit_latency(a, b, args.edits)
    rows = [
        ("PostgreSQL COPY of the same rows (the floor)", floor, ""),
        (f"CiteDesk push ({sent.sent:,} papers, 1 client)", push, f"{push / floor:.1f}x the COPY"),
        (f"CiteDesk pull ({taken.received:,} papers, a 2nd client)", pull, f"{pull / floor:.1f}x the COPY"),
    ]
    print(f"{imported.imported:,} papers ({bib.stat().st_size / 1e6:.0f} MB of BibTeX), PostgreSQL on 127.0.0.1")
    print(f"{'step':<56} {'seconds':>8}  vs the floor")
    for name, seconds, versus in rows:
        print(f"{name:<56} {seconds:>8.2f}  {versus}")
    print(
        f"{'an edit on one client, shown in the other window':<56} {statistics.median(latency):>8.2f}  "
        f"median of {len(latency)} (max {max(latency):.2f} s); target under 1 s"
    )


if __name__ == "__main__":
    main()
