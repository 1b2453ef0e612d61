package ui

import "fyne.io/fyne/v2"

// kit makes the wizard's controls and dialogs: fields and buttons that take
// Enter and Escape the wizard's way and show the focus ring, file dialogs
// (the system's where there is one) and dialogs sized to the window. Pages
// use it through w.kit; it knows the window, not the pages.
type kit struct {
	app fyne.App
	win fyne.Window
	// next, back and escape are the wizard's Next, Back and Escape on a
	// button; reveal scrolls a focused control into view.
	next, back, escape func()
	reveal             func(fyne.CanvasObject)
	// background runs work off the UI goroutine (async.go).
	background func(work func() (apply func()))
	nativeFile nativeFileFunc // Config.nativeFile
}

// newKit is the kit of w's window.
func newKit(w *Wizard) kit {
	return kit{app: w.app, win: w.win, next: w.next, back: w.back, escape: w.escape,
		reveal: w.revealFocused, background: w.background, nativeFile: w.cfg.nativeFile}
}
