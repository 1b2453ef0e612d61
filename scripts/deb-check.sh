#!/usr/bin/env bash
# deb-check.sh [DIST] installs the .deb that `make package-check` built
# (DIST/dcrwizard_<version>_<arch>.deb) on this machine with dpkg -i, runs
# the installed program, checks that dpkg's triggers registered the setup
# file type and the desktop entry for it, removes it (dpkg -r) and checks
# that nothing is left. CI runs it (make deb-check) on a throw-away machine:
# it installs into /usr, with sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${1:-${DIST:-dist}}
version=$(scripts/version.sh)
arch=$(go env GOARCH)
deb=$DIST/dcrwizard_${version}_$arch.deb
fail() { printf 'deb-check FAILED: %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok: %s\n' "$*"; }
[ -f "$deb" ] || fail "$deb is missing: run make package-check (or make package-linux) first"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if dpkg-query -W -f='${Status}' dcrwizard 2>/dev/null | grep -q "ok installed"; then
	fail "dcrwizard is already installed here (dpkg -l dcrwizard): this check installs and removes it, so it runs only where it is not"
fi
# Not the real home: the program may create its settings folder.
home=$(mktemp -d "${TMPDIR:-/tmp}/dcrwizard-deb.XXXXXX")
trap 'rm -rf "$home"' EXIT

echo "== dpkg -i $(basename "$deb")"
$sudo dpkg -i "$deb"
dpkg-query -W -f='${Status} ${Version}\n' dcrwizard | grep -qx "install ok installed $version" ||
	fail "dpkg does not list dcrwizard $version as installed: $(dpkg-query -W -f='${Status} ${Version}' dcrwizard)"
out=$(HOME=$home dcrwizard version)
[ "$out" = "dcrwizard $version" ] || fail "dcrwizard version says \"$out\", want \"dcrwizard $version\""
[ "$(command -v dcrwizard)" = /usr/bin/dcrwizard ] || fail "dcrwizard is not /usr/bin/dcrwizard"
ok "installed; $out"
# The triggers of shared-mime-info and desktop-file-utils (when those are
# installed, as on every desktop) now know the type and who opens it.
if command -v update-mime-database >/dev/null 2>&1; then
	for glob in '\*\.dcrwizard' '\*\.dcrwizard\.json'; do
		grep -q ":application/x-dcrwizard-setup:$glob\$" /usr/share/mime/globs2 ||
			fail "the MIME database does not map ${glob//\\/} (shared-mime-info trigger)"
	done
	ok "the MIME database maps *.dcrwizard and *.dcrwizard.json to application/x-dcrwizard-setup"
fi
if command -v update-desktop-database >/dev/null 2>&1; then
	grep -q '^application/x-dcrwizard-setup=.*au\.dcrwizard\.DCRWizard\.desktop' /usr/share/applications/mimeinfo.cache ||
		fail "no desktop entry opens application/x-dcrwizard-setup (desktop-file-utils trigger)"
	ok "DCR Wizard's desktop entry opens application/x-dcrwizard-setup"
fi

echo "== dpkg -r dcrwizard"
$sudo dpkg -r dcrwizard
! dpkg-query -W -f='${Status}' dcrwizard 2>/dev/null | grep -q "ok installed" || fail "dcrwizard is still installed"
for f in /usr/bin/dcrwizard /usr/share/applications/au.dcrwizard.DCRWizard.desktop /usr/share/mime/packages/dcrwizard.xml \
	/usr/share/icons/hicolor/256x256/apps/au.dcrwizard.DCRWizard.png; do
	[ ! -e "$f" ] || fail "$f is still there after dpkg -r"
done
if command -v update-mime-database >/dev/null 2>&1 && grep -q 'x-dcrwizard-setup' /usr/share/mime/globs2; then
	fail "the MIME database still has the setup file type after dpkg -r"
fi
ok "removed; nothing left"
