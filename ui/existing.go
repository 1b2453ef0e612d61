package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/registrar"
)

// existingCheck is Review's look, before anything is sent, for a stored
// registration of the same environment, name and credential
// (registrar.Existing). When there is one, Review names it and its main
// action becomes "Use the existing registration": opening a vendor's setup
// file again and pressing Register (or Enter) must not make a second
// registration at the ATO. Registering again is its own button.
type existingCheck struct {
	box   *fyne.Container
	text  *widget.Label
	again *keyButton

	gen     int
	pending bool               // the lookup is running
	pressed bool               // Register was pressed while it ran: decide when it ends
	found   []credstore.Record // newest first; nil: none (or the lookup failed)
}

// existingLookupTimeout bounds the index read (a keychain unlock prompt
// may be waiting when the index has to be rebuilt).
const existingLookupTimeout = time.Minute

// buildExisting makes Review's "already registered" box, hidden.
func (w *Wizard) buildExisting() fyne.CanvasObject {
	c := &w.review.existing
	c.text = para("")
	c.again = w.newButtonWithIcon("Register again anyway", theme.ViewRefreshIcon(), w.registerAgainAnyway)
	c.box = container.NewVBox(
		widget.NewSeparator(),
		subheading("Already registered on this computer"),
		c.text,
		container.NewHBox(c.again),
	)
	c.box.Hide()
	return c.box
}

// reviewInput is what Register would send (as startRegister builds it).
func (w *Wizard) reviewInput() (registrar.Input, bool) {
	env, _ := w.currentEnv()
	in := registrar.Input{
		Env:          env,
		Credential:   w.selectedCredential(),
		APIKey:       consumerkey.Clean(w.detailsKey()),
		InstanceName: registrar.CleanName(w.details.name.Text),
	}
	in, _, err := w.applySetupRun(in, w.environment.caFile)
	return in, err == nil
}

// checkExisting starts the lookup for Review's current values; the index
// is read off the UI goroutine.
func (w *Wizard) checkExisting() {
	c := &w.review.existing
	c.gen++
	gen := c.gen
	c.found, c.pressed, c.pending = nil, false, false
	c.box.Hide()
	store := w.cfg.Store
	in, ok := w.reviewInput()
	if store == nil || !ok || in.Credential == nil || in.Env.Name == practiceName {
		return // Practice registrations are throw-away (registrar.Existing)
	}
	c.pending = true
	w.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), existingLookupTimeout)
		defer cancel()
		recs, err := registrar.Existing(ctx, store, in.Env, in.InstanceName, in.Credential)
		if err != nil {
			// Register reads the same index before sending and says what
			// is wrong with it; here it only means nothing is known.
			recs = nil
		}
		return func() { w.existingFound(gen, in, recs) }
	})
}

// existingFound applies the lookup, and a Register pressed meanwhile.
func (w *Wizard) existingFound(gen int, in registrar.Input, recs []credstore.Record) {
	c := &w.review.existing
	if gen != c.gen || w.step != stepReview || w.review.running() {
		return
	}
	pressed := c.pressed
	c.pending, c.pressed, c.found = false, false, recs
	if len(recs) > 0 {
		c.text.SetText(existingWords(in, recs))
		c.box.Show()
		w.refreshNav()
		if w.win.Canvas().Focused() == nil || pressed {
			w.win.Canvas().Focus(w.nextBtn)
		}
		return
	}
	if pressed {
		w.confirmRegister()
	}
}

// existingWords names the registration and what registering again means.
func existingWords(in registrar.Input, recs []credstore.Record) string {
	r := recs[0]
	when := r.IssuedAt
	if when.IsZero() {
		when = r.StoredAt
	}
	env := in.Env.Label
	if env == "" {
		env = r.Environment
	}
	s := fmt.Sprintf("%q is already registered here in %s with this credential, on %s (client id %s); your software uses it.",
		r.Name, env, formatDate(when), r.ClientID)
	if len(recs) > 1 {
		s += fmt.Sprintf(" This computer holds %d registrations with this name and credential; this is the newest.", len(recs))
	}
	return s + " Nothing more is needed: press \"Use the existing registration\"." +
		" Registering again makes a second registration at the ATO with the same name, and your software may not know which one to use."
}

// reviewNext is Review's main action (the button and Enter): Register, or,
// when this registration exists already, use it. A press while the lookup
// runs waits for it, so Enter never registers a duplicate.
func (w *Wizard) reviewNext() {
	c := &w.review.existing
	switch {
	case c.pending:
		c.pressed = true
	case len(c.found) > 0:
		w.useExisting()
	default:
		w.confirmRegister()
	}
}

// useExisting shows the registrations, the existing one among them:
// nothing is sent.
func (w *Wizard) useExisting() {
	w.showRegistrations()
}

// registerAgainAnyway is the deliberate second registration (Production
// still asks by name: confirmRegister).
func (w *Wizard) registerAgainAnyway() {
	c := &w.review.existing
	if w.review.running() || c.pending {
		return
	}
	// found stays: if Production's question is answered "Not yet", the
	// main action is still "Use the existing registration".
	w.confirmRegister()
}

// existingNav relabels Review's main button when the registration exists.
func (w *Wizard) existingNav() {
	if len(w.review.existing.found) == 0 || w.review.running() {
		return
	}
	w.nextBtn.SetText("Use the existing registration")
	w.nextBtn.SetIcon(theme.ConfirmIcon())
}
