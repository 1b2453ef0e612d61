package ui

import (
	"fyne.io/fyne/v2"

	"dcrwizard/credstore"
	"dcrwizard/ui/journey"
)

// A practice that comes back: when this computer holds registrations made
// for real, the first screen is about them (each by name, environment,
// when, credential status, and Check it works), with New registration one
// button away. The window opens on Welcome as fast as ever: the list is
// read off the UI goroutine (it may touch the keychain when the index must
// be rebuilt), and the screen changes when it arrives only if the user has
// not acted on Welcome yet. Reading the index takes milliseconds, so the
// change comes before a person could act; a user who has started on
// Welcome is never moved. Practice registrations alone keep Welcome: they
// are rehearsals, not something to come back to.

// start reads the list once the window shows Welcome; Welcome's attention
// note and the choice of first screen both come from this one read.
func (p *registrationsPage) start(w *Wizard) {
	p.w = w
	store := w.cfg.Store
	if store == nil {
		return
	}
	focus := w.win.Canvas().Focused() // Welcome's, as shown
	timeout, now := w.cfg.Timeout, w.now()
	keystore := w.app.Preferences().String(prefKeystorePath)
	w.background(func() func() {
		l := readRegistrations(store, timeout, keystore, "", now)
		return func() { p.started(l, focus) }
	})
}

// started shows the registrations first when there are real ones and
// Welcome is still as it opened.
func (p *registrationsPage) started(l listedRegistrations, focus fyne.Focusable) {
	p.note.show(l)
	if !holdsReal(l.recs) || !p.untouched(focus) {
		return
	}
	p.from = stepRegistrations // nothing behind it: Back and Escape stay here
	p.preread = &l             // shown draws this list at once: no second read, no empty frame
	p.w.show(stepRegistrations)
}

// untouched reports whether the user has not acted on Welcome: it is still
// shown with the focus it opened with. A dialog over it (an unfinished
// registration's note, About) is not an act on Welcome.
func (p *registrationsPage) untouched(focus fyne.Focusable) bool {
	w := p.w
	if w.step != stepWelcome {
		return false
	}
	c := w.win.Canvas()
	return c.Overlays().Top() != nil || c.Focused() == focus
}

// holdsReal reports whether any registration was made for real, not in Practice.
func holdsReal(recs []credstore.Record) bool {
	for _, r := range recs {
		if !journey.IsPractice(r.Environment) {
			return true
		}
	}
	return false
}
