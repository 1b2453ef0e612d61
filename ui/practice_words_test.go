package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
)

// practiceCredential enters Practice mode on Welcome and goes on to
// Credential, once its demo file is read.
func (h *harness) practiceCredential() {
	h.t.Helper()
	test.Tap(h.w.welcome.practice)
	h.next()
	h.loop.until(h.t, "the demo credential", func() bool { return h.w.credential.store != nil })
}

// practiceToDone runs Practice mode from Welcome to Done.
func (h *harness) practiceToDone() {
	h.t.Helper()
	h.practiceCredential()
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
	if rows := textsIn(h.w.views[stepReview]); strings.Contains(rows, "from the ATO") {
		t.Errorf("the Practice progress list names the ATO:\n%s", rows)
	}
	id := h.w.done.res.Registration.ClientID
	h.w.registrations.open()
	h.loop.until(t, "the list", func() bool { return h.w.registrations.byID[id] != nil })
	c := h.w.registrations.byID[id]
	if s := textsIn(c.box); strings.Contains(s, "ATO receipt") {
		t.Errorf("the Practice card says ATO receipt:\n%s", s)
	}
	h.tapCard(c, "Check it works…")
	h.credDialogGoWith("", atosim.DemoPassword, "the check")
	test.Tap(findButton(t, c.result, "Technical details"))
	s := textsIn(c.result)
	if strings.Contains(s, "The ATO holds") || strings.Contains(s, "Name at the ATO") || !strings.Contains(s, "practice simulator") {
		t.Errorf("Check on a Practice registration says:\n%s", s)
	}
	h.tapCard(c, "Rename…")
	if say := textsIn(h.overlay()); strings.Contains(say, "at the ATO") || !strings.Contains(say, "practice simulator") {
		t.Errorf("Rename of a Practice registration says:\n%s", say)
	}
	h.key(fyne.KeyEscape)
}

// After Practice, the demo password is not tried on the user's own file.
func TestDemoPasswordStaysWithTheDemoFile(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceCredential()
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
	h.loop.until(t, "the request to be sent", func() bool { return h.w.review.run.sent() })
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

// The Cancel button does not move while the progress lines appear.
func TestCancelButtonStaysPut(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.sim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointRegister, Delay: 20 * time.Second, Nth: 1})
	test.Tap(h.w.nextBtn)
	d := fyne.CurrentApp().Driver()
	h.w.win.Resize(h.w.win.Canvas().Size()) // lay out
	at := d.AbsolutePositionForObject(h.w.review.cancelBtn)
	h.loop.until(t, "the request to be sent", func() bool { return h.w.review.run.sent() })
	h.w.win.Resize(h.w.win.Canvas().Size())
	if now := d.AbsolutePositionForObject(h.w.review.cancelBtn); now != at {
		t.Errorf("Cancel moved from %v to %v as progress appeared", at, now)
	}
	test.Tap(h.w.review.cancelBtn)
	h.loop.drain()
}

// Back from Registrations does not show the Done page of a registration
// just removed there; a second Done page opens at its top.
func TestDonePageNeverStale(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.w.win.Resize(fyne.NewSize(960, 460))
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.register()
	sc := h.w.views[stepDone].(*container.Scroll)
	sc.ScrollToBottom()
	if sc.Offset.Y == 0 {
		t.Fatal("the Done page does not scroll at this size: the test proves nothing")
	}
	test.Tap(findButton(t, h.w.views[stepDone], "Register another"))
	h.next()
	h.typeDetails(h.sim.APIKey(), "Back office")
	h.next()
	h.register()
	if sc.Offset.Y != 0 {
		t.Errorf("the second Done page opens scrolled to %v, its heading hidden", sc.Offset.Y)
	}
	id := h.w.done.res.Record.ClientID
	test.Tap(findButton(t, h.w.views[stepDone], "View registrations"))
	h.loop.until(t, "the list", func() bool { return h.w.registrations.byID[id] != nil })
	c := h.w.registrations.byID[id]
	h.tapCard(c, "Remove…")
	dlg := h.w.registrations.dlg
	test.Type(dlg.entry, "Back office")
	test.Tap(dlg.ok)
	h.loop.until(t, "the removal", func() bool { return h.w.registrations.byID[id] == nil && !h.w.registrations.running() })
	h.key(fyne.KeyEscape)
	h.wantStep(stepDone)
	say := h.texts()
	if strings.Contains(say, "This installation is registered") || strings.Contains(say, id) {
		t.Errorf("Back shows the removed registration as registered:\n%s", say)
	}
	h.wantText("is no longer registered here")
}

// Terms that must stay are explained where they appear.
func TestJargonExplained(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.register()
	test.Tap(findButton(t, h.w.views[stepDone], "Technical details"))
	h.wantText("The address at the ATO where this registration is checked",
		"The secret that lets this computer manage the registration",
		"What is this? The keychain is the password store built into this computer")
	h.w.show(stepEnvironment)
	h.chooseEnv("Sandbox")
	h.wantText("External Vendor Test Environment")
}
