#!/usr/bin/env bash
# Builds what a practice downloads and double-clicks. Used by the Makefile:
#   package.sh linux     dist/dcrwizard-linux-<arch>.tar.xz (binary, .desktop file, icon, Makefile)
#                        and dist/dcrwizard_<version>_<arch>.deb (Debian/Ubuntu, same binary)
#   package.sh windows   dist/dcrwizard-windows-amd64.exe (GUI subsystem; icon, manifest, version
#                        resource; cross-built with mingw-w64), dist/dcrwizard-cli-windows-amd64.exe
#                        (the same program as a console program, for cmd, PowerShell and scripts)
#                        and dist/dcrwizard-<version>-windows-amd64.msi (both, installed; wixl)
#   package.sh darwin    on a Mac: dist/dcrwizard-macos-<arch>.zip (signed and notarised when
#                        configured); elsewhere: prints packaging/macOS.md
#   package.sh check     both of the first two, then inspects them (what CI runs)
#   package.sh deb       only the .deb (and its checks), from the .tar.xz already in dist/
#   package.sh inspect   only the inspection, of what is already in dist/
#   package.sh release   a fresh dist/: all of the above (inspected), a plain stripped Linux binary,
#                        SHA256SUMS over every file
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
windows_msi=dcrwizard-$version-windows-amd64.msi
deb_pkg=dcrwizard_${version}_$linux_arch.deb

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
  package_deb
}

# The .deb's run-time dependencies: each library the binary links (its ELF
# NEEDED entries; package_deb fails on one not listed here) and the package
# that has it on Debian 12 and Ubuntu 22.04 and later.
declare -A deb_lib_pkgs=(
  [libc.so.6]=libc6 [libm.so.6]=libc6 [libpthread.so.0]=libc6 [libdl.so.2]=libc6 [libresolv.so.2]=libc6
  [libGL.so.1]=libgl1 [libX11.so.6]=libx11-6 [libXcursor.so.1]=libxcursor1 [libXrandr.so.2]=libxrandr2
  [libXinerama.so.1]=libxinerama1 [libXi.so.6]=libxi6 [libXxf86vm.so.1]=libxxf86vm1
)
# Libraries GLFW opens at run time (dlopen: not in NEEDED) for cursors, monitor
# scaling (RandR), input and multi-monitor: on every desktop, but a minimal
# system would start the window without them, badly scaled.
deb_dlopen_pkgs="libx11-xcb1, libxcursor1, libxi6, libxinerama1, libxrandr2, libxrender1, libxxf86vm1"
# The keychain is a Secret Service on the session bus: recommended, as a
# server without a desktop can still use the command line with --no-store.
deb_recommends="gnome-keyring | keepassxc | kwalletmanager"
# The project has no published address yet: a release sets DEB_MAINTAINER to
# a real one (lintian checks only its form).
DEB_MAINTAINER=${DEB_MAINTAINER:-The DCR Wizard authors <dcrwizard@users.noreply.github.com>}

# package_deb builds dist/$deb_pkg from the binary in the .tar.xz just built
# (no second build): /usr/bin/dcrwizard, the .desktop file with the setup
# file's MIME type, that type for *.dcrwizard[.json] (shared-mime-info), the
# icon in the hicolor theme, copyright and changelog. dpkg's triggers for
# desktop-file-utils, shared-mime-info and the icon cache pick them up: no
# maintainer scripts.
package_deb() {
  [[ $version =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || fail "version \"$version\" is not a Debian version (it must start with a digit)"
  say "Debian package $deb_pkg"
  local t=$work/deb-x r=$work/deb/dcrwizard doc lib p deps=() size
  rm -rf "$t" "$work/deb"
  mkdir -p "$t" "$r/DEBIAN"
  tar -xJf "$DIST/$linux_pkg" -C "$t" dcrwizard/usr/local/bin/dcrwizard
  (
    umask 022
    install -D -m 0755 "$t/dcrwizard/usr/local/bin/dcrwizard" "$r/usr/bin/dcrwizard"
    install -D -m 0644 packaging/linux/au.dcrwizard.DCRWizard.desktop "$r/usr/share/applications/au.dcrwizard.DCRWizard.desktop"
    install -D -m 0644 packaging/linux/dcrwizard-mime.xml "$r/usr/share/mime/packages/dcrwizard.xml"
    env -u GOOS -u GOARCH -u CC -u CGO_ENABLED $GO build -o "$work/bin/icongen" ./scripts/icongen
    for n in 16 24 32 48 64 128 256 512; do
      mkdir -p "$r/usr/share/icons/hicolor/${n}x$n/apps"
      "$work/bin/icongen" -size "$n" -o "$r/usr/share/icons/hicolor/${n}x$n/apps/au.dcrwizard.DCRWizard.png"
    done
    doc=$r/usr/share/doc/dcrwizard
    mkdir -p "$doc"
    { printf '%s\n' 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
        'Upstream-Name: dcrwizard' 'Source: https://github.com/dcrwizard/dcrwizard' \
        'Comment: The program is built from other software; their licences are in' \
        ' THIRD-PARTY-NOTICES.txt.gz beside this file, and "dcrwizard licences" prints them.' '' \
        'Files: *' "Copyright: $(sed -n 's/^Copyright (c) //p' LICENSE | head -n1)" 'License: Expat' '' 'License: Expat'
      sed -n '/^Permission is hereby granted/,$p' LICENSE | sed -e 's/^$/./' -e 's/^/ /'
    } >"$doc/copyright"
    { printf 'dcrwizard (%s) unstable; urgency=medium\n\n' "$version"
      printf '  * Release %s.\n    https://github.com/dcrwizard/dcrwizard/releases\n\n' "$version"
      printf ' -- %s  %s\n' "$DEB_MAINTAINER" "$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")"
    } | gzip -9n >"$doc/changelog.gz"
    gzip -9n <internal/notices/THIRD-PARTY-NOTICES.txt >"$doc/THIRD-PARTY-NOTICES.txt.gz"
    chmod 0644 "$doc/copyright" "$doc/changelog.gz" "$doc/THIRD-PARTY-NOTICES.txt.gz"
  )
  for lib in $(objdump -p "$r/usr/bin/dcrwizard" | awk '$1 == "NEEDED" {print $2}'); do
    p=${deb_lib_pkgs[$lib]:-}
    [ -n "$p" ] || fail "the binary links $lib, which package_deb does not know (add it to deb_lib_pkgs in scripts/package.sh)"
    [ "$p" = libc6 ] && p="libc6 (>= $($GO run ./scripts/pkgcheck glibc "$r/usr/bin/dcrwizard"))"
    [[ " ${deps[*]} " == *" $p,"* ]] || deps+=("$p,")
  done
  size=$(du -sk --exclude=DEBIAN "$r" | cut -f1)
  cat >"$r/DEBIAN/control" <<CONTROL
Package: dcrwizard
Version: $version
Architecture: $linux_arch
Maintainer: $DEB_MAINTAINER
Installed-Size: $size
Depends: $(printf '%s ' "${deps[@]}")$deb_dlopen_pkgs
Recommends: $deb_recommends
Section: utils
Priority: optional
Homepage: https://github.com/dcrwizard/dcrwizard
Description: register software with the ATO through Dynamic Client Registration
 DCR Wizard registers an instance of a practice's tax software with the
 Australian Taxation Office's SSO through the ATO's OAuth Dynamic Client
 Registration API, using the practice's machine (M2M) credential, and keeps
 what the ATO returns in the desktop's keychain (Secret Service).
 .
 A software vendor's setup file (*.dcrwizard) opens in the wizard.
CONTROL
  mkdir -p "$DIST"
  dpkg-deb --build --root-owner-group -Zxz "$r" "$DIST/$deb_pkg" >/dev/null
  ls -l "$DIST/$deb_pkg"
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
  package_msi
}

# package_msi wraps the two programs just built (no second build) into the
# Windows Installer package (packaging/windows/dcrwizard.wxs, scripts/msi.sh).
package_msi() {
  say "Windows Installer package $windows_msi"
  scripts/msi.sh "$version" "$DIST/$windows_exe" "$DIST/$windows_cli_exe" "$DIST/$windows_msi"
  ls -l "$DIST/$windows_msi"
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
  # The setup file's document type (fyne's Info.plist has no place for it),
  # added before signing: the signature covers Info.plist.
  $GO run ./scripts/pkgcheck plist-doctypes "$app/Contents/Info.plist"
  $GO run ./scripts/pkgcheck plist "$app/Contents/Info.plist"
  plutil -lint "$app/Contents/Info.plist"
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
  check_deb
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
  check_msi
}

# check_msi inspects the package's tables (pkgcheck msi) and that the
# programs inside are, byte for byte, the two just checked.
check_msi() {
  local msi=$DIST/$windows_msi x=$work/msi-x
  say "checking $windows_msi"
  $GO run ./scripts/pkgcheck msi "$msi" "$version"
  rm -rf "$x"
  mkdir -p "$x"
  msiextract -C "$x" "$msi" >/dev/null # LocalAppDataFolder is left out of the paths
  local dir="$x/Programs/DCR Wizard"
  cmp -s "$dir/dcrwizard.exe" "$DIST/$windows_exe" || fail "$windows_msi: dcrwizard.exe is not $windows_exe"
  cmp -s "$dir/dcrwizard.com" "$DIST/$windows_cli_exe" || fail "$windows_msi: dcrwizard.com is not $windows_cli_exe"
  echo "ok: $windows_msi (the programs inside are the checked ones)"
}

# check_deb inspects the .deb: pkgcheck deb, lintian (no errors),
# desktop-file-validate, and shared-mime-info compiling the MIME type so that
# *.dcrwizard and *.dcrwizard.json get it.
check_deb() {
  local deb=$DIST/$deb_pkg x=$work/deb-check
  say "checking $deb_pkg"
  $GO run ./scripts/pkgcheck deb "$deb" "$version"
  rm -rf "$x"
  mkdir -p "$x"
  dpkg-deb -x "$deb" "$x/root"
  desktop-file-validate "$x/root/usr/share/applications/au.dcrwizard.DCRWizard.desktop" ||
    fail "$deb_pkg: desktop-file-validate"
  mkdir -p "$x/mime/packages"
  cp "$x/root/usr/share/mime/packages/dcrwizard.xml" "$x/mime/packages/"
  # (It notes that the scratch folder is not on XDG_DATA_DIRS: shown only on failure.)
  update-mime-database "$x/mime" >"$x/mime.log" 2>&1 ||
    { cat "$x/mime.log" >&2; fail "$deb_pkg: update-mime-database refuses dcrwizard.xml"; }
  local glob
  for glob in '\*\.dcrwizard' '\*\.dcrwizard\.json'; do
    grep -q ":application/x-dcrwizard-setup:$glob\$" "$x/mime/globs2" ||
      fail "$deb_pkg: shared-mime-info does not map ${glob//\\/} to application/x-dcrwizard-setup"
  done
  # Errors fail; warnings are printed (all of them). Known: hardening-no-pie
  # (Go links non-PIE by default), no-manual-page.
  lintian --fail-on error --tag-display-limit 0 "$deb" || fail "$deb_pkg: lintian reports errors"
  local out
  out=$(HOME=$work/home "$x/root/usr/bin/dcrwizard" version)
  [ "$out" = "dcrwizard $version" ] || fail "the .deb's binary says \"$out\", want \"dcrwizard $version\""
  echo "ok: $deb_pkg (lintian, desktop-file-validate, shared-mime-info)"
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
  deb) # only the .deb, from the .tar.xz already in dist/, and its checks
    package_deb
    check_deb
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
    # Every download: the .deb is dcrwizard_<version>_<arch>.deb.
    (cd "$DIST" && sha256sum -- dcrwizard-* dcrwizard_*.deb >SHA256SUMS && sha256sum -c --quiet SHA256SUMS)
    say "release $version"
    ls -l "$DIST"
    cat "$DIST/SHA256SUMS"
    ;;
  *)
    echo "usage: $0 linux|windows|darwin|check|deb|inspect|release" >&2
    exit 2
    ;;
esac
