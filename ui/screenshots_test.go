package ui

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
	"dcrwizard/credstore/credstoretest"
)

// TestScreenshots writes a PNG of every step, in Practice mode on a fixed
// clock, to the folder named by DCRWIZARD_SCREENSHOTS (`make screenshots`):
// the light theme (what Windows shows by default) at the start size, and
// the same in 1366x768-125/ as a 1366x768 laptop at 125 % shows it.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("DCRWIZARD_SCREENSHOTS")
	if dir == "" {
		t.Skip("set DCRWIZARD_SCREENSHOTS=<folder> to write screenshots")
	}
	t.Run("start size", func(t *testing.T) { screenshotSet(t, dir, startWindowSize, 1) })
	// 1366x768 less a 40 px taskbar and the title bar, at 125 %.
	t.Run("1366x768 at 125 %", func(t *testing.T) {
		screenshotSet(t, filepath.Join(dir, "1366x768-125"), fitStartSize(startWindowSize, fyne.NewSize(1366/1.25, 728/1.25)), 1.25)
	})
	t.Run("Practice banner at 125 %", func(t *testing.T) {
		practiceBannerShot(t, filepath.Join(dir, "1366x768-125"), fitStartSize(startWindowSize, fyne.NewSize(1366/1.25, 728/1.25)), 1.25)
	})
	t.Run("returning practice at 125 %", func(t *testing.T) {
		returningShot(t, filepath.Join(dir, "1366x768-125"), fitStartSize(startWindowSize, fyne.NewSize(1366/1.25, 728/1.25)), 1.25)
	})
}

// practiceBannerShot is a Practice step with its banner (the Environment
// step, Practice chosen), light theme.
func practiceBannerShot(t *testing.T, dir string, size fyne.Size, scale float32) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOpts{})
	h.app.Settings().SetTheme(newWizardTheme(lightTheme{theme.DefaultTheme()}))
	h.w.win.Canvas().(test.WindowlessCanvas).SetScale(scale)
	h.w.win.Resize(size)
	h.practiceCredential()
	h.next()
	h.wantStep(stepEnvironment)
	if !h.w.banner.Visible() {
		t.Fatal("no Practice banner to show")
	}
	h.w.win.Canvas().Unfocus()
	h.loop.drain()
	h.w.win.Resize(size)
	writePNG(t, filepath.Join(dir, "practice-banner.png"), h.w.win.Canvas().Capture())
}

// returningShot is the first screen of a practice coming back: its
// registrations, in the light theme.
func returningShot(t *testing.T, dir string, size fyne.Size, scale float32) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOpts{keyring: &credstoretest.Keyring{}})
	h.save(deskRecord)
	h.app.Settings().SetTheme(newWizardTheme(lightTheme{theme.DefaultTheme()}))
	h.reopen(true)
	h.wantStep(stepRegistrations)
	h.w.win.Canvas().(test.WindowlessCanvas).SetScale(scale)
	h.w.win.Resize(size)
	h.loop.drain()
	writePNG(t, filepath.Join(dir, "0-returning.png"), h.w.win.Canvas().Capture())
}

func screenshotSet(t *testing.T, dir string, size fyne.Size, scale float32) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOpts{})
	h.app.Settings().SetTheme(newWizardTheme(lightTheme{theme.DefaultTheme()}))
	h.w.win.Canvas().(test.WindowlessCanvas).SetScale(scale)
	h.w.win.Resize(size)
	shot := func(name string) {
		t.Helper()
		h.loop.drain()
		h.w.win.Resize(size)
		writePNG(t, filepath.Join(dir, name), h.w.win.Canvas().Capture())
	}

	test.Tap(h.w.welcome.practice)
	shot("1-welcome.png")
	h.next()
	h.loop.until(t, "the demo credential", func() bool { return h.w.credential.store != nil })
	h.w.win.Canvas().Unfocus()
	shot("2-credential.png")
	h.next()
	shot("3-environment.png")
	h.next()
	h.w.win.Canvas().Unfocus()
	shot("4-details.png")
	h.next()
	// Hold the registration step for a moment to show the live list.
	h.practiceSim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointRegister, Delay: 2 * time.Second, Nth: 1})
	h.next()
	h.loop.until(t, "the register step", func() bool { return h.w.review.rows["register"].state == "started" })
	shot("5-review.png")
	h.loop.until(t, "the outcome", func() bool { return h.w.step == stepDone })
	if h.w.done.res == nil {
		t.Fatalf("practice run failed: %v", h.w.done.failErr)
	}
	shot("6-done.png")
	practiceID := h.w.done.res.Registration.ClientID

	// A refusal, for the failure screen.
	test.Tap(findButton(t, h.w.views[stepDone], "Register another"))
	h.next()
	h.w.details.name.SetText(atosim.ScenarioInvalidRequest)
	h.next()
	h.register()
	shot("7-failure.png")

	// The Registrations screen: the Practice registration (its simulator
	// still runs, so it can be checked) beside a saved one whose credential
	// needs attention soon.
	soon := credstore.Record{
		Name:                  "Reception",
		Environment:           "sandbox",
		ClientID:              "7c9e6679-7425-40de-944b-e07fc1f90ae7",
		RegistrationClientURI: "https://sandbox.api.ato.gov.au/idp/v1/relyingparties/7c9e6679-7425-40de-944b-e07fc1f90ae7",
		IssuedAt:              testNow.AddDate(-1, -2, 0),
		Receipt:               "6300000001234",
		CredentialID:          "ABRD:80000000001_Reception",
		CredentialABN:         "80000000001",
		CredentialNotAfter:    testNow.AddDate(0, 4, 0),
	}
	if err := h.store.Save(context.Background(), soon, credstore.Values{RegistrationAccessToken: "demo-token"}); err != nil {
		t.Fatal(err)
	}
	h.w.registrations.open()
	h.loop.until(t, "the list", func() bool { return !h.w.registrations.loading })
	h.w.win.Canvas().Unfocus()
	shot("8-registrations.png")
	c := h.w.registrations.byID[practiceID]
	if c == nil {
		t.Fatal("the Practice registration is not listed")
	}
	h.tapCard(c, "Check it works…")
	h.credDialogGoWith("", atosim.DemoPassword, "the check")
	shot("9-registration-checked.png")
	h.app.Settings().SetTheme(newWizardTheme(darkTheme{theme.DefaultTheme()}))
	shot("9-registration-checked-dark.png")
}

// lightTheme is Fyne's default theme in its light variant, as most users
// see it.
type lightTheme struct{ fyne.Theme }

func (t lightTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}

// darkTheme is Fyne's default theme in its dark variant.
type darkTheme struct{ fyne.Theme }

func (t darkTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantDark)
}

// TestScreenshotDone writes Done after a real registration made with a
// vendor's setup file (what happens next in the product's name, the
// vendor's support), light theme at 125 %, into 1366x768-125/ beside the
// Practice set.
func TestScreenshotsDone(t *testing.T) {
	dir := os.Getenv("DCRWIZARD_SCREENSHOTS")
	if dir == "" {
		t.Skip("set DCRWIZARD_SCREENSHOTS=<folder> to write screenshots")
	}
	dir = filepath.Join(dir, "1366x768-125")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	size := fitStartSize(startWindowSize, fyne.NewSize(1366/1.25, 728/1.25))
	h := newHarness(t, harnessOpts{})
	h.app.Settings().SetTheme(newWizardTheme(lightTheme{theme.DefaultTheme()}))
	h.w.win.Canvas().(test.WindowlessCanvas).SetScale(1.25)
	h.w.win.Resize(size)
	h.drop(h.vendorSetup(nil))
	h.acceptSetup()
	h.waitSetup()
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.next()
	h.next()
	h.register()
	if h.w.done.res == nil || !h.w.done.res.Stored {
		t.Fatalf("not registered: %v", h.w.done.failErr)
	}
	h.loop.drain()
	h.w.win.Resize(size)
	writePNG(t, filepath.Join(dir, "6-done-registered.png"), h.w.win.Canvas().Capture())
}

// writePNG saves a capture of the window.
func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
