package ui

import (
	"os"
	"strconv"

	"fyne.io/fyne/v2"
)

// Window sizes, in Fyne's logical units (pixels at 100 %). They are kept
// here, together, because they decide whether the footer (Back, Next,
// Register) can be reached on the screens our users have.
var (
	// minWindowSize is the smallest the window may be made. It must fit
	// the work area of a 1024x600 netbook with a 48 px taskbar at 125 %
	// (1024x552 pixels: about 803x393 logical under the title bar, less
	// the window's padding) and of a 1920x1080 laptop at 200 % (about
	// 960x470 logical): pages scroll inside it, the footer never does.
	minWindowSize = fyne.NewSize(620, 376)
	// startWindowSize is the preferred first size; fitStartSize shrinks
	// it to the screen.
	startWindowSize = fyne.NewSize(900, 650)
	// titleBarAllowance is room left, in logical units, for the window's
	// title bar and frame, which the work area includes and the canvas not.
	titleBarAllowance = fyne.NewSize(16, 48)
	// dialogMargin is the room left round an in-window dialog.
	dialogMargin float32 = 40
	// dialogChrome is a dialog's title, button row and padding.
	dialogChrome float32 = 130
)

// fitStartSize is want made small enough to fit inside a work area of
// work (logical units, title bar still included), but never smaller than
// the minimum: a window larger than its screen hides its footer.
func fitStartSize(want, work fyne.Size) fyne.Size {
	if work.Width <= 0 || work.Height <= 0 {
		return want
	}
	room := work.Subtract(titleBarAllowance)
	return want.Min(room).Max(minWindowSize)
}

// fyneUserScale is the scale the user asked for (FYNE_SCALE, else the
// app's setting), as Fyne's desktop driver computes it; 1 when unset.
func fyneUserScale(a fyne.App) float32 {
	if env := os.Getenv("FYNE_SCALE"); env != "" && env != "auto" {
		if s, err := strconv.ParseFloat(env, 32); err == nil && s > 0 {
			return float32(s)
		}
	}
	if a != nil {
		if s := a.Settings().Scale(); s > 0 {
			return s
		}
	}
	return 1
}
