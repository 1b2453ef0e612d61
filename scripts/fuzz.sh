#!/usr/bin/env bash
# fuzz.sh [SECONDS|COUNTx] [PATTERN]
#
# Runs every Go fuzz target in the module (func Fuzz… in a _test.go file) for
# SECONDS each (default 60), or for COUNT inputs each (e.g. 3000x), one after
# another, and fails if any of them finds
# an input that panics, hangs or breaks a property. PATTERN, when given, keeps
# only the targets whose "dir/FuzzName" matches it (grep -E).
#
# An input that fails is written by Go to <pkg>/testdata/fuzz/<FuzzName>/: keep
# it (commit it with the fix), since plain `go test` then replays it for ever.
#
#   scripts/fuzz.sh 10000x the short run of `make test`: a count, not a time,
#                          because a -fuzztime shorter than the seed corpus's
#                          baseline run fails with "context deadline exceeded"
#                          on a loaded machine
#   scripts/fuzz.sh        `make fuzz` (60 s each)
#   scripts/fuzz.sh 600 m2m/FuzzParseKeystore
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
pattern=${2:-.}
export LANG=${LANG:-C.UTF-8}
tags=$(cat scripts/build-tags)
case "$secs" in
[0-9]*x) fuzztime=$secs limit=900 ;;
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS|COUNTx] [PATTERN]" >&2
	exit 2
	;;
*) fuzztime=${secs}s limit=$((secs + 300)) ;;
esac

# Every target as dir/FuzzName, sorted, filtered by PATTERN.
mapfile -t targets < <(
	grep -rE --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]+\(' . |
		sed -E 's|^\./(.*)/[^/]*:func (Fuzz[A-Za-z0-9_]+)\($|\1/\2|' |
		sort -u | grep -E -- "$pattern" || true
)
if [ ${#targets[@]} -eq 0 ]; then
	echo "$0: no fuzz targets match $pattern" >&2
	exit 1
fi

failed=()
start=$(date +%s)
for t in "${targets[@]}"; do
	dir=${t%/*}
	name=${t##*/}
	echo "== $dir $name ($fuzztime)"
	# -fuzzminimizetime bounds the shrinking of a failing input, so a find
	# does not turn a 5-second run into minutes.
	log=$(mktemp)
	# -timeout: a run that wedges (an input that never returns) fails
	# instead of hanging the build.
	fuzz() {
		go test -tags "$tags" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" \
			-fuzzminimizetime "${FUZZ_MINIMIZE_TIME:-30s}" -timeout "${limit}s" "./$dir" >"$log" 2>&1
	}
	ok=""
	if fuzz; then
		ok=1
	elif grep -q 'fuzzing process hung or terminated unexpectedly' "$log" &&
		go test -tags "$tags" -run "^${name}\$" -timeout 120s "./$dir" >/dev/null 2>&1; then
		# Go's fuzzer sometimes loses a worker under load (golang/go#52569).
		# The saved input replays cleanly (no panic, no hang), so this is the
		# fuzzer's own fault: run the target once more; a second loss fails.
		echo "   (a fuzz worker was lost but its input replays cleanly; running $name once more)"
		grep -v '^fuzz: elapsed' "$log" | tail -n 5
		fuzz && ok=1
	fi
	if [ -n "$ok" ]; then
		tail -n 2 "$log"
	else
		failed+=("$dir $name")
		# Everything but the progress lines: the failure and its input.
		grep -v '^fuzz: elapsed' "$log" | tail -n 40
		echo "!! $dir $name failed; a failing input is kept in $dir/testdata/fuzz/$name/ — commit it with the fix"
	fi
	rm -f "$log"
done
echo "== ${#targets[@]} fuzz targets, $fuzztime each, $(($(date +%s) - start))s in all"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'FAILED: %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "no failures"
