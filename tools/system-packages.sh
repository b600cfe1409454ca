#!/bin/sh
# The system libraries Qt needs, installed with apt-get where they are missing (Debian, Ubuntu).
#   sh tools/system-packages.sh window      what the window needs on an X11 or Wayland desktop
#   sh tools/system-packages.sh offscreen   what --screenshot needs (no display)
#   sh tools/system-packages.sh tests       that, and a PostgreSQL server for the shared-library tests
# Elsewhere (macOS, Windows, other Linux distributions) it does nothing: PySide6's wheels bring the rest.
set -eu
mode="${1:-window}"
command -v apt-get >/dev/null 2>&1 && command -v ldconfig >/dev/null 2>&1 || exit 0
# library (as ldconfig lists it) and the package that has it
offscreen="libEGL.so.1:libegl1 libGL.so.1:libgl1 libfontconfig.so.1:libfontconfig1 libxkbcommon.so.0:libxkbcommon0
libglib-2.0.so.0:libglib2.0-0 libdbus-1.so.3:libdbus-1-3"
window="$offscreen libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4 libxcb-image.so.0:libxcb-image0
libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-randr.so.0:libxcb-randr0 libxcb-render-util.so.0:libxcb-render-util0
libxcb-shape.so.0:libxcb-shape0 libxcb-xinerama.so.0:libxcb-xinerama0 libxcb-xkb.so.1:libxcb-xkb1
libxkbcommon-x11.so.0:libxkbcommon-x11-0 libX11-xcb.so.1:libx11-xcb1 libwayland-client.so.0:libwayland-client0"
case "$mode" in
  window) wanted="$window" ;;
  offscreen|tests) wanted="$offscreen" ;;
  *) echo "usage: sh tools/system-packages.sh window|offscreen|tests" >&2; exit 2 ;;
esac
known=$(ldconfig -p)
missing=""
for pair in $wanted; do
  echo "$known" | grep -q "${pair%%:*}" || missing="$missing ${pair#*:}"
done
fc-list 2>/dev/null | grep -q . || missing="$missing fonts-dejavu-core"
if [ "$mode" = tests ] && ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing="$missing postgresql"  # the tests start their own throwaway cluster with its initdb and pg_ctl
fi
[ -z "$missing" ] && exit 0
echo "Installing what CiteDesk needs:$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq && $sudo apt-get install -y -qq $missing >/dev/null
