"""A third party's plug-in package (its own distribution, with an entry point in the `citedesk` group) adds a
format, a statement facet and a classifier; the real command line lists all three, imports a file in the
format (recognised by its content), and labels statements with the classifier once it is chosen."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from third_party import CLASSIFIER, CLASSIFIER_VERSION, DISTRIBUTION, FACET, FORMAT, VERSION, install_plugin_package

from citedesk.library.db import open_library

PAPERS = "#tsv-list\nsmith2010\tPeer support in practice\t2010\nlee2015\tRecovery stories\t2015\n"
STATEMENTS = [
    {
        "cited_key": "smith2010",
        "citing_title": "A replication",
        "text": "We could not find the effect of Smith (2010).",
    },
    {"cited_key": "smith2010", "citing_title": "A survey", "text": "Smith (2010) interviewed peer workers."},
]


def run(*args: object, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "citedesk", *map(str, args)], env=env, capture_output=True, encoding="utf-8", timeout=120
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


def environment(tmp_path: Path) -> dict[str, str]:
    site = install_plugin_package(tmp_path / "site")
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    return {
        **os.environ,
        "PYTHONPATH": path,
        "CITEDESK_CONFIG": str(tmp_path / "config"),
        "CITEDESK_LIBRARY": str(tmp_path / "library.sqlite"),
    }


def listed(listing: str, kind: str, name: str, version: str) -> bool:
    return (
        re.search(rf"^{kind}\s+{re.escape(name)}\s+{re.escape(version)}\s+{DISTRIBUTION}\b", listing, re.M) is not None
    )


def test_the_plug_ins_format_facet_and_classifier_work_from_the_command_line(tmp_path):
    env = environment(tmp_path)
    listing = run("plugins", env=env).stdout
    assert listed(listing, "format", FORMAT, VERSION) and listed(listing, "facet", FACET, VERSION)
    assert listed(listing, "classifier", CLASSIFIER, CLASSIFIER_VERSION)
    assert re.search(r"^classifier\s+minilm\s.*\(in use\)$", listing, re.M) and "broken" not in listing

    papers = tmp_path / "papers.txt"  # not the format's extension: recognised by its first bytes
    papers.write_bytes(PAPERS.encode("utf-8"))
    run("import", papers, env=env)
    assert {tuple(line.split()[:2]) for line in run("list", env=env).stdout.splitlines()} == {
        ("lee2015", "2015"),
        ("smith2010", "2010"),
    }

    statements = tmp_path / "statements.jsonl"
    statements.write_text("".join(json.dumps(row) + "\n" for row in STATEMENTS), encoding="utf-8")
    run("import-statements", statements, env=env)
    chosen = run("classify", "--classifier", CLASSIFIER, env=env).stdout
    assert (
        "labelled by Hedge words from now on" in chosen
        and f"Classified 2 statements with {CLASSIFIER_VERSION}" in chosen
    )
    db = open_library(tmp_path / "library.sqlite")
    try:
        labels = db.execute(
            "SELECT text, stance, confidence, classifier_version FROM statements ORDER BY id"
        ).fetchall()
    finally:
        db.close()
    assert [row[1:] for row in labels] == [
        ("contrasting", 0.75, CLASSIFIER_VERSION),
        ("mentioning", 0.75, CLASSIFIER_VERSION),
    ]
    assert re.search(rf"^classifier\s+{CLASSIFIER}\s.*\(in use\)$", run("plugins", env=env).stdout, re.M)
    assert "Classified 0 statements" in run("classify", env=env).stdout  # the choice is kept: nothing left to do
