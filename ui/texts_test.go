package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// textsIn is every visible label's, button's and check's text under o.
func textsIn(o fyne.CanvasObject) string {
	var b strings.Builder
	eachObject(o, func(o fyne.CanvasObject) bool {
		if !o.Visible() {
			return false
		}
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + v.Text + "]\n")
		case *keyButton:
			b.WriteString("[" + v.Text + "]\n")
		case *widget.RichText:
			b.WriteString(richTextOf(v.Segments) + "\n")
		case *widget.Check:
			b.WriteString("[ ] " + v.Text + "\n")
		case *keyCheck:
			b.WriteString("[ ] " + v.Text + "\n")
		case *widget.RadioGroup:
			b.WriteString(strings.Join(v.Options, " | ") + "\n")
		case *choiceGroup:
			b.WriteString(strings.Join(v.Options, " | ") + "\n")
		case *keyEntry:
		default:
			return true
		}
		return false // its text is said; what draws it is not
	})
	return b.String()
}

// eachObject calls f on o and, while f returns true, on what is under it (a
// container's objects, what a widget's renderer draws), parents first.
func eachObject(o fyne.CanvasObject, f func(fyne.CanvasObject) bool) {
	if o == nil || !f(o) {
		return
	}
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			eachObject(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			eachObject(c, f)
		}
	}
}

// richTextOf is the text of rich-text segments, list items included (which
// RichText.String leaves out).
func richTextOf(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, s := range segs {
		if l, ok := s.(*widget.ListSegment); ok {
			for _, item := range l.Items {
				b.WriteString(richTextOf([]widget.RichTextSegment{item}) + "\n")
			}
			continue
		}
		if p, ok := s.(*widget.ParagraphSegment); ok {
			b.WriteString(richTextOf(p.Texts))
			continue
		}
		b.WriteString(s.Textual())
	}
	return b.String()
}

// offeredKeystore is the credential file the Credential step starts with
// (built if need be, as when first shown).
func offeredKeystore(h *harness) string {
	h.w.ensurePage(stepCredential)
	return h.w.draft.Keystore
}
