#!/usr/bin/env bash
# scripts/bench/run.sh: `make bench`. Measures everything docs/BENCHMARKS.md
# reports and rewrites that file:
#   - the Go benchmarks of m2m, flow, registrar and ui (-count COUNT, medians);
#   - `dcrwizard register` as a whole process against `dcrwizard simulate`,
#     side by side with scripts/bench/openssl-curl.sh (RUNS interleaved runs);
#   - the wizard under Xvfb: launch to first frame and peak RSS (LAUNCHES),
#     and the same for a bare Fyne window (scripts/bench/barewindow), the floor;
#   - the size of the release binary.
# It runs itself inside scripts/with-secret-service.sh, so the keychain is a
# throw-away GNOME Keyring. Needs Xvfb, openssl, curl and jq.
#
#   COUNT=10 RUNS=20 LAUNCHES=10 OUT=docs/BENCHMARKS.md scripts/bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${DCRWIZARD_SECRET_SERVICE:-}" != 1 ]; then
	exec scripts/with-secret-service.sh "$0" "$@"
fi

export LANG=${LANG:-C.UTF-8}
COUNT=${COUNT:-10}
RUNS=${RUNS:-20}
LAUNCHES=${LAUNCHES:-10}
OUT=${OUT:-docs/BENCHMARKS.md}
tags=$(cat scripts/build-tags)

for tool in Xvfb openssl curl jq go; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$0: $tool not found (apt-get install -y xvfb openssl curl jq)" >&2
		exit 127
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/dcrwizard-bench.XXXXXXXX")
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

echo "== building (release binary: -trimpath -ldflags \"-s -w\")"
go build -o "$work/benchtool" ./scripts/bench/benchtool
"$work/benchtool" machine -o "$work/machine-start.json"
go build -trimpath -ldflags "-s -w" -tags "$tags" -o "$work/dcrwizard" .
go build -trimpath -ldflags "-s -w" -tags "$tags" -o "$work/barewindow" ./scripts/bench/barewindow
ls -l "$work/dcrwizard"

echo "== Go benchmarks (-count $COUNT)"
go test -tags "$tags" -run '^$' -bench . -benchmem -count "$COUNT" -timeout 60m \
	./m2m ./flow ./registrar ./ui | tee "$work/bench.txt"
"$work/benchtool" medians -o "$work/medians.json" "$work/bench.txt"

echo "== whole processes against dcrwizard simulate ($RUNS runs each, interleaved)"
"$work/dcrwizard" simulate --listen 127.0.0.1:0 --out "$work/sim" >"$work/simulate.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 600); do
	grep -q '^Press Ctrl-C' "$work/simulate.log" && break
	sleep 0.1
done
if ! grep -q '^Press Ctrl-C' "$work/simulate.log"; then
	echo "dcrwizard simulate did not start:" >&2
	cat "$work/simulate.log" >&2
	exit 1
fi
field() { sed -n "s/^ *$1 *//p" "$work/simulate.log" | head -n 1; }
TOKEN_URL=$(field 'Token endpoint:')
REGISTRATION_URL=$(field 'Registration (DCR) URL:')
CLIENT_ID=$(field 'Registration client id:')
SCOPE=$(field 'Scope:')
API_KEY=$(field 'Consumer (API) key:')
sed -n 's/^Practice credential .*, password \(.*\):$/\1/p' "$work/simulate.log" | tr -d '\n' >"$work/password"
PEM="$work/sim/practice.pem"
PASSWORD_FILE="$work/password"
NAME=Bench
export TOKEN_URL REGISTRATION_URL CLIENT_ID SCOPE API_KEY PEM PASSWORD_FILE NAME
# The consumer key from a file, as the password: never on a command line.
printf '%s' "$API_KEY" >"$work/api-key"
common="--env custom --token-url $TOKEN_URL --registration-url $REGISTRATION_URL --registration-client-id $CLIENT_ID --scope $SCOPE --api-key-file $work/api-key --password-file $PASSWORD_FILE --name $NAME --json"
"$work/benchtool" time -o "$work/cli.json" -n "$RUNS" -warmup 2 \
	-between "scripts/bench/forget-all.sh $work/dcrwizard" \
	-cmd "version=$work/dcrwizard version" \
	-cmd "register-keystore-xml=$work/dcrwizard register --keystore $work/sim/keystore.xml $common" \
	-cmd "register-pem=$work/dcrwizard register --keystore $PEM $common" \
	-cmd "openssl-curl=scripts/bench/openssl-curl.sh"

echo "== the wizard under Xvfb ($LAUNCHES launches, cold then warm)"
display=""
for n in $(seq 90 199); do
	if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then
		display=":$n"
		break
	fi
done
[ -n "$display" ] || {
	echo "no free X display number" >&2
	exit 1
}
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do
	[ -S "/tmp/.X11-unix/X${display#:}" ] && break
	sleep 0.1
done
# The floors, launched the same way right after the wizard: a bare Fyne
# window with one label, and the same with one of each kind of thing the
# wizard's first page draws (barewindow -kinds). Cold ones first, then warm.
win() { "$work/benchtool" window -o "$work/$1.json" -display "$display" -n "$LAUNCHES" "${@:2}"; }
win window-cold -- "$work/dcrwizard"
echo "== the floors: a bare Fyne window of the same size, same build; then with the first page's kinds of drawing"
win window-bare -- "$work/barewindow"
win window-kinds -- "$work/barewindow" -kinds
win window-warm -warm -- "$work/dcrwizard"
win window-bare-warm -warm -- "$work/barewindow"
win window-kinds-warm -warm -- "$work/barewindow" -kinds

"$work/benchtool" machine -o "$work/machine-end.json"
"$work/benchtool" report -dir "$work" -count "$COUNT" -o "$OUT"
echo "== wrote $OUT"
