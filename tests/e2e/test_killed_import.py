"""An import's worker processes end with it: after kill -9 of the command, and after Ctrl-C (no traceback)."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import BIBTEX, make_env

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")]

ACL_PARTS = sorted((BIBTEX / "acl-anthology-split" / "outputs" / "bibs").glob("*/all_*.bib.gz"))


@pytest.fixture(scope="module")
def acl_bib(tmp_path_factory) -> Path:
    """The ACL Anthology's parts in one 15 MB file: large enough to be parsed by worker processes."""
    path = tmp_path_factory.mktemp("acl") / "acl.bib"
    path.write_bytes(b"".join(gzip.decompress(part.read_bytes()) for part in ACL_PARTS))
    return path


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_import(acl_bib: Path, tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    """Start `citedesk import` and return once its parsing workers run."""
    command = subprocess.Popen(
        [sys.executable, "-m", "citedesk", "import", str(acl_bib)],
        env=make_env(tmp_path / "library.sqlite"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = [pid for pid in children_of(command.pid) if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        if len(workers) >= 1:
            return command, workers
        time.sleep(0.05)
    command.kill()
    pytest.fail("the import started no worker process")


def test_workers_end_when_the_import_is_killed(acl_bib, tmp_path):
    command, workers = start_import(acl_bib, tmp_path)

    command.kill()  # SIGKILL: the parent cannot clean up
    command.communicate(timeout=10)

    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)


def test_ctrl_c_during_an_import_is_cancelled_cleanly(acl_bib, tmp_path):
    command, workers = start_import(acl_bib, tmp_path)

    os.killpg(command.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: to the whole process group
    _, err = command.communicate(timeout=20)

    assert command.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.strip().endswith("citedesk: cancelled, the library is as it was")
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)
