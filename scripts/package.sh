#!/usr/bin/env bash
# Builds what a practice downloads and double-clicks. Used by the Makefile:
#   package.sh linux     dist/dcrwizard-linux-<arch>.tar.xz (binary, .desktop file, icon, Makefile)
#   package.sh windows   dist/dcrwizard-windows-amd64.exe (GUI subsystem; icon, manifest, version
#                        resource; cross-built with mingw-w64) and dist/dcrwizard-cli-windows-amd64.exe
#                        (the same program as a console program, for cmd, PowerShell and scripts)
#   package.sh darwin    on a Mac: dist/dcrwizard-macos-<arch>.zip (signed and notarised when
#                        configured); elsewhere: prints packaging/macOS.md
#   package.sh check     both of the first two, then inspects them (what CI runs)
#   package.sh inspect   only the inspection, of what is already in dist/
#   package.sh release   a fresh dist/: both packages, a plain stripped Linux binary, SHA256SUMS
#
# The version stamped into dcrwizard/cli.Version comes from scripts/version.sh.
#
# `fyne package` runs in a throw-away copy of the source: it writes files next to
# main.go while it works (fyne_metadata_init.go, fyne.syso) and bumps Build in
# FyneApp.toml on every run; neither must reach the working tree, where other
# builds may be running.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
root=$PWD
export LANG=${LANG:-C.UTF-8}
GO=${GO:-go}
DIST=${DIST:-$root/dist}
TAGS=$(cat "$root/scripts/build-tags")
MINGW_CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
MINGW_WINDRES=${MINGW_WINDRES:-x86_64-w64-mingw32-windres}
what=${1:-}

say() { printf '== %s\n' "$*"; }
fail() { printf 'package: %s\n' "$*" >&2; exit 1; }

version=$(scripts/version.sh)
[[ $version =~ ^[0-9A-Za-z.+-]+$ ]] || fail "version \"$version\" may only hold letters, digits, '.', '+' and '-'"
linux_arch=$($GO env GOARCH)
linux_pkg=dcrwizard-linux-$linux_arch.tar.xz
windows_exe=dcrwizard-windows-amd64.exe
windows_cli_exe=dcrwizard-cli-windows-amd64.exe

work=$(mktemp -d "${TMPDIR:-/tmp}/dcrwizard-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

# fyne_tool builds the pinned packager (the `tool` line in go.mod) once, for
# this machine rather than the target, whatever the caller's cross-build settings.
fyne_tool() {
  if [ ! -x "$work/bin/fyne" ]; then
    env -u GOOS -u GOARCH -u CC -u CGO_ENABLED -u CGO_CFLAGS -u CGO_LDFLAGS $GO build -o "$work/bin/fyne" fyne.io/tools/cmd/fyne
  fi
  printf '%s\n' "$work/bin/fyne"
}

# source_copy copies the files Go would see (tracked, plus untracked ones that are
# not ignored) into a fresh directory named dcrwizard: fyne names the binary and
# the archive's top folder after it.
source_copy() {
  local dest
  dest=$(mktemp -d "$work/src.XXXXXX")/dcrwizard
  mkdir -p "$dest"
  if git rev-parse --git-dir >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
      tar --null -T - -cf - | tar -xf - -C "$dest"
  else
    tar --exclude=./.git --exclude=./dist -cf - . | tar -xf - -C "$dest"
  fi
  printf '%s\n' "$dest"
}

# run_fyne SRC ARGS... stamps the version into SRC (a copy) and runs `fyne package`
# there. The stamp is written into the copy's cli/cli.go rather than passed as
# GOFLAGS=-ldflags=-X…: fyne takes -ldflags out of GOFLAGS on its first go build,
# and for Windows it builds twice, so the .exe would say 0.1.0-dev. Replacing
# the initialiser is what -X does, so every reader of cli.Version sees the same.
run_fyne() {
  local src=$1 fyne
  shift
  fyne=$(fyne_tool)
  local f=$src/cli/cli.go
  grep -q '^var Version = "[^"]*"$' "$f" ||
    fail "cli/cli.go no longer has the line: var Version = \"…\" (scripts/package.sh stamps it)"
  sed -i "s|^var Version = \"[^\"]*\"\$|var Version = \"$version\"|" "$f"
  (cd "$src" && "$fyne" package --release --tags "$TAGS" "$@")
}

package_linux() {
  say "Linux package $linux_pkg (version $version)"
  local src
  src=$(source_copy)
  run_fyne "$src" -os linux
  fix_linux_makefile "$src/DCR Wizard.tar.xz"
  mkdir -p "$DIST"
  mv "$src/DCR Wizard.tar.xz" "$DIST/$linux_pkg"
  ls -l "$DIST/$linux_pkg"
}

# fix_linux_makefile repacks ARCHIVE with its Makefile's Icon line naming the
# real file: fyne tools 1.7.2 leaves off the .png, so `sudo make install` fails
# (fixed in 1.7.4, which needs Fyne 2.8; we stay on 2.7.1). A no-op once fixed.
fix_linux_makefile() {
  local archive=$1 t=$work/linux-fix
  rm -rf "$t"
  mkdir -p "$t"
  tar -xJf "$archive" -C "$t"
  sed -i -E '/^Icon := ".*\.png"$/! s/^Icon := "(.*)"$/Icon := "\1.png"/' "$t/dcrwizard/Makefile"
  tar -C "$t" --owner=0 --group=0 --numeric-owner -cJf "$archive" dcrwizard
}

package_windows() {
  say "Windows program $windows_exe and $windows_cli_exe (version $version)"
  command -v "$MINGW_CC" >/dev/null 2>&1 ||
    fail "$MINGW_CC not found: install mingw-w64 (scripts/install-deps.sh package, or apt-get install gcc-mingw-w64-x86-64)"
  command -v "$MINGW_WINDRES" >/dev/null 2>&1 ||
    fail "$MINGW_WINDRES not found: install binutils-mingw-w64-x86-64 (it comes with gcc-mingw-w64-x86-64)"
  local src fyne
  src=$(source_copy)
  MINGW_WINDRES=$MINGW_WINDRES scripts/winres.sh "$src" "$version" "$windows_exe"
  fyne=$(fyne_tool)
  local f=$src/cli/cli.go
  grep -q '^var Version = "[^"]*"$' "$f" ||
    fail "cli/cli.go no longer has the line: var Version = \"…\" (scripts/package.sh stamps it)"
  sed -i "s|^var Version = \"[^\"]*\"\$|var Version = \"$version\"|" "$f"
  # `fyne build`, not `fyne package`: it adds -H=windowsgui (no console
  # window), -s -w, the app metadata and its hardening flags, and builds once.
  # The icon, manifest and version resource come from our own .syso
  # (scripts/winres.sh); fyne package would put in its own instead, with a
  # one-size icon and a version resource lacking our fields. The hardening
  # flags (-fstack-protector-strong, _FORTIFY_SOURCE) need MinGW's libssp:
  # link it in statically, or the program would ask for a libssp-0.dll no PC has.
  (cd "$src" && CC=$MINGW_CC CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
    CGO_LDFLAGS="${CGO_LDFLAGS:+$CGO_LDFLAGS }-l:libssp.a" \
    "$fyne" build --release --tags "$TAGS" -os windows -o "$src/$windows_exe")
  mkdir -p "$DIST"
  mv "$src/$windows_exe" "$DIST/$windows_exe"
  # The console build is the same program with the PE header's subsystem set
  # to console (what `editbin /subsystem:console` does), so cmd and PowerShell
  # wait for it and get its exit code. No second build.
  $GO run ./scripts/pkgcheck make-console "$DIST/$windows_exe" "$DIST/$windows_cli_exe"
  ls -l "$DIST/$windows_exe" "$DIST/$windows_cli_exe"
}

package_darwin() {
  if [ "$(uname -s)" != Darwin ]; then
    echo "A macOS app can only be built on a Mac with Xcode. The steps, from packaging/macOS.md:"
    echo
    cat packaging/macOS.md
    return 0
  fi
  local arch src app zip
  arch=$($GO env GOARCH)
  zip=dcrwizard-macos-$arch.zip
  say "macOS app $zip (version $version)"
  src=$(source_copy)
  run_fyne "$src" -os darwin
  app="$src/DCR Wizard.app"
  if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
    say "signing with $MACOS_SIGN_IDENTITY"
    codesign --force --deep --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$app"
    codesign --verify --deep --strict --verbose=2 "$app"
  else
    echo "MACOS_SIGN_IDENTITY not set: the app is NOT signed, Gatekeeper will block it (see packaging/macOS.md)."
  fi
  mkdir -p "$DIST"
  rm -f "$DIST/$zip"
  ditto -c -k --keepParent "$app" "$DIST/$zip"
  if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
    say "notarising (keychain profile $MACOS_NOTARY_PROFILE)"
    xcrun notarytool submit "$DIST/$zip" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
    xcrun stapler staple "$app"
    rm -f "$DIST/$zip"
    ditto -c -k --keepParent "$app" "$DIST/$zip"
    spctl --assess --type execute --verbose "$app"
  else
    echo "MACOS_NOTARY_PROFILE not set: not notarised (see packaging/macOS.md)."
  fi
  ls -l "$DIST/$zip"
}

check_linux() {
  local pkg=$DIST/$linux_pkg x bin out
  say "checking $linux_pkg"
  local list=$work/linux-list
  tar -tJf "$pkg" >"$list"
  for want in \
    dcrwizard/Makefile \
    dcrwizard/usr/local/bin/dcrwizard \
    dcrwizard/usr/local/share/applications/au.dcrwizard.DCRWizard.desktop \
    dcrwizard/usr/local/share/pixmaps/au.dcrwizard.DCRWizard.png; do
    grep -qxF "$want" "$list" || { cat "$list" >&2; fail "$linux_pkg lacks $want"; }
  done
  x=$work/linux-x
  mkdir -p "$x"
  tar -xJf "$pkg" -C "$x"
  local desktop=$x/dcrwizard/usr/local/share/applications/au.dcrwizard.DCRWizard.desktop
  for want in 'Type=Application' 'Name=DCR Wizard' 'Exec=dcrwizard' 'Icon=au.dcrwizard.DCRWizard'; do
    grep -qxF "$want" "$desktop" || { cat "$desktop" >&2; fail "desktop file lacks the line: $want"; }
  done
  bin=$x/dcrwizard/usr/local/bin/dcrwizard
  $GO run ./scripts/pkgcheck elf "$bin"
  $GO run ./scripts/pkgcheck png "$x/dcrwizard/usr/local/share/pixmaps/au.dcrwizard.DCRWizard.png"
  out=$(HOME=$work/home "$bin" version)
  [ "$out" = "dcrwizard $version" ] || fail "the packaged binary says \"$out\", want \"dcrwizard $version\""
  # What the README tells people to type, into a scratch root instead of /.
  local dest=$work/installroot
  make -s -C "$x/dcrwizard" install DESTDIR="$dest" >/dev/null ||
    fail "make install from $linux_pkg failed"
  for want in usr/bin/dcrwizard usr/share/applications/au.dcrwizard.DCRWizard.desktop \
    usr/share/pixmaps/au.dcrwizard.DCRWizard.png; do
    [ -s "$dest/$want" ] || fail "make install from $linux_pkg did not install /$want"
  done
  out=$(HOME=$work/home "$dest/usr/bin/dcrwizard" version)
  [ "$out" = "dcrwizard $version" ] || fail "the installed binary says \"$out\", want \"dcrwizard $version\""
  echo "ok: $linux_pkg ($out; make install works)"
}

check_windows() {
  local exe=$DIST/$windows_exe cli=$DIST/$windows_cli_exe unstamped
  say "checking $windows_exe and $windows_cli_exe"
  # The version resource, manifest, icon sizes, subsystem and imports.
  $GO run ./scripts/pkgcheck pe "$exe" "$version"
  $GO run ./scripts/pkgcheck pe-console "$cli" "$version"
  # The stamp in cli.Version (what `version` prints; the Wine run, make
  # wine-check, runs it), and the unstamped default not being there.
  unstamped=$(sed -n 's/^var Version = "\(.*\)"$/\1/p' cli/cli.go)
  grep -qaF "$version" "$exe" || fail "$windows_exe does not contain the version $version"
  if [ -n "$unstamped" ] && [ "$unstamped" != "$version" ] && grep -qaF "$unstamped" "$exe"; then
    fail "$windows_exe still says $unstamped: the version was not stamped"
  fi
  echo "ok: $windows_exe, $windows_cli_exe (version $version)"
}

case "$what" in
  linux) package_linux ;;
  windows) package_windows ;;
  darwin) package_darwin ;;
  check)
    package_linux
    package_windows
    check_linux
    check_windows
    ;;
  inspect) # only the checks, on what is already in dist/
    check_linux
    check_windows
    ;;
  release)
    say "release $version into $DIST"
    case "$version" in *.dirty) echo "warning: modified files in the working tree; the version says so" >&2 ;; esac
    [ "$(basename "$DIST")" = dist ] || fail "DIST=$DIST: release empties it first, so it must be a folder named dist"
    rm -rf "$DIST"
    package_linux
    package_windows
    check_linux
    check_windows
    # The plain binary is the one inside the package, so both carry the same checksum.
    tar -xJf "$DIST/$linux_pkg" -C "$work" dcrwizard/usr/local/bin/dcrwizard
    install -m 0755 "$work/dcrwizard/usr/local/bin/dcrwizard" "$DIST/dcrwizard-linux-$linux_arch"
    (cd "$DIST" && sha256sum -- dcrwizard-* >SHA256SUMS && sha256sum -c --quiet SHA256SUMS)
    say "release $version"
    ls -l "$DIST"
    cat "$DIST/SHA256SUMS"
    ;;
  *)
    echo "usage: $0 linux|windows|darwin|check|inspect|release" >&2
    exit 2
    ;;
esac
