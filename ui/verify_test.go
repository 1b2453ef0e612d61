package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/atosim"
	"dcrwizard/flow"
)

// withTestEnv changes the harness's simulator environment before the wizard
// is built (what the test of a new registration uses: scope, heartbeat).
func withTestEnv(change func(env *flow.Environment)) harnessOpts {
	return harnessOpts{config: func(c *Config) {
		envs := append([]flow.Environment(nil), c.Environments...)
		change(&envs[len(envs)-1])
		c.Environments = envs
	}}
}

// heartbeatOf is the simulator's heartbeat beside its token endpoint.
func heartbeatOf(env flow.Environment) string {
	return strings.TrimSuffix(env.TokenURL, atosim.TokenPath) + atosim.HeartbeatPath
}

func countPath(reqs []atosim.Recorded, path string) int {
	n := 0
	for _, r := range reqs {
		if r.Path == path {
			n++
		}
	}
	return n
}

// A new registration is tested as itself, the heartbeat included, and Done
// says it is usable.
func TestNewRegistrationTested(t *testing.T) {
	h := newHarness(t, withTestEnv(func(env *flow.Environment) { env.HeartbeatURL = heartbeatOf(*env) }))
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.register()
	d := &h.w.done
	if d.res == nil || !d.res.Stored {
		t.Fatalf("not stored: %v", d.failErr)
	}
	h.openTechnicalDetails() // the values are technical details
	h.wantText("This installation is registered", "Your software can now sign in to the ATO with this registration.",
		"the ATO's heartbeat check answered", d.res.Registration.ClientID)
	if got := h.w.heading.String(); got != "Step 5 of 5 — Done" {
		t.Errorf("heading %q", got)
	}
	row := h.w.review.rows[flow.StepVerify]
	if row.state != flow.StateDone || row.label.Text != "Testing the new registration" {
		t.Errorf("test row %q ended %q", row.label.Text, row.state)
	}
	reqs := h.sim.Requests()
	if n := countPath(reqs, atosim.TokenPath); n != 2 {
		t.Errorf("%d token requests, want 2 (the registration's, then the new client's)", n)
	}
	if n := countPath(reqs, atosim.HeartbeatPath); n != 1 {
		t.Errorf("%d heartbeat calls, want 1", n)
	}
	test.Tap(findButton(t, h.w.views[stepDone], "Copy support summary"))
	if s := h.app.Clipboard().Content(); !strings.Contains(s, "Test:") || !strings.Contains(s, "usable") {
		t.Errorf("support summary does not give the test's result:\n%s", s)
	}
}

// A test the server refuses: Done says what failed and what it means, and
// that the registration exists and is stored; nothing stored is hidden.
func TestNewRegistrationTestFails(t *testing.T) {
	// A registered client may not ask for the registration scope: the
	// simulator refuses the test's token as the ATO would.
	h := newHarness(t, withTestEnv(func(env *flow.Environment) { env.VerifyScope = atosim.Scope }))
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.register()
	d := &h.w.done
	if d.res == nil || !d.res.Stored || d.verify == nil || d.verify.err == nil {
		t.Fatalf("want stored and a failed test, got res=%+v verify=%+v fail=%v", d.res, d.verify, d.failErr)
	}
	clientID := d.res.Registration.ClientID
	h.openTechnicalDetails() // the values are technical details
	h.wantText("This installation is registered", "The test sign-in to the ATO with the new registration failed",
		"The registration exists, but signing in to the ATO with it failed.",
		"The registration itself exists and is stored in "+d.res.Where, clientID, d.values.RegistrationClientURI)
	if strings.Contains(h.texts(), "can now sign in") {
		t.Error("a failed test is reported usable")
	}
	if got := h.w.heading.String(); got != "Step 5 of 5 — Registered, test failed" {
		t.Errorf("heading %q", got)
	}
	if st := h.w.review.rows[flow.StepVerify].state; st != flow.StateFailed {
		t.Errorf("test row %q, want a cross", st)
	}
	if st := h.w.review.rows[flow.StepSave].state; st != flow.StateDone {
		t.Errorf("save row %q, want a tick", st)
	}
	if b := findButton(t, h.w.footer, "Close"); b.Importance != widget.HighImportance {
		t.Error("Close not highlighted: the registration is stored, nothing is left to keep")
	}
	if recs, err := h.store.List(context.Background()); err != nil || len(recs) != 1 || recs[0].ClientID != clientID {
		t.Errorf("stored %+v (%v), want the new registration kept", recs, err)
	}
	if len(h.sim.Clients()) != 1 {
		t.Error("the registration is gone from the simulator")
	}
}

// Cancel during the test stops only the test: the stored registration is
// shown at once, as registered and stored.
func TestCancelDuringTestKeepsRegistration(t *testing.T) {
	h := newHarness(t, withTestEnv(func(env *flow.Environment) { env.HeartbeatURL = heartbeatOf(*env) }))
	h.sim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointHeartbeat, Delay: time.Hour})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.next() // Register
	h.loop.until(t, "the heartbeat to be called", func() bool {
		row := h.w.review.rows[flow.StepVerify]
		return h.w.review.run.stored != nil && row.state == flow.StateStarted && strings.Contains(row.message.Text, "heartbeat")
	})
	if !strings.Contains(h.w.hint.Text, "Press Cancel to stop the test") {
		t.Errorf("hint during the test %q", h.w.hint.Text)
	}
	test.Tap(h.w.review.cancelBtn)
	h.wantStep(stepDone)
	d := &h.w.done
	if d.res == nil || !d.res.Stored {
		t.Fatalf("Cancel during the test did not show the stored registration: fail=%v", d.failErr)
	}
	h.openTechnicalDetails() // the values are technical details
	h.wantText("This installation is registered", "You stopped the test of the new registration",
		"The registration itself exists and is stored in", d.res.Registration.ClientID)
	if strings.Contains(h.texts(), "You cancelled the registration") {
		t.Error("Cancel during the test reported as a cancelled registration")
	}
	if got := h.w.heading.String(); got != "Step 5 of 5 — Registered, not tested" {
		t.Errorf("heading %q", got)
	}
	// The run's late answer does not replace the page.
	h.loop.until(t, "the run to end", func() bool { return h.w.review.warm == nil })
	time.Sleep(50 * time.Millisecond)
	h.loop.drain()
	h.wantText("You stopped the test of the new registration")
	if recs, err := h.store.List(context.Background()); err != nil || len(recs) != 1 {
		t.Errorf("stored %+v (%v), want the new registration kept", recs, err)
	}
}
