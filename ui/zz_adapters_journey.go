package ui

import "fyne.io/fyne/v2"

// Adapters giving the pages other helpers own the page interface on this
// branch; the lead replaces them with those pages' own types at the merge.

type reviewStep struct{ w *Wizard }

func (s reviewStep) build() *fyne.Container { return s.w.buildReview() }
func (s reviewStep) shown()                 { s.w.reviewShown() }
func (s reviewStep) leaving()               { s.w.reviewNext() }

func (s reviewStep) problem() string {
	p := &s.w.review
	if p.running() {
		if p.stored != nil {
			return "Registered and stored. Testing it… Press Cancel to stop the test."
		}
		return "Registering… Press Cancel to stop."
	}
	return ""
}

// focus is Register, as Enter advanced every earlier page; in Production
// it asks first (confirmRegister).
func (s reviewStep) focus() fyne.Focusable { return s.w.nextBtn }

type doneStep struct{ w *Wizard }

func (s doneStep) build() *fyne.Container { return s.w.buildDone() }
func (s doneStep) shown()                 {}
func (s doneStep) leaving()               {}
func (s doneStep) problem() string        { return "" }

// focus is not Close: a stray Enter must not close the window.
func (s doneStep) focus() fyne.Focusable {
	if b := firstButton(s.w.done.box); b != nil {
		return b
	}
	return nil
}
