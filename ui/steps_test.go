package ui

import (
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
	"dcrwizard/m2m"
)

func TestBackKeepsWhatWasTyped(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ks := h.goodKeystore()
	h.toReview(ks, h.sim.APIKey(), "Reception")

	// Escape walks back; nothing typed is lost.
	for _, want := range []step{stepDetails, stepEnvironment, stepCredential, stepWelcome} {
		h.key(fyne.KeyEscape)
		h.wantStep(want)
	}
	h.key(fyne.KeyEscape) // nothing before Welcome
	h.wantStep(stepWelcome)
	// Enter walks forward again, every step still valid.
	for _, want := range []step{stepCredential, stepEnvironment, stepDetails, stepReview} {
		h.key(fyne.KeyReturn)
		h.wantStep(want)
	}
	if h.w.draft.Keystore != ks || h.w.credential.password.Text != testPassword || h.w.credential.store == nil {
		t.Error("credential step lost its file or password")
	}
	if h.w.details.apiKey.Text != h.sim.APIKey() || h.w.details.name.Text != "Reception" {
		t.Errorf("details lost: %q %q", h.w.details.apiKey.Text, h.w.details.name.Text)
	}
	if env, _ := h.w.currentEnv(); env.TokenURL != h.env.TokenURL {
		t.Errorf("environment lost: %+v", env)
	}
}

func TestFocusAndKeys(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.next()
	if f := h.w.win.Canvas().Focused(); f != &h.w.credential.password.Entry && f != h.w.credential.password {
		t.Errorf("focus on the Credential step is %T, want the password", f)
	}
	// Escape inside the password field goes back too.
	h.key(fyne.KeyEscape)
	h.wantStep(stepWelcome)
	// Enter with an incomplete step does nothing.
	h.next()
	h.key(fyne.KeyReturn)
	h.wantStep(stepCredential)
	if !h.w.nextBtn.Disabled() || h.w.hint.Text == "" {
		t.Errorf("Next enabled or unexplained on an empty Credential step: %q", h.w.hint.Text)
	}
}

func TestDetailsCleansPastedKey(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.key(fyne.KeyEscape)
	h.wantStep(stepDetails)
	if f := h.w.win.Canvas().Focused(); f != h.w.details.apiKey {
		t.Errorf("focus on Details is %T, want the consumer key", f)
	}
	h.app.Clipboard().SetContent("  " + h.sim.APIKey()[:6] + "\n" + h.sim.APIKey()[6:] + " \r\n")
	test.Tap(findButton(t, h.w.views[stepDetails], "Paste"))
	if got := h.w.details.apiKey.Text; got != h.sim.APIKey() {
		t.Errorf("pasted key %q, want it cleaned", got)
	}
	h.w.details.name.SetText(strings.Repeat("x", 65))
	if !h.w.nextBtn.Disabled() {
		t.Error("Next enabled with a 65-character name")
	}
	h.wantText("The name is 65 characters long")
	h.w.details.apiKey.SetText("short")
	h.wantText("only 5 characters long")
}

func TestPracticeModeEndToEnd(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	test.Tap(h.w.welcome.practice)
	h.next()
	h.wantStep(stepCredential)
	h.loop.until(t, "the demo credential to open", func() bool { return h.w.credential.store != nil })
	h.wantText("Practice mode: this is the demo credential", atosim.DemoPassword)
	h.next()
	h.wantStep(stepEnvironment)
	if !h.w.draft.Practising() {
		t.Fatal("Practice not preselected")
	}
	h.wantText("Demo credential file:", atosim.DemoPassword)
	h.next()
	h.wantStep(stepDetails)
	if h.w.details.apiKey.Text != h.w.practice.p.ConsumerKey.Header() {
		t.Errorf("practice key not filled in: %q", h.w.details.apiKey.Text)
	}
	h.next()
	h.register()
	if h.w.done.res == nil {
		t.Fatalf("practice run failed: %v", h.w.done.failErr)
	}
	// Practice rehearses the test too, and never calls the simulator the ATO.
	h.wantText("Your software can now sign in to the practice simulator with this registration.")
	if strings.Contains(h.texts(), "sign in to the ATO") {
		t.Error("Practice's test result names the ATO")
	}
	// The demo file is not remembered as the user's own.
	if got := h.app.Preferences().String(prefKeystorePath); got != "" {
		t.Errorf("remembered the demo keystore %q", got)
	}
	if got := h.app.Preferences().String(prefEnvironment); got != "practice" {
		t.Errorf("remembered environment %q", got)
	}

	// Register another: back at Environment, choosing a real environment
	// leaves Practice, and its demo credential with it: Next waits, saying
	// why.
	test.Tap(findButton(t, h.w.views[stepDone], "Register another"))
	h.wantStep(stepEnvironment)
	h.chooseEnv("Sandbox")
	if !h.w.nextBtn.Disabled() || !strings.Contains(h.w.hint.Text, "works only in Practice mode") {
		t.Errorf("demo credential accepted for sandbox: %q", h.w.hint.Text)
	}
	if h.w.draft.UsingDemo() {
		t.Error("the demo credential is still chosen outside Practice")
	}
}

func TestRemembersLastFileAndEnvironment(t *testing.T) {
	h := newHarness(t, harnessOpts{before: func(a fyne.App) {
		a.Preferences().SetString(prefKeystorePath, "/some/folder/keystore.xml")
		a.Preferences().SetString(prefEnvironment, "production")
	}})
	if got := h.w.credential.lastFolder(); got != "/some/folder" {
		t.Errorf("before the Credential page is built, the file dialog would start in %q", got)
	}
	if p := offeredKeystore(h); p != "/some/folder/keystore.xml" {
		t.Errorf("path %q not remembered", p)
	}
	if got := h.w.credential.lastFolder(); got != "/some/folder" {
		t.Errorf("file dialog would start in %q", got)
	}
	if o := h.w.environment.selectedOption(); o == nil || o.env.Name != "production" {
		t.Errorf("environment not remembered: %+v", o)
	}
	if h.w.credential.password.Text != "" {
		t.Error("a password was filled in")
	}
}

// findButtons returns the visible buttons under o whose text is label.
func TestPEMCertificateAndKeyInTwoFiles(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	c := h.issue("pem", "PEM Machine", testNow.AddDate(2, 0, 0))
	data, err := m2m.MarshalPEM(c, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	var certs, key []byte
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			certs = append(certs, pem.EncodeToMemory(b)...)
		} else {
			key = append(key, pem.EncodeToMemory(b)...)
		}
	}
	certPath, keyPath := filepath.Join(h.dir, "machine.crt"), filepath.Join(h.dir, "machine.key")
	if err := os.WriteFile(certPath, certs, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, key, 0o600); err != nil {
		t.Fatal(err)
	}
	h.openKeystore(certPath, testPassword)
	if !errors.Is(h.w.credential.openErr, m2m.ErrKeyFileNeeded) {
		t.Fatalf("open error %v, want ErrKeyFileNeeded", h.w.credential.openErr)
	}
	h.wantText("Choose the private key file…")
	// What the file dialog's callback does with the chosen key file.
	h.w.credential.setPairPath(keyPath)
	h.loop.until(t, "the pair to open", func() bool { return !h.w.credential.opening })
	if err := h.w.credential.openErr; err != nil {
		t.Fatal(err)
	}
	h.wantText("Private key file: "+keyPath, "PEM Machine")
	if c := h.w.draft.Credential; c == nil || c.Name != "PEM Machine" {
		t.Fatalf("selected %v", c)
	}
	h.next()
	h.wantStep(stepEnvironment)
}

func TestCloseWithoutUnkeptValuesCloses(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	closed := false
	h.w.win.SetOnClosed(func() { closed = true; h.w.shutdown() })
	h.w.closeRequested()
	if !closed {
		t.Error("the window did not close")
	}
}
