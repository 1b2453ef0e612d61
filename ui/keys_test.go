package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Enter runs each page's main action, Review's Register included, and is
// never Back: keys only, from Welcome to Done in Practice mode.
func TestEnterIsTheMainActionOnEveryPage(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.tabTo(h.w.welcome.practice, "the Practice tick box")
	h.press(fyne.KeySpace)
	h.tabTo(h.w.nextBtn, "Start")
	h.press(fyne.KeyReturn)
	h.wantStep(stepCredential)
	h.loop.until(t, "the demo credential", func() bool { return h.w.credential.store != nil })
	for _, s := range []step{stepEnvironment, stepDetails, stepReview} {
		h.press(fyne.KeyReturn)
		h.wantStep(s)
	}
	h.wantFocus(h.w.nextBtn, "Register")
	h.press(fyne.KeyReturn)
	if h.w.step == stepDetails {
		t.Fatal("Enter on Review went Back")
	}
	h.loop.until(t, "the outcome", func() bool { return h.w.step == stepDone })
	if h.w.done.res == nil || !h.w.done.res.Stored {
		t.Fatalf("practice registration failed: %v", h.w.done.failErr)
	}
}

// With nothing focused, Enter on Review registers too (Space has no
// meaning there).
func TestEnterOnReviewWithNothingFocusedRegisters(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.w.win.Canvas().Unfocus()
	h.press(fyne.KeyReturn)
	if !h.w.review.running() && h.w.step != stepDone {
		t.Fatalf("Enter with nothing focused on Review did not register (now on %s)", h.w.step)
	}
	h.loop.until(t, "the outcome", func() bool { return h.w.step == stepDone })
}

// Enter and Space press whichever button has the focus on Welcome, as on
// every other page.
func TestEnterAndSpacePressWelcomeButtons(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	setup := h.vendorSetup(func(m map[string]any) {
		m["environment"] = "sandbox"
		delete(m, "endpoints")
	})
	h.w.loadSetup(setup)
	h.waitSetup()
	if h.w.setup.s == nil {
		t.Fatalf("the setup file was not taken: %v", h.w.setup.err)
	}
	h.tabTo(h.w.setup.welcomeForget, "Don't use it")
	h.press(fyne.KeyReturn)
	if h.w.setup.s != nil {
		t.Fatal("Enter on a focused \"Don't use it\" did nothing")
	}
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeySpace} {
		choose := findButton(t, h.w.pages[stepWelcome], "I have a setup file from my software vendor")
		var target fyne.Focusable = choose
		for _, b := range findKeyButtons(h.w.pages[stepWelcome]) {
			if &b.Button == choose {
				target = b
			}
		}
		h.tabTo(target, "I have a setup file…")
		h.press(k)
		top := h.w.win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatalf("%s on a focused \"I have a setup file…\" opened no file dialog", k)
		}
		h.w.win.Canvas().Overlays().Remove(top)
		h.loop.drain()
	}
}

// Every button on every page is one with the two-colour focus ring (Fyne's
// own shows only a faint tint), and Enter presses it.
func TestEveryPageButtonHasTheFocusRing(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var plain []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *keyButton:
			return
		case *widget.Button:
			plain = append(plain, v.Text)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	for s := stepWelcome; s <= stepRegistrations; s++ {
		h.w.ensurePage(s)
		walk(h.w.pages[s])
	}
	if len(plain) > 0 {
		t.Errorf("buttons without the focus ring (and Enter): %q", plain)
	}
	c := h.w.win.Canvas()
	c.Focus(h.w.nextBtn)
	r := test.WidgetRenderer(h.w.nextBtn).(*ringRenderer)
	if !r.ring.Visible() || !r.inner.Visible() {
		t.Fatal("the focused primary button shows no two-colour ring")
	}
	th, v := fyne.CurrentApp().Settings().Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	if r.inner.StrokeColor != th.Color(colorNameFocusRingInner, v) || r.ring.StrokeColor != th.Color(colorNameFocusRing, v) {
		t.Error("the ring's colours are not the theme's")
	}
	if r.inner.Position().X >= 0 || r.inner.Position().X <= r.ring.Position().X {
		t.Errorf("the inner line (at %v) is not between the button and the outer line (at %v)", r.inner.Position(), r.ring.Position())
	}
}

// An arrow key in the environment choice never lands on Production
// without asking: a stray Enter keeps the choice, the next arrow goes past
// Production, and "Use Production" chooses it.
func TestArrowKeyAsksBeforeProduction(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.wantStep(stepEnvironment)
	h.chooseEnv("Sandbox")
	radio := h.w.environment.radio
	h.w.win.Canvas().Focus(radio)
	isProduction := func() bool { return strings.HasPrefix(radio.Selected, "Production") }
	h.press(fyne.KeyDown)
	if isProduction() {
		t.Fatal("Down switched to Production at once")
	}
	top := h.w.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(textsIn(top), "real registration") {
		t.Fatal("Down onto Production did not ask first")
	}
	h.press(fyne.KeyReturn) // the focus is on "Not Production"
	if isProduction() || h.w.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("Enter in the question chose Production or left it open (%q)", radio.Selected)
	}
	h.wantFocus(radio, "the environment choice again")
	h.press(fyne.KeyDown) // past Production, to the next option
	if radio.Selected != h.env.Label {
		t.Fatalf("Down after declining chose %q, want %q", radio.Selected, h.env.Label)
	}
	h.press(fyne.KeyUp)
	top = h.w.win.Canvas().Overlays().Top()
	if top == nil || isProduction() {
		t.Fatal("Up onto Production did not ask first")
	}
	test.Tap(findButton(t, top, "Use Production"))
	h.loop.drain()
	if !isProduction() {
		t.Fatalf("\"Use Production\" did not choose it (%q)", radio.Selected)
	}
}
