// Command barewindow is the floor `make bench` measures the wizard against: a
// Fyne window of the wizard's size with one label, built with the same tags and
// flags, so the toolkit's and the GL driver's own start-up cost is known.
//
// With -kinds it also shows one of each kind of thing the wizard's first page
// draws — bold text, buttons with icons (one of high importance), a check box,
// a separator — and nothing of the wizard's own: what any Fyne page with a
// button costs, apart from what the wizard does. Each text style is a font
// Fyne parses (with a system fallback font); each kind of shape is a GL
// program, which a software renderer compiles on first use.
package main

import (
	"flag"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func main() {
	kinds := flag.Bool("kinds", false, "also one of each kind of thing the wizard's first page draws")
	flag.Parse()
	a := app.NewWithID("au.dcrwizard.BenchBareWindow")
	w := a.NewWindow("Bare Fyne window")
	var content fyne.CanvasObject = widget.NewLabel("A bare Fyne window")
	if *kinds {
		next := widget.NewButtonWithIcon("Start", theme.NavigateNextIcon(), nil)
		next.Importance = widget.HighImportance
		content = container.NewVBox(
			widget.NewLabelWithStyle("A bare Fyne window", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			widget.NewSeparator(),
			widget.NewLabel("One of each kind of thing the wizard's first page draws."),
			widget.NewCheck("A check box", nil),
			container.NewHBox(widget.NewButtonWithIcon("About", theme.InfoIcon(), nil), next),
		)
	}
	w.SetContent(content)
	w.Resize(fyne.NewSize(900, 650))
	w.ShowAndRun()
}
