package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
)

// press is one key as the desktop driver delivers it: Tab and Shift+Tab
// move the focus; other keys go to the focused control (Space also as a
// character, which is what ticks a box), else to the window.
func (h *harness) press(name fyne.KeyName) {
	h.t.Helper()
	c := h.w.win.Canvas()
	switch name {
	case fyne.KeyTab:
		c.FocusNext()
	case "ShiftTab":
		c.FocusPrevious()
	default:
		h.key(name)
		if name == fyne.KeySpace {
			if f := c.Focused(); f != nil {
				f.TypedRune(' ')
			}
		}
	}
	h.loop.drain()
}

// typeText types into the focused control.
func (h *harness) typeText(s string) {
	h.t.Helper()
	f := h.w.win.Canvas().Focused()
	if f == nil {
		h.t.Fatalf("typing %q with nothing focused on %s", s, h.w.step)
	}
	for _, r := range s {
		f.TypedRune(r)
	}
	h.loop.drain()
}

// tabTo presses Tab until want has the focus (at most 30 times).
func (h *harness) tabTo(want fyne.Focusable, what string) {
	h.t.Helper()
	for range 30 {
		if h.w.win.Canvas().Focused() == want {
			return
		}
		h.press(fyne.KeyTab)
	}
	h.t.Fatalf("Tab never reaches %s on %s", what, h.w.step)
}

func (h *harness) wantFocus(want fyne.Focusable, what string) {
	h.t.Helper()
	if got := h.w.win.Canvas().Focused(); got != want {
		h.t.Fatalf("on %s the focus is on %T, want %s", h.w.step, got, what)
	}
}

// TestKeyboardOnlyPractice completes Practice mode with key events only.
func TestKeyboardOnlyPractice(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.wantFocus(h.w.nextBtn, "Start")
	h.tabTo(h.w.welcome.practice, "the Practice tick box")
	h.press(fyne.KeySpace)
	if !h.w.welcome.practice.Checked {
		t.Fatal("Space did not tick Practice mode")
	}
	h.tabTo(h.w.nextBtn, "Start")
	h.press(fyne.KeyReturn)
	h.wantStep(stepCredential)
	h.loop.until(t, "the demo credential", func() bool { return h.w.credential.store != nil })
	h.wantFocus(h.w.credential.password, "the password")
	h.press(fyne.KeyReturn)
	h.wantStep(stepEnvironment)
	h.wantFocus(h.w.environment.radio, "the environment choice")
	h.press(fyne.KeyReturn)
	h.wantStep(stepDetails)
	h.wantFocus(h.w.details.apiKey, "the consumer key")
	h.press(fyne.KeyReturn)
	h.wantStep(stepReview)
	// Enter on Review is Register, as on every page the main action (the
	// first focus was Back, so Enter went back: issue 26).
	h.wantFocus(h.w.nextBtn, "Register")
	h.press(fyne.KeyReturn)
	h.loop.until(t, "the outcome", func() bool { return h.w.step == stepDone })
	if h.w.done.res == nil || !h.w.done.res.Stored {
		t.Fatalf("practice registration failed: %v", h.w.done.failErr)
	}
	if h.w.win.Canvas().Focused() == nil {
		t.Error("nothing is focused on Done")
	}
}

// TestKeyboardOnlySandbox registers against the simulator with keys only:
// the remembered file, the password typed, the environment chosen with the
// arrow keys inside one Tab stop.
func TestKeyboardOnlySandbox(t *testing.T) {
	var ks string
	h := newHarness(t, harnessOpts{})
	ks = h.goodKeystore()
	h.app.Preferences().SetString(prefKeystorePath, ks)
	h.w.draft.Keystore = ks // as a start with the remembered file does
	h.press(fyne.KeyReturn) // Start
	h.wantStep(stepCredential)
	h.wantFocus(h.w.credential.password, "the password")
	h.typeText(testPassword)
	h.press(fyne.KeyReturn) // opens
	h.loop.until(t, "the file to open", func() bool { return h.w.credential.store != nil })
	h.press(fyne.KeyReturn)
	h.wantStep(stepEnvironment)
	h.wantFocus(h.w.environment.radio, "the environment choice")
	for range len(h.w.environment.options) + 1 {
		if h.w.environment.radio.Selected == h.env.Label {
			break
		}
		h.press(fyne.KeyDown)
		if h.w.win.Canvas().Overlays().Top() != nil {
			h.press(fyne.KeyReturn) // passing Production: "Not Production" has the focus
		}
		if h.w.environment.radio.Selected == "" {
			t.Fatal("Down chose nothing")
		}
	}
	// The choice is one Tab stop: Tab leaves it for the next control.
	h.press(fyne.KeyTab)
	if f := h.w.win.Canvas().Focused(); f == h.w.environment.radio {
		t.Fatal("Tab stays in the environment choice")
	}
	h.press("ShiftTab")
	h.wantFocus(h.w.environment.radio, "the environment choice again")
	h.press(fyne.KeyReturn)
	h.wantStep(stepDetails)
	h.typeText(h.sim.APIKey())
	h.press(fyne.KeyReturn)
	h.wantStep(stepReview)
	h.tabTo(h.w.nextBtn, "Register")
	h.press(fyne.KeyReturn)
	h.loop.until(t, "the outcome", func() bool { return h.w.step == stepDone })
	if h.w.done.res == nil || !h.w.done.res.Stored {
		t.Fatalf("registration failed: %v", h.w.done.failErr)
	}
	if got := h.sim.Requests(); len(got) == 0 {
		t.Error("the simulator saw no request")
	}
}

// In Production, Register asks first, naming the environment.
func TestProductionRegisterAsksFirst(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.chooseEnv("Production")
	h.next()
	h.typeDetails(h.sim.APIKey(), "Front desk PC")
	h.next()
	h.wantStep(stepReview)
	h.w.win.Canvas().Unfocus()
	// Enter is Register on Review, focused or not; in Production it asks
	// first, as the button does.
	h.press(fyne.KeyReturn)
	if h.w.review.running() {
		t.Fatal("Enter started a Production registration without asking")
	}
	top := h.w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("Enter in Production did not ask first")
	}
	test.Tap(findButton(t, top, "Not yet"))
	h.loop.drain()
	test.Tap(h.w.nextBtn)
	top = h.w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("Register in Production did not ask first")
	}
	if txt := textsIn(top); !strings.Contains(txt, "Production") || !strings.Contains(txt, "Front desk PC") {
		t.Errorf("the question does not name the environment and the name:\n%s", txt)
	}
	test.Tap(findButton(t, top, "Not yet"))
	h.loop.drain()
	if h.w.review.running() {
		t.Fatal("Not yet registered anyway")
	}
}

// Tab to a control below the fold scrolls the page to it.
func TestFocusScrollsIntoView(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.w.win.Resize(fyne.NewSize(960, 460))
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.wantStep(stepEnvironment)
	h.chooseEnv("Production")
	h.w.environment.advanced.Open(0)
	h.loop.drain()
	h.w.win.Resize(fyne.NewSize(960, 460))
	scroll := h.w.views[stepEnvironment].(interface{ Size() fyne.Size })
	btn := findButton(t, h.w.views[stepEnvironment], "Choose CA file…")
	var target *keyButton
	for _, b := range findKeyButtons(h.w.views[stepEnvironment]) {
		if &b.Button == btn {
			target = b
		}
	}
	h.tabTo(target, "Choose CA file…")
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(target).Y
	viewTop := d.AbsolutePositionForObject(h.w.views[stepEnvironment]).Y
	if top < viewTop || top+btn.Size().Height > viewTop+scroll.Size().Height {
		t.Errorf("the focused button is at y=%v, outside the page's view %v–%v", top, viewTop, viewTop+scroll.Size().Height)
	}
}

func findKeyButtons(o fyne.CanvasObject) []*keyButton {
	var out []*keyButton
	eachObject(o, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*keyButton); ok {
			out = append(out, b)
			return false
		}
		return true
	})
	return out
}

// Every page opens at its top, whatever its first focus, on a screen too
// small for it (the footer's Start must not scroll the page).
func TestPagesOpenAtTheTop(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.w.win.Resize(fyne.NewSize(900, 460))
	check := func() {
		t.Helper()
		h.loop.drain()
		if sc := h.w.views[h.w.step].(*container.Scroll); sc.Offset.Y != 0 {
			t.Errorf("%s opens scrolled to %v", h.w.step, sc.Offset.Y)
		}
	}
	h.w.show(stepWelcome)
	check()
	h.openKeystore(h.goodKeystore(), testPassword)
	check()
	h.next()
	check()
	h.chooseEnv(h.env.Label)
	h.next()
	check()
	h.typeDetails(h.sim.APIKey(), "Front desk PC")
	h.next()
	check()
}

// Tab goes through a page in reading order, then to the footer.
func TestTabOrderIsReadingOrder(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.chooseEnv(h.env.Label)
	h.next()
	h.wantStep(stepDetails)
	d := &h.w.details
	h.typeText(h.sim.APIKey()) // Next is enabled, so in the order
	want := []fyne.Focusable{d.apiKey, d.pasteBtn, d.name, h.w.backBtn, h.w.nextBtn}
	h.wantFocus(want[0], "the consumer key")
	for i, f := range want[1:] {
		h.press(fyne.KeyTab)
		if got := h.w.win.Canvas().Focused(); got != f {
			t.Fatalf("Tab %d goes to %T, want %T", i+1, got, f)
		}
	}
}

// Tab follows the window top to bottom: from the footer it wraps to the
// Practice banner's Leave Practice, above the page, and from there into
// the page.
func TestTabOrderStartsAtThePracticeBanner(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceCredential()
	h.next()
	h.wantStep(stepEnvironment)
	h.w.win.Canvas().Focus(h.w.nextBtn)
	h.press(fyne.KeyTab)
	h.wantFocus(h.w.practice.leaveBtn, "Leave Practice")
	h.press(fyne.KeyTab)
	h.wantFocus(h.w.environment.radio, "the environment choice")
}

// Check's answer is scrolled into view, not left below the fold.
func TestCheckAnswerInView(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceToDone()
	id := h.w.done.res.Registration.ClientID
	h.w.win.Resize(fyne.NewSize(900, 440))
	h.w.registrations.open()
	h.loop.until(t, "the list", func() bool { return h.w.registrations.byID[id] != nil })
	h.w.win.Resize(fyne.NewSize(900, 440))
	c := h.w.registrations.byID[id]
	h.tapCard(c, "Check it works…")
	h.credDialogGoWith("", atosim.DemoPassword, "the check")
	h.w.win.Resize(fyne.NewSize(900, 440))
	d := fyne.CurrentApp().Driver()
	page := h.w.views[stepRegistrations]
	top := d.AbsolutePositionForObject(c.result).Y
	viewTop := d.AbsolutePositionForObject(page).Y
	if top < viewTop || top > viewTop+page.Size().Height-20 {
		t.Errorf("the answer starts at y=%v, outside the view %v–%v", top, viewTop, viewTop+page.Size().Height)
	}
}
