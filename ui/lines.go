package ui

import (
	"fyne.io/fyne/v2/widget"

	"dcrwizard/internal/safetext"
)

// valuePara shows one value from outside — index.json, a pending note, the
// ATO's answer, a keystore — under its label: line breaks, tabs and control
// characters are written as \uXXXX (safetext.Line), so a value cannot draw
// lines of its own that read as the program's ("Registered …").
func valuePara(text string) *widget.Label { return para(safetext.Line(text)) }
