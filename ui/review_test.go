package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
)

func TestCancelDuringSlowStep(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.sim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointToken, Delay: time.Hour})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.next() // Register
	h.loop.until(t, "the token step to start", func() bool {
		return h.w.review.rows["token"].state == "started"
	})
	if !h.w.backBtn.Disabled() || !h.w.nextBtn.Disabled() {
		t.Error("Back or Register enabled while running")
	}
	// The ticker redraws the elapsed time from the clock (read on the UI
	// goroutine only; the run itself keeps the clock it started with).
	h.w.cfg.Now = func() time.Time { return testNow.Add(7 * time.Second) }
	h.loop.until(t, "the elapsed time to tick", func() bool { return h.w.review.elapsed.Text == "Elapsed: 7 seconds" })

	start := time.Now()
	test.Tap(h.w.review.cancelBtn)
	// At once: no waiting for the background work.
	h.wantStep(stepDone)
	h.wantText("You cancelled the registration.", "Nothing was sent to the ATO for registration")
	if h.w.review.running() {
		t.Error("still running after Cancel")
	}
	if h.w.review.rows["token"].state != "failed" {
		t.Errorf("token row %q, want a cross", h.w.review.rows["token"].state)
	}
	// The HTTP call ends with the context: the server would hold it for an hour.
	h.loop.until(t, "the background run to end", func() bool {
		return len(h.sim.Requests()) > 0 && time.Since(start) > 100*time.Millisecond
	})
	if n := len(h.sim.Clients()); n != 0 {
		t.Errorf("%d registrations after cancel", n)
	}
	// Try again goes back to Review with everything kept.
	h.w.cfg.Now = func() time.Time { return testNow }
	h.sim.ClearFaults()
	test.Tap(findButton(t, h.w.views[stepDone], "Try again"))
	h.wantStep(stepReview)
	h.register()
	if h.w.done.res == nil {
		t.Fatalf("try again failed: %v", h.w.done.failErr)
	}
}
