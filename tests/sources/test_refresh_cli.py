"""`citedesk refresh` and `citedesk sources` as a person runs them, against the test server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cassettes import load_cassette, load_json

from citedesk import jobs

TURING = "10.1093/mind/lix.236.433"


@pytest.fixture
def env(api_server, tmp_path):
    environment = {
        **os.environ,
        "CITEDESK_CONFIG": str(tmp_path / "config"),
        "CITEDESK_LIBRARY": str(tmp_path / "l.sqlite"),
    }
    for name in ("semanticscholar", "openalex", "crossref", "opencitations", "scite"):
        environment[f"CITEDESK_{name.upper()}_URL"] = f"{api_server.url}/{name}"
        environment[f"CITEDESK_{name.upper()}_RATE"] = "0"
        environment[f"CITEDESK_{name.upper()}_RETRIES"] = "0"
        environment.pop(f"CITEDESK_{name.upper()}_KEY", None)
    (tmp_path / "l.bib").write_text(
        f"@article{{turing1950, title={{Computing Machinery and Intelligence}}, doi={{{TURING}}}}}\n", encoding="utf-8"
    )
    jobs.import_bibtex(tmp_path / "l.sqlite", [tmp_path / "l.bib"], workers=1)
    return environment


def run(*args: str, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "citedesk", *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_sources_lists_the_built_in_ones_and_changes_settings(env):
    listed = run("sources", env=env)
    assert listed.returncode == 0
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == ["semanticscholar", "openalex", "crossref", "opencitations", "scite"]
    assert "enabled" in listed.stdout and env["CITEDESK_SCITE_URL"] in listed.stdout
    changed = run("sources", "--disable", "crossref", "--mailto", "me@example.org", "--max-age", "7", env=env)
    assert "disabled crossref" in changed.stdout and "crossref         disabled" in changed.stdout
    assert run("sources", "--disable", "nosuch", env=env).stderr.startswith("citedesk: No source called nosuch")


def test_set_key_without_a_keyring_says_what_to_do(env):
    done = subprocess.run(
        [sys.executable, "-m", "citedesk", "sources", "--set-key", "openalex"],
        input="abc123\n",
        env={**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "CITEDESK_OPENALEX_KEY" in done.stderr and "abc123" not in done.stderr


def test_refresh_fetches_and_reports(env, api_server):
    turing = load_cassette("semanticscholar/test_get_paper.yaml")[0].json()
    api_server.route(f"/semanticscholar/paper/DOI:{TURING}", turing)
    api_server.route(
        f"/semanticscholar/paper/{turing['paperId']}/citations",
        {"offset": 0, "data": [load_json("semanticscholar/Citation.json")]},
    )
    api_server.route(f"/semanticscholar/paper/{turing['paperId']}/references", {"offset": 0, "data": []})
    api_server.route("/openalex/works/doi:" + TURING, api_server.reply(500))
    done = run("refresh", "turing1950", env=env)
    assert done.returncode == 0
    assert "1 new citation, 4 new statements; 1 problem" in done.stdout
    assert "OpenAlex" in done.stderr and "500" in done.stderr
    shown = run("show", "turing1950", env=env).stdout
    assert "Cited by 1 publications (4 citation statements)" in shown
    assert "Learning to Throw With a Handful of Samples" in shown


def test_refresh_needs_papers_or_all(env):
    done = run("refresh", env=env)
    assert done.returncode == 1 and "name the papers to refresh" in done.stderr
