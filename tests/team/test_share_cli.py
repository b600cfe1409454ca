"""`citedesk share` and `citedesk sync` as a person types them, against the real server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from team import GRAL, no_keyring  # noqa: F401


def citedesk(library: Path, *args: str, ok: bool = True, password: str = "admin-secret") -> subprocess.CompletedProcess:
    env = {**os.environ, "CITEDESK_LIBRARY": str(library), "PGPASSWORD": password}
    done = subprocess.run(
        [sys.executable, "-m", "citedesk", *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr, done.stderr
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def test_connect_status_sync_and_a_conflict_settled_from_the_command_line(tmp_path, shared_url):
    url = shared_url.replace(":admin-secret", "")  # the password from PGPASSWORD, as libpq reads it
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    citedesk(a, "import", str(GRAL))
    sent = citedesk(a, "share", "connect", url).stdout
    assert sent.startswith("Sent 83 changes and 0 deletions; received 0 changes")
    assert citedesk(b, "share", "connect", url).stdout.startswith("Sent 0 changes and 0 deletions; received 83 changes")
    status = citedesk(b, "share", "status").stdout
    assert f"Shared library: {url}" in status and "Changes waiting to be sent: 0" in status

    key = "rashid2016"
    # the same paper edited on both sides (through the library's own edit job, as the window does)
    for library, note in ((a, "from a"), (b, "from b")):
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from citedesk import jobs; from citedesk.reads import Reads; "
                "r = Reads.open(sys.argv[1]); pid = r.paper_id_of_key(sys.argv[2]); r.close(); "
                "jobs.edit_paper(sys.argv[1], pid, fields={'note': '{' + sys.argv[3] + '}'})",
                str(library),
                key,
                note,
            ],
            check=True,
        )
    citedesk(a, "sync")
    conflict = citedesk(b, "sync", ok=False)
    assert conflict.returncode == 3
    assert f"Changed here and in the shared library: {key}. Both versions are kept" in conflict.stdout
    assert f"Conflicts: {key}" in citedesk(b, "share", "status").stdout
    citedesk(b, "sync", "--prefer", "mine")
    citedesk(a, "sync")
    assert "from b" in citedesk(a, "show", key).stdout
    assert "Conflicts: none" in citedesk(b, "share", "status").stdout


def test_a_wrong_password_or_no_connection_is_one_sentence(tmp_path, shared_url):
    a = tmp_path / "a.sqlite"
    citedesk(a, "import", str(GRAL))
    url = shared_url.replace(":admin-secret", "")
    wrong = citedesk(a, "share", "connect", url, ok=False, password="wrong")
    assert wrong.returncode == 1 and wrong.stderr.startswith(f"citedesk: Cannot reach the shared library {url}:")
    assert len(wrong.stderr.strip().splitlines()) == 1 and "password authentication failed" in wrong.stderr
    alone = citedesk(a, "sync", ok=False)
    assert alone.stderr.strip() == (
        "citedesk: This library is not connected to a shared library: citedesk share connect URL"
    )
    assert "Not connected" in citedesk(a, "share", "status").stdout
