// Command barewindow is the floor `make bench` measures the wizard against: a
// Fyne window of the wizard's size with one label, built with the same tags and
// flags, so the toolkit's and the GL driver's own start-up cost is known.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("au.dcrwizard.BenchBareWindow")
	w := a.NewWindow("Bare Fyne window")
	w.SetContent(widget.NewLabel("A bare Fyne window"))
	w.Resize(fyne.NewSize(900, 650))
	w.ShowAndRun()
}
