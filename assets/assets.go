// Package assets embeds the program's icon. It has no Fyne import, so the
// command line and packaging code can use it too.
package assets

import _ "embed"

// IconPNG is the 512 px application icon, drawn by scripts/icongen.
// dcrwizard.ico beside it (16-256 px) is the Windows .exe's icon, linked in
// by scripts/package.sh; it is not embedded here.
//
//go:generate go run ../scripts/icongen -o icon.png -ico dcrwizard.ico
//go:embed icon.png
var IconPNG []byte
