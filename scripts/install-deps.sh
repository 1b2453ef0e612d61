#!/usr/bin/env bash
# Installs the system packages DCR Wizard needs on Debian/Ubuntu, only those
# missing, so `make run` and `make test` are all a newcomer types.
#   install-deps.sh run    GL/X11 headers for building the Fyne program
#   install-deps.sh test   the above, plus Xvfb, D-Bus and a Secret Service (gnome-keyring),
#                          and wixl/msitools for scripts/pkgcheck's package tests
#   install-deps.sh package  the first, plus mingw-w64 (the Windows .exe), xz (the Linux .tar.xz),
#                          wixl and msitools (the .msi), lintian, desktop-file-utils and
#                          shared-mime-info (checking the .deb)
#   install-deps.sh wine   Wine, mingw-w64, Xvfb, xdotool, wixl, tesseract (reads the window) and
#                          the other tools make wine-check uses to run the Windows .exe and
#                          install the .msi for real (64-bit Wine alone is enough; a "wine32 is
#                          missing" warning is harmless)
set -euo pipefail
what=${1:-run}

if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed. Install Go 1.26 or newer (https://go.dev/dl/) and run this again." >&2
  exit 1
fi

pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
if [ "$what" = test ]; then
  # No dbus-x11: it makes programs outside a session bus start stray daemons.
  pkgs+=(xvfb x11-utils xauth dbus gnome-keyring libsecret-tools openssl imagemagick curl jq wixl msitools)
fi
if [ "$what" = package ]; then
  pkgs+=(gcc-mingw-w64-x86-64 xz-utils make binutils wixl msitools lintian desktop-file-utils shared-mime-info)
fi
if [ "$what" = wine ]; then
  pkgs=(wine wine64 gcc-mingw-w64-x86-64 xvfb x11-utils xdotool imagemagick jq wixl msitools tesseract-ocr)
fi

case "$(uname -s)" in
  Linux) ;;
  Darwin) echo "macOS: install Xcode command line tools (xcode-select --install); nothing else is needed."; exit 0 ;;
  *) echo "Windows: install Go and a gcc such as TDM-GCC or MSYS2 mingw-w64; see README."; exit 0 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "Not a Debian/Ubuntu system: install the equivalents of: ${pkgs[*]}" >&2
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
