package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/flow"
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
	h.w.setup.load(setup)
	h.waitSetup()
	if h.w.draft.Setup == nil {
		t.Fatalf("the setup file was not taken: %v", h.w.setup.err)
	}
	h.tabTo(h.w.setup.welcomeForget, "Don't use it")
	h.press(fyne.KeyReturn)
	if h.w.draft.Setup != nil {
		t.Fatal("Enter on a focused \"Don't use it\" did nothing")
	}
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeySpace} {
		choose := findButton(t, h.w.views[stepWelcome], "I have a setup file from my software vendor")
		var target fyne.Focusable = choose
		for _, b := range findKeyButtons(h.w.views[stepWelcome]) {
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
	for s := stepWelcome; s <= stepRegistrations; s++ {
		h.w.ensurePage(s)
		plain = append(plain, plainButtons(h.w.views[s])...)
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

// labelWith is the visible label under o whose text contains part.
func labelWith(o fyne.CanvasObject, part string) *widget.Label {
	var found *widget.Label
	eachObject(o, func(o fyne.CanvasObject) bool {
		if found != nil || !o.Visible() {
			return false
		}
		if l, ok := o.(*widget.Label); ok {
			if strings.Contains(l.Text, part) {
				found = l
			}
			return false
		}
		return true
	})
	return found
}

// inView fails unless o lies wholly inside the current page's view.
func inView(h *harness, o fyne.CanvasObject, what string) {
	h.t.Helper()
	d := fyne.CurrentApp().Driver()
	page := h.w.views[h.w.step]
	top, viewTop := d.AbsolutePositionForObject(o).Y, d.AbsolutePositionForObject(page).Y
	if top < viewTop || top+o.Size().Height > viewTop+page.Size().Height+0.5 {
		h.t.Errorf("%s lies at y=%v–%v, outside the view %v–%v", what, top, top+o.Size().Height, viewTop, viewTop+page.Size().Height)
	}
}

// A credential the page refuses (it expires within 6 months) is shown as a
// stop, in the error style, and its reason is in view on a 1024x600
// netbook at 125 % as soon as the file opens.
func TestRefusedCredentialIsAStop(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	size := workAreaAt(1024, 552, 1.25)
	h.w.win.Resize(size)
	h.next()
	c := h.issue("ABRD:80000000001_Soon", "Front Desk Machine", testNow.AddDate(0, 4, 0))
	h.drop(h.writeKeystore("soon.xml", c))
	h.w.win.Canvas().Focus(h.w.credential.password)
	h.typeText(testPassword)
	h.press(fyne.KeyReturn)
	h.loop.until(t, "the file to open", func() bool { return h.w.credential.store != nil })
	h.w.win.Resize(size)
	page := h.w.views[stepCredential]
	badge := labelWith(page, "Expires within 6 months")
	if badge == nil || badge.Importance != widget.DangerImportance {
		t.Fatalf("the refused credential's badge is not in the error style: %+v", badge)
	}
	v := h.w.credential.store.Credentials[0].Verdict(testNow)
	reason := labelWith(page, v.Message)
	if reason == nil || reason.Importance != widget.DangerImportance {
		t.Fatalf("the reason %q is not shown in the error style", v.Message)
	}
	inView(h, reason, "the reason")
	inView(h, badge, "the badge")
	if !h.w.nextBtn.Disabled() {
		t.Error("Next is enabled for a refused credential")
	}
}

// A "password is not right" for one file is gone once another file is
// chosen: the refused password is not tried on it by itself.
func TestStalePasswordErrorClears(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.next()
	h.drop(h.goodKeystore())
	h.w.credential.password.SetText("not the password at all")
	h.key(fyne.KeyReturn)
	h.loop.until(t, "the file to open", func() bool { return !h.w.credential.opening })
	if h.w.credential.openErr == nil || !h.w.credential.errLabel.Visible() {
		t.Fatal("a wrong password gave no error")
	}
	other := h.writeKeystore("other.xml", h.issue("ABRD:80000000001_Other", "Other Machine", testNow.AddDate(2, 0, 0)))
	h.w.credential.setKeystorePath(other)
	h.loop.drain()
	h.loop.until(t, "the file to open", func() bool { return !h.w.credential.opening })
	if h.w.credential.errLabel.Visible() {
		t.Fatalf("after choosing another file the error still shows: %q", h.w.credential.errLabel.Text)
	}
	h.wantFocus(h.w.credential.password, "the password")
	// The password typed again opens the new file.
	h.w.credential.password.SetText("")
	h.typeText(testPassword)
	h.press(fyne.KeyReturn)
	h.loop.until(t, "the file to open", func() bool { return !h.w.credential.opening })
	if h.w.credential.store == nil {
		t.Fatalf("the new file did not open: %v", h.w.credential.openErr)
	}
}

// Review masks a typed consumer key and shows it in full on request, in
// groups of four to read out; a setup file's key has no such button.
func TestReviewShowsTypedKeyOnRequest(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	key := h.sim.APIKey()
	h.toReview(h.goodKeystore(), key, "Front desk PC")
	grouped := readableKey(key)
	if strings.Contains(h.texts(), key[:8]) {
		t.Fatal("Review shows the key before being asked")
	}
	show := findButton(t, h.w.views[stepReview], "Show the key")
	test.Tap(show)
	if !strings.Contains(h.texts(), grouped[:9]) || !strings.Contains(strings.ReplaceAll(h.texts(), " ", ""), key) {
		t.Fatalf("Show the key did not show it in full:\n%s", h.texts())
	}
	test.Tap(findButton(t, h.w.views[stepReview], "Hide the key"))
	if strings.Contains(h.texts(), grouped[:9]) {
		t.Fatal("Hide the key left it shown")
	}
	// Back and again: masked by default.
	test.Tap(findButton(t, h.w.views[stepReview], "Show the key"))
	h.w.back()
	h.next()
	if strings.Contains(h.texts(), grouped[:9]) {
		t.Fatal("the key is still shown on coming back to Review")
	}
}

func TestReviewNeverRevealsASetupFilesKey(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.w.setup.load(h.vendorSetup(func(m map[string]any) {
		m["environment"] = "sandbox"
		delete(m, "endpoints")
	}))
	h.waitSetup()
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.next()
	h.next()
	h.wantStep(stepReview)
	if b := findButtons(h.w.views[stepReview], "Show the key"); len(b) > 0 {
		t.Fatal("a setup file's key can be shown on Review")
	}
	noFullKey(h, "Review", h.texts())
}

// In Production, Enter on Review asks first with the focus on "Not yet": a
// second Enter does not send it; Enter on "Register in Production" does.
func TestProductionDoubleEnterDoesNotRegister(t *testing.T) {
	// "Production" here is the simulator: nothing may go to the real ATO.
	h := newHarness(t, harnessOpts{config: func(c *Config) {
		prod := c.Environments[2]
		prod.Name = flow.Production.Name
		c.Environments = []flow.Environment{flow.Sandbox, prod}
	}})
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.chooseEnv("Production")
	h.next()
	h.typeDetails(h.sim.APIKey(), "Front desk PC")
	h.next()
	h.wantFocus(h.w.nextBtn, "Register")
	h.press(fyne.KeyReturn)
	h.press(fyne.KeyReturn)
	if h.w.review.running() || h.w.win.Canvas().Overlays().Top() != nil {
		t.Fatal("two Enters on Review sent a Production registration or left the question open")
	}
	h.wantFocus(h.w.nextBtn, "Register, after Not yet")
	h.press(fyne.KeyReturn)
	top := h.w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no question")
	}
	yes := findButton(t, top, "Register in Production")
	for _, b := range findKeyButtons(top) {
		if &b.Button == yes {
			h.tabTo(b, "Register in Production")
		}
	}
	h.press(fyne.KeyReturn)
	if !h.w.review.running() && h.w.step != stepDone {
		t.Fatal("Enter on a focused \"Register in Production\" did not register")
	}
	h.w.review.cancelRun()
	h.loop.until(t, "the run to end", func() bool { return !h.w.review.running() })
}

// repeat is a held key's repeat: typed again, without going down again.
func repeat(h *harness, name fyne.KeyName) {
	h.t.Helper()
	if f := h.w.win.Canvas().Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: name})
	}
	h.loop.drain()
}

// A held Enter runs on through the pages but never presses Register: that
// takes a press of its own.
func TestHeldEnterDoesNotRegister(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.chooseEnv(h.env.Label)
	h.next()
	h.typeDetails(h.sim.APIKey(), "Front desk PC")
	h.w.win.Canvas().Focus(h.w.details.name)
	h.press(fyne.KeyReturn)
	h.wantStep(stepReview)
	for range 5 {
		repeat(h, fyne.KeyReturn)
	}
	if h.w.review.running() || h.w.step != stepReview {
		t.Fatal("a held Enter registered")
	}
	h.press(fyne.KeyReturn)
	if !h.w.review.running() && h.w.step != stepDone {
		t.Fatal("a fresh Enter on Register did not register")
	}
	h.loop.until(t, "the outcome", func() bool { return h.w.step == stepDone })
}

// plainButtons are the texts of the visible buttons under o that are Fyne's
// own, without the focus ring and Enter.
func plainButtons(o fyne.CanvasObject) []string {
	var plain []string
	eachObject(o, func(o fyne.CanvasObject) bool {
		if !o.Visible() {
			return false
		}
		switch v := o.(type) {
		case *keyButton:
			return false
		case *widget.Button:
			plain = append(plain, v.Text)
			return false
		}
		return true
	})
	return plain
}
