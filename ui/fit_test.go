package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
	"dcrwizard/registrar"
)

// smallScreens are the logical sizes the window's content gets on the
// smallest screens our users have, under the title bar.
var smallScreens = []struct {
	name string
	size fyne.Size
}{
	{"1024x600 with a 40 px taskbar at 100 %", fyne.NewSize(1024, 520)},
	{"1920x1080 at 200 %", fyne.NewSize(960, 460)},
	{"1366x768 at 150 %", fyne.NewSize(910, 440)},
	// A netbook's 1024x600 with a 48 px taskbar leaves a 1024x552 work
	// area (pixels); the window's title bar comes off that.
	{"1024x600 with a 48 px taskbar at 100 %", workAreaAt(1024, 552, 1)},
	{"1024x600 with a 48 px taskbar at 125 %", workAreaAt(1024, 552, 1.25)},
	{"the window's minimum size", minWindowSize.AddWidthHeight(2*theme.Padding(), 2*theme.Padding())},
}

// workAreaAt is the room, in logical units, that a work area of w x h
// pixels at scale leaves the window's content under its title bar.
func workAreaAt(w, h, scale float32) fyne.Size {
	return fyne.NewSize(w/scale, h/scale).Subtract(titleBarAllowance)
}

func TestStartSizeFitsTheWorkArea(t *testing.T) {
	for _, c := range []struct {
		name string
		work fyne.Size // work area, logical units
	}{
		{"1024x600, 40 px taskbar, 100 %", fyne.NewSize(1024, 560)},
		{"1024x600, 48 px taskbar, 100 %", fyne.NewSize(1024, 552)},
		{"1024x600, 48 px taskbar, 125 %", fyne.NewSize(1024/1.25, 552/1.25)},
		{"1366x768, 40 px taskbar, 125 %", fyne.NewSize(1366/1.25, 728/1.25)},
		{"1920x1080, 48 px taskbar, 150 %", fyne.NewSize(1920/1.5, 1032/1.5)},
		{"1920x1080, 96 px taskbar, 200 %", fyne.NewSize(960, 984/2)},
		{"2560x1440, 100 %", fyne.NewSize(2560, 1400)},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			h.w.cfg.workArea = func() (fyne.Size, bool) { return c.work, true }
			got := h.w.startSize()
			if got.Width > c.work.Width-titleBarAllowance.Width || got.Height > c.work.Height-titleBarAllowance.Height {
				t.Errorf("start size %v does not fit the work area %v with its title bar", got, c.work)
			}
			if got.Width < minWindowSize.Width || got.Height < minWindowSize.Height {
				t.Errorf("start size %v is below the minimum %v", got, minWindowSize)
			}
			if c.work.Width >= 1200 && c.work.Height >= 900 && got != startWindowSize {
				t.Errorf("on a large screen the start size is %v, want %v", got, startWindowSize)
			}
		})
	}
	// The minimum itself, with the window's padding, fits the smallest
	// screens at the largest scales.
	for _, room := range []fyne.Size{fyne.NewSize(960, 500).Subtract(titleBarAllowance), workAreaAt(1024, 552, 1.25)} {
		if min := minWindowSize.AddWidthHeight(2*theme.Padding(), 2*theme.Padding()); min.Width > room.Width || min.Height > room.Height {
			t.Errorf("minimum window size %v does not fit %v under a title bar", min, room)
		}
	}
}

// TestFooterFitsSmallScreens drives every step at the small sizes, with the
// real theme's sizes, and checks that the window would not need to grow
// (its content's minimum fits) and that every footer button is inside.
func TestFooterFitsSmallScreens(t *testing.T) {
	for _, s := range smallScreens {
		t.Run(s.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			h.app.Settings().SetTheme(newWizardTheme(theme.DefaultTheme()))
			h.w.win.Resize(s.size)
			fits := func(what string) {
				t.Helper()
				h.loop.drain()
				h.w.win.Resize(s.size) // lay out again at this size
				assertFooterFits(t, h, what)
			}
			fits("Welcome")
			h.drop(h.vendorSetup(nil))
			if q := h.setupQuestion(); q == nil {
				t.Fatal("no question about a custom setup file")
			}
			fits("Custom setup file question")
			assertWithin(t, h.w.setup.confirm.checked, h.w.setup.confirm.cancel, "Custom setup file question")
			test.Tap(h.w.setup.confirm.cancel)
			h.next()
			h.drop(h.writeKeystore("bad.xml", h.issue("ABRD:80000000001_Old", "Old Machine", testNow.AddDate(0, -2, 0))))
			h.w.credential.password.SetText("wrong password, long enough to be a real one")
			h.key(fyne.KeyReturn)
			h.loop.until(t, "the file to open", func() bool { return !h.w.credential.opening })
			fits("Credential, wrong password")
			h.w.credential.chooseKeystore()
			fits("Credential, file dialog open")
			h.w.win.Canvas().Overlays().Top().Hide()
			h.w.win.Canvas().Overlays().Remove(h.w.win.Canvas().Overlays().Top())
			h.w.welcome.showAbout()
			fits("About")
			h.w.win.Canvas().Overlays().Remove(h.w.win.Canvas().Overlays().Top())
			pendingNotes{h.w}.show([]credstore.Pending{
				{Name: "Reception", Environment: "sandbox", Started: testNow, ClientID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", Receipt: "6300000001234"},
				{Name: "Back office", Environment: "production", Started: testNow},
				{Name: "Front desk", Environment: "custom", Started: testNow},
			})
			fits("Unfinished registrations")
			h.w.win.Canvas().Overlays().Remove(h.w.win.Canvas().Overlays().Top())
			h.openKeystore(h.writeKeystore("keystore.xml",
				h.issue("ABRD:80000000001_Old", "Old Machine", testNow.AddDate(0, -2, 0)),
				h.issue("ABRD:80000000001_TestMachine", "Test Machine", testNow.AddDate(2, 0, 0)),
				h.issue("ABRD:80000000001_Soon", "A machine whose credential expires soon", testNow.AddDate(0, 2, 0)),
				// A name as long as a file from outside may hold, usable and not.
				h.issue("ABRD:80000000001_Long", strings.Repeat("Machine credential of the practice ", 6), testNow.AddDate(2, 0, 0)),
				h.issue("ABRD:80000000001_LongOld", strings.Repeat("Expired machine credential ", 8), testNow.AddDate(0, -1, 0))), testPassword)
			fits("Credential, three credentials")
			h.w.credential.radios[1].SetSelected("Test Machine")
			h.next()
			h.chooseEnv("Production")
			fits("Environment, Production")
			h.w.environment.advanced.Open(0)
			test.Tap(h.w.environment.custom)
			h.w.environment.tokenURL.SetText("http://ato.example.com/a/very/long/path/that/goes/on/connect/token")
			fits("Environment, Advanced open, bad address")
			test.Tap(h.w.environment.custom)
			h.chooseEnv(h.env.Label)
			h.next()
			h.typeDetails("short", "A name that is far too long for the ATO to take, longer than the limit of characters allows")
			fits("Details, both fields wrong")
			h.typeDetails(h.sim.APIKey(), "Front desk PC")
			h.next()
			fits("Review")
			h.register()
			fits("Done")
			test.Tap(findButton(t, h.w.views[stepDone], "Register another"))
			h.next()
			h.w.details.name.SetText(atosim.ScenarioInvalidRequest)
			h.next()
			h.register()
			fits("Done, refused")
			// The longest name the ATO takes, and a Practice registration
			// under its own section's heading.
			long := deskRecord
			long.Name, long.ClientID = strings.Repeat("Reception PC ", 5)[:registrar.MaxNameLength], "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
			h.save(long, practiceRecord)
			h.w.registrations.open()
			h.loop.until(t, "the list", func() bool { return !h.w.registrations.loading })
			fits("Registrations")
		})
	}
}

// assertFooterFits fails when the window would have to grow past its
// canvas, or when a footer button is not wholly inside the canvas.
func assertFooterFits(t *testing.T, h *harness, what string) {
	t.Helper()
	c := h.w.win.Canvas()
	size := c.Size()
	content := c.Content()
	if min := content.MinSize(); min.Width > content.Size().Width+0.5 || min.Height > content.Size().Height+0.5 {
		t.Errorf("%s at %v: the window's content needs %v, more than the %v it has: the window would grow off the screen",
			what, size, min, content.Size())
	}
	for _, o := range c.Overlays().List() {
		if min := o.MinSize(); min.Width > size.Width || min.Height > size.Height {
			t.Errorf("%s at %v: a dialog needs %v", what, size, min)
		}
	}
	d := fyne.CurrentApp().Driver()
	for _, b := range []*keyButton{h.w.backBtn, h.w.nextBtn, h.w.closeBtn} {
		if !b.Visible() {
			continue
		}
		pos := d.AbsolutePositionForObject(b)
		end := pos.Add(b.Size())
		if pos.X < 0 || pos.Y < 0 || end.X > size.Width || end.Y > size.Height || b.Size().Height < b.MinSize().Height {
			t.Errorf("%s at %v: the %q button lies at %v–%v, outside the window", what, size, b.Text, pos, end)
		}
	}
}

// assertWithin fails unless o lies wholly in the window and above the
// dialog's button row (b): a box the user must tick hidden under the
// buttons or below the screen cannot be ticked.
func assertWithin(t *testing.T, o fyne.CanvasObject, b fyne.CanvasObject, what string) {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	size := fyne.CurrentApp().Driver().CanvasForObject(o).Size()
	pos, bpos := d.AbsolutePositionForObject(o), d.AbsolutePositionForObject(b)
	end := pos.Add(o.Size())
	if pos.Y < 0 || end.Y > size.Height || end.Y > bpos.Y+0.5 || o.Size().Height < o.MinSize().Height {
		t.Errorf("%s at %v: it lies at %v–%v, the buttons at %v: not wholly in view", what, size, pos, end, bpos)
	}
}

// A Practice registration's card, with the simulator still running, offers
// its rehearsals too: its rows of buttons must not make the window wider
// than the smallest screens.
func TestPracticeCardFitsSmallScreens(t *testing.T) {
	for _, s := range smallScreens {
		t.Run(s.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			h.app.Settings().SetTheme(newWizardTheme(theme.DefaultTheme()))
			h.practiceToDone()
			test.Tap(findButton(t, h.w.views[stepDone], "View registrations"))
			h.loop.until(t, "the list", func() bool { return !h.w.registrations.loading })
			h.card(h.w.done.res.Record.ClientID)
			h.w.win.Resize(s.size)
			h.loop.drain()
			h.w.win.Resize(s.size)
			assertFooterFits(t, h, "Registrations, a Practice registration")
		})
	}
}

// A setup file's texts are the vendor's (or an attacker's): long ones wrap
// on every page and dialog that shows them, and the window stays on the
// smallest screens.
func TestLongSetupTextsFitSmallScreens(t *testing.T) {
	for _, s := range smallScreens {
		t.Run(s.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			h.app.Settings().SetTheme(newWizardTheme(theme.DefaultTheme()))
			fits := func(what string) {
				t.Helper()
				h.loop.drain()
				h.w.win.Resize(s.size)
				h.loop.drain()
				h.w.win.Resize(s.size)
				assertFooterFits(t, h, what)
			}
			h.drop(h.vendorSetup(func(m map[string]any) {
				// As long as the file may make them (100 characters).
				m["vendor"] = strings.TrimSpace(strings.Repeat("Example Software Proprietary Limited ", 3)[:100])
				m["product"] = strings.TrimSpace(strings.Repeat("Example Practice Manager Professional ", 3)[:100])
				m["name_template"] = "{computer} – front desk"
				m["support"] = map[string]any{"phone": "+61 (0)2 0000 0000 - 1300 000",
					"email": "practice-software-registration-support@support.example-software-proprietary-limited.com.au",
					"url":   "https://support.example-software-proprietary-limited.com.au/help/articles/registering-with-the-ato-machine-credential"}
			}))
			h.loop.until(t, "the setup file's question", func() bool { return h.setupQuestion() != nil || h.w.setup.err != nil })
			if err := h.w.setup.err; err != nil {
				t.Fatalf("the setup file was refused: %v", err)
			}
			fits("Custom setup file question")
			h.acceptSetup()
			h.waitSetup()
			fits("Welcome, setup file loaded")
			h.openKeystore(h.goodKeystore(), testPassword)
			fits("Credential")
			h.next()
			fits("Environment")
			h.next()
			fits("Details")
			h.next()
			fits("Review")
			h.register()
			fits("Done")
			test.Tap(findButton(t, h.w.views[stepDone], "View registrations"))
			h.loop.until(t, "the list", func() bool { return !h.w.registrations.loading })
			fits("Registrations")
		})
	}
}
