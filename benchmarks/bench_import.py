"""Import and export the 34k-block ACL Anthology: CiteDesk beside bibtexparser's bare parse, in one run.

Run: python benchmarks/bench_import.py [--repeat N]
Each measurement runs in a fresh process (best of N), so peak memory is that step's own.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ACL_PARTS = SHARED / "corpus" / "bibtex" / "acl-anthology-split" / "outputs" / "bibs"

# Each step is a small program run in its own process; it prints {"seconds": ..., "detail": ...}.
STEPS = {
    "bibtexparser parse_string (bare)": """
import bibtexparser
text = open(BIB, encoding="utf-8").read()
start = time.perf_counter()
library = bibtexparser.parse_string(text)
seconds = time.perf_counter() - start
detail = f"{len(library.entries):,} entries, {len(library.failed_blocks):,} failed/duplicate blocks"
""",
    "CiteDesk import, 1 process (parse + store + index)": """
from citedesk import jobs
start = time.perf_counter()
report = jobs.import_bibtex(LIB + ".1", [BIB], workers=1)
seconds = time.perf_counter() - start
detail = f"{report.imported:,} papers, {len(report.duplicates):,} duplicates reported"
""",
    "CiteDesk import, all cores (parse + store + index)": """
from citedesk import jobs
start = time.perf_counter()
report = jobs.import_bibtex(LIB, [BIB])
seconds = time.perf_counter() - start
detail = f"{report.imported:,} papers, {len(report.duplicates):,} duplicates reported, {jobs.default_workers()} processes"
""",
    "CiteDesk export, whole library": """
from citedesk import jobs
start = time.perf_counter()
result = jobs.export_bibtex(LIB, OUT)
seconds = time.perf_counter() - start
detail = f"{result.entries:,} entries, {result.size / 1e6:.1f} MB"
""",
    "CiteDesk export, the file byte for byte": """
from citedesk import jobs
start = time.perf_counter()
result = jobs.export_bibtex(LIB, OUT, file_of="acl.bib")
seconds = time.perf_counter() - start
same = open(OUT, "rb").read() == open(BIB, "rb").read()
detail = f"{result.size / 1e6:.1f} MB, identical to the input: {same}"
""",
}
PRELUDE = """
import json, os, resource, sys, time
BIB, LIB, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
"""
POSTLUDE = """
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({"seconds": seconds, "detail": detail, "peak_mb": peak / 1024}))
"""


def build_acl(folder: Path) -> Path:
    """The ACL split concatenated into one file, as `zcat .../all_*.bib.gz > acl.bib` would."""
    bib = folder / "acl.bib"
    parts = sorted(ACL_PARTS.glob("*/all_*.bib.gz"))
    bib.write_bytes(b"".join(gzip.decompress(part.read_bytes()) for part in parts))
    return bib


def run_step(code: str, bib: Path, folder: Path, fresh_library: bool) -> dict:
    """Run one step in a new process and return what it measured."""
    library = folder / "library.sqlite"
    if fresh_library:
        for stale in folder.glob("library.sqlite*"):
            stale.unlink()
    program = PRELUDE + code + POSTLUDE
    args = [sys.executable, "-c", program, str(bib), str(library), str(folder / "out.bib")]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"benchmark: a step failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(bib: Path, folder: Path, repeat: int) -> dict[str, dict]:
    """Best of `repeat` runs for every step; imports start from an empty library each time."""
    results: dict[str, dict] = {}
    for _ in range(repeat):
        for name, code in STEPS.items():
            result = run_step(code, bib, folder, fresh_library="all cores" in name)
            if name not in results or result["seconds"] < results[name]["seconds"]:
                results[name] = result
    return results


def print_table(results: dict[str, dict], size: int) -> None:
    bare = results["bibtexparser parse_string (bare)"]["seconds"]
    print(f"ACL Anthology: {size / 1e6:.1f} MB, 34,576 blocks; best of the runs; Python {sys.version.split()[0]}\n")
    print(f"| {'step':<52} | {'seconds':>7} | {'× bare parse':>12} | {'peak MB':>7} | detail")
    print(f"|{'-' * 54}|{'-' * 9}|{'-' * 14}|{'-' * 9}|-------")
    for name, result in results.items():
        ratio = result["seconds"] / bare
        print(
            f"| {name:<52} | {result['seconds']:7.2f} | {ratio:12.2f} | {result['peak_mb']:7.0f} | {result['detail']}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the best is shown (default 3)")
    args = parser.parse_args()
    if not ACL_PARTS.is_dir():
        print(f"benchmark: the ACL corpus is not at {ACL_PARTS}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="citedesk-bench-") as temp:
        folder = Path(temp)
        bib = build_acl(folder)
        print_table(measure(bib, folder, args.repeat), bib.stat().st_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
