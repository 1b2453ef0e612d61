#!/usr/bin/env bash
# msi.sh VERSION GUI.exe CONSOLE.exe OUT.msi builds DCR Wizard's Windows
# Installer package from packaging/windows/dcrwizard.wxs with wixl (msitools),
# then applies packaging/windows/msi-tables.sql with msibuild (what wixl cannot
# express). VERSION is the program's (0.2.0+g1234567); the package's
# ProductVersion is its first three numbers (0.2.0), what Windows Installer
# compares for upgrades and what the .exe's version resource says (0.2.0.0).
# Used by scripts/package.sh, scripts/wine/run.sh (a higher-versioned package
# for the upgrade) and scripts/pkgcheck's tests.
set -euo pipefail
version=${1:?usage: msi.sh VERSION GUI.exe CONSOLE.exe OUT.msi}
gui=${2:?usage: msi.sh VERSION GUI.exe CONSOLE.exe OUT.msi}
console=${3:?usage: msi.sh VERSION GUI.exe CONSOLE.exe OUT.msi}
out=${4:?usage: msi.sh VERSION GUI.exe CONSOLE.exe OUT.msi}
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in wixl msibuild; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "msi: $tool not found: install wixl and msitools (scripts/install-deps.sh package)" >&2; exit 1; }
done
[[ $version =~ ^[0-9A-Za-z.+-]+$ ]] || { echo "msi: version \"$version\" may only hold letters, digits, '.', '+' and '-'" >&2; exit 1; }
core=${version%%[+-]*}
IFS=. read -r a b c _ <<<"$core.."
product_version=$(printf '%d.%d.%d' "$((10#${a:-0}))" "$((10#${b:-0}))" "$((10#${c:-0}))")
# Windows Installer's limits: major and minor up to 255, build up to 65535.
IFS=. read -r a b c <<<"$product_version"
[ "$a" -le 255 ] && [ "$b" -le 255 ] && [ "$c" -le 65535 ] ||
	{ echo "msi: version $product_version is beyond Windows Installer's 255.255.65535" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
# wixl takes sources relative to where it runs (an absolute path fails), so
# the files are staged side by side.
stage=$(mktemp -d "${TMPDIR:-/tmp}/dcrwizard-msi.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cp "$gui" "$stage/gui.exe"
cp "$console" "$stage/console.exe"
cp "$root/assets/dcrwizard.ico" "$stage/dcrwizard.ico"
cp "$root/packaging/windows/dcrwizard.wxs" "$stage/dcrwizard.wxs"
tmp=$stage/out.msi
(cd "$stage" && wixl -a x64 -D "Version=$product_version" -D Gui=gui.exe -D Console=console.exe \
	-D Icon=dcrwizard.ico -o out.msi dcrwizard.wxs)
n=0
while IFS= read -r q; do
	n=$((n + 1))
	case "$q" in '' | --*) continue ;; esac
	msibuild "$tmp" -q "${q//@VERSION@/$product_version}" 2>/dev/null ||
		{ echo "msi: msi-tables.sql line $n failed: $q" >&2; exit 1; }
done <"$root/packaging/windows/msi-tables.sql"
mv "$tmp" "$out"
