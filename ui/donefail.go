package ui

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/flow"
)

// showFailure shows what went wrong, what to do, and the way back to the
// step that needs fixing.
func (d *donePage) showFailure(err error) {
	d.clear()
	d.failErr = err
	in := d.w.review.run.input
	cp := counterpartFor(in.Env.Name)
	msg, action := errorWordsAt(cp, err, d.w.setup.vendor())
	unknown := outcomeUnknown(err)
	if unknown {
		// Not "not registered": it may well be. Say so first, and put
		// finding out before trying again.
		d.title = "Outcome unknown"
		d.box.Add(subheading("Outcome unknown: the registration may have been made"))
		d.box.Add(warnPara(msg))
		d.box.Add(bold("What to do first"))
		d.box.Add(para(unknownGuidance(cp, in.InstanceName, d.w.review.run.started)))
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
	d.w.setup.addSupport(d.box) // setup hook: the vendor's support on every failure page
	d.box.Add(widget.NewSeparator())
	d.box.Add(d.failureActions(err, unknown))
	d.box.Refresh()
	d.w.show(stepDone)
}

// failureActions are the ways on after a failure: finding out first when
// the outcome is unknown, else back to the step to fix and Try again.
func (d *donePage) failureActions(err error, unknown bool) *fyne.Container {
	w := d.w
	fix := fixStepFor(err)
	var cerr *cancelledError
	if errors.As(err, &cerr) {
		fix = stepReview
	}
	buttons := container.NewHBox()
	support := w.kit.newButtonWithIcon("Details for support", theme.InfoIcon(), d.showSupport)
	if unknown {
		buttons.Add(support)
		buttons.Add(w.kit.newButtonWithIcon("Register again anyway", theme.ViewRefreshIcon(), func() { w.show(stepReview) }))
		return buttons
	}
	if fix != stepReview {
		buttons.Add(w.kit.newButtonWithIcon("Go back to "+fix.String(), theme.NavigateBackIcon(), func() { w.show(fix) }))
	}
	buttons.Add(w.kit.newButtonWithIcon("Try again", theme.ViewRefreshIcon(), func() { w.show(stepReview) }))
	buttons.Add(support)
	return buttons
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
func unknownGuidance(cp counterpart, name string, started time.Time) string {
	if cp.practice {
		return "This was a practice run against the practice simulator: nothing was sent to the ATO, so there " +
			"is nothing to check. You can register again at once."
	}
	return "Before registering again, find out whether it exists: ask your software vendor (the registration was made " +
		"with their consumer key) whether the ATO holds a registration named " + name + ", made on " + formatDateTime(started) +
		". If there is one, use it or have it removed. DCR Wizard will remind you of it when it next starts."
}
