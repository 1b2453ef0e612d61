package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keyEntry is an Entry that passes Enter and Escape on to the wizard, so
// that the keyboard works the same inside a field as outside one.
type keyEntry struct {
	widget.Entry
	onEscape func()
	reveal   func(fyne.CanvasObject)
}

func (k *kit) newEntry(placeholder string) *keyEntry {
	e := &keyEntry{onEscape: k.back, reveal: k.reveal}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.PlaceHolder = placeholder
	e.OnSubmitted = func(string) { k.next() }
	e.ExtendBaseWidget(e)
	return e
}

// newPasswordEntry is masked; Fyne adds the show/hide button itself.
func (k *kit) newPasswordEntry(placeholder string) *keyEntry {
	e := k.newEntry(placeholder)
	e.Password = true
	return e
}

// TypedKey handles Escape, then what Entry does.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// FocusGained scrolls the field into view.
func (e *keyEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.reveal != nil {
		e.reveal(e)
	}
}

// keyCheck is a Check on which Enter advances and Escape goes back, with
// a visible focus ring (see focus.go).
type keyCheck struct {
	widget.Check
	onEnter, onEscape func()
	focused           bool
	reveal            func(fyne.CanvasObject)
}

func (k *kit) newCheck(text string, changed func(bool)) *keyCheck {
	c := &keyCheck{onEnter: k.next, onEscape: k.back, reveal: k.reveal}
	c.Text = text
	c.OnChanged = changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey handles Enter and Escape; Space still toggles (TypedRune).
func (c *keyCheck) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		c.onEnter()
	case fyne.KeyEscape:
		c.onEscape()
	default:
		c.Check.TypedKey(ev)
	}
}

func (c *keyCheck) FocusGained() {
	c.focused = true
	c.Check.FocusGained()
	if c.reveal != nil {
		c.reveal(c)
	}
}

func (c *keyCheck) FocusLost() {
	c.focused = false
	c.Check.FocusLost()
}

func (c *keyCheck) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(c.Check.CreateRenderer(), func() bool { return c.focused })
}

// para is a paragraph of wrapping text.
func para(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// warnPara is a paragraph in the theme's warning colour.
func warnPara(text string) *widget.Label {
	l := para(text)
	l.Importance = widget.WarningImportance
	return l
}

// errPara is a paragraph in the theme's error colour.
func errPara(text string) *widget.Label {
	l := para(text)
	l.Importance = widget.DangerImportance
	return l
}

// caption is a short explanation in smaller text, under what it explains.
func caption(text string) *widget.Label {
	l := para(text)
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// bold is a short bold label.
func bold(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// subheading is a section title inside a page.
// It wraps: a heading wider than the window (a long registration name,
// Practice's section on a small screen) would make the window grow off it.
func subheading(text string) *widget.RichText {
	r := widget.NewRichText(&widget.TextSegment{Text: text, Style: widget.RichTextStyleSubHeading})
	r.Wrapping = fyne.TextWrapWord
	return r
}

// setShown shows or hides o.
func setShown(o fyne.CanvasObject, shown bool) {
	if shown {
		o.Show()
	} else {
		o.Hide()
	}
}

// relayout lays the current page out again. Fyne does not re-run a
// container's layout when a child is shown or hidden, so every change of
// what is visible ends here.
func (w *Wizard) relayout() {
	if b := w.boxes[w.step]; b != nil {
		b.Refresh()
	}
	if p := w.views[w.step]; p != nil {
		p.Refresh()
	}
	if w.footer != nil {
		w.footer.Refresh()
	}
}

// copyButton copies what value() returns to the clipboard.
func (k *kit) copyButton(label string, value func() string) *keyButton {
	return k.newButtonWithIcon(label, theme.ContentCopyIcon(), func() {
		k.app.Clipboard().SetContent(value())
	})
}
