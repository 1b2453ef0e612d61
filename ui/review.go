package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/guidance"
	"dcrwizard/internal/safetext"
	"dcrwizard/internal/timewords"
	"dcrwizard/registrar"
)

// runSteps are the rows of the live step list, in order.
var runSteps = []struct {
	step  flow.Step
	label string
}{
	{flow.StepSign, "Signing the request with your credential"},
	{flow.StepToken, "Getting an access token from the ATO"},
	{flow.StepRegister, "Registering this installation"},
	{flow.StepSave, "Saving to the keychain"},
	{flow.StepVerify, "Testing the new registration"},
}

// rowStep is the row an event is shown on: the heartbeat is part of the
// test of the new registration.
func rowStep(s flow.Step) flow.Step {
	if s == flow.StepHeartbeat {
		return flow.StepVerify
	}
	return s
}

// stepRow is one line of the live step list.
type stepRow struct {
	icon     *widget.Icon
	activity *widget.Activity
	label    *widget.Label
	message  *widget.Label
	state    flow.State // "" while not reached
}

type reviewPage struct {
	summary   *fyne.Container
	prodNote  *widget.Label
	runBox    *fyne.Container
	rows      map[flow.Step]*stepRow
	elapsed   *widget.Label
	cancelBtn *keyButton

	gen             int
	cancel          context.CancelFunc // non-nil while a run is going
	stopTick        chan struct{}
	started         time.Time
	registerStarted bool
	cancelled       bool
	input           registrar.Input // of the last run, for the support summary

	// stored is the run's registration once the keychain kept it: from then
	// on the run is only testing it, and Cancel stops only the test.
	stored      *registrar.Result
	testStopped bool

	warm *warmClient // the client the next run uses, pre-connected (warm.go)

	existing existingCheck // the same registration stored already (existing.go)
}

func (r *reviewPage) running() bool { return r.cancel != nil }

func (w *Wizard) buildReview() {
	p := &w.review
	p.summary = container.New(layout.NewFormLayout())
	p.prodNote = warnPara("Production: this is a real registration with the ATO.")
	p.prodNote.Hide()
	p.rows = map[flow.Step]*stepRow{}
	list := container.NewVBox()
	for _, s := range runSteps {
		row := &stepRow{
			icon:     widget.NewIcon(theme.RadioButtonIcon()),
			activity: widget.NewActivity(),
			label:    widget.NewLabel(s.label),
			message:  para(""),
		}
		row.activity.Hide()
		row.message.SizeName = theme.SizeNameCaptionText
		row.message.Hide()
		p.rows[s.step] = row
		// The icon sits on the first line, beside the step's name.
		list.Add(container.NewBorder(nil, nil, container.NewVBox(container.NewStack(row.icon, row.activity)), nil,
			container.NewVBox(row.label, row.message)))
	}
	p.elapsed = widget.NewLabel("")
	p.cancelBtn = w.newButtonWithIcon("Cancel", theme.CancelIcon(), w.cancelRun)
	// Cancel sits above the list, beside the heading: the list grows as
	// steps report, and a button that moves is hard to hit.
	p.runBox = container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewVBox(p.cancelBtn), container.NewVBox(subheading("Progress"), p.elapsed)),
		list,
		widget.NewSeparator(),
	)
	p.runBox.Hide()
	w.setPage(stepReview,
		para("Check these details. When they are right, press Register. It usually takes a few seconds."),
		p.runBox,
		p.summary,
		p.prodNote,
		w.buildExisting(),
	)
	w.problems[stepReview] = func() string {
		if p.running() {
			if p.stored != nil {
				return "Registered and stored. Testing it… Press Cancel to stop the test."
			}
			return "Registering… Press Cancel to stop."
		}
		return ""
	}
	// Register, as Enter advanced every earlier page; in Production it
	// asks first (confirmRegister).
	w.focusers[stepReview] = func() fyne.Focusable { return w.nextBtn }
}

// maskKey shows enough of a consumer key to recognise it.
func maskKey(k string) string {
	if len(k) <= 8 {
		return strings.Repeat("•", len(k))
	}
	return fmt.Sprintf("%s…%s (%d characters)", k[:4], k[len(k)-4:], len(k))
}

// summaryRows is the Review step's summary as label/value pairs.
func (w *Wizard) summaryRows() [][2]string {
	env, _ := w.currentEnv()
	rows := [][2]string{}
	envText := env.Label
	if o := w.selectedOption(); o != nil && !w.environment.custom.Checked {
		envText = o.label
	}
	rows = append(rows, [2]string{"Environment", envText})
	if env.Name != flow.Sandbox.Name && env.Name != flow.Production.Name {
		rows = append(rows, [2]string{"Addresses", env.TokenURL + "\n" + env.RegistrationURL})
		if env.Name != "practice" && !env.IsATO() {
			rows = append(rows, [2]string{"Not the ATO's", "These addresses are not the ATO's: " + strings.Join(env.Hosts(), ", ") + "."})
		}
	}
	if c := w.selectedCredential(); c != nil {
		name := safetext.Line(c.Name) // a keystore's names and a file name are one line each
		if c.ABN != "" {
			name += " (ABN " + formatABN(c.ABN) + ")"
		}
		rows = append(rows,
			[2]string{"Credential", name},
			[2]string{"Credential ID", safetext.Line(c.ID)},
			[2]string{"Valid until", formatDate(c.NotAfter)})
	}
	rows = append(rows,
		[2]string{"File", safetext.Line(w.credential.path)},
		[2]string{"Consumer key", w.shownKey(w.detailsKey())}, // setup hook: only the last 4 of a vendor's key
		[2]string{"Name", registrar.CleanName(w.details.name.Text)})
	rows = append(rows, vendorRows(credstore.Record{Vendor: w.setupVendor()})...) // setup hook
	if ca := w.environment.caFile; ca != "" {
		rows = append(rows, [2]string{"Extra CA file", safetext.Line(ca)})
	}
	return rows
}

func (w *Wizard) reviewShown() {
	p := &w.review
	p.summary.Objects = nil
	for _, r := range w.summaryRows() {
		p.summary.Add(bold(r[0]))
		p.summary.Add(w.summaryValue(r[0], r[1])) // the typed key can be shown (revealkey.go)
	}
	p.summary.Refresh()
	env, _ := w.currentEnv()
	setShown(p.prodNote, env.Name == flow.Production.Name)
	if !p.running() {
		p.runBox.Hide()
		w.warmReview()
		w.checkExisting()
	}
}

// startRegister runs the registration in the background with a live step
// list, an elapsed-time ticker and a Cancel that works at once.
func (w *Wizard) startRegister() {
	p := &w.review
	if p.running() {
		return
	}
	env, _ := w.currentEnv()
	in := registrar.Input{
		Env:          env,
		Credential:   w.selectedCredential(),
		ConsumerKey:  w.detailsKey(), // setup hook: detailsKey
		InstanceName: registrar.CleanName(w.details.name.Text),
	}
	caFile, timeout, newClient := w.environment.caFile, w.cfg.Timeout, w.cfg.NewHTTPClient
	in, caFile, setupErr := w.applySetupRun(in, caFile) // setup hook: registrar.ApplySetup, as the CLI
	p.input = in
	if setupErr != nil {
		w.showFailure(setupErr)
		return
	}
	store, now := w.cfg.Store, w.cfg.Now
	again := p.existing.takeAgain() // "Register again anyway" was pressed

	ctx, cancel := context.WithCancel(context.Background())
	p.gen++
	gen := p.gen
	p.cancel = cancel
	p.started = now()
	p.registerStarted, p.cancelled = false, false
	p.stored, p.testStopped = nil, false
	for _, s := range runSteps {
		row := p.rows[s.step]
		row.state = ""
		row.label.SetText(practiceWords(env.Name == practiceName, s.label))
		w.drawRow(row)
		row.message.Hide()
	}
	p.elapsed.SetText("Elapsed: 0 s")
	p.cancelBtn.Enable()
	p.runBox.Show()

	stop := make(chan struct{})
	p.stopTick = stop
	tick := w.cfg.tick
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				w.post(func() {
					if p.gen == gen && p.running() {
						w.drawElapsed()
					}
				})
			}
		}
	}()

	warm := w.takeWarm(in.Env, caFile, timeout, newClient)
	w.background(func() func() {
		hc, err := warm.client()
		if err != nil {
			return func() { w.runFinished(gen, nil, fmt.Errorf("the connection settings could not be used: %w", err), nil) }
		}
		// What no request used is closed once the run is over, however it ends.
		defer warm.cool()
		if recs := existingBeforeSending(again, store, in); len(recs) > 0 {
			return func() { w.runFoundExisting(gen, in, recs) } // nothing was sent
		}
		reg, err := registrar.New(registrar.Options{HTTP: hc, Store: store, Now: now})
		if err != nil {
			return func() { w.runFinished(gen, nil, err, nil) }
		}
		onEvent := func(e flow.Event) { w.post(func() { w.runEvent(gen, e) }) }
		onStored := func(res *registrar.Result) { w.post(func() { w.runStored(gen, res) }) }
		res, t, err := reg.RegisterAndVerify(ctx, in, onEvent, onStored)
		var out *verifyOutcome // nil: not stored, nothing tested; the values are shown to keep
		switch {
		case t != nil && t.Skipped: // cancelled while saving: stored, but the user wants no more
			out = &verifyOutcome{stopped: true}
		case t != nil:
			out = &verifyOutcome{v: t.Verification, err: t.Err}
		}
		return func() { w.runFinished(gen, res, err, out) }
	})
	w.refreshNav()
}

func (w *Wizard) drawElapsed() {
	p := &w.review
	p.elapsed.SetText("Elapsed: " + timewords.Duration(w.now().Sub(p.started)))
}

// drawRow shows a row's state: waiting, spinner, tick or cross.
func (w *Wizard) drawRow(row *stepRow) {
	switch row.state {
	case flow.StateStarted:
		row.icon.Hide()
		row.activity.Show()
		row.activity.Start()
		row.label.Importance = widget.MediumImportance
		row.label.TextStyle.Bold = true
	case flow.StateDone:
		row.activity.Stop()
		row.activity.Hide()
		row.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		row.icon.Show()
		row.label.TextStyle.Bold = false
	case flow.StateFailed:
		row.activity.Stop()
		row.activity.Hide()
		row.icon.SetResource(theme.NewErrorThemedResource(theme.CancelIcon()))
		row.icon.Show()
		row.label.TextStyle.Bold = true
	default:
		row.activity.Stop()
		row.activity.Hide()
		row.icon.SetResource(theme.NewDisabledResource(theme.RadioButtonIcon()))
		row.icon.Show()
		row.label.TextStyle.Bold = false
	}
	row.label.Refresh()
}

// runEvent applies one progress event from flow or registrar.
func (w *Wizard) runEvent(gen int, e flow.Event) {
	p := &w.review
	if gen != p.gen || p.cancelled {
		return
	}
	row := p.rows[rowStep(e.Step)]
	if row == nil {
		return
	}
	if e.Step == flow.StepRegister && e.State == flow.StateStarted {
		p.registerStarted = true
	}
	row.state = e.State
	w.drawRow(row)
	if msg := guidance.StepWords(e); msg != "" {
		row.message.SetText(practiceWords(p.input.Env.Name == practiceName, msg))
		row.message.Show()
	}
	w.relayout()
}

// endRun stops the ticker and marks the run as over.
func (w *Wizard) endRun() {
	p := &w.review
	if p.stopTick != nil {
		close(p.stopTick)
		p.stopTick = nil
	}
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
	p.cancelBtn.Disable()
	for _, row := range p.rows {
		if row.state == flow.StateStarted {
			row.state = flow.StateFailed
			w.drawRow(row)
		}
	}
}

// runStored notes that the keychain kept the run's registration: what is
// left is the test.
func (w *Wizard) runStored(gen int, res *registrar.Result) {
	p := &w.review
	if gen == p.gen && p.running() {
		p.stored = res
		w.refreshNav()
	}
}

// runFinished applies the registrar's answer and the test's (ver is nil
// when the registration was not stored, so not tested).
func (w *Wizard) runFinished(gen int, res *registrar.Result, err error, ver *verifyOutcome) {
	p := &w.review
	current := gen == p.gen
	if current && p.testStopped {
		return // Cancel during the test already showed the stored registration
	}
	if current {
		w.drawElapsed()
		w.endRun()
	}
	if res != nil {
		// The ATO accepted: whatever happened meanwhile (even a Cancel),
		// what it returned must be shown.
		w.showResult(res, err, ver)
		return
	}
	if !current {
		return
	}
	if p.cancelled {
		// Already showing "cancelled"; an unknown outcome says more.
		var fe *flow.Error
		if errors.As(err, &fe) && fe.Unknown {
			w.showFailure(err)
		}
		return
	}
	w.showFailure(err)
}

// cancelRun stops the run at once: the page changes now, the goroutine's
// HTTP calls end with the context.
func (w *Wizard) cancelRun() {
	p := &w.review
	if !p.running() {
		return
	}
	if p.stored != nil {
		// Registered and stored: Cancel stops only the test.
		p.testStopped = true
		w.drawElapsed()
		w.endRun()
		w.showResult(p.stored, nil, &verifyOutcome{stopped: true})
		return
	}
	p.cancelled = true
	w.drawElapsed()
	w.endRun()
	w.showFailure(&cancelledError{name: p.input.InstanceName, sent: p.registerStarted})
}

// cancelledError is the user's Cancel, as a failure with its own words.
type cancelledError struct {
	name string
	sent bool // the registration request had been sent
}

func (e *cancelledError) Error() string { return e.Message() }

func (e *cancelledError) Message() string { return "You cancelled the registration." }

func (e *cancelledError) Action() string {
	if e.sent {
		return "The request had already been sent, so the ATO may have registered \"" + e.name + "\"."
	}
	return "Nothing was sent to the ATO for registration. Press Try again when you are ready."
}
