package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/guidance"
	"dcrwizard/ui/journey"
)

// The Registrations screen's list: read off the UI goroutine, drawn as
// cards, real registrations first and Practice ones last.

// load reads the index (no network) and grades the credentials off the UI
// goroutine.
func (p *registrationsPage) load() {
	w := p.w
	store := w.cfg.Store
	if store == nil {
		return
	}
	p.loadGen++
	gen := p.loadGen
	if l := p.preread; l != nil {
		p.preread = nil
		p.loaded(gen, *l)
		return
	}
	p.loading = true
	p.drawBusy()
	timeout, now := w.cfg.Timeout, w.now()
	keystore, rehearsed := w.app.Preferences().String(prefKeystorePath), p.rehearsed
	w.background(func() func() {
		l := readRegistrations(store, timeout, keystore, rehearsed, now)
		return func() { p.loaded(gen, l) }
	})
}

func (p *registrationsPage) loaded(gen int, l listedRegistrations) {
	if gen != p.loadGen {
		return
	}
	p.loading = false
	p.keystore = l.keystore
	p.note.show(l) // Welcome, for when Back returns there
	p.showListErr(l.err)
	p.placeCards(l)
	var aside *credstore.IndexRecoveredError
	setShown(p.empty, len(l.recs) == 0 && (l.err == nil || errors.As(l.err, &aside)))
	p.cards.Refresh()
	p.drawBusy()
	if id := p.checkOnLoad; id != "" {
		p.checkOnLoad = ""
		if c := p.byID[id]; c != nil && !p.running() {
			c.confirmHeld() // asked for from the unfinished-registrations note
		}
	}
}

// showListErr says why the list could not be read, or that it was rebuilt.
func (p *registrationsPage) showListErr(err error) {
	var aside *credstore.IndexRecoveredError
	switch {
	case err == nil:
		p.listErr.Hide()
	case errors.As(err, &aside):
		// The records read are good: show them under the warning.
		p.listErr.Importance = widget.WarningImportance
		p.listErr.SetText(guidance.Words(err))
		p.listErr.Show()
	default:
		msg, action := errorWords(err)
		if action != "" {
			msg += " " + action
		}
		p.listErr.Importance = widget.DangerImportance
		p.listErr.SetText("The list of registrations could not be read. " + msg)
		p.listErr.Show()
	}
}

// practiceHeading is over the Practice registrations, listed last: never
// to be taken for registrations the ATO knows.
const practiceHeading = "Practice registrations — made with the built-in simulator, not known to the ATO"

// placeCards puts a card for each registration on the screen, keeping the
// cards (and what their last action found) of those still listed: real
// registrations first, Practice ones after them under their own heading.
func (p *registrationsPage) placeCards(l listedRegistrations) {
	keep := map[string]bool{}
	var real, practice []fyne.CanvasObject
	for _, rec := range l.recs {
		c := p.byID[rec.ClientID]
		if c == nil {
			c = &regCard{p: p, result: container.NewVBox(), box: container.NewVBox()}
			p.byID[rec.ClientID] = c
		}
		c.rec, c.state = rec, l.states[rec.ClientID]
		c.fill()
		keep[rec.ClientID] = true
		if journey.IsPractice(rec.Environment) {
			practice = append(practice, c.box)
		} else {
			real = append(real, c.box)
		}
	}
	for id := range p.byID {
		if !keep[id] {
			delete(p.byID, id)
		}
	}
	p.cards.Objects = real
	if len(practice) > 0 {
		p.cards.Add(subheading(practiceHeading))
		p.cards.Objects = append(p.cards.Objects, practice...)
	}
}
