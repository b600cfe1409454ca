"""Another process writing to a library: holds its write transaction open for a while (for the two-writer tests)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

HOLD_THE_LOCK = textwrap.dedent("""
    import sys, time
    from citedesk.library.db import open_library
    db = open_library(sys.argv[1])
    with db.atomic():
        db.execute("INSERT INTO tags (name) VALUES ('held')")
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    print("released", flush=True)
""")


def hold_write_lock(library: Path, seconds: float) -> subprocess.Popen:
    """Start a process that writes to the library and keeps its transaction open for `seconds`; returns once it
    holds the lock. Call `communicate()` on it to wait for the end (it prints "released")."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(library), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder
