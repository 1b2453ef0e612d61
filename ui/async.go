package ui

import "fyne.io/fyne/v2"

// The one road back to the UI goroutine. Everything slow (file decryption,
// HTTP, keychain) runs in a goroutine started by background; its result is
// applied through post, which is fyne.Do in the program and a queue the test
// drains in tests (Fyne's test driver runs fyne.Do inline on the calling
// goroutine, which would race with the test touching widgets).

// post runs fn on the UI goroutine.
func (w *Wizard) post(fn func()) {
	if w.cfg.post != nil {
		w.cfg.post(fn)
		return
	}
	fyne.Do(fn)
}

// background runs work off the UI goroutine and applies what it returns on
// the UI goroutine. work must not touch widgets; apply may be nil.
func (w *Wizard) background(work func() (apply func())) {
	w.bg.Add(1)
	go func() {
		defer w.bg.Done()
		if apply := work(); apply != nil {
			w.post(apply)
		}
	}()
}
