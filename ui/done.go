package ui

import (
	"dcrwizard/guidance"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/safetext"
	"dcrwizard/registrar"
)

type donePage struct {
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

func (w *Wizard) buildDone() {
	w.setPage(stepDone)
	w.done.box = w.boxes[stepDone]
	w.focusers[stepDone] = func() fyne.Focusable {
		// Not Close: a stray Enter must not close the window.
		if b := firstButton(w.done.box); b != nil {
			return b
		}
		return nil
	}
}

// valueRow is a label, a value and a Copy button.
func (w *Wizard) valueRow(grid *fyne.Container, label, shown, value string) {
	v := para(safetext.Line(shown)) // from the ATO: no control or bidi character shown as itself
	v.TextStyle.Monospace = true
	grid.Add(bold(label))
	grid.Add(container.NewBorder(nil, nil, nil, w.copyButton("Copy", func() string { return value }), v))
}

// showResult shows an accepted registration: stored, or not stored with the
// values on screen.
func (w *Wizard) showResult(res *registrar.Result, err error, ver *verifyOutcome) {
	w.ensurePage(stepDone)
	d := &w.done
	d.res, d.failErr, d.notStored, d.kept, d.verify = res, nil, nil, false, ver
	d.box.Objects = nil
	reg := res.Registration
	d.values = credstore.Values{ClientID: reg.ClientID, RegistrationAccessToken: reg.RegistrationAccessToken,
		RegistrationClientURI: reg.RegistrationClientURI}
	var ns *credstore.NotStoredError
	if err != nil {
		if errors.As(err, &ns) {
			d.values = ns.Values
		} else {
			ns = &credstore.NotStoredError{Values: d.values, Record: res.Record, Where: res.Where, Err: err}
		}
		d.notStored = ns
	}

	practice := res.Record.Environment == practiceName
	grid := container.New(layout.NewFormLayout())
	if ns == nil {
		// The actions follow what to do next; the record's details below.
		w.addStoredResult(d, res, ver, practice)
		d.box.Add(w.doneActions())
		d.box.Add(widget.NewSeparator())
	} else {
		d.title = "Registered — keep these values"
		d.box.Add(subheading("Registered, but not saved on this computer"))
		d.box.Add(errPara(practiceWords(practice, guidance.Words(ns))))
		d.box.Add(warnPara("The registration access token below is a secret: anyone who has it can change or delete " +
			"this registration. Copy these three values into your software or save them to a file now — this " +
			"window cannot show them again."))
		w.valueRow(grid, "Client ID", d.values.ClientID, d.values.ClientID)
		tok := d.values.RegistrationAccessToken
		w.valueRow(grid, "Registration access token", maskSecret(tok), tok)
		w.valueRow(grid, "Registration client URI", d.values.RegistrationClientURI, d.values.RegistrationClientURI)
	}
	if reg.Receipt != "" {
		grid.Add(bold(receiptLabel(practice)))
		grid.Add(valuePara(reg.Receipt))
	}
	if !reg.IssuedAt.IsZero() {
		grid.Add(bold("Registered at"))
		grid.Add(para(reg.IssuedAt.Local().Format("2 January 2006, 3:04 pm")))
	}
	grid.Add(bold("Name"))
	grid.Add(valuePara(res.Record.Name))
	d.box.Add(grid)
	for _, warning := range res.Warnings {
		d.box.Add(warnPara(warning))
	}
	if ns != nil {
		d.savedTo = para("")
		d.savedTo.Hide()
		d.keptCheck = widget.NewCheck("I have copied these values and keep them somewhere safe", func(on bool) {
			d.kept = on
			if on {
				w.clearResultPending()
			}
		})
		d.box.Add(container.NewHBox(w.newButtonWithIcon("Save to a file…", theme.DocumentSaveIcon(), w.saveValues)))
		d.box.Add(d.savedTo)
		d.box.Add(d.keptCheck)
		w.addSetupSupport(d.box) // setup hook
	}
	if ns != nil {
		d.box.Add(widget.NewSeparator())
		d.box.Add(w.doneActions())
	} else {
		w.addTechnicalDetails(d, res.Record, res.Where, practice)
	}
	d.box.Refresh()
	w.show(stepDone)
}

// addVerifyOutcome says what the test of the new registration proved, or
// what failed and what it means. Whatever it says, the registration exists
// and is stored: the values below stay shown.
func (w *Wizard) addVerifyOutcome(d *donePage, practice bool, where string, ver *verifyOutcome) {
	stored := "The registration itself exists and is stored in " + where + ": nothing was removed, and the values below are the ones to use."
	switch {
	case ver.err == nil && !ver.stopped:
		ok := para(practiceWords(practice, "Your software can now sign in to the ATO with this registration."))
		ok.Importance = widget.SuccessImportance
		ok.TextStyle.Bold = true
		d.box.Add(ok)
		if ver.v != nil && ver.v.HeartbeatURL != "" {
			d.box.Add(para(practiceWords(practice, "DCR Wizard got an access token as the new registration, and the ATO's heartbeat check answered.")))
		} else {
			d.box.Add(para(practiceWords(practice, "DCR Wizard got an access token from the ATO as the new registration.")))
		}
	case ver.stopped:
		d.title = "Registered, not tested"
		d.box.Add(warnPara("You stopped the test of the new registration, so it is not yet known whether your software can sign in with it."))
		d.box.Add(para(stored + " You can test it later from the Registrations list."))
	default:
		d.title = "Registered, test failed"
		msg, action := errorWords(ver.err)
		d.box.Add(bold(practiceWords(practice, "The test sign-in to the ATO with the new registration failed")))
		d.box.Add(errPara(practiceWords(practice, msg)))
		if action != "" {
			d.box.Add(para(practiceWords(practice, action)))
		}
		d.box.Add(para(stored))
	}
}

// maskSecret shows that a secret is there without showing it.
func maskSecret(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("•", len(s))
	}
	return s[:4] + "…" + fmt.Sprintf(" (%d characters; use Copy)", len(s))
}

// showFailure shows what went wrong, what to do, and the way back to the
// step that needs fixing.
func (w *Wizard) showFailure(err error) {
	w.ensurePage(stepDone)
	d := &w.done
	d.res, d.notStored, d.kept, d.failErr, d.verify = nil, nil, false, err, nil
	practice := w.review.input.Env.Name == practiceName
	d.box.Objects = nil
	msg, action := errorWordsFor(err, w.supportVendor())
	msg, action = practiceWords(practice, msg), practiceWords(practice, action)
	unknown := outcomeUnknown(err)
	if unknown {
		// Not "not registered": it may well be. Say so first, and put
		// finding out before trying again.
		d.title = "Outcome unknown"
		d.box.Add(subheading("Outcome unknown: the registration may have been made"))
		d.box.Add(warnPara(msg))
		d.box.Add(bold("What to do first"))
		d.box.Add(para(unknownGuidance(practice, w.review.input.InstanceName, w.review.started)))
		if action != "" {
			d.box.Add(para(action))
		}
	} else {
		d.title = "Not registered"
		d.box.Add(subheading("The registration did not go through"))
		d.box.Add(errPara(msg))
		if action != "" {
			d.box.Add(bold("What to do"))
			d.box.Add(para(action))
		}
	}
	w.addSetupSupport(d.box) // setup hook: the vendor's support on every failure page
	fix := fixStepFor(err)
	var cerr *cancelledError
	if errors.As(err, &cerr) {
		fix = stepReview
	}
	buttons := container.NewHBox()
	if unknown {
		buttons.Add(w.newButtonWithIcon("Details for support", theme.InfoIcon(), w.showSupport))
		buttons.Add(w.newButtonWithIcon("Register again anyway", theme.ViewRefreshIcon(), func() { w.show(stepReview) }))
	} else {
		if fix != stepReview {
			buttons.Add(w.newButtonWithIcon("Go back to "+fix.String(), theme.NavigateBackIcon(), func() { w.show(fix) }))
		}
		buttons.Add(w.newButtonWithIcon("Try again", theme.ViewRefreshIcon(), func() { w.show(stepReview) }))
		buttons.Add(w.newButtonWithIcon("Details for support", theme.InfoIcon(), w.showSupport))
	}
	d.box.Add(widget.NewSeparator())
	d.box.Add(buttons)
	d.box.Refresh()
	w.show(stepDone)
}

// showSupport shows the support summary with a Copy button.
func (w *Wizard) showSupport() {
	text := w.supportText()
	l := widget.NewLabel(text)
	l.TextStyle.Monospace = true
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	content := container.NewBorder(nil, container.NewHBox(w.copyButton("Copy", func() string { return text })), nil, nil,
		container.NewVScroll(l))
	dlg := dialog.NewCustom("Details for support", "Close", content, w.win)
	dlg.Resize(w.fitDialog(w.win.Canvas().Size().SubtractWidthHeight(80, 80)))
	dlg.Show()
}

// registerAnother starts over at Environment, keeping what was typed.
func (w *Wizard) registerAnother() {
	if w.done.unkeptValues() {
		dialog.ShowConfirm("Values not kept yet",
			"The values of the last registration were not saved to the keychain. Start another registration anyway?",
			func(ok bool) {
				if ok {
					w.done.kept = true
					w.resetAfterRun()
				}
			}, w.win)
		return
	}
	w.resetAfterRun()
}

func (w *Wizard) resetAfterRun() {
	w.ensurePage(stepDone)
	d := &w.done
	d.res, d.notStored, d.failErr, d.title, d.verify = nil, nil, nil, "", nil
	d.box.Objects = nil
	w.review.runBox.Hide()
	w.show(stepEnvironment)
}

// clearResultPending forgets the pending note of a registration whose values
// the user now holds.
func (w *Wizard) clearResultPending() {
	d := &w.done
	if d.res == nil || d.res.PendingID == "" || w.cfg.Store == nil {
		return
	}
	id, store := d.res.PendingID, w.cfg.Store
	d.res.PendingID = ""
	w.background(func() func() {
		_ = store.ClearPending(id)
		return nil
	})
}

// saveValues writes the values the keychain did not keep to a file the
// user picks, after saying plainly that the file holds a secret.
func (w *Wizard) saveValues() {
	d := &w.done
	if d.notStored == nil {
		return
	}
	rec, vals := d.notStored.Record, d.values
	if rec.Name == "" && d.res != nil {
		rec = d.res.Record
	}
	dialog.ShowConfirm("This file will hold a secret",
		"The file will contain the registration access token. Anyone who gets the file can change or delete this "+
			"registration. Save it only where no one else can read it (it is written readable by you only), and "+
			"delete it once the values are in your software. Continue?",
		func(ok bool) {
			if !ok {
				return
			}
			w.saveFileDialog(valuesFileName(rec.Name), func(path string) {
				now := w.now()
				w.background(func() func() {
					err := writeValuesFile(path, rec, vals, now)
					return func() { w.valuesSaved(path, err) }
				})
			})
		}, w.win)
}

func (w *Wizard) valuesSaved(path string, err error) {
	d := &w.done
	if d.savedTo == nil {
		return
	}
	if err != nil {
		d.savedTo.Importance = widget.DangerImportance
		d.savedTo.SetText(guidance.Sentence(err.Error()))
		d.savedTo.Show()
		return
	}
	d.savedTo.Importance = widget.SuccessImportance
	d.savedTo.SetText("Saved to " + path + ". Keep this file safe and delete it once the values are in your software.")
	d.savedTo.Show()
	d.kept = true
	if d.keptCheck != nil {
		d.keptCheck.SetChecked(true)
	}
	w.clearResultPending()
}

// valuesFileName suggests a file name from the instance name.
func valuesFileName(name string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, name)
	if clean == "" {
		clean = "registration"
	}
	return "dcr-" + clean + ".json"
}

// writeValuesFile writes the values as the command line's export does
// (registrar.WriteValuesFile: JSON, readable by the owner only, replacing
// the empty file the save dialog made), in words that say what to do.
func writeValuesFile(path string, rec credstore.Record, v credstore.Values, now time.Time) error {
	if err := registrar.WriteValuesFile(path, rec, v, now); err != nil {
		return fmt.Errorf("the file %s could not be written. Choose another folder: %w", filepath.Base(path), err)
	}
	return nil
}

// supportInfo is everything a helpdesk may ask for; never a secret.
type supportInfo struct {
	Version    string
	At         time.Time
	OS         string
	Env        flow.Environment
	Credential string // id, ABN, serial, valid until
	Name       string
	KeyShown   string // the consumer key, masked
	CAFile     string
	Result     *registrar.Result
	SaveErr    string // why the keychain did not keep the values
	Err        error
	Vendor     credstore.Vendor // setup hook: whose setup file was used
	Verify     *verifyOutcome   // the test of the new registration
}

// supportSummary formats info for a helpdesk.
func supportSummary(info supportInfo) string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-22s %s\n", k+":", safetext.Line(v))
		}
	}
	line("DCR Wizard", info.Version)
	line("Computer", info.OS)
	line("Time", supportTime(info.At))
	line("Environment", info.Env.Name)
	line("Token endpoint", info.Env.TokenURL)
	line("Registration endpoint", info.Env.RegistrationURL)
	line("Credential", info.Credential)
	line("Instance name", info.Name)
	line("Consumer key", info.KeyShown)
	line("Extra CA file", info.CAFile)
	for _, row := range supportVendorLines(info.Vendor) { // setup hook
		line(row[0], row[1])
	}
	if r := info.Result; r != nil {
		b.WriteString("Outcome:               registered\n")
		if r.Registration != nil {
			line("Client ID", r.Registration.ClientID)
			line("Receipt", r.Registration.Receipt)
			if !r.Registration.IssuedAt.IsZero() {
				line("Issued at", supportTime(r.Registration.IssuedAt))
			}
		}
		line("Stored in", r.Where)
		line("Stored", fmt.Sprint(r.Stored))
		if r.Stored {
			for _, row := range keychainPlaces(r.Record, "") {
				line("Keychain account", row[1])
			}
		}
		line("Not stored because", info.SaveErr)
		if v := info.Verify; v != nil {
			switch {
			case v.stopped:
				line("Test", "stopped by the user")
			case v.err != nil:
				msg, action := errorWords(v.err)
				line("Test", "failed: "+msg)
				line("Test action", action)
			default:
				line("Test", "usable (access token obtained as the new client)")
				if v.v != nil {
					line("Test scope", v.v.Scope)
					line("Heartbeat", v.v.HeartbeatURL)
				}
			}
		}
	}
	if err := info.Err; err != nil {
		if outcomeUnknown(err) {
			b.WriteString("Outcome:               unknown (the request was sent; no answer seen)\n")
		} else {
			b.WriteString("Outcome:               not registered\n")
		}
		msg, action := errorWords(err)
		line("Message", msg)
		line("Action", action)
		var fe *flow.Error
		if errors.As(err, &fe) {
			line("Step", string(fe.Step))
			line("Kind", string(fe.Kind))
			if fe.Status != 0 {
				line("HTTP status", fmt.Sprint(fe.Status))
			}
			line("Code", fe.Code)
			line("Description", fe.Description)
			line("Receipt", fe.Receipt)
			line("Host", fe.Host)
			if !fe.At.IsZero() {
				line("At", supportTime(fe.At))
			}
			if fe.Unknown {
				line("Outcome known", "no — find out before registering again")
			}
			if fe.Body != "" {
				line("Server answer", safetext.Cap(strings.Join(strings.Fields(fe.Body), " "), 1000))
			}
		} else if cause := errors.Unwrap(err); cause != nil {
			line("Cause", cause.Error())
		}
	}
	return b.String()
}

// supportText is the support summary of the current outcome.
func (w *Wizard) supportText() string {
	in := w.review.input
	info := supportInfo{
		Version:  w.cfg.Version,
		At:       w.now(),
		OS:       runtime.GOOS + "/" + runtime.GOARCH,
		Env:      in.Env,
		Name:     in.InstanceName,
		KeyShown: w.shownKey(in.ConsumerKey), // setup hook: only the last 4 of a vendor's key
		CAFile:   w.environment.caFile,
		Result:   w.done.res,
		Err:      w.done.failErr,
		Vendor:   w.supportVendor(), // setup hook
		Verify:   w.done.verify,
	}
	if c := in.Credential; c != nil {
		info.Credential = fmt.Sprintf("%s, ABN %s, serial %s, valid until %s", c.ID, c.ABN, c.Serial, formatDate(c.NotAfter))
	}
	if ns := w.done.notStored; ns != nil && ns.Err != nil {
		info.SaveErr = ns.Err.Error()
	}
	return supportSummary(info)
}

// outcomeUnknown reports whether err leaves open whether the registration
// was made: the request went out and no answer was seen.
func outcomeUnknown(err error) bool {
	var cerr *cancelledError
	if errors.As(err, &cerr) {
		return cerr.sent
	}
	var fe *flow.Error
	return errors.As(err, &fe) && fe.Unknown
}

// unknownGuidance is how to find out whether a registration whose answer
// was never seen exists.
func unknownGuidance(practice bool, name string, started time.Time) string {
	if practice {
		return "This was a practice run against the practice simulator: nothing was sent to the ATO, so there " +
			"is nothing to check. You can register again at once."
	}
	return "Before registering again, find out whether it exists: ask your software vendor (the registration was made " +
		"with their consumer key) whether the ATO holds a registration named " + name + ", made on " + formatDateTime(started) +
		". If there is one, use it or have it removed. DCR Wizard will remind you of it when it next starts."
}

// practiceWords rewords a message of a practice run: the practice
// simulator plays the ATO, and must never be taken for it.
func practiceWords(practice bool, s string) string {
	if !practice {
		return s
	}
	return strings.NewReplacer("The ATO's", "The practice simulator's", "the ATO's", "the practice simulator's",
		"The ATO", "The practice simulator", "the ATO", "the practice simulator",
		"ATO receipt number", "receipt number").Replace(s)
}

// supportTime is a time as the support summary gives it: local, as the
// user's screen and messages show it, with the offset from UTC, so that
// support staff elsewhere can match it with the ATO's logs.
func supportTime(t time.Time) string {
	l := t.Local()
	return l.Format("2 January 2006, 3:04:05 pm") + " (UTC" + l.Format("-07:00") + ")"
}

// doneGone rebuilds the Done page after its registration was removed or
// forgotten on the Registrations screen.
func (w *Wizard) doneGone(notice string) {
	w.ensurePage(stepDone)
	d := &w.done
	name := d.res.Record.Name
	d.res, d.notStored, d.kept, d.failErr, d.verify = nil, nil, false, nil, nil
	d.title = "Removed"
	d.box.Objects = nil
	d.box.Add(subheading("“" + name + "” is no longer registered here"))
	d.box.Add(para(notice))
	d.box.Add(widget.NewSeparator())
	d.box.Add(container.NewHBox(
		w.newButtonWithIcon("View registrations", theme.ListIcon(), w.showRegistrations),
		w.newButtonWithIcon("Register another", theme.ContentAddIcon(), w.registerAnother),
	))
	d.box.Refresh()
}
