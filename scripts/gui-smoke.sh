#!/usr/bin/env bash
# gui-smoke.sh BINARY — opens the real wizard (GL driver) under Xvfb and checks
# that its window appears, draws something, and that Fyne reports no error or
# off-thread widget access. Unit tests use Fyne's test driver; this is the one
# check that the program a user double-clicks actually starts.
set -euo pipefail
bin=${1:?usage: gui-smoke.sh BINARY}
for tool in Xvfb xwininfo import; do
	command -v "$tool" >/dev/null || { echo "gui-smoke: $tool missing (make test-deps installs it)" >&2; exit 1; }
done

tmp=$(mktemp -d)
xvfb_pid="" app_pid=""
cleanup() {
	status=$?
	# Wait for each to exit: the program may still be writing its settings
	# under $tmp, and removing a folder being written to fails.
	if [ -n "$app_pid" ]; then
		kill "$app_pid" 2>/dev/null || true
		wait "$app_pid" 2>/dev/null || true
	fi
	if [ -n "$xvfb_pid" ]; then
		kill "$xvfb_pid" 2>/dev/null || true
		wait "$xvfb_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp" 2>/dev/null || rm -rf "$tmp" 2>/dev/null || true
	exit "$status"
}
trap cleanup EXIT

# A free display number.
display=""
for n in $(seq 90 140); do
	if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
done
[ -n "$display" ] || { echo "gui-smoke: no free X display" >&2; exit 1; }
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do xwininfo -display "$display" -root >/dev/null 2>&1 && break; sleep 0.1; done

mkdir -p "$tmp/home"
DISPLAY="$display" HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_CACHE_HOME="$tmp/home/.cache" \
	LANG=en_AU.UTF-8 "$bin" >"$tmp/app.log" 2>&1 &
app_pid=$!

found=""
for _ in $(seq 1 200); do
	if xwininfo -display "$display" -root -tree 2>/dev/null | grep -q '"DCR Wizard"'; then found=1; break; fi
	kill -0 "$app_pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$found" ]; then
	echo "gui-smoke: the DCR Wizard window did not appear within 20 s" >&2
	cat "$tmp/app.log" >&2
	exit 1
fi
# Software GL under Xvfb may take a few seconds for the first frame.
colours=0
for _ in $(seq 1 30); do
	import -display "$display" -window root "$tmp/shot.png"
	colours=$(/usr/bin/convert "$tmp/shot.png" -format %k info: 2>/dev/null || echo 0)
	[ "$colours" -ge 16 ] && break
	sleep 0.5
done
kill -0 "$app_pid" 2>/dev/null || { echo "gui-smoke: the program exited" >&2; cat "$tmp/app.log" >&2; exit 1; }
if grep -Eiq 'panic|fyne error|error in fyne call thread|data race' "$tmp/app.log"; then
	echo "gui-smoke: the program reported an error:" >&2
	cat "$tmp/app.log" >&2
	exit 1
fi
if [ "$colours" -lt 16 ]; then
	echo "gui-smoke: the window looks blank ($colours colours)" >&2
	exit 1
fi
echo "gui-smoke: the wizard window opened and drew ($colours colours)."
