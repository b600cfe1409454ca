"""The shared library under stress, against the real server: a client killed with SIGKILL in the middle of a push,
the server restarted in the middle of a sync, and three clients making a thousand random changes at once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from team import GRAL, client, exported_file, no_keyring, paper_id, records  # noqa: F401

from citedesk import jobs
from citedesk.jobs.sharing import Prefer
from citedesk.library.db import open_library


def many_papers(path: Path, count: int, prefix: str) -> Path:
    path.write_text(
        "".join(
            f"@article{{{prefix}{n},\n  title = {{Paper number {n} of {prefix}}},\n  author = {{Author, A. and Other, B.}},\n"
            f"  journal = {{Journal {n % 17}}},\n  year = {1990 + n % 30},\n}}\n\n"
            for n in range(count)
        ),
        encoding="utf-8",
    )
    return path


def server_keys(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('papers')").fetchone()[0] is None:
            return []  # killed before the schema was made
        return [row[0] for row in conn.execute("SELECT citekey FROM papers WHERE NOT deleted ORDER BY citekey")]


def wait_for_push(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    """Until the client's push is running on the server (its COPY into the scratch table, or the INSERT after)."""
    deadline = time.monotonic() + seconds
    sql = (
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'citedesk' AND state = 'active' "
        "AND (query ILIKE '%%incoming%%')"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline and process.poll() is None:
            if conn.execute(sql).fetchone()[0]:
                return
            time.sleep(0.005)


def cli(library: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "CITEDESK_LIBRARY": str(library), "PGPASSWORD": "admin-secret"}
    return subprocess.Popen(
        [sys.executable, "-m", "citedesk", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow
def test_a_client_killed_in_the_middle_of_a_push_leaves_the_server_whole_and_its_next_sync_finishes(
    tmp_path, shared_url
):
    a = client(tmp_path, "a")
    jobs.import_bibtex(a, [many_papers(tmp_path / "many.bib", 20_000, "k")], workers=1)
    bare_url = shared_url.replace(":admin-secret", "")
    for command in (("share", "connect", bare_url), ("sync",)):
        process = cli(a, *command)
        wait_for_push(shared_url, process)  # killed while its push is on the server, whatever the machine's speed
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)  # reaped, its pipes closed
        on_server = server_keys(shared_url)
        assert len(on_server) in (0, 20_000)  # all of the push or none of it: one transaction
    finished = cli(a, "sync")
    _, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err
    assert len(server_keys(shared_url)) == 20_000 and jobs.share_status(a).waiting == 0
    b = client(tmp_path, "b")
    jobs.connect_shared(b, shared_url)
    assert records(b) == records(a)


def test_a_server_restarted_in_the_middle_of_a_sync_is_reached_again_and_the_sync_goes_on(
    tmp_path, postgres, shared_url, monkeypatch
):
    a, b = client(tmp_path, "a"), client(tmp_path, "b")
    jobs.import_bibtex(a, [many_papers(tmp_path / "many.bib", 3_000, "r")], workers=1)
    jobs.connect_shared(a, shared_url)
    from citedesk.team import taking

    taken = taking.take_paper
    restarted = []

    def restart_once(*args, **kwargs):
        if not restarted:
            restarted.append(True)
            postgres.restart()  # the server goes away under the open connection, mid-way through the pull
        return taken(*args, **kwargs)

    monkeypatch.setattr(taking, "take_paper", restart_once)
    monkeypatch.setattr(jobs.sharing, "RETRY_SECONDS", 0.2)
    report = jobs.connect_shared(b, shared_url)
    assert restarted and report.conflicts == []
    assert records(b) == records(a)


def random_changes(library: Path, name: str, operations: int, seed: int, errors: list[BaseException]) -> None:
    """One member's session: imports of new papers, edits, tags and deletes in random order, syncing as it goes."""
    rng = random.Random(seed)
    try:
        for step in range(operations):
            keys = list(records(library))
            choice = rng.random()
            if choice < 0.15 or not keys:
                bib = library.parent / f"new{step}.bib"
                bib.write_text(
                    f"@misc{{{name}{step}, title = {{Added by {name} at step {step}}}, year = 2024}}\n",
                    encoding="utf-8",
                )
                jobs.import_bibtex(library, [bib], workers=1)
            elif choice < 0.55:
                key = rng.choice(keys)
                jobs.edit_paper(library, paper_id(library, key), fields={"note": f"{{{name} step {step}}}"})
            elif choice < 0.8:
                key = rng.choice(keys)
                jobs.tag_papers(library, [paper_id(library, key)], name=rng.choice(["read", "cite", f"{name}-list"]))
            elif choice < 0.9:
                jobs.remove_papers(library, [paper_id(library, rng.choice(keys))])
            if step % 7 == 0:
                jobs.sync_shared(library)
        jobs.sync_shared(library)
    except BaseException as exc:
        errors.append(exc)


@pytest.mark.slow
def test_three_clients_making_a_thousand_random_changes_at_once_end_with_the_same_library(tmp_path, shared_url):
    members = [client(tmp_path, name) for name in ("ann", "bo", "cy")]
    jobs.import_bibtex(members[0], [GRAL], workers=1)
    for library in members:
        jobs.connect_shared(library, shared_url)
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=random_changes, args=(library, library.parent.name, 334, seed, errors))
        for seed, library in enumerate(members)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    assert errors == []
    for _ in range(2):  # settle what was changed on two sides at once, each taking the server's version
        for library in members:
            jobs.sync_shared(library, prefer=Prefer.THEIRS)
    first = records(members[0])
    for library in members[1:]:
        other = records(library)
        assert set(other) == set(first), (library, set(other) ^ set(first))
        assert other == first, [(k, first[k], other[k]) for k in first if first[k] != other[k]][:3]
    assert sorted(first) == server_keys(shared_url)
    assert all(jobs.share_status(library).waiting == 0 for library in members)
    assert len({exported_file(library, "gral.bib", library.parent / "out.bib") for library in members}) == 1
    db = open_library(members[0])
    assert db.execute("SELECT count(*) FROM shared_conflicts").fetchone()[0] == 0
    db.close()
