#!/usr/bin/env bash
# vet-cross.sh: go vet and go build, for macOS (GOOS=darwin GOARCH=arm64
# CGO_ENABLED=0) and Windows (GOOS=windows), of every package that does not import Fyne
# (make vet-darwin, part of make check). Fyne needs cgo and the platform's
# SDK, which this machine lacks; everything else — flow, credstore (with
# go-keyring's macOS and Windows back ends), registrar, cli, m2m, atosim —
# must build there, so a Mac or Windows build never first fails in a user's hands.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
TAGS=$(cat scripts/build-tags)
for target in darwin/arm64 windows/amd64; do
	export GOOS=${target%/*} GOARCH=${target#*/} CGO_ENABLED=0
	# Packages whose own dependencies (test files aside) include Fyne.
	mapfile -t pkgs < <($GO list -e -tags "$TAGS" -f '{{.ImportPath}}{{range .Deps}}{{if eq . "fyne.io/fyne/v2"}} FYNE{{end}}{{end}}' ./... 2>/dev/null | awk '$2 != "FYNE" {print $1}')
	[ ${#pkgs[@]} -gt 0 ] || { echo "vet-cross: no packages for $target" >&2; exit 1; }
	echo "== $target: go vet and go build of ${#pkgs[@]} packages without Fyne: ${pkgs[*]#dcrwizard/}"
	$GO vet -tags "$TAGS" "${pkgs[@]}"
	$GO build -tags "$TAGS" "${pkgs[@]}" # several packages: built, nothing written
done
