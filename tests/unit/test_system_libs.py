"""The window's system libraries: missing ones found with ldd and named in one sentence, before Qt aborts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from citedesk.system_libs import describe_missing, missing_libraries, xcb_plugin

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("ldd"), reason="ldd, Linux")


@linux_only
@pytest.mark.skipif(not shutil.which("cc"), reason="builds two small shared libraries with cc")
def test_a_library_that_is_not_installed_is_found_through_the_one_that_needs_it(tmp_path):
    """A real plug-in-like library linked against a library that is then removed, as on a bare system."""
    (tmp_path / "stub.c").write_text("int stub(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int stub(void);\nint plugin(void) { return stub(); }\n")
    subprocess.run(
        [
            "cc",
            "-shared",
            "-fPIC",
            "-Wl,-soname,libcitedesk-stub.so.1",
            "-o",
            str(tmp_path / "libcitedesk-stub.so.1"),
            str(tmp_path / "stub.c"),
        ],
        check=True,
    )
    subprocess.run(
        [
            "cc",
            "-shared",
            "-fPIC",
            "-o",
            str(tmp_path / "libplugin.so"),
            str(tmp_path / "plugin.c"),
            str(tmp_path / "libcitedesk-stub.so.1"),
        ],
        check=True,
    )
    (tmp_path / "libcitedesk-stub.so.1").unlink()

    assert missing_libraries(tmp_path / "libplugin.so") == ["libcitedesk-stub.so.1"]


def test_the_sentence_names_the_libraries_and_the_command_that_installs_them():
    message = describe_missing(["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    assert message == (
        "The window cannot start: Qt's X11 plug-in needs libxcb-icccm.so.4 and libxcb-keysyms.so.1, which are "
        "not installed; install them with `sudo apt-get install libxcb-icccm4 libxcb-keysyms1` on Debian or "
        "Ubuntu (or your system's packages of the same names). The commands (citedesk --help) still work."
    )
    assert "find a package for libodd.so.2" in describe_missing(["libxcb-icccm.so.4", "libodd.so.2"])


@linux_only
def test_citedesk_says_what_is_missing_instead_of_aborting(tmp_path):
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin else []
    if not missing:
        pytest.skip("every library of Qt's X11 plug-in is installed here")
    env = {key: value for key, value in os.environ.items() if key not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":97", CITEDESK_LIBRARY=str(tmp_path / "library.sqlite"))

    result = subprocess.run([sys.executable, "-m", "citedesk"], env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 1, result
    assert result.stderr.splitlines() == [f"citedesk: {describe_missing(missing)}"]
