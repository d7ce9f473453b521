#!/usr/bin/env bash
# Install check, as a user would install the app: build the wheel from the sources, install it into
# a fresh virtual environment outside the repository, and from a folder that is not the repository
# run the installed `backprop-studio`: --version, --selftest, a short headless training, the desktop
# launcher, and the app itself under a real X server (Xvfb): its window must appear, close on
# request, and Qt must not complain about a missing plugin or library.
#
# Usage: scripts/install_check.sh   (PYTHON=python3.12 to pick the interpreter; KEEP=1 keeps the
# temporary folder). Needs Xvfb and xdotool for the window check (.ci/run installs them).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/backprop-install.XXXXXX")
XVFB_PID=""
APP_PID=""

cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'install check FAILED: %s\n' "$*" >&2; exit 1; }

step "copy the sources (a clean tree: no build/ left over from an earlier build)"
mkdir -p "$WORK/src" "$WORK/run"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
        | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh \
        | tar --null -T - -cf -) | tar -xf - -C "$WORK/src"
else
    (cd "$ROOT" && tar --exclude=.venv --exclude=build --exclude='*.egg-info' -cf - .) \
        | tar -xf - -C "$WORK/src"
fi

step "build the wheel (in the fresh virtual environment the app will be installed into)"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip wheel "$WORK/src" -w "$WORK/dist" --no-deps -q
WHEEL=$(ls "$WORK"/dist/backprop_studio-*.whl)
echo "$WHEEL"
"$PYTHON" - "$WHEEL" "$WORK/src" <<'EOF'
import sys, zipfile
from pathlib import Path
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
resources = [p for p in Path(sys.argv[2], "resources").rglob("*") if p.is_file()]
missing = [str(p) for p in resources
           if "core/" + p.relative_to(sys.argv[2]).as_posix() not in names]
top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
if missing:
    sys.exit(f"the wheel lacks resource files: {missing}")
if top != {"core", "gui"}:
    sys.exit(f"the wheel installs top-level {sorted(top)}; expected only core and gui")
print(f"{len(names)} files; all {len(resources)} resource files inside core/resources; top level: core, gui")
EOF

step "install it with its dependencies"
"$WORK/venv/bin/python" -m pip install -q "$WHEEL"
APP="$WORK/venv/bin/backprop-studio"
[ -x "$APP" ] || fail "the wheel installed no backprop-studio command"

cd "$WORK/run"   # not the repository: nothing can come from the sources
step "backprop-studio --version"
"$APP" --version | tee version.txt
grep -q "^backprop-studio [0-9]" version.txt || fail "--version printed no version"

step "backprop-studio train --dataset digits --model svm --iterations 50 --export w.safetensors"
timeout 120 "$APP" train --dataset digits --model svm --iterations 50 --export w.safetensors --quiet
[ -s w.safetensors ] || fail "train wrote no w.safetensors"

step "backprop-studio --install-desktop / --uninstall-desktop"
export XDG_DATA_HOME="$WORK/xdg"
"$APP" --install-desktop
DESKTOP="$XDG_DATA_HOME/applications/backprop-studio.desktop"
for icon in scalable/apps/backprop-studio.svg 48x48/apps/backprop-studio.png \
            256x256/apps/backprop-studio.png; do
    [ -s "$XDG_DATA_HOME/icons/hicolor/$icon" ] || fail "--install-desktop wrote no $icon"
done
grep -qx "Exec=$APP" "$DESKTOP" || fail "the launcher does not run $APP: $(grep ^Exec= "$DESKTOP")"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$DESKTOP" || fail "desktop-file-validate rejects the installed launcher"
    echo "desktop-file-validate: ok"
fi
"$APP" --uninstall-desktop
[ -z "$(find "$XDG_DATA_HOME" -type f)" ] || fail "--uninstall-desktop left files behind"
unset XDG_DATA_HOME

step "start Xvfb"
command -v Xvfb >/dev/null && command -v xdotool >/dev/null \
    || fail "Xvfb and xdotool are needed (Debian: apt-get install xvfb xdotool)"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$WORK/display" 2>"$WORK/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
[ -s "$WORK/display" ] || fail "Xvfb did not start: $(cat "$WORK/xvfb.log")"
export DISPLAY=":$(cat "$WORK/display")"
unset QT_QPA_PLATFORM WAYLAND_DISPLAY
export HOME="$WORK/home"   # the app's settings go here, not into the user's
mkdir -p "$HOME"
echo "DISPLAY=$DISPLAY"

step "backprop-studio --selftest (with the X display: checks the xcb plugin for real)"
timeout 120 "$APP" --selftest || fail "--selftest failed"

step "the installed app: its window appears and closes on request"
QUIT_AFTER=6
"$APP" --quit-after "$QUIT_AFTER" >"$WORK/app.log" 2>&1 &
APP_PID=$!
WINDOW=""
for _ in $(seq 240); do   # up to 60 s for the window
    WINDOW=$(xdotool search --onlyvisible --name "Backprop Studio" 2>/dev/null | head -1 || true)
    [ -n "$WINDOW" ] && break
    kill -0 "$APP_PID" 2>/dev/null || break
    sleep 0.25
done
[ -n "$WINDOW" ] || { cat "$WORK/app.log"; fail "no window titled 'Backprop Studio' appeared"; }
echo "window $WINDOW: $(xdotool getwindowname "$WINDOW"), $(xdotool getwindowgeometry "$WINDOW" | tail -1)"
STATUS=0
for _ in $(seq 120); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.25; done
if kill -0 "$APP_PID" 2>/dev/null; then
    cat "$WORK/app.log"; fail "the app did not quit within 30 s of being asked to close"
fi
wait "$APP_PID" || STATUS=$?
APP_PID=""
cat "$WORK/app.log"
[ "$STATUS" = 0 ] || fail "the app exited with status $STATUS"
if grep -Eiq "qt\.qpa|plugin|cannot load|could not load|cannot open shared object|not found" \
        "$WORK/app.log"; then
    fail "Qt reported a missing plugin or library (above)"
fi
echo "the window appeared and the app quit cleanly"

step "install check passed"
