"""Exports write the real target whole or not at all: symlinks kept, modes kept, devices and FIFOs refused,
and what a killed export left behind removed by the next one."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citedesk import jobs
from citedesk.library import safe_write
from citedesk.model import CitedeskError

BIB = "@article{one, title = {One}, year = 2001}\n\n@book{two, title = {Two}, year = 2002}\n"
# A process that starts an export and is stopped inside it, its file written but not yet in place.
STALLED_WRITER = """
import os, sys, time
from pathlib import Path
from citedesk.library import safe_write

def stall(handle):
    print("writing", flush=True)
    time.sleep(600)

os.fsync = stall
safe_write.write_atomically(Path(sys.argv[1]), b"@misc{half,}\\n" * 10000)
"""


@pytest.fixture
def library(tmp_path: Path) -> Path:
    bib = tmp_path / "in.bib"
    bib.write_text(BIB, encoding="utf-8")
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [bib], workers=1)
    return path


@pytest.fixture
def umask():
    """Set the process's umask for a test, and put the old one back after."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda mask: os.umask(mask)
    os.umask(old)


def temps(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def a_full_device(tmp_path: Path) -> Path:
    """A character device that refuses every write as /dev/full does: a node of our own where we may make
    one (as root, so that a failing test cannot replace the system's /dev/full), else /dev/full itself."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        node = tmp_path / "full"
        os.mknod(node, stat.S_IFCHR | 0o666, os.stat("/dev/full").st_rdev)
        return node
    return Path("/dev/full")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_export_to_dev_full_is_refused_in_one_line_and_the_device_stays(library: Path, tmp_path: Path) -> None:
    device = a_full_device(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "citedesk", "--library", str(library), "export", "-o", str(device)],
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"citedesk: {device} is a device, not a regular file: choose a file to write the export to"
    ]
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert temps(device.parent) == []


def test_export_to_a_fifo_is_refused_and_the_fifo_stays(library: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.bib"
    os.mkfifo(fifo)
    with pytest.raises(CitedeskError, match="is a FIFO"):
        jobs.export_bibtex(library, fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert temps(tmp_path) == []


def test_export_to_a_folder_is_refused(library: Path, tmp_path: Path) -> None:
    with pytest.raises(CitedeskError, match="is a folder, not a regular file"):
        jobs.export_bibtex(library, tmp_path)


def test_export_through_a_symlink_writes_its_target_and_keeps_the_link(library: Path, tmp_path: Path) -> None:
    real = tmp_path / "papers" / "refs.bib"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.bib"
    link.symlink_to(Path("papers") / "refs.bib")
    result = jobs.export_bibtex(library, link)
    assert link.is_symlink() and os.readlink(link) == str(Path("papers") / "refs.bib")
    assert "@article{one," in real.read_text(encoding="utf-8")
    assert result.entries == 2
    assert temps(tmp_path) == [] and temps(real.parent) == []


def test_export_through_a_dangling_symlink_creates_its_target(library: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.bib"
    link.symlink_to(tmp_path / "new.bib")
    jobs.export_bibtex(library, link)
    assert link.is_symlink()
    assert "@book{two," in (tmp_path / "new.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_an_existing_file_keeps_its_mode(library: Path, tmp_path: Path, mode: int, umask) -> None:
    umask(0o077)  # a mode from the umask would be 0600: the old file's must win
    out = tmp_path / "out.bib"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(mode)
    jobs.export_bibtex(library, out)
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert "@article{one," in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_a_new_file_gets_the_mode_the_umask_allows(library: Path, tmp_path: Path, mask: int, umask) -> None:
    umask(mask)
    out = tmp_path / "out.bib"
    jobs.export_bibtex(library, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


def test_the_data_is_synced_before_it_replaces_the_old_file(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(handle: int) -> None:
        if stat.S_ISREG(os.fstat(handle).st_mode):
            calls.append(f"fsync {os.fstat(handle).st_size}")
        real_fsync(handle)

    def replace(source, target) -> None:
        calls.append("replace")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    jobs.export_bibtex(library, tmp_path / "out.bib")
    size = (tmp_path / "out.bib").stat().st_size
    assert calls == [f"fsync {size}", "replace"]


def test_the_next_export_removes_what_a_killed_export_left(library: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    out.write_text("old\n", encoding="utf-8")
    writer = subprocess.Popen(
        [sys.executable, "-c", STALLED_WRITER, str(out)],
        stdout=subprocess.PIPE,
        encoding="utf-8",
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert writer.stdout.readline() == "writing\n"
        [left] = temps(tmp_path)
        assert left.startswith(".out.bib.citedesk-")
        jobs.export_bibtex(library, out, keys=["one"])  # the other export is alive: its file is not touched
        assert temps(tmp_path) == [left]
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    assert temps(tmp_path) == [left]
    jobs.export_bibtex(library, out)
    assert temps(tmp_path) == []
    assert "@book{two," in out.read_text(encoding="utf-8")


def test_an_old_unlocked_temporary_file_of_an_earlier_version_is_removed_once_an_hour_old(
    library: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.bib"
    old, recent, other = (
        tmp_path / ".out.bib.k3j_9x2a.tmp",
        tmp_path / ".out.bib.q81mz0vb.tmp",
        tmp_path / ".out.bib.mine.tmp",
    )
    for path in (old, recent, other):
        path.write_bytes(b"@misc{half,")
    hours_ago = time.time() - 2 * 3600
    for path in (old, other):
        os.utime(path, (hours_ago, hours_ago))
    jobs.export_bibtex(library, out)
    assert temps(tmp_path) == sorted([recent.name, other.name])  # too recent, and not a name of ours


def test_only_our_temporary_files_nobody_holds_are_removed(tmp_path: Path) -> None:
    ours = tmp_path / ".a.bib.citedesk-0123456789abcdef.tmp"
    ours.write_bytes(b"x")
    link = tmp_path / ".b.bib.citedesk-fedcba9876543210.tmp"
    link.symlink_to(tmp_path / "elsewhere")
    lookalike = tmp_path / ".a.bib.citedesk-notours.tmp"
    lookalike.write_bytes(b"x")
    assert safe_write.remove_stale_temps(tmp_path, "a.bib") == [ours]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([link.name, lookalike.name])
