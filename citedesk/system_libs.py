"""Before the window starts on Linux: the system libraries Qt's X11 plug-in needs and which are missing.

Without one of them Qt aborts the whole process with a message that names only one library (often
libxcb-cursor0, even when it is installed). `ldd` of the plug-in names every one that is missing."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# The Debian and Ubuntu package of each library the xcb plug-in loads (Qt's "X11 requirements").
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def window_problem() -> str | None:
    """One sentence on what stops Qt's X11 plug-in from loading here, or None (not Linux, another platform
    plug-in chosen, no X display, nothing missing, or no way to tell)."""
    if not sys.platform.startswith("linux") or not _uses_xcb():
        return None
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin else []
    return describe_missing(missing) if missing else None


def xcb_plugin() -> Path | None:
    """The xcb platform plug-in of the installed PySide6, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return path if path.exists() else None


def missing_libraries(library: Path) -> list[str]:
    """The shared libraries `library` needs, directly or through others, that the system cannot find."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        result = subprocess.run([ldd, str(library)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return []
    return list(dict.fromkeys(_NOT_FOUND.findall(result.stdout)))


def describe_missing(missing: list[str]) -> str:
    """The sentence for the person: what is missing and the command that installs it."""
    packages = [PACKAGES[name] for name in missing if name in PACKAGES]
    unknown = [name for name in missing if name not in PACKAGES]
    install = f"sudo apt-get install {' '.join(packages)}" if packages else ""
    how = (
        f"install them with `{install}` on Debian or Ubuntu (or your system's packages of the same names)"
        if install
        else "install them with your system's package manager"
    )
    if unknown and packages:
        how += f", and find a package for {_join(unknown)}"
    return (
        f"The window cannot start: Qt's X11 plug-in needs {_join(missing)}, which "
        f"{'is' if len(missing) == 1 else 'are'} not installed; {how}. The commands (citedesk --help) still work."
    )


def _uses_xcb() -> bool:
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    wayland = os.environ.get("WAYLAND_DISPLAY") and os.environ.get("XDG_SESSION_TYPE") == "wayland"
    return bool(os.environ.get("DISPLAY")) and not wayland


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
