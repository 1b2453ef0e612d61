package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// setupQuestion waits until the setup file is used, refused, or asked
// about, and returns the question's dialog (nil when none is open).
func (h *harness) setupQuestion() fyne.CanvasObject {
	h.t.Helper()
	ov := h.w.win.Canvas().Overlays()
	h.loop.until(h.t, "the setup file to be read or asked about", func() bool {
		return ov.Top() != nil || (!h.w.setup.busy && (h.w.draft.Setup != nil || h.w.setup.err != nil))
	})
	if top := ov.Top(); top != nil && len(findButtons(top, "Use these addresses")) > 0 {
		return top
	}
	return nil
}

// acceptSetup answers the question about a custom setup file as a user
// who checked with the vendor: tick the box, press Use.
func (h *harness) acceptSetup() {
	h.t.Helper()
	q := h.setupQuestion()
	if q == nil {
		h.t.Fatal("a custom setup file was not asked about")
	}
	c := findCheck(q)
	if c == nil {
		h.t.Fatal("the question has no box to tick")
	}
	test.Tap(c)
	test.Tap(findButton(h.t, q, "Use these addresses"))
	h.loop.drain()
	h.waitSetup()
}

func findCheck(o fyne.CanvasObject) *keyCheck {
	switch v := o.(type) {
	case *keyCheck:
		return v
	case *fyne.Container:
		for _, c := range v.Objects {
			if k := findCheck(c); k != nil {
				return k
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			if k := findCheck(c); k != nil {
				return k
			}
		}
	}
	return nil
}

// TestCustomSetupAsksFirst (issue 24 finding 1, in the wizard): a custom
// setup file is not used until the user has seen that its addresses are
// not the ATO's, with the hosts named, and confirmed on purpose — Enter
// alone declines; Tab, Space and Enter accept.
func TestCustomSetupAsksFirst(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	setup := h.vendorSetup(nil)
	h.drop(setup)
	q := h.setupQuestion()
	if q == nil {
		t.Fatalf("a custom setup file was used without asking (setup %v)", h.w.draft.Setup)
	}
	if h.w.draft.Setup != nil {
		t.Fatal("the file is in use while the question is open")
	}
	txt := textsIn(q)
	for _, want := range []string{"These addresses are not the ATO's: 127.0.0.1.", h.env.TokenURL, h.env.RegistrationURL,
		"Example Software Pty Ltd", "Example.dcrwizard.json", "[Don't use this file]"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the question does not say %q:\n%s", want, txt)
		}
	}
	use := findButton(t, q, "Use these addresses")
	if !use.Disabled() {
		t.Error("Use is enabled before the box is ticked")
	}
	// Enter as the dialog opens presses "Don't use this file".
	h.press(fyne.KeyReturn)
	if h.w.win.Canvas().Overlays().Top() != nil || h.w.draft.Setup != nil {
		t.Fatal("Enter did not decline the file")
	}
	h.wantText("was not used: you chose not to use its addresses")

	// By keyboard: Tab to the box, Space, Tab to Use, Enter.
	h.drop(setup)
	q = h.setupQuestion()
	if q == nil {
		t.Fatal("not asked the second time")
	}
	check := findCheck(q)
	h.tabTo(check, "the box")
	h.press(fyne.KeyReturn) // Enter on the box does nothing
	if check.Checked || h.w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Enter on the box ticked it or closed the question")
	}
	h.press(fyne.KeySpace)
	var useKey *keyButton
	for _, b := range findKeyButtons(q) {
		if b.Text == "Use these addresses" {
			useKey = b
		}
	}
	if useKey == nil || useKey.Disabled() {
		t.Fatal("Use is not enabled once the box is ticked")
	}
	h.tabTo(useKey, "Use these addresses")
	h.press(fyne.KeyReturn)
	h.waitSetup()
	if h.w.draft.Setup == nil {
		t.Fatal("the file is not used after it was confirmed")
	}
	if n := len(h.sim.Requests()); n != 0 {
		t.Errorf("%d requests were sent before Register", n)
	}
	// Review says it again beside the addresses.
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.next()
	h.next()
	h.wantStep(stepReview)
	h.wantText("These addresses are not the ATO's: 127.0.0.1.")
}

// TestSetupBesideProgramOnlyPresetsSilently (issue 24 finding 4): a
// dcrwizard-setup.json beside the program — perhaps a browser's download
// into the same folder — is used at once only when it names Sandbox or
// Production; a custom one is asked about like a file opened by hand.
func TestSetupBesideProgramOnlyPresetsSilently(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(m map[string]any)
		asked  bool
	}{
		{"sandbox", func(m map[string]any) {
			m["environment"], m["consumer_key"] = "sandbox", "ExampleConsumerKey0000a1b2"
			delete(m, "endpoints")
		}, false},
		{"custom", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			beside := filepath.Join(t.TempDir(), "dcrwizard-setup.json")
			h := newHarness(t, harnessOpts{config: func(c *Config) {
				c.setupBeside = func() (string, bool) {
					_, err := os.Stat(beside)
					return beside, err == nil
				}
			}})
			data, _ := os.ReadFile(h.vendorSetup(tc.change))
			if err := os.WriteFile(beside, data, 0o600); err != nil {
				t.Fatal(err)
			}
			h.w.setup.start() // as at start, now that the file is there
			q := h.setupQuestion()
			if !tc.asked {
				if q != nil || h.w.draft.Setup == nil {
					t.Fatalf("a sandbox file beside the program was not used at once: question %v, err %v", q != nil, h.w.setup.err)
				}
				return
			}
			if q == nil || h.w.draft.Setup != nil {
				t.Fatalf("a custom file beside the program was used without asking")
			}
			if txt := textsIn(q); !strings.Contains(txt, "not the ATO's: 127.0.0.1") || !strings.Contains(txt, "dcrwizard-setup.json") {
				t.Errorf("the question does not name the hosts and the file:\n%s", txt)
			}
			test.Tap(findButton(t, q, "Don't use this file"))
			h.loop.drain()
			if h.w.draft.Setup != nil {
				t.Fatal("declined, yet used")
			}
		})
	}
}
