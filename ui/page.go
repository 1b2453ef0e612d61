package ui

import "fyne.io/fyne/v2"

// page is one screen of the wizard. It owns its widgets and their state;
// what the user has chosen lives in the journey model (w.draft), which a
// page updates as the user acts and reads to draw itself. The wizard only
// navigates: it builds a page when first needed, shows it, asks it what
// still stops Next, and tells it when the user moves on.
type page interface {
	// build makes the page's widgets, once; the wizard puts the box in a
	// scroll so that long pages scroll instead of growing the window.
	build() *fyne.Container
	// shown is called each time the page comes on screen.
	shown()
	// leaving is called when Next leaves the page forward.
	leaving()
	// problem says why the page's main action cannot go on ("" when it can);
	// the footer shows it and Next stays disabled.
	problem() string
	// focus is what has the keyboard focus when the page is shown.
	focus() fyne.Focusable
}
