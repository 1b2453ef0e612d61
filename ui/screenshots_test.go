package ui

import (
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
)

// TestScreenshots writes a PNG of every step, in Practice mode on a fixed
// clock, to the folder named by DCRWIZARD_SCREENSHOTS (`make screenshots`).
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("DCRWIZARD_SCREENSHOTS")
	if dir == "" {
		t.Skip("set DCRWIZARD_SCREENSHOTS=<folder> to write screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOpts{})
	h.app.Settings().SetTheme(lightTheme{theme.DefaultTheme()})
	h.w.win.Resize(startWindowSize)
	shot := func(name string) {
		t.Helper()
		h.loop.drain()
		img := h.w.win.Canvas().Capture()
		f, err := os.Create(filepath.Join(dir, name))
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

	// A refusal, for the failure screen.
	test.Tap(findButton(t, h.w.pages[stepDone], "Register another"))
	h.next()
	h.w.details.name.SetText(atosim.ScenarioInvalidRequest)
	h.next()
	h.register()
	shot("7-failure.png")
}

// lightTheme is Fyne's default theme in its light variant, as most users
// see it.
type lightTheme struct{ fyne.Theme }

func (t lightTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}
