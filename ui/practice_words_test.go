package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
)

// practiceToDone runs Practice mode from Welcome to Done.
func (h *harness) practiceToDone() {
	h.t.Helper()
	test.Tap(h.w.welcome.practice)
	h.next()
	h.loop.until(h.t, "the demo credential", func() bool { return h.w.credential.store != nil })
	h.next()
	h.next()
	h.next()
	h.register()
	if h.w.done.res == nil {
		h.t.Fatalf("practice run failed: %v", h.w.done.failErr)
	}
}

// Practice is never presented as the ATO: not on Review, Done or Check.
func TestPracticeIsNeverTheATO(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceToDone()
	say := h.texts()
	for _, bad := range []string{"ATO receipt", "The ATO accepted", "your software can now use them"} {
		if strings.Contains(say, bad) {
			t.Errorf("the Practice Done page says %q:\n%s", bad, say)
		}
	}
	h.wantText("The practice simulator accepted the registration", "nothing was sent to the ATO")
	if rows := textsIn(h.w.pages[stepReview]); strings.Contains(rows, "from the ATO") {
		t.Errorf("the Practice progress list names the ATO:\n%s", rows)
	}
	id := h.w.done.res.Registration.ClientID
	h.w.showRegistrations()
	h.loop.until(t, "the list", func() bool { return h.w.registrations.byID[id] != nil })
	c := h.w.registrations.byID[id]
	if s := textsIn(c.box); strings.Contains(s, "ATO receipt") {
		t.Errorf("the Practice card says ATO receipt:\n%s", s)
	}
	test.Tap(c.buttons[0]) // Check
	h.loop.until(t, "the check", func() bool { return !h.w.registrations.running() })
	s := textsIn(c.result)
	if strings.Contains(s, "The ATO holds") || !strings.Contains(s, "practice simulator") {
		t.Errorf("Check on a Practice registration says:\n%s", s)
	}
}

// After Practice, the demo password is not tried on the user's own file.
func TestDemoPasswordStaysWithTheDemoFile(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	test.Tap(h.w.welcome.practice)
	h.next()
	h.loop.until(t, "the demo credential", func() bool { return h.w.credential.store != nil })
	if h.w.credential.password.Text != atosim.DemoPassword {
		t.Fatal("the demo password was not filled in for the demo file")
	}
	h.drop(h.goodKeystore())
	if got := h.w.credential.password.Text; got != "" {
		t.Errorf("the password field holds %q after choosing another file", got)
	}
	if h.w.credential.opening || h.w.credential.openErr != nil {
		t.Errorf("the new file was opened with the demo password (error %v)", h.w.credential.openErr)
	}
	if strings.Contains(h.texts(), "The password is not right") {
		t.Error("a wrong-password message before anything was typed")
	}
}

// Cancel after the request went out: "Outcome unknown", finding out first.
func TestCancelAfterSendingIsOutcomeUnknown(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.sim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointRegister, Delay: 20 * time.Second, Nth: 1})
	h.next()
	h.loop.until(t, "the request to be sent", func() bool { return h.w.review.registerStarted })
	test.Tap(h.w.review.cancelBtn)
	h.loop.drain()
	h.wantStep(stepDone)
	if got := h.w.heading.String(); !strings.Contains(got, "Outcome unknown") {
		t.Errorf("heading %q, want Outcome unknown", got)
	}
	say := h.texts()
	if strings.Contains(say, "did not go through") || strings.Contains(say, "Not registered") {
		t.Errorf("the page says it failed:\n%s", say)
	}
	h.wantText("Before registering again, find out whether it exists", "Front desk PC")
	first := firstButton(h.w.done.box)
	if first == nil || strings.Contains(first.Text, "again") {
		t.Errorf("the first action is %v, want finding out, not trying again", first)
	}
	if f := h.w.win.Canvas().Focused(); f == nil || f == h.w.nextBtn {
		t.Errorf("focus on %T", f)
	}
}
