// Package assets embeds the program's icon. It has no Fyne import, so the
// command line and packaging code can use it too.
package assets

import _ "embed"

// WindowIconPNG is the icon the program shows itself: the window's (title
// bar, taskbar, Alt+Tab) and About's, 128 px, drawn by scripts/icongen.
// The largest place it is drawn is 64 px at 200 % (Windows' large window
// icon, About's 64-unit image); a bigger image only costs start-up time and
// memory, since the window decodes it before its first frame and X11 sends
// it to the server as 8 bytes a pixel.
//
// icon.png beside it (512 px) is the packages' icon (FyneApp.toml, the .deb
// draws its own sizes) and dcrwizard.ico (16-256 px) the Windows .exe's,
// linked in by scripts/package.sh; neither is embedded.
//
//go:generate go run ../scripts/icongen -o icon.png -ico dcrwizard.ico
//go:generate go run ../scripts/icongen -size 128 -o window.png
//go:embed window.png
var WindowIconPNG []byte
