package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/safetext"
	"dcrwizard/registrar"
)

// donePage is the last step: the registration made (doneok.go), made but
// not kept (doneunkept.go), or why it failed (donefail.go).
type donePage struct {
	w     *Wizard
	box   *fyne.Container
	title string

	res       *registrar.Result
	notStored *credstore.NotStoredError
	values    credstore.Values
	kept      bool // the user saved or copied the values the keychain did not keep
	failErr   error
	savedTo   *widget.Label
	keptCheck *widget.Check
	verify    *verifyOutcome // the test of a stored registration; nil when not tested
}

// verifyOutcome is the test of a new registration (registrar.Verify).
type verifyOutcome struct {
	v       *flow.Verification
	err     error
	stopped bool // the user pressed Cancel during the test
}

// unkeptValues reports whether closing now would lose what the ATO issued.
func (d *donePage) unkeptValues() bool { return d.notStored != nil && !d.kept }

func (d *donePage) build() *fyne.Container {
	d.box = container.NewVBox()
	return d.box
}

// focus is the page's first action. Not Close: a stray Enter must not
// close the window.
func (d *donePage) focus() fyne.Focusable {
	if b := firstButton(d.box); b != nil {
		return b
	}
	return nil
}

func (d *donePage) shown()          {}
func (d *donePage) leaving()        {}
func (d *donePage) problem() string { return "" }

// clear empties the page for a new outcome.
func (d *donePage) clear() {
	d.res, d.notStored, d.kept, d.failErr, d.verify, d.title = nil, nil, false, nil, nil, ""
	d.box.Objects = nil
}

// valueRow is a label, a value and a Copy button.
func valueRow(w *Wizard, grid *fyne.Container, label, shown, value string) {
	v := para(safetext.Line(shown)) // from the ATO: no control or bidi character shown as itself
	v.TextStyle.Monospace = true
	grid.Add(bold(label))
	grid.Add(container.NewBorder(nil, nil, nil, w.kit.copyButton("Copy", func() string { return value }), v))
}

// showResult shows an accepted registration: stored, or not stored with the
// values on screen.
func (d *donePage) showResult(res *registrar.Result, err error, ver *verifyOutcome) {
	d.clear()
	d.res, d.verify = res, ver
	d.takeValues(res, err)
	cp := counterpartFor(res.Record.Environment)
	grid := container.New(layout.NewFormLayout())
	if d.notStored == nil {
		// The actions follow what to do next; the record's details below.
		d.addStoredResult(res, ver, cp)
		d.box.Add(d.actions(cp))
		d.box.Add(widget.NewSeparator())
	} else {
		d.addNotStored(grid, cp)
	}
	addResultFacts(grid, res, cp)
	d.box.Add(grid)
	for _, warning := range res.Warnings {
		d.box.Add(warnPara(warning))
	}
	if d.notStored != nil {
		d.addKeepValues()
		d.box.Add(widget.NewSeparator())
		d.box.Add(d.actions(cp))
	} else {
		d.addTechnicalDetails(res.Record, res.Where, cp)
	}
	d.box.Refresh()
	d.w.show(stepDone)
}

// takeValues keeps the values the ATO issued and, when err says the
// keychain did not keep them, why.
func (d *donePage) takeValues(res *registrar.Result, err error) {
	reg := res.Registration
	d.values = credstore.Values{ClientID: reg.ClientID, RegistrationAccessToken: reg.RegistrationAccessToken,
		RegistrationClientURI: reg.RegistrationClientURI}
	if err == nil {
		return
	}
	var ns *credstore.NotStoredError
	if errors.As(err, &ns) {
		d.values = ns.Values
	} else {
		ns = &credstore.NotStoredError{Values: d.values, Record: res.Record, Where: res.Where, Err: err}
	}
	d.notStored = ns
}

// addResultFacts adds the receipt, the time and the name to grid.
func addResultFacts(grid *fyne.Container, res *registrar.Result, cp counterpart) {
	reg := res.Registration
	if reg.Receipt != "" {
		grid.Add(bold(cp.receipt()))
		grid.Add(valuePara(reg.Receipt))
	}
	if !reg.IssuedAt.IsZero() {
		grid.Add(bold("Registered at"))
		grid.Add(para(reg.IssuedAt.Local().Format("2 January 2006, 3:04 pm")))
	}
	grid.Add(bold("Name"))
	grid.Add(valuePara(res.Record.Name))
}

// addVerifyOutcome says what the test of the new registration proved, or
// what failed and what it means. Whatever it says, the registration exists
// and is stored: the values below stay shown.
func (d *donePage) addVerifyOutcome(cp counterpart, where string, ver *verifyOutcome) {
	stored := "The registration itself exists and is stored in " + where + ": nothing was removed, and the values below are the ones to use."
	switch {
	case ver.err == nil && !ver.stopped:
		ok := para("Your software can now sign in to " + cp.the() + " with this registration.")
		ok.Importance = widget.SuccessImportance
		ok.TextStyle.Bold = true
		d.box.Add(ok)
		if ver.v != nil && ver.v.HeartbeatURL != "" {
			d.box.Add(para("DCR Wizard got an access token as the new registration, and " + cp.theirs() + " heartbeat check answered."))
		} else {
			d.box.Add(para("DCR Wizard got an access token from " + cp.the() + " as the new registration."))
		}
	case ver.stopped:
		d.title = "Registered, not tested"
		d.box.Add(warnPara("You stopped the test of the new registration, so it is not yet known whether your software can sign in with it."))
		d.box.Add(para(stored + " You can test it later from the Registrations list."))
	default:
		d.title = "Registered, test failed"
		msg, action := cp.errorWords(ver.err)
		d.box.Add(bold("The test sign-in to " + cp.the() + " with the new registration failed"))
		d.box.Add(errPara(msg))
		if action != "" {
			d.box.Add(para(action))
		}
		d.box.Add(para(stored))
	}
}

// registerAnother starts over at Environment, keeping what was typed.
func (d *donePage) registerAnother() {
	if d.unkeptValues() {
		d.w.kit.ask("Values not kept yet",
			para("The values of the last registration were not saved to the keychain. Once you start another "+
				"registration they are no longer shown here."),
			"Start another", "Go back to them", func() {
				d.kept = true
				d.afterRun(stepEnvironment)
			}, nil)
		return
	}
	d.afterRun(stepEnvironment)
}

// registerForReal leaves Practice for a real registration, from its first
// step (Practice's Done only: its values are kept).
func (d *donePage) registerForReal() {
	d.clear()
	d.w.review.runBox.Hide()
	d.w.registerForReal()
}

// afterRun empties the page and goes to step s for another run.
func (d *donePage) afterRun(s step) {
	d.clear()
	d.w.review.runBox.Hide()
	d.w.show(s)
}

// gone rebuilds the Done page after its registration was removed or
// forgotten on the Registrations screen.
func (d *donePage) gone(notice string) {
	w := d.w
	name := d.res.Record.Name
	d.clear()
	d.title = "Removed"
	d.box.Add(subheading("“" + name + "” is no longer registered here"))
	d.box.Add(para(notice))
	d.box.Add(widget.NewSeparator())
	d.box.Add(container.NewHBox(
		w.kit.newButtonWithIcon("View registrations", theme.ListIcon(), w.registrations.open),
		w.kit.newButtonWithIcon("Register another", theme.ContentAddIcon(), d.registerAnother),
	))
	d.box.Refresh()
}

var _ page = (*donePage)(nil)
