package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"dcrwizard/flow"
)

// vendorSetup is a vendor's setup file for the harness's simulator (a
// custom environment, as a vendor's test server would be).
func (h *harness) vendorSetup(change func(m map[string]any)) string {
	h.t.Helper()
	ep := h.sim.Endpoints(h.srv.URL)
	m := map[string]any{
		"format": 1, "vendor": "Example Software Pty Ltd", "product": "Example Practice Manager",
		"support":     map[string]any{"phone": "1300 000 000", "email": "help@example.com"},
		"environment": "custom", "consumer_key": h.sim.APIKey(), "name_template": "{product} – {computer}",
		"endpoints": map[string]any{"token_url": ep.TokenURL, "registration_url": ep.RegistrationURL,
			"registration_client_id": ep.RegistrationClientID, "scope": ep.Scope},
	}
	if change != nil {
		change(m)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		h.t.Fatal(err)
	}
	path := filepath.Join(h.dir, "Example.dcrwizard.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		h.t.Fatal(err)
	}
	return path
}

func (h *harness) waitSetup() {
	h.t.Helper()
	h.loop.until(h.t, "the setup file to be read", func() bool { return !h.w.setup.busy && (h.w.draft.Setup != nil || h.w.setup.err != nil) })
}

// keyTail is all that may be shown of the simulator's key.
func keyTail(h *harness) string { k := h.sim.APIKey(); return "…" + k[len(k)-4:] }

// noFullKey fails when more than the key's last four characters show.
func noFullKey(h *harness, where, text string) {
	h.t.Helper()
	k := h.sim.APIKey()
	if strings.Contains(text, k[:len(k)-4]) || strings.Contains(text, k[:8]) {
		h.t.Errorf("%s shows the consumer key:\n%s", where, text)
	}
}

// TestSetupFileChosenOnWelcome: with the vendor's file, the user chooses
// only the credential, types its password and presses Register.
func TestSetupFileChosenOnWelcome(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	setup := h.vendorSetup(nil)
	h.wantText("I have a setup file from my software vendor")
	test.Tap(findButton(t, h.w.views[stepWelcome], "I have a setup file from my software vendor"))
	if h.w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no file dialog opened")
	}
	h.w.win.Canvas().Overlays().Top().Hide()
	h.w.win.Canvas().Overlays().Remove(h.w.win.Canvas().Overlays().Top())
	h.w.setup.load(setup) // what the file dialog hands back
	h.acceptSetup()       // a custom file is asked about first
	h.waitSetup()
	h.wantText("Setup from Example Software Pty Ltd for Example Practice Manager is loaded")

	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.wantStep(stepEnvironment)
	h.wantText("Set by Example Software Pty Ltd: custom addresses; consumer key ending "+keyTail(h), "[Change]")
	if !h.w.environment.radio.Disabled() || !h.w.environment.custom.Checked || h.w.environment.tokenURL.Text != h.env.TokenURL {
		t.Fatalf("the file's environment is not shown locked: radio disabled %v, custom %v, %q",
			h.w.environment.radio.Disabled(), h.w.environment.custom.Checked, h.w.environment.tokenURL.Text)
	}
	h.next()
	h.wantStep(stepDetails)
	h.wantText("Set by Example Software Pty Ltd: consumer key ending " + keyTail(h))
	if h.w.details.keyBox.Visible() || h.w.details.apiKey.Text != "" {
		t.Errorf("the key is asked for, or in the field: visible %v, %q", h.w.details.keyBox.Visible(), h.w.details.apiKey.Text)
	}
	if got := h.w.details.name.Text; got != "Example Practice Manager – Front desk PC" {
		t.Errorf("name %q, want the template's", got)
	}
	noFullKey(h, "Details", h.texts())
	if got := h.app.Preferences().String(prefEnvironment); got != "" {
		t.Errorf("the vendor's environment was remembered as the user's choice: %q", got)
	}
	h.next()
	h.wantStep(stepReview)
	h.wantText("ending "+keyTail(h)+" (from Example Software Pty Ltd's setup file)", "Example Practice Manager (Example Software Pty Ltd)", h.env.TokenURL)
	noFullKey(h, "Review", h.texts())
	h.register()
	if h.w.done.res == nil || !h.w.done.res.Stored {
		t.Fatalf("not registered: %v", h.w.done.failErr)
	}
	h.wantText("Nothing else to do: open Example Practice Manager.", "Questions? Contact Example Software Pty Ltd: 1300 000 000 · help@example.com.")
	support := h.w.done.supportText()
	if !strings.Contains(support, "1300 000 000 · help@example.com") || !strings.Contains(support, "Example Practice Manager") {
		t.Errorf("support text has no vendor:\n%s", support)
	}
	noFullKey(h, "Details for support", support)

	// The registration remembers the vendor, and Registrations shows it.
	recs, err := h.store.List(context.Background())
	if err != nil || len(recs) != 1 || recs[0].Vendor.Product != "Example Practice Manager" || recs[0].Vendor.SupportPhone != "1300 000 000" {
		t.Fatalf("%+v %v", recs, err)
	}
	if got := h.sim.Clients(); len(got) != 1 || got[0].Name != "Example Practice Manager – Front desk PC" {
		t.Errorf("the ATO holds %+v", got)
	}
	test.Tap(findButton(t, h.w.views[stepDone], "View registrations"))
	h.loop.until(t, "the list of registrations", func() bool { return !h.w.registrations.loading })
	h.wantText("Example Practice Manager (Example Software Pty Ltd)", "1300 000 000 · help@example.com")
}

// TestSetupFileInPracticeMode: Practice with a vendor's file — the
// simulator's own key and addresses, the vendor's name and product.
func TestSetupFileInPracticeMode(t *testing.T) {
	var setup string
	h := newHarness(t, harnessOpts{config: func(c *Config) {
		// As `dcrwizard --setup FILE`: the path is known before the window.
		setup = filepath.Join(t.TempDir(), "Example.dcrwizard.json")
		c.SetupPath = setup
	}})
	// Write the file now that the simulator's addresses are known, and load it as the program does at start.
	data, _ := os.ReadFile(h.vendorSetup(nil))
	if err := os.WriteFile(setup, data, 0o600); err != nil {
		t.Fatal(err)
	}
	h.w.setup.start()
	h.acceptSetup() // a custom file is asked about first
	if h.w.draft.Setup == nil {
		t.Fatalf("--setup file not loaded: %v", h.w.setup.err)
	}
	test.Tap(h.w.welcome.practice)
	h.next()
	h.loop.until(t, "the demo credential to open", func() bool { return h.w.credential.store != nil })
	h.next()
	h.wantStep(stepEnvironment)
	if !h.w.draft.Practising() || h.w.environment.radio.Disabled() {
		t.Fatal("Practice not chosen, or locked")
	}
	h.wantText("Practice mode: nothing is sent to the ATO. Example Software Pty Ltd's setup (custom addresses) is used when you register for real.")
	h.next()
	h.wantStep(stepDetails)
	if h.w.details.apiKey.Text != h.w.practice.p.ConsumerKey.Header() || h.w.details.name.Text != "Example Practice Manager – Front desk PC" {
		t.Errorf("key %q name %q", h.w.details.apiKey.Text, h.w.details.name.Text)
	}
	h.next()
	h.register()
	if h.w.done.res == nil {
		t.Fatalf("practice run failed: %v", h.w.done.failErr)
	}
	h.wantText("A real registration will be ready for Example Practice Manager", "Questions? Contact Example Software Pty Ltd: 1300 000 000 · help@example.com.")
	if rec := h.w.done.res.Record; rec.Environment != "practice" || rec.Vendor.Name != "Example Software Pty Ltd" {
		t.Errorf("%+v", rec)
	}
	if len(h.sim.Clients()) != 0 {
		t.Error("Practice sent the registration to the vendor's server")
	}
}

// TestSetupFileBesideTheProgram: dcrwizard-setup.json next to the program
// is used from the start.
func TestSetupFileBesideTheProgram(t *testing.T) {
	var beside string
	h := newHarness(t, harnessOpts{config: func(c *Config) {
		beside = filepath.Join(t.TempDir(), "dcrwizard-setup.json")
		c.setupBeside = func() (string, bool) {
			_, err := os.Stat(beside)
			return beside, err == nil
		}
	}})
	data, _ := os.ReadFile(h.vendorSetup(nil))
	if err := os.WriteFile(beside, data, 0o600); err != nil {
		t.Fatal(err)
	}
	h.w.setup.start() // as at start, now that the file is there
	h.acceptSetup()   // a custom file is asked about first
	h.wantText("Setup from Example Software Pty Ltd for Example Practice Manager is loaded (dcrwizard-setup.json)")
	// "Don't use it" goes back to asking for the key.
	test.Tap(findButton(t, h.w.views[stepWelcome], "Don't use it"))
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	// The file's addresses went with it: the environment is the user's to choose.
	if !h.w.nextBtn.Disabled() {
		t.Error("the setup file's environment is still chosen after \"Don't use it\"")
	}
	h.chooseEnv(h.env.Label)
	h.next()
	h.wantStep(stepDetails)
	if !h.w.details.keyBox.Visible() || h.w.setup.detailsBox.Visible() {
		t.Error("the key is not asked for after the setup file was dropped")
	}
}

// TestSetupFileDroppedAndChanged: a file dropped mid-way is taken as the
// setup, not as the credential; Change lets the user type another key.
func TestSetupFileDroppedAndChanged(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	keystore := h.goodKeystore()
	h.openKeystore(keystore, testPassword)
	h.drop(h.vendorSetup(func(m map[string]any) { m["consumer_key"] = "WrongKey0123456789abcdef" }))
	h.acceptSetup() // a custom file is asked about first
	if h.w.draft.Keystore != keystore || h.w.step != stepCredential {
		t.Fatalf("the setup file was taken as the credential: %q on %s", h.w.draft.Keystore, h.w.step)
	}
	h.next()
	h.wantStep(stepEnvironment)
	if !h.w.environment.tokenURL.Disabled() {
		t.Error("the file's addresses can be edited without Change")
	}
	test.Tap(findButton(t, h.w.views[stepEnvironment], "Change"))
	if h.w.environment.tokenURL.Disabled() || h.w.environment.custom.Disabled() {
		t.Error("Change did not let the user edit the environment")
	}
	h.wantText("Example Software Pty Ltd's setup file chose custom addresses; you changed it below.")
	h.next()
	h.wantStep(stepDetails)
	h.next()
	h.register()
	// The ATO refuses the vendor's key: the failure page names the vendor's support.
	if h.w.done.failErr == nil {
		t.Fatal("registered with a wrong key")
	}
	h.wantText("Need help? Contact Example Software Pty Ltd, who sent the setup for Example Practice Manager: 1300 000 000 · help@example.com")
	support := h.w.done.supportText()
	if !strings.Contains(support, "Vendor support:") || !strings.Contains(support, "ending …cdef") || strings.Contains(support, "WrongKey") {
		t.Errorf("support text:\n%s", support)
	}
	// Back to Details: Change shows an empty key field to type into.
	test.Tap(findButton(t, h.w.views[stepDone], "Go back to Details"))
	h.wantStep(stepDetails)
	test.Tap(findButton(t, h.w.views[stepDetails], "Change"))
	if !h.w.details.keyBox.Visible() || h.w.details.apiKey.Text != "" {
		t.Fatalf("Change: key box visible %v, field %q", h.w.details.keyBox.Visible(), h.w.details.apiKey.Text)
	}
	test.Type(h.w.details.apiKey, h.sim.APIKey())
	h.next()
	h.register()
	if h.w.done.res == nil || h.w.done.res.Record.Vendor.Name != "Example Software Pty Ltd" {
		t.Fatalf("with the typed key: %v", h.w.done.failErr)
	}
}

// TestBadSetupFileNamesFieldAndLine: a refused file says which field on
// which line, on Welcome or in a dialog, and nothing changes.
func TestBadSetupFileNamesFieldAndLine(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	bad := h.vendorSetup(func(m map[string]any) { m["vendr"] = m["vendor"]; delete(m, "vendor") })
	h.drop(bad)
	h.waitSetup()
	if h.w.draft.Setup != nil {
		t.Fatal("a bad file was used")
	}
	data, _ := os.ReadFile(bad)
	line := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, `"vendr"`) {
			line = i + 1
		}
	}
	h.wantText(fmt.Sprintf(`line %d, "vendr": this field is not part of the setup file format (did you mean "vendor"?)`, line),
		"Ask your software vendor for a corrected file")
	// On another step, a dialog says the same.
	h.openKeystore(h.goodKeystore(), testPassword)
	h.drop(bad)
	h.waitSetup()
	if top := h.w.win.Canvas().Overlays().Top(); top == nil || !strings.Contains(textsIn(top), `"vendr"`) {
		t.Fatalf("no dialog naming the field")
	}
}

// TestSandboxSetupSelectsSandbox: a sandbox file chooses the Sandbox
// option itself (shown, not editable) and Review shows what will be sent.
func TestSandboxSetupSelectsSandbox(t *testing.T) {
	h := newHarness(t, harnessOpts{before: func(a fyne.App) {
		a.Preferences().SetString(prefEnvironment, "production") // the user's last choice
	}})
	h.drop(h.vendorSetup(func(m map[string]any) {
		m["environment"] = "sandbox"
		m["consumer_key"] = "ExampleConsumerKey0000a1b2"
		delete(m, "endpoints")
	}))
	h.waitSetup()
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.wantStep(stepEnvironment)
	h.wantText("Set by Example Software Pty Ltd: Sandbox; consumer key ending …a1b2")
	if env, _ := h.w.currentEnv(); env != flow.Sandbox || !h.w.environment.radio.Disabled() {
		t.Fatalf("environment %+v, radio disabled %v", env, h.w.environment.radio.Disabled())
	}
	h.next()
	h.next()
	h.wantStep(stepReview)
	h.wantText("Sandbox — the ATO's test environment (EVTE", "ending …a1b2 (from Example Software Pty Ltd's setup file)")
	if strings.Contains(h.texts(), "ExampleConsumerKey") {
		t.Error("Review shows the key")
	}
}
