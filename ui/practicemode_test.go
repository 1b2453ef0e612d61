package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"dcrwizard/atosim"
)

// The demo credential's note and the Environment step's refusal of an own
// credential in Practice: neither may be seen once Practice is left.
const (
	demoNote         = "Practice mode: this is the demo credential"
	practiceOnlyDemo = "Practice mode works only with its own demo credential"
)

// wantNotPractising checks every sign of Practice is gone: the mode, the
// banner, the heading, the demo credential in the draft.
func (h *harness) wantNotPractising(when string) {
	h.t.Helper()
	if h.w.draft.Practising() {
		h.t.Errorf("%s: still in Practice", when)
	}
	if h.w.banner.Visible() {
		h.t.Errorf("%s: the Practice banner is shown", when)
	}
	if head := h.w.heading.String(); strings.HasPrefix(head, "Practice") {
		h.t.Errorf("%s: the heading says %q", when, head)
	}
	if h.w.draft.UsingDemo() {
		h.t.Errorf("%s: the demo credential is still chosen", when)
	}
}

// Issue 26 finding 2, the journey as it was met: after a Practice run,
// back to Welcome, untick Practice, load the vendor's setup file, Start,
// choose her own keystore: Step 1 does not show the demo credential, Next
// is not blocked by Practice, and Environment shows the setup file's
// choice, not Practice.
func TestPracticeLeftAfterARunForTheSetupFile(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceToDone()
	test.Tap(findButton(t, h.w.views[stepDone], "Register another"))
	for h.w.step != stepWelcome {
		h.key("Escape") // Back, to Welcome
	}
	if !h.w.welcome.practice.Checked {
		t.Fatal("Welcome does not show the Practice run just made")
	}
	test.Tap(h.w.welcome.practice) // untick
	h.drop(h.sandboxSetupAs("Example.dcrwizard"))
	h.waitSetup()
	h.wantText("Setup from Example Software Pty Ltd for Example Practice Manager is loaded")
	h.next() // Start
	h.wantStep(stepCredential)
	if say := h.texts(); strings.Contains(say, demoNote) || strings.Contains(say, atosim.DemoPassword) {
		t.Errorf("Step 1 still shows the demo credential:\n%s", say)
	}
	h.wantNotPractising("on Credential")
	h.openKeystore(h.goodKeystore(), testPassword)
	if h.w.nextBtn.Disabled() {
		t.Fatalf("Next is disabled after choosing her own keystore: %q", h.w.hint.Text)
	}
	h.next()
	h.wantStep(stepEnvironment)
	if h.w.nextBtn.Disabled() || strings.Contains(h.w.hint.Text, practiceOnlyDemo) {
		t.Fatalf("Environment blocks Next: %q", h.w.hint.Text)
	}
	if got := h.w.environment.radio.Selected; !strings.HasPrefix(got, "Sandbox") {
		t.Errorf("Environment shows %q, want the setup file's Sandbox", got)
	}
	h.wantText("Example Software Pty Ltd")
}

// While in Practice every step says so: a banner under the heading with
// the way out, and "Practice — " in the heading.
func TestPracticeBannerOnEveryStep(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	want := func(heading string) {
		t.Helper()
		if !h.w.banner.Visible() {
			t.Errorf("%s: no Practice banner", h.w.step)
		}
		if len(findButtons(h.w.banner, "Leave Practice")) != 1 {
			t.Errorf("%s: the banner has no Leave Practice button", h.w.step)
		}
		if got := h.w.heading.String(); got != heading {
			t.Errorf("heading %q, want %q", got, heading)
		}
	}
	if h.w.banner.Visible() {
		t.Fatal("the Practice banner is shown before Practice was chosen")
	}
	test.Tap(h.w.welcome.practice)
	want("Practice — Welcome to DCR Wizard")
	// Below the heading, not drawn over it: the frame makes room for it.
	d := fyne.CurrentApp().Driver()
	if top, under := d.AbsolutePositionForObject(h.w.banner).Y, d.AbsolutePositionForObject(h.w.heading).Y+h.w.heading.Size().Height; top < under {
		t.Errorf("the banner (top %v) overlaps the heading (bottom %v)", top, under)
	}
	h.next()
	want("Practice — Step 1 of 5 — Credential")
	h.loop.until(t, "the demo credential", func() bool { return h.w.credential.store != nil })
	h.next()
	want("Practice — Step 2 of 5 — Environment")
	h.next()
	want("Practice — Step 3 of 5 — Details")
	h.next()
	want("Practice — Step 4 of 5 — Review and register")
	h.register()
	if h.w.done.res == nil {
		t.Fatalf("practice run failed: %v", h.w.done.failErr)
	}
	if !h.w.banner.Visible() || !strings.HasPrefix(h.w.heading.String(), "Practice — Step 5 of 5") {
		t.Errorf("Done: banner %v, heading %q", h.w.banner.Visible(), h.w.heading.String())
	}
	// Leave Practice on Done: the banner goes; nothing else moves.
	test.Tap(findButton(t, h.w.banner, "Leave Practice"))
	h.wantStep(stepDone)
	h.wantNotPractising("after Leave Practice on Done")
}

// The banner's Leave Practice mid-way goes to Credential, for the user's
// own credential: the demo one and its password are gone.
func TestLeavePracticeFromTheBanner(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceCredential()
	h.next()
	h.wantStep(stepEnvironment)
	test.Tap(findButton(t, h.w.banner, "Leave Practice"))
	h.wantStep(stepCredential)
	h.wantNotPractising("after Leave Practice")
	if say := h.texts(); strings.Contains(say, demoNote) || h.w.credential.password.Text != "" || h.w.credential.store != nil {
		t.Errorf("Credential still holds the demo credential (password %q):\n%s", h.w.credential.password.Text, say)
	}
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.chooseEnv(h.env.Label)
	h.next()
	h.wantStep(stepDetails)
	if h.w.details.apiKey.Text != "" {
		t.Errorf("Details offers Practice's key %q outside Practice", h.w.details.apiKey.Text)
	}
}

// Unticking Practice on Welcome leaves it: the demo credential it loaded
// is gone from Credential, and Environment does not have Practice chosen.
func TestUntickingPracticeLeavesIt(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	test.Tap(h.w.welcome.practice)
	h.loop.until(t, "the demo credential", func() bool { return h.w.draft.UsingDemo() })
	test.Tap(h.w.welcome.practice)
	h.wantNotPractising("after unticking")
	h.next()
	h.wantStep(stepCredential)
	if say := h.texts(); strings.Contains(say, demoNote) {
		t.Errorf("Credential shows the demo credential after unticking:\n%s", say)
	}
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	if strings.HasPrefix(h.w.environment.radio.Selected, "Practice") {
		t.Error("Environment has Practice chosen after unticking")
	}
}

// Choosing Sandbox on Environment leaves Practice: Welcome's tick box, the
// banner and the demo credential go with it, and Environment says why Next
// waits.
func TestChoosingSandboxLeavesPractice(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceCredential()
	h.next()
	h.chooseEnv("Sandbox")
	h.wantStep(stepEnvironment)
	h.wantNotPractising("after choosing Sandbox")
	if !h.w.nextBtn.Disabled() || !strings.Contains(h.w.hint.Text, "choose your own credential file") {
		t.Errorf("Next %v, hint %q", !h.w.nextBtn.Disabled(), h.w.hint.Text)
	}
	h.key("Escape")
	h.wantStep(stepCredential)
	if strings.Contains(h.texts(), demoNote) {
		t.Error("Credential still shows the demo credential")
	}
	h.key("Escape")
	h.wantStep(stepWelcome)
	if h.w.welcome.practice.Checked {
		t.Error("Welcome still has Practice ticked")
	}
}

// A setup file loaded while practising leaves Practice: it is for a real
// registration.
func TestSetupFileLeavesPractice(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceCredential()
	h.drop(h.sandboxSetupAs("Example.dcrwizard"))
	h.waitSetup()
	h.wantStep(stepCredential)
	h.wantNotPractising("after loading a setup file")
	if strings.Contains(h.texts(), demoNote) {
		t.Error("Credential still shows the demo credential")
	}
}

// "Now register for real" (registerForReal, on Practice's Done page):
// Practice is left, the setup file counts again and Credential is shown.
func TestRegisterForRealAfterPractice(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.drop(h.sandboxSetupAs("Example.dcrwizard"))
	h.waitSetup()
	h.practiceToDone()
	if rec := h.w.done.res.Record; rec.Environment != practiceName {
		t.Fatalf("not a Practice run: %+v", rec)
	}
	h.w.registerForReal()
	h.wantStep(stepCredential)
	h.wantNotPractising("after registerForReal")
	if !h.w.draft.SetupEnv() || !h.w.draft.SetupKey() {
		t.Error("the setup file does not decide again")
	}
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.wantStep(stepEnvironment)
	if !strings.HasPrefix(h.w.environment.radio.Selected, "Sandbox") || !h.w.environment.radio.Disabled() {
		t.Errorf("Environment: %q, locked %v", h.w.environment.radio.Selected, h.w.environment.radio.Disabled())
	}
	h.next()
	h.wantStep(stepDetails)
	if h.w.details.keyBox.Visible() {
		t.Error("Details asks for the key the setup file gives")
	}
}

// While a Practice registration runs, Practice cannot be left under it.
func TestPracticeNotLeftDuringARun(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceCredential()
	h.next()
	h.next()
	h.next()
	h.wantStep(stepReview)
	h.practiceSim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointRegister, Delay: time.Second, Nth: 1})
	h.next()
	leave := findButton(t, h.w.banner, "Leave Practice")
	if !leave.Disabled() {
		t.Error("Leave Practice can be pressed during the run")
	}
	test.Tap(leave)
	if !h.w.draft.Practising() || h.w.step != stepReview {
		t.Errorf("left Practice during the run: practising %v, on %s", h.w.draft.Practising(), h.w.step)
	}
	h.loop.until(t, "the outcome", func() bool { return h.w.step == stepDone })
	if h.w.done.res == nil {
		t.Fatalf("practice run failed: %v", h.w.done.failErr)
	}
	if findButton(t, h.w.banner, "Leave Practice").Disabled() {
		t.Error("Leave Practice stays disabled after the run")
	}
}

// The banner takes room from the page, never from the footer: on the
// smallest screens every Practice step keeps Back and Next in the window.
func TestFooterFitsInPractice(t *testing.T) {
	for _, s := range smallScreens {
		t.Run(s.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			h.app.Settings().SetTheme(newWizardTheme(theme.DefaultTheme()))
			h.w.win.Resize(s.size)
			fits := func() {
				t.Helper()
				h.loop.drain()
				h.w.win.Resize(s.size)
				if !h.w.banner.Visible() {
					t.Fatalf("%s: no banner", h.w.step)
				}
				assertFooterFits(t, h, "Practice, "+h.w.step.String())
			}
			test.Tap(h.w.welcome.practice)
			fits()
			h.next()
			h.loop.until(t, "the demo credential", func() bool { return h.w.credential.store != nil })
			fits()
			for range 3 {
				h.next()
				fits()
			}
			h.register()
			fits()
		})
	}
}
