package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// summaryValue is one value of Review's summary. The consumer key the
// user typed is masked, with a button to show it in full, so that a
// support person on the phone can have it read back (one wrong character
// looks the same masked). A setup file's key is the vendor's and stays
// masked, with nothing to reveal it.
func (p *detailsPage) summaryValue(label, value string) fyne.CanvasObject {
	w, d := p.w, &p.w.draft
	if label != "Consumer key" || d.SetupKey() {
		return para(value)
	}
	key := d.Key(w.practice.key())
	if key.IsZero() || (d.Setup != nil && key.Same(d.Setup.ConsumerKey())) {
		return para(value)
	}
	shown := para(value)
	var btn *keyButton
	btn = w.kit.newButtonWithIcon("Show the key", theme.VisibilityIcon(), func() {
		if btn.Text == "Show the key" {
			shown.TextStyle.Monospace = true
			shown.SetText(readableKey(key.Header()))
			btn.SetText("Hide the key")
			btn.SetIcon(theme.VisibilityOffIcon())
			return
		}
		shown.TextStyle.Monospace = false
		shown.SetText(value)
		btn.SetText("Show the key")
		btn.SetIcon(theme.VisibilityIcon())
	})
	return container.NewBorder(nil, nil, nil, container.NewVBox(btn), shown)
}

// readableKey is key in groups of four, to read out over the phone, with
// how many characters it has.
func readableKey(key string) string {
	var b strings.Builder
	for i, r := range []rune(key) {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String() + "\n(" + strconv.Itoa(len([]rune(key))) + " characters; the spaces are not part of it)"
}
