package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
)

// Going through again with the same environment, name and credential:
// Review names the registration already stored, Register (the button or
// Enter) sends nothing, and only "Register again anyway" makes a second
// registration at the ATO.
func TestReviewNamesTheSameRegistrationAndSendsNothing(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	registrations := func() int { return countPath(h.sim.Requests(), atosim.RegistrationPath) }
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk")
	h.register()
	if h.w.done.res == nil || registrations() != 1 {
		t.Fatalf("first registration: %v, %d at the ATO", h.w.done.failErr, registrations())
	}
	first := h.w.done.res.Registration.ClientID

	test.Tap(findButton(t, h.w.views[stepDone], "Register another"))
	h.next() // Environment, as before
	h.next() // Details, as before
	h.wantStep(stepReview)
	h.loop.until(t, "Review to name the registration", func() bool {
		return strings.Contains(h.texts(), "already registered here")
	})
	if n := registrations(); n != 1 {
		t.Fatalf("%d registrations at the ATO", n)
	}
	h.wantText(`"Front desk" is already registered here`, "your software uses it", first, "second registration at the ATO")
	if h.w.nextBtn.Text != "Use the existing registration" {
		t.Fatalf("main action %q", h.w.nextBtn.Text)
	}
	// Enter on the focused main action uses it: nothing is sent.
	h.w.win.Canvas().Focus(h.w.nextBtn)
	h.key("Return")
	h.loop.drain()
	h.wantStep(stepRegistrations)
	if n := registrations(); n != 1 {
		t.Fatalf("using the existing registration sent one (%d at the ATO)", n)
	}

	// Back to Review. Register pressed before the page's lookup answered
	// (what the button did then): the run looks first and sends nothing.
	h.w.back()
	h.loop.drain()
	h.wantStep(stepReview)
	h.loop.until(t, "the lookup", func() bool { return !h.w.review.existing.pending })
	h.w.confirmRegister()
	h.loop.until(t, "the run to stop at the stored registration", func() bool { return !h.w.review.running() })
	h.wantStep(stepReview)
	h.wantText("already registered here")
	if n := registrations(); n != 1 || h.w.nextBtn.Text != "Use the existing registration" {
		t.Fatalf("a Register pressed early: %d registrations at the ATO, main action %q", n, h.w.nextBtn.Text)
	}
	h.next()
	h.wantStep(stepRegistrations)

	// Back to Review: registering again is its own press.
	h.w.back()
	h.loop.drain()
	h.wantStep(stepReview)
	h.loop.until(t, "the lookup", func() bool { return !h.w.review.existing.pending })
	test.Tap(findButton(t, h.w.views[stepReview], "Register again anyway"))
	h.loop.until(t, "the second registration", func() bool { return h.w.step == stepDone })
	if h.w.done.res == nil || h.w.done.res.Registration.ClientID == first || registrations() != 2 {
		t.Fatalf("Register again anyway: %v, %d at the ATO", h.w.done.failErr, registrations())
	}
}

// Another name is another registration: nothing is in the way.
func TestReviewOtherNameRegisters(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk")
	h.register()
	test.Tap(findButton(t, h.w.views[stepDone], "Register another"))
	h.next()
	h.w.details.name.SetText("Back office")
	h.next()
	h.register()
	if h.w.done.res == nil || countPath(h.sim.Requests(), atosim.RegistrationPath) != 2 {
		t.Fatalf("second name not registered: %v", h.w.done.failErr)
	}
}
