// Package assets embeds the program's icon. It has no Fyne import, so the
// command line and packaging code can use it too.
package assets

import _ "embed"

// IconPNG is the 512 px application icon, drawn by scripts/icongen.
//
//go:generate go run ../scripts/icongen -o icon.png
//go:embed icon.png
var IconPNG []byte
