package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/registrar"
	"dcrwizard/ui/journey"
)

// existingCheck is Review's look, before anything is sent, for a stored
// registration of the same environment, name and credential
// (registrar.Existing). When there is one, Review names it and its main
// action becomes "Use the existing registration": opening a vendor's setup
// file again and pressing Register (or Enter) must not make a second
// registration at the ATO. Registering again is its own button. The run
// itself looks again before sending (existingBeforeSending), so a Register
// pressed before this lookup answered sends nothing either.
type existingCheck struct {
	w        *Wizard
	review   *reviewPage
	box      *fyne.Container
	text     *widget.Label
	againBtn *keyButton

	gen     int
	pending bool               // the lookup is running
	found   []credstore.Record // newest first; nil: none (or the lookup failed)
	again   bool               // the next run registers even so
}

// takeAgain reports and clears the user's "Register again anyway".
func (c *existingCheck) takeAgain() bool {
	again := c.again
	c.again = false
	return again
}

// existingLookupTimeout bounds the index read (a keychain unlock prompt
// may be waiting when the index has to be rebuilt).
const existingLookupTimeout = time.Minute

// build makes Review's "already registered" box, hidden.
func (c *existingCheck) build(review *reviewPage) fyne.CanvasObject {
	c.review = review
	c.text = para("")
	c.againBtn = c.w.kit.newButtonWithIcon("Register again anyway", theme.ViewRefreshIcon(), c.registerAgainAnyway)
	c.box = container.NewVBox(
		widget.NewSeparator(),
		subheading("Already registered on this computer"),
		c.text,
		container.NewHBox(c.againBtn),
	)
	c.box.Hide()
	return c.box
}

// check starts the lookup for what Review would send; the index is read
// off the UI goroutine.
func (c *existingCheck) check(in registrar.Input) {
	w := c.w
	c.gen++
	gen := c.gen
	c.found, c.pending, c.again = nil, false, false
	c.box.Hide()
	store := w.cfg.Store
	if store == nil || in.Credential == nil || journey.IsPractice(in.Env.Name) {
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
		return func() { c.lookedUp(gen, in, recs) }
	})
}

// lookedUp applies the lookup.
func (c *existingCheck) lookedUp(gen int, in registrar.Input, recs []credstore.Record) {
	if gen != c.gen {
		return
	}
	c.pending = false
	if c.w.step == stepReview && !c.review.running() { // a run looks for itself
		c.show(in, recs)
	}
}

// show names the stored registration and makes using it the main action
// (nothing when recs is empty).
func (c *existingCheck) show(in registrar.Input, recs []credstore.Record) {
	c.found = recs
	if len(recs) == 0 {
		return
	}
	c.text.SetText(existingWords(in, recs))
	c.box.Show()
	c.w.refreshNav()
	c.w.win.Canvas().Focus(c.w.nextBtn)
}

// existingBeforeSending is the run's own look, off the UI goroutine, just
// before anything is sent: the registrations a run would duplicate, unless
// the user chose to register again.
func existingBeforeSending(again bool, store *credstore.Store, in registrar.Input) []credstore.Record {
	if again || store == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), existingLookupTimeout)
	defer cancel()
	recs, err := registrar.Existing(ctx, store, in.Env, in.InstanceName, in.Credential)
	if err != nil {
		return nil // Register reads the same index and says what is wrong with it
	}
	return recs
}

// runFound ends a run that found the registration stored before sending
// anything: back to Review's choice.
func (c *existingCheck) runFound(gen int, in registrar.Input, recs []credstore.Record) {
	p := c.review
	if !p.run.live(gen) || p.run.cancelled() {
		return
	}
	p.endRun()
	p.runBox.Hide()
	c.show(in, recs)
	c.w.refreshNav()
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

// leaving is Review's main action (Register and Enter): use the
// registration when it is stored already, else Register (whose run looks
// again before sending, for a press before the lookup answered). Using it
// shows the registrations, the existing one among them: nothing is sent.
func (p *reviewPage) leaving() {
	if len(p.existing.found) > 0 {
		p.w.registrations.open()
		return
	}
	p.w.confirmRegister()
}

// registerAgainAnyway is the deliberate second registration (Production
// still asks by name: confirmRegister).
func (c *existingCheck) registerAgainAnyway() {
	if c.review.running() {
		return
	}
	c.again = true
	// found stays: if Production's question is answered "Not yet", the
	// main action is still "Use the existing registration".
	c.w.confirmRegister()
}

// nav relabels Review's main button when the registration exists.
func (c *existingCheck) nav() {
	if len(c.found) == 0 || c.review == nil || c.review.running() {
		return
	}
	c.w.nextBtn.SetText("Use the existing registration")
	c.w.nextBtn.SetIcon(theme.ConfirmIcon())
}
