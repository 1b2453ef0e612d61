package ui

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/atosim"
	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/registrar"
)

// TestPracticeDoneRegistersForReal: Practice's Done says "register for
// real", so it offers it, first and as the main action, beside today's
// actions; pressing it leaves Practice and opens the Credential step
// without the demo credential.
func TestPracticeDoneRegistersForReal(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceToDone()
	forReal := findKeyButton(h.w.views[stepDone], "Now register for real")
	if forReal == nil {
		t.Fatalf("Practice's Done has no \"Now register for real\":\n%s", h.texts())
	}
	if forReal.Importance != widget.HighImportance {
		t.Errorf("\"Now register for real\" is not the main action (importance %v)", forReal.Importance)
	}
	if first := firstButton(h.w.done.box); first != forReal {
		t.Errorf("the first action is %v, want \"Now register for real\"", first)
	}
	for _, other := range []string{"Copy support summary", "View registrations", "Register another"} {
		if findKeyButton(h.w.views[stepDone], other) == nil {
			t.Errorf("Practice's Done lost %q", other)
		}
	}
	demo := h.w.draft.Keystore

	test.Tap(forReal)
	h.loop.drain()
	h.wantStep(stepCredential)
	if h.w.draft.Practising() {
		t.Error("still in Practice after \"Now register for real\"")
	}
	if h.w.draft.Keystore == demo || h.w.draft.UsingDemo() {
		t.Errorf("the demo credential %q is still chosen for a real registration", h.w.draft.Keystore)
	}
}

func TestRegisterSuccess(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.wantText("Test ATO (simulator)", "Test Machine", "Front desk PC")
	if len(findButtons(h.w.footer, "Close")) != 0 {
		t.Error("Close shown before the Done page")
	}
	h.register()

	d := &h.w.done
	if d.res == nil || !d.res.Stored || d.notStored != nil {
		t.Fatalf("want a stored registration, got res=%+v notStored=%v fail=%v", d.res, d.notStored, d.failErr)
	}
	clientID := d.res.Registration.ClientID
	h.openTechnicalDetails() // the values are technical details
	h.wantText("This installation is registered", clientID, d.res.Where, d.res.Registration.Receipt)
	if got := h.w.heading.String(); got != "Step 5 of 5 — Done" {
		t.Errorf("heading %q", got)
	}
	for _, row := range h.w.review.rows {
		if row.state != "done" {
			t.Errorf("step row %q ended %q", row.label.Text, row.state)
		}
	}
	if clients := h.sim.Clients(); len(clients) != 1 || clients[0].ClientID != clientID {
		t.Errorf("simulator clients %+v, want one with id %s", clients, clientID)
	}

	// Support summary: useful, without secrets.
	test.Tap(findButton(t, h.w.views[stepDone], "Copy support summary"))
	summary := h.app.Clipboard().Content()
	for _, want := range []string{clientID, d.res.Registration.Receipt, "Front desk PC", "ABRD:80000000001_TestMachine"} {
		if !strings.Contains(summary, want) {
			t.Errorf("support summary lacks %q:\n%s", want, summary)
		}
	}
	for _, secret := range []string{d.values.RegistrationAccessToken, h.sim.APIKey(), testPassword} {
		if strings.Contains(summary, secret) {
			t.Errorf("support summary holds a secret:\n%s", summary)
		}
	}

	// Remembered: the file and the environment, never the password.
	prefs := h.app.Preferences()
	if got := prefs.String(prefKeystorePath); got != h.w.draft.Keystore {
		t.Errorf("remembered keystore %q", got)
	}
	if got := prefs.String(prefEnvironment); got != "custom" {
		t.Errorf("remembered environment %q", got)
	}
	for _, k := range []string{prefKeystorePath, prefEnvironment, prefCustomToken, prefCustomReg, prefCustomClientID, prefCustomScope} {
		if strings.Contains(prefs.String(k), testPassword) {
			t.Errorf("preference %s holds the password", k)
		}
	}

	// Copy button of the client id.
	test.Tap(findButton(t, h.w.views[stepDone], "Copy"))
	if got := h.app.Clipboard().Content(); got != clientID {
		t.Errorf("copied %q, want the client id", got)
	}

	// What was stored and where, for support staff; never the token.
	rec := d.res.Record
	h.wantText(d.values.RegistrationClientURI, "stored (hidden)",
		credstore.TokenAccount(rec.Environment, clientID), credstore.URIAccount(rec.Environment, clientID),
		credstore.NameAccount(rec.Environment, "Front desk PC"), filepath.Join(h.store.Dir(), "index.json"))
	if strings.Contains(h.texts(), d.values.RegistrationAccessToken) {
		t.Error("the token is on screen")
	}
	if !strings.Contains(summary, credstore.TokenAccount(rec.Environment, clientID)) {
		t.Errorf("support summary does not name the keychain items:\n%s", summary)
	}

	// View registrations lists it; Back (Escape) returns here.
	test.Tap(findButton(t, h.w.views[stepDone], "View registrations"))
	h.wantStep(stepRegistrations)
	h.loop.until(t, "the list", func() bool { return h.w.registrations.byID[clientID] != nil })
	h.key(fyne.KeyEscape)
	h.wantStep(stepDone)
	h.wantText("This installation is registered")

	// Finished: the footer offers Close where Next was, highlighted; Enter
	// does not press it; tapping it closes the window.
	closeBtn := findButton(t, h.w.footer, "Close")
	if closeBtn.Importance != widget.HighImportance {
		t.Errorf("Close importance %v, want high after a stored registration", closeBtn.Importance)
	}
	closed := false
	h.w.win.SetOnClosed(func() { closed = true; h.w.shutdown() })
	h.key(fyne.KeyReturn)
	if closed || h.w.step != stepDone {
		t.Fatal("Enter on the Done page closed the window or left the page")
	}
	test.Tap(closeBtn)
	if !closed {
		t.Error("Close did not close the window")
	}

	if !realSecretService() {
		t.Skip("keychain contents not checked: no Secret Service here. Run `make test` (scripts/with-secret-service.sh) to check them in a real keychain.")
	}
	rec, vals, err := h.store.Get(context.Background(), clientID)
	if err != nil {
		t.Fatalf("keychain: %v", err)
	}
	// The consumer key is kept too (for managing the registration later);
	// the Done page shows only the three values the ATO issued.
	key := vals.ConsumerKey
	vals.ConsumerKey = consumerkey.Key{}
	if vals != d.values || rec.Name != "Front desk PC" || key.IsZero() {
		t.Errorf("keychain holds %v (consumer key kept: %v) / %+v, want %v", vals, !key.IsZero(), rec, d.values)
	}
}

func TestWrongConsumerKeyGoesBackToDetails(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	const wrongKey = "WRONGkey0123456789abcdef"
	h.toReview(h.goodKeystore(), wrongKey, "Front desk PC")
	h.register()
	if h.w.done.failErr == nil {
		t.Fatal("want a failure")
	}
	msg, action := errorWords(h.w.done.failErr)
	h.wantText("The registration did not go through", msg, action, "Go back to Details", "Details for support")
	if got := h.w.heading.String(); got != "Step 5 of 5 — Not registered" {
		t.Errorf("heading %q", got)
	}
	test.Tap(findButton(t, h.w.views[stepDone], "Go back to Details"))
	h.wantStep(stepDetails)
	if got := h.w.details.apiKey.Text; got != wrongKey {
		t.Errorf("consumer key now %q, want what was typed", got)
	}
	// Fix the key and register from there.
	h.w.details.apiKey.SetText(h.sim.APIKey())
	h.next()
	h.register()
	if h.w.done.res == nil {
		t.Fatalf("second try failed: %v", h.w.done.failErr)
	}
}

func TestATORefusesName(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), atosim.ScenarioInvalidRequest)
	h.register()
	err := h.w.done.failErr
	if err == nil {
		t.Fatal("want the ATO's refusal")
	}
	msg, action := errorWords(err)
	if msg == "" || action == "" {
		t.Fatalf("no plain words for %v", err)
	}
	h.wantText(msg, action, "Go back to Details")
	test.Tap(findButton(t, h.w.views[stepDone], "Details for support"))
	if top := h.w.win.Canvas().Overlays().Top(); top == nil {
		t.Fatal("no support details shown")
	}
	support := h.w.done.supportText()
	for _, want := range []string{"invalid_request", "HTTP status:", "400", atosim.ScenarioInvalidRequest} {
		if !strings.Contains(support, want) {
			t.Errorf("support text lacks %q:\n%s", want, support)
		}
	}
	if strings.Contains(support, h.sim.APIKey()) {
		t.Errorf("support text holds the consumer key:\n%s", support)
	}
}

func TestKeychainFailureShowsValues(t *testing.T) {
	// The keychain's time limit is set before the window opens: its first
	// list read starts at once.
	h := newHarness(t, harnessOpts{keyring: brokenKeyring{}, config: func(c *Config) { c.Store.Timeout = 2 * time.Second }})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.register()
	d := &h.w.done
	if d.notStored == nil || d.res == nil {
		t.Fatalf("want registered-but-not-stored, got res=%v fail=%v", d.res, d.failErr)
	}
	v := d.values
	if v.ClientID == "" || v.RegistrationAccessToken == "" || v.RegistrationClientURI == "" {
		t.Fatalf("values missing: %v", v)
	}
	h.wantText("Registered, but not saved on this computer", v.ClientID, v.RegistrationClientURI,
		"Save to a file…", "registration access token below is a secret")
	// Not stored: not tested (no token asked for as the new client).
	if d.verify != nil || h.w.review.rows[flow.StepVerify].state != "" {
		t.Errorf("an unstored registration was tested: %+v, row %q", d.verify, h.w.review.rows[flow.StepVerify].state)
	}
	if n := countPath(h.sim.Requests(), atosim.TokenPath); n != 1 {
		t.Errorf("%d token requests, want only the registration's", n)
	}
	if all := h.texts(); strings.Contains(all, "can now sign in") || strings.Contains(all, "test sign-in") || strings.Contains(all, "stopped the test") {
		t.Error("the keep-these-values page talks about a test")
	}
	if strings.Contains(h.texts(), v.RegistrationAccessToken) {
		t.Error("the token is shown in full on screen")
	}
	// The token's Copy button copies it whole.
	buttons := findButtons(h.w.views[stepDone], "Copy")
	if len(buttons) != 3 {
		t.Fatalf("%d Copy buttons, want 3", len(buttons))
	}
	test.Tap(buttons[1])
	if got := h.app.Clipboard().Content(); got != v.RegistrationAccessToken {
		t.Error("Copy did not copy the token")
	}

	// Closing asks first, from the footer's Close as from the window's.
	if b := findButton(t, h.w.footer, "Close"); b.Importance == widget.HighImportance {
		t.Error("Close is highlighted while the values are not saved anywhere")
	}
	test.Tap(findButton(t, h.w.footer, "Close"))
	if h.w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("closing with unkept values did not ask")
	}
	h.w.win.Canvas().Overlays().Top().Hide()
	h.w.win.Canvas().Overlays().Remove(h.w.win.Canvas().Overlays().Top())

	// The pending note stays until the user has the values.
	if p, err := h.store.Pending(); err != nil || len(p) != 1 {
		t.Fatalf("pending %v, %v; want one", p, err)
	}
	// Save to a file, as the dialog's callback does.
	path := filepath.Join(h.dir, valuesFileName("Front desk PC"))
	if err := os.WriteFile(path, nil, 0o644); err != nil { // the save dialog creates it first
		t.Fatal(err)
	}
	rec := d.notStored.Record
	h.w.background(func() func() {
		err := writeValuesFile(path, rec, v, testNow)
		return func() { h.w.done.valuesSaved(path, err) }
	})
	h.loop.until(t, "the file to be saved", func() bool { return d.kept })
	checkValuesFile(t, path, v)
	h.loop.until(t, "the pending note to be cleared", func() bool {
		p, err := h.store.Pending()
		return err == nil && len(p) == 0
	})
	if d.unkeptValues() {
		t.Error("values still counted as unkept")
	}
}

func checkValuesFile(t *testing.T, path string, v credstore.Values) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("values file mode %v, want 0600", fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got registrar.ValuesFile
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.ClientID != v.ClientID || got.RegistrationAccessToken != v.RegistrationAccessToken ||
		got.RegistrationClientURI != v.RegistrationClientURI || !strings.Contains(got.Warning, "secret") {
		t.Errorf("values file %+v", got)
	}
}
