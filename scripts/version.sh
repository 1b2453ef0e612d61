#!/usr/bin/env bash
# Prints the version to stamp into a build (dcrwizard/cli.Version):
#   VERSION from the environment, if set (a release manager's override);
#   otherwise Version from FyneApp.toml, exactly, on a commit tagged v<Version> or <Version>;
#   otherwise <Version>+g<short commit>, with .dirty when tracked files are modified;
#   otherwise (no git, e.g. a source archive) <Version>.
# Works in a fresh clone without tags and with GOFLAGS=-buildvcs=false: it asks git
# directly rather than relying on Go's VCS stamping.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${VERSION:-}" ]; then
  printf '%s\n' "$VERSION"
  exit 0
fi

base=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' FyneApp.toml | head -n1)
if [ -z "$base" ]; then
  echo "version.sh: no Version in FyneApp.toml" >&2
  exit 1
fi

if ! command -v git >/dev/null 2>&1 || ! git rev-parse --git-dir >/dev/null 2>&1; then
  printf '%s\n' "$base"
  exit 0
fi

dirty=""
git diff --quiet HEAD -- 2>/dev/null || dirty=".dirty"

for tag in $(git tag --points-at HEAD 2>/dev/null); do
  if [ "$tag" = "v$base" ] || [ "$tag" = "$base" ]; then
    printf '%s%s\n' "$base" "${dirty:++dirty}"
    exit 0
  fi
done

printf '%s+g%s%s\n' "$base" "$(git rev-parse --short=7 HEAD)" "$dirty"
