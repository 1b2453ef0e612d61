package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/internal/notices"
)

// showLicences shows the licences of the software DCR Wizard is built from
// (About's Licences…), a line a row: a list is quick with its 1,600 lines
// and scrolls with the arrow keys, where a long label would not.
func (k *kit) showLicences() {
	lines := strings.Split(strings.TrimRight(notices.Text, "\n"), "\n")
	l := &keyList{}
	l.HideSeparators = true // lines of one text, not items
	l.Length = func() int { return len(lines) }
	l.CreateItem = func() fyne.CanvasObject {
		row := widget.NewLabel("")
		row.TextStyle.Monospace = true
		row.Truncation = fyne.TextTruncateEllipsis // a narrow window: never wider than it
		return row
	}
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(lines) {
			o.(*widget.Label).SetText(lines[id])
		}
	}
	l.ExtendBaseWidget(l)
	d := k.showDialog("Licences of the software in "+appName, "Close", l)
	l.onEscape = d.Hide
	d.Resize(k.dialogSize())
	k.win.Canvas().Focus(l)
}
