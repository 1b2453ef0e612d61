#!/usr/bin/env bash
# winres.sh DIR VERSION EXE_NAME writes DIR/rsrc_windows_amd64.syso, which
# `go build` of the package in DIR links into the Windows .exe:
#   - the icon, assets/dcrwizard.ico (16, 24, 32, 48 and 256 px);
#   - a manifest: per-monitor (V2) DPI aware, so Windows does not bitmap-scale
#     the window on a 125-200 % laptop; Windows 10/11 as supported OS;
#   - a version resource: VERSION as text (FileVersion, ProductVersion) and as
#     numbers (0.2.0+g1234567 -> 0.2.0.0), company, description, copyright and
#     EXE_NAME as OriginalFilename.
# windres (MinGW binutils, installed with gcc-mingw-w64) compiles it, so no Go
# dependency is needed. scripts/pkgcheck checks every field in the built .exe.
set -euo pipefail
dir=${1:?usage: winres.sh DIR VERSION EXE_NAME}
version=${2:?usage: winres.sh DIR VERSION EXE_NAME}
exe_name=${3:?usage: winres.sh DIR VERSION EXE_NAME}
root=$(cd "$(dirname "$0")/.." && pwd)
WINDRES=${MINGW_WINDRES:-x86_64-w64-mingw32-windres}
command -v "$WINDRES" >/dev/null 2>&1 ||
  { echo "winres: $WINDRES not found: install binutils-mingw-w64-x86-64 (it comes with gcc-mingw-w64-x86-64)" >&2; exit 1; }
# Quotes or backslashes would break out of the .rc strings below.
[[ $version =~ ^[0-9A-Za-z.+-]+$ ]] || { echo "winres: version \"$version\" may only hold letters, digits, '.', '+' and '-'" >&2; exit 1; }
[[ $exe_name =~ ^[0-9A-Za-z._-]+$ ]] || { echo "winres: bad file name \"$exe_name\"" >&2; exit 1; }

# Windows' four-part number: the first three numbers of the version
# (missing ones 0), then 0.
core=${version%%[+-]*}
IFS=. read -r a b c _ <<<"$core.."
numeric=$(printf '%d.%d.%d.0' "$((10#${a:-0}))" "$((10#${b:-0}))" "$((10#${c:-0}))")
commas=${numeric//./,}
year=$(git -C "$root" log -1 --format=%cd --date=format:%Y 2>/dev/null || date +%Y)

cat >"$dir/dcrwizard.manifest" <<EOF
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0" xmlns:asmv3="urn:schemas-microsoft-com:asm.v3">
  <assemblyIdentity version="$numeric" processorArchitecture="amd64" name="au.dcrwizard.DCRWizard" type="win32"/>
  <description>DCR Wizard</description>
  <compatibility xmlns="urn:schemas-microsoft-com:compatibility.v1">
    <application>
      <!-- Windows 10 and 11 -->
      <supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/>
    </application>
  </compatibility>
  <asmv3:application>
    <asmv3:windowsSettings>
      <dpiAware xmlns="http://schemas.microsoft.com/SMI/2005/WindowsSettings">true/pm</dpiAware>
      <dpiAwareness xmlns="http://schemas.microsoft.com/SMI/2016/WindowsSettings">PerMonitorV2, PerMonitor</dpiAwareness>
    </asmv3:windowsSettings>
  </asmv3:application>
  <trustInfo xmlns="urn:schemas-microsoft-com:asm.v3">
    <security>
      <requestedPrivileges>
        <requestedExecutionLevel level="asInvoker" uiAccess="false"/>
      </requestedPrivileges>
    </security>
  </trustInfo>
</assembly>
EOF
cp "$root/assets/dcrwizard.ico" "$dir/dcrwizard.ico"
# FILEOS VOS_NT_WINDOWS32 (0x40004), FILETYPE VFT_APP (1); the strings are
# English (Australia, 0x0C09) in code page 1200 (UTF-16).
cat >"$dir/dcrwizard.rc" <<EOF
1 ICON "dcrwizard.ico"
1 24 "dcrwizard.manifest"
1 VERSIONINFO
FILEVERSION $commas
PRODUCTVERSION $commas
FILEFLAGSMASK 0x3f
FILEFLAGS 0x0
FILEOS 0x40004
FILETYPE 0x1
FILESUBTYPE 0x0
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "0c0904b0"
    BEGIN
      VALUE "CompanyName", "The DCR Wizard authors"
      VALUE "FileDescription", "DCR Wizard"
      VALUE "FileVersion", "$version"
      VALUE "InternalName", "dcrwizard"
      VALUE "LegalCopyright", "Copyright (c) $year The DCR Wizard authors. MIT License."
      VALUE "OriginalFilename", "$exe_name"
      VALUE "ProductName", "DCR Wizard"
      VALUE "ProductVersion", "$version"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x0c09, 1200
  END
END
EOF
(cd "$dir" && "$WINDRES" --input-format=rc --output-format=coff -i dcrwizard.rc -o rsrc_windows_amd64.syso)
rm -f "$dir/dcrwizard.rc" "$dir/dcrwizard.manifest" "$dir/dcrwizard.ico"
