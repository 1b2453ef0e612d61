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
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
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
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, child := range c.Objects {
				walk(child)
			}
			return
		}
		if wdg, ok := o.(fyne.Widget); ok {
			switch wdg.(type) {
			case *widget.Label, *widget.Button, *keyButton, *widget.RichText, *widget.Check, *keyCheck, *widget.RadioGroup, *choiceGroup, *keyEntry:
				return
			}
			r := test.WidgetRenderer(wdg)
			for _, child := range r.Objects() {
				walk(child)
			}
		}
	}
	walk(o)
	return b.String()
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
