package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dcrwizard/flow"
	"dcrwizard/internal/timewords"
	"dcrwizard/registrar"
)

// startRegister runs the registration in the background with a live step
// list, an elapsed-time ticker and a Cancel that works at once.
func (p *reviewPage) startRegister() {
	w := p.w
	if p.running() {
		return
	}
	in, caFile, setupErr := w.input() // setup hook: registrar.ApplySetup, as the CLI
	p.run.input, p.run.caFile = in, caFile
	if setupErr != nil {
		p.done().showFailure(setupErr)
		return
	}
	again := p.existing.takeAgain() // "Register again anyway" was pressed
	ctx, cancel := context.WithCancel(context.Background())
	gen := p.run.begin(in, cancel, w.now())
	p.rows.reset(counterpartFor(in.Env.Name))
	p.elapsed.SetText("Elapsed: 0 s")
	p.cancelBtn.Enable()
	p.runBox.Show()
	p.startTicker(gen)
	p.send(ctx, gen, in, p.takeWarm(in.Env, caFile), again)
	w.refreshNav()
}

// startTicker shows the elapsed time while run gen is going.
func (p *reviewPage) startTicker(gen int) {
	w := p.w
	stop := make(chan struct{})
	p.run.stopTick = stop
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
					if p.run.live(gen) {
						p.drawElapsed()
					}
				})
			}
		}
	}()
}

// send registers and tests off the UI goroutine, after the run's own look
// for the same registration stored already.
func (p *reviewPage) send(ctx context.Context, gen int, in registrar.Input, warm *warmClient, again bool) {
	w := p.w
	store, now := w.cfg.Store, w.cfg.Now
	w.background(func() func() {
		hc, err := warm.client()
		if err != nil {
			return func() { p.runFinished(gen, nil, fmt.Errorf("the connection settings could not be used: %w", err), nil) }
		}
		// What no request used is closed once the run is over, however it ends.
		defer warm.cool()
		if recs := existingBeforeSending(again, store, in); len(recs) > 0 {
			return func() { p.existing.runFound(gen, in, recs) } // nothing was sent
		}
		reg, err := registrar.New(registrar.Options{HTTP: hc, Store: store, Now: now})
		if err != nil {
			return func() { p.runFinished(gen, nil, err, nil) }
		}
		onEvent := func(e flow.Event) { w.post(func() { p.runEvent(gen, e) }) }
		onStored := func(res *registrar.Result) { w.post(func() { p.runStored(gen, res) }) }
		res, t, err := reg.RegisterAndVerify(ctx, in, onEvent, onStored)
		var out *verifyOutcome // nil: not stored, nothing tested; the values are shown to keep
		switch {
		case t != nil && t.Skipped: // cancelled while saving: stored, but the user wants no more
			out = &verifyOutcome{stopped: true}
		case t != nil:
			out = &verifyOutcome{v: t.Verification, err: t.Err}
		}
		return func() { p.runFinished(gen, res, err, out) }
	})
}

// done is the Done page, built: a run ends there.
func (p *reviewPage) done() *donePage {
	p.w.ensurePage(stepDone)
	return &p.w.done
}

func (p *reviewPage) drawElapsed() {
	p.elapsed.SetText("Elapsed: " + timewords.Duration(p.w.now().Sub(p.run.started)))
}

// runEvent applies one progress event from flow or registrar.
func (p *reviewPage) runEvent(gen int, e flow.Event) {
	if !p.run.current(gen) || p.run.cancelled() {
		return
	}
	if e.Step == flow.StepRegister && e.State == flow.StateStarted && p.run.phase == runSending {
		p.run.phase = runSent
	}
	if p.rows.apply(e, counterpartFor(p.run.input.Env.Name)) {
		p.w.relayout()
	}
}

// endRun stops the ticker and marks the run as over.
func (p *reviewPage) endRun() {
	p.run.end()
	p.cancelBtn.Disable()
	p.rows.failStarted()
}

// stop ends a run still going when the window closes.
func (p *reviewPage) stop() { p.run.end() }

// runStored notes that the keychain kept the run's registration: what is
// left is the test.
func (p *reviewPage) runStored(gen int, res *registrar.Result) {
	if p.run.live(gen) {
		p.run.stored = res
		p.run.phase = runTesting
		p.w.refreshNav()
	}
}

// runFinished applies the registrar's answer and the test's (ver is nil
// when the registration was not stored, so not tested).
func (p *reviewPage) runFinished(gen int, res *registrar.Result, err error, ver *verifyOutcome) {
	current := p.run.current(gen)
	if current && p.run.phase == runTestStopped {
		return // Cancel during the test already showed the stored registration
	}
	if current {
		p.drawElapsed()
		p.endRun()
	}
	if res != nil {
		// The ATO accepted: whatever happened meanwhile (even a Cancel),
		// what it returned must be shown.
		p.done().showResult(res, err, ver)
		return
	}
	if !current {
		return
	}
	if p.run.cancelled() {
		// Already showing "cancelled"; an unknown outcome says more.
		var fe *flow.Error
		if errors.As(err, &fe) && fe.Unknown {
			p.done().showFailure(err)
		}
		return
	}
	p.done().showFailure(err)
}

// cancelRun stops the run at once: the page changes now, the goroutine's
// HTTP calls end with the context.
func (p *reviewPage) cancelRun() {
	if !p.running() {
		return
	}
	if stored := p.run.stored; stored != nil {
		// Registered and stored: Cancel stops only the test.
		p.run.phase = runTestStopped
		p.drawElapsed()
		p.endRun()
		p.done().showResult(stored, nil, &verifyOutcome{stopped: true})
		return
	}
	sent := p.run.sent()
	p.run.phase = runCancelled
	p.drawElapsed()
	p.endRun()
	p.done().showFailure(&cancelledError{name: p.run.input.InstanceName, sent: sent, cp: counterpartFor(p.run.input.Env.Name)})
}

// askCloseWhileRegistering asks before the window closes mid-run: once the
// request has gone, the ATO may register the instance with nobody left to
// keep the answer.
func (p *reviewPage) askCloseWhileRegistering() {
	w := p.w
	msg := para("A registration is being sent to the ATO. If you close now, DCR Wizard cannot see or keep the " +
		"ATO's answer: the registration may be made at the ATO without being saved on this computer. " +
		"What is known is noted, and shown the next time you start DCR Wizard.")
	if counterpartFor(p.run.input.Env.Name).practice {
		msg.SetText("A practice registration is being sent to the practice simulator. If you close now, it stops " +
			"and nothing is kept.")
	}
	w.kit.ask("Close while registering?", msg, "Close anyway", "Keep waiting", w.win.Close, nil)
}

// cancelledError is the user's Cancel, as a failure with its own words.
type cancelledError struct {
	name string
	sent bool // the registration request had been sent
	cp   counterpart
}

func (e *cancelledError) Error() string { return e.Message() }

func (e *cancelledError) Message() string { return "You cancelled the registration." }

func (e *cancelledError) Action() string {
	if e.sent {
		return "The request had already been sent, so " + e.cp.the() + " may have registered \"" + e.name + "\"."
	}
	return "Nothing was sent to " + e.cp.the() + " for registration. Press Try again when you are ready."
}
