package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/flow"
	"dcrwizard/guidance"
	"dcrwizard/registrar"
)

// runPhase is how far a registration run has gone.
type runPhase int

const (
	// runIdle: no run yet.
	runIdle runPhase = iota
	// runSending: started; the registration request has not gone out.
	runSending
	// runSent: the registration request went out, so the ATO may have
	// registered the instance whatever happens next.
	runSent
	// runTesting: registered and stored in the keychain; only the test of
	// the new registration is left, and Cancel stops only that.
	runTesting
	// runCancelled: the user cancelled before the registration was stored.
	runCancelled
	// runTestStopped: the user stopped the test of a stored registration.
	runTestStopped
)

// runState is Review's current or last run. Each run has a generation:
// what a run's goroutines post back applies only while it is the current
// one (a newer run, after Try again, ignores an older one's answers).
type runState struct {
	phase    runPhase
	gen      int
	cancel   context.CancelFunc // non-nil while the run is going
	stopTick chan struct{}
	started  time.Time
	input    registrar.Input   // what the run sent, for Done and the support summary
	caFile   string            // the extra CA it trusted
	stored   *registrar.Result // the registration once the keychain kept it
}

// begin starts a new run; its generation is returned.
func (r *runState) begin(in registrar.Input, cancel context.CancelFunc, now time.Time) int {
	r.gen++
	r.phase, r.cancel, r.started, r.input, r.stored = runSending, cancel, now, in, nil
	return r.gen
}

func (r *runState) running() bool { return r.cancel != nil }

// current reports whether gen is the latest run.
func (r *runState) current(gen int) bool { return gen == r.gen }

// live reports whether gen is the latest run and still going.
func (r *runState) live(gen int) bool { return r.current(gen) && r.running() }

func (r *runState) cancelled() bool { return r.phase == runCancelled }

// sent reports whether the registration request went out.
func (r *runState) sent() bool { return r.phase == runSent || r.phase == runTesting }

// end stops the ticker and the run's requests; the phase stays, to say
// how it ended.
func (r *runState) end() {
	if r.stopTick != nil {
		close(r.stopTick)
		r.stopTick = nil
	}
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
}

// runStep is one row of the live step list.
type runStep struct {
	step  flow.Step
	label string
}

// runSteps are the rows of the live step list, in order, as said of cp.
func runSteps(cp counterpart) []runStep {
	return []runStep{
		{flow.StepSign, "Signing the request with your credential"},
		{flow.StepToken, "Getting an access token from " + cp.the()},
		{flow.StepRegister, "Registering this installation"},
		{flow.StepSave, "Saving to the keychain"},
		{flow.StepVerify, "Testing the new registration"},
	}
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

// progressRows is the live step list, one row per step.
type progressRows map[flow.Step]*stepRow

// newProgressRows makes the rows and the list that shows them.
func newProgressRows() (progressRows, *fyne.Container) {
	rows := progressRows{}
	list := container.NewVBox()
	for _, s := range runSteps(counterpart{}) {
		row := &stepRow{
			icon:     widget.NewIcon(theme.RadioButtonIcon()),
			activity: widget.NewActivity(),
			label:    widget.NewLabel(s.label),
			message:  para(""),
		}
		row.activity.Hide()
		row.message.SizeName = theme.SizeNameCaptionText
		row.message.Hide()
		rows[s.step] = row
		// The icon sits on the first line, beside the step's name.
		list.Add(container.NewBorder(nil, nil, container.NewVBox(container.NewStack(row.icon, row.activity)), nil,
			container.NewVBox(row.label, row.message)))
	}
	return rows, list
}

// reset sets every row back to waiting, labelled for cp.
func (rows progressRows) reset(cp counterpart) {
	for _, s := range runSteps(cp) {
		row := rows[s.step]
		row.state = ""
		row.label.SetText(s.label)
		row.draw()
		row.message.Hide()
	}
}

// apply shows one progress event; false when it has no row.
func (rows progressRows) apply(e flow.Event, cp counterpart) bool {
	row := rows[rowStep(e.Step)]
	if row == nil {
		return false
	}
	row.state = e.State
	row.draw()
	if msg := guidance.StepWordsAt(e, cp.who()); msg != "" {
		row.message.SetText(msg)
		row.message.Show()
	}
	return true
}

// failStarted crosses out the steps a run left going.
func (rows progressRows) failStarted() {
	for _, row := range rows {
		if row.state == flow.StateStarted {
			row.state = flow.StateFailed
			row.draw()
		}
	}
}

// draw shows a row's state: waiting, spinner, tick or cross.
func (row *stepRow) draw() {
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
