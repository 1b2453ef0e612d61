#!/usr/bin/env bash
# with-secret-service.sh CMD [ARG...]
#
# Runs CMD inside a throw-away D-Bus session that has its own unlocked GNOME
# Keyring, so keychain tests talk to a real Secret Service without touching the
# user's keyring. HOME and the XDG directories point at a temp dir that is
# removed afterwards. CMD sees DCRWIZARD_SECRET_SERVICE=1.
#
# Needs: dbus (dbus-run-session, dbus-send) and gnome-keyring. Do NOT install
# dbus-x11: it makes programs outside a session bus autolaunch stray daemons.
set -euo pipefail

if [ "$#" -eq 0 ]; then
	echo "usage: $0 CMD [ARG...]" >&2
	exit 2
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$0: $tool not found (apt-get install -y dbus gnome-keyring libsecret-tools)" >&2
		exit 127
	fi
done

# Moving HOME and XDG_CONFIG_HOME would hide Go's env file and caches: pin them
# to their current values first.
if command -v go >/dev/null 2>&1; then
	GOENV="$(go env GOENV)"
	GOCACHE="$(go env GOCACHE)"
	GOMODCACHE="$(go env GOMODCACHE)"
	GOPATH="$(go env GOPATH)"
	export GOENV GOCACHE GOMODCACHE GOPATH
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dcrwizard-secrets.XXXXXXXX")"
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 0700 "$tmp" "$tmp/runtime"
export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/data"
export XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
export DCRWIZARD_SECRETS_TMP="$tmp"
# A stale bus address from the caller must not leak into the new session.
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

# After exec this shell is gone, so the inner shell owns the cleanup.
# shellcheck disable=SC2016 # expanded by the inner shell
exec dbus-run-session -- bash -c '
set -euo pipefail
tmp="$DCRWIZARD_SECRETS_TMP"
unset DCRWIZARD_SECRETS_TMP
keyring_pid=""

has_owner() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
		grep -q "boolean true"
}

cleanup() {
	if [ -n "$keyring_pid" ]; then
		kill "$keyring_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 130" INT
trap "exit 143" TERM

# A throw-away password: the keyring lives in $tmp and is deleted on exit.
password="throwaway-$$-$RANDOM$RANDOM"

# usable: the login collection accepts a write and gives it back. Owning the
# bus name is not enough: a second, locked daemon (started by D-Bus
# activation) owns it too and then every write fails.
usable() {
	command -v secret-tool >/dev/null 2>&1 || return 0
	printf "probe" | timeout 5 secret-tool store --label=probe service dcrwizard-probe username probe 2>/dev/null &&
		[ "$(timeout 5 secret-tool lookup service dcrwizard-probe username probe 2>/dev/null)" = probe ] &&
		timeout 5 secret-tool clear service dcrwizard-probe username probe 2>/dev/null
}

ready=""
for attempt in 1 2 3; do
	printf "%s" "$password" |
		gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null
	# --unlock returns before the daemon owns the bus name; without this wait
	# D-Bus may activate a second, locked daemon and writes then fail.
	for _ in $(seq 1 100); do
		if has_owner; then
			break
		fi
		sleep 0.1
	done
	if has_owner && usable; then
		ready=1
		break
	fi
	echo "with-secret-service: the keyring was not usable (attempt $attempt); starting it again" >&2
	# Stop only the daemon of this session: others may be running tests.
	stale="$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
		awk "/uint32/ {print \$2}")"
	[ -n "$stale" ] && kill "$stale" 2>/dev/null || true
	sleep 0.5
done
if [ -z "$ready" ]; then
	echo "with-secret-service: gnome-keyring-daemon did not give a usable, unlocked keyring" >&2
	exit 1
fi
keyring_pid="$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets |
	awk "/uint32/ {print \$2}")"

export DCRWIZARD_SECRET_SERVICE=1
status=0
"$@" || status=$?
exit "$status"
' with-secret-service "$@"
