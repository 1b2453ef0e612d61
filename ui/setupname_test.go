package ui

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"
)

// sandboxSetupAs writes a sandbox vendor file (no question before it is
// used) under name in the harness's folder.
func (h *harness) sandboxSetupAs(name string) string {
	h.t.Helper()
	data, err := os.ReadFile(h.vendorSetup(func(m map[string]any) {
		m["environment"] = "sandbox"
		m["consumer_key"] = "ExampleConsumerKey0000a1b2"
		delete(m, "endpoints")
	}))
	if err != nil {
		h.t.Fatal(err)
	}
	path := filepath.Join(h.dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		h.t.Fatal(err)
	}
	return path
}

// TestSetupFileDroppedByItsNames: Practice.dcrwizard (the name vendors send,
// in any case, as Windows and macOS compare names) and the older
// .dcrwizard.json dropped on the Credential step are taken as the setup,
// never as the credential.
func TestSetupFileDroppedByItsNames(t *testing.T) {
	for _, name := range []string{"Practice.dcrwizard", "PRACTICE.DCRWIZARD", "Practice.dcrwizard.json"} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			keystore := h.goodKeystore()
			h.openKeystore(keystore, testPassword)
			h.drop(h.sandboxSetupAs(name))
			if h.w.draft.Keystore != keystore || h.w.step != stepCredential {
				t.Fatalf("%s was taken as the credential: %q on %s", name, h.w.draft.Keystore, h.w.step)
			}
			h.waitSetup()
			if h.w.draft.Setup == nil {
				t.Fatalf("%s was not loaded: %v", name, h.w.setup.err)
			}
			h.next()
			h.wantStep(stepEnvironment)
			h.wantText("Set by Example Software Pty Ltd: Sandbox; consumer key ending …a1b2")
		})
	}
}

// TestSetupFileChosenOnWelcomeOffersDcrwizard: Welcome's button asks the
// system's dialog for setup files by their own name (.dcrwizard, and .json
// for the older *.dcrwizard.json), titled for them, and loads the choice.
func TestSetupFileChosenOnWelcomeOffersDcrwizard(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	setup := h.sandboxSetupAs("Practice.dcrwizard")
	var mu sync.Mutex // the dialog runs off the UI goroutine
	var asked []fileRequest
	h.w.kit.nativeFile = func(req fileRequest) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, req)
		return setup, nil
	}
	test.Tap(findButton(t, h.w.views[stepWelcome], "I have a setup file from my software vendor"))
	h.loop.until(t, "the setup file", func() bool { return !h.w.setup.busy && h.w.draft.Setup != nil })
	h.wantText("Setup from Example Software Pty Ltd for Example Practice Manager is loaded")
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 1 {
		t.Fatalf("the system dialog was asked %d times", len(asked))
	}
	f := asked[0].filter
	if !slices.Contains(f.exts, ".dcrwizard") || !slices.Contains(f.exts, ".json") || f.name != "DCR Wizard setup files" ||
		asked[0].title != "Choose the setup file from your software vendor" {
		t.Errorf("asked %+v; want setup files (.dcrwizard, .json)", asked[0])
	}
}
