package ui

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/atosim"
	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

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
	test.Tap(findButton(t, h.w.pages[stepDone], "Copy support summary"))
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
	if got := prefs.String(prefKeystorePath); got != h.w.credential.path {
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
	test.Tap(findButton(t, h.w.pages[stepDone], "Copy"))
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
	test.Tap(findButton(t, h.w.pages[stepDone], "View registrations"))
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

func TestWrongPassword(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.openKeystore(h.goodKeystore(), "not-the-password1")
	if !errors.Is(h.w.credential.openErr, m2m.ErrWrongPassword) {
		t.Fatalf("open error %v, want ErrWrongPassword", h.w.credential.openErr)
	}
	h.wantText("The password is not right for this file")
	if !h.w.nextBtn.Disabled() {
		t.Error("Next is enabled after a wrong password")
	}
	// Typing the right one and Enter opens it; Enter again moves on.
	pw := h.w.credential.password
	pw.SetText("")
	test.Type(pw, testPassword)
	h.key(fyne.KeyReturn)
	h.loop.until(t, "the file to open", func() bool { return h.w.credential.store != nil })
	h.key(fyne.KeyReturn)
	h.wantStep(stepEnvironment)
}

func TestExpiredCredentialRefused(t *testing.T) {
	// Fyne's own theme under the wizard's, for real colours.
	h := newHarness(t, harnessOpts{before: func(a fyne.App) { a.Settings().SetTheme(theme.DefaultTheme()) }})
	expired := h.issue("ABRD:80000000001_Old", "Old Machine", testNow.AddDate(0, -2, 0))
	soon := h.issue("ABRD:80000000001_Soon", "Soon Machine", testNow.AddDate(0, 3, 0))
	path := h.writeKeystore("expired.xml", expired, soon)
	h.openKeystore(path, testPassword)
	if h.w.credential.openErr != nil {
		t.Fatal(h.w.credential.openErr)
	}
	if !h.w.nextBtn.Disabled() {
		t.Fatal("Next is enabled with only refused credentials")
	}
	h.wantText("Expired", "Expires within 6 months", "valid until 2 January 2026",
		expired.Verdict(testNow).Message, soon.Verdict(testNow).Message, "none can be used")
	if !strings.Contains(h.w.hint.Text, "None of the credentials in this file can be used") {
		t.Errorf("hint %q", h.w.hint.Text)
	}
	for i, rg := range h.w.credential.radios {
		if rg != nil {
			t.Errorf("refused credential %d can be chosen", i)
		}
	}
	// Shown as not selectable, not as faded (disabled) text.
	assertNoDisabledText(t, h.w.credential.list, "Old Machine")

	// With a good one beside them, the good one is chosen and Next works.
	good := h.issue("ABRD:80000000001_Good", "Good Machine", testNow.AddDate(2, 0, 0))
	path = h.writeKeystore("mixed.xml", expired, good)
	h.drop(path)
	h.loop.until(t, "the file to open", func() bool { return h.w.credential.store != nil })
	if c := h.w.selectedCredential(); c == nil || c.ID != good.ID {
		t.Fatalf("selected %v, want the good credential", c)
	}
	if h.w.nextBtn.Disabled() {
		t.Fatalf("Next disabled: %q", h.w.hint.Text)
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
	test.Tap(findButton(t, h.w.pages[stepDone], "Go back to Details"))
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
	test.Tap(findButton(t, h.w.pages[stepDone], "Details for support"))
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

func TestCancelDuringSlowStep(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.sim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointToken, Delay: time.Hour})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.next() // Register
	h.loop.until(t, "the token step to start", func() bool {
		return h.w.review.rows["token"].state == "started"
	})
	if !h.w.backBtn.Disabled() || !h.w.nextBtn.Disabled() {
		t.Error("Back or Register enabled while running")
	}
	// The ticker redraws the elapsed time from the clock (read on the UI
	// goroutine only; the run itself keeps the clock it started with).
	h.w.cfg.Now = func() time.Time { return testNow.Add(7 * time.Second) }
	h.loop.until(t, "the elapsed time to tick", func() bool { return h.w.review.elapsed.Text == "Elapsed: 7 seconds" })

	start := time.Now()
	test.Tap(h.w.review.cancelBtn)
	// At once: no waiting for the background work.
	h.wantStep(stepDone)
	h.wantText("You cancelled the registration.", "Nothing was sent to the ATO for registration")
	if h.w.review.running() {
		t.Error("still running after Cancel")
	}
	if h.w.review.rows["token"].state != "failed" {
		t.Errorf("token row %q, want a cross", h.w.review.rows["token"].state)
	}
	// The HTTP call ends with the context: the server would hold it for an hour.
	h.loop.until(t, "the background run to end", func() bool {
		return len(h.sim.Requests()) > 0 && time.Since(start) > 100*time.Millisecond
	})
	if n := len(h.sim.Clients()); n != 0 {
		t.Errorf("%d registrations after cancel", n)
	}
	// Try again goes back to Review with everything kept.
	h.w.cfg.Now = func() time.Time { return testNow }
	h.sim.ClearFaults()
	test.Tap(findButton(t, h.w.pages[stepDone], "Try again"))
	h.wantStep(stepReview)
	h.register()
	if h.w.done.res == nil {
		t.Fatalf("try again failed: %v", h.w.done.failErr)
	}
}

func TestKeychainFailureShowsValues(t *testing.T) {
	h := newHarness(t, harnessOpts{keyring: brokenKeyring{}})
	h.store.Timeout = 2 * time.Second
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
	buttons := findButtons(h.w.pages[stepDone], "Copy")
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
	if h.w.credential.path != ks || h.w.credential.password.Text != testPassword || h.w.credential.store == nil {
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
	test.Tap(findButton(t, h.w.pages[stepDetails], "Paste"))
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

func TestPendingNoteAtStart(t *testing.T) {
	started := time.Date(2026, 3, 1, 14, 5, 0, 0, time.UTC)
	var store *credstore.Store
	h := newHarness(t, harnessOpts{before: func(fyne.App) {}})
	store = h.store
	if _, err := store.BeginPending(credstore.Pending{Name: "Reception", Environment: "sandbox", Started: started}); err != nil {
		t.Fatal(err)
	}
	// A second window on the same store sees it at once.
	w := New(h.app, Config{Store: store, Now: h.w.cfg.Now, post: h.loop.post, DefaultName: "x"})
	defer w.shutdown()
	h.loop.until(t, "the pending note", func() bool { return w.win.Canvas().Overlays().Top() != nil })
	say := textsIn(w.win.Canvas().Overlays().Top())
	for _, want := range []string{"Reception", "Sandbox (the ATO's test environment)", "1 March 2026, 2:05 pm",
		"never saw the ATO's answer, so it may exist at the ATO",
		"whether the ATO holds a registration named Reception, made on 1 March 2026, 2:05 pm"} {
		if !strings.Contains(say, want) {
			t.Errorf("the note lacks %q:\n%s", want, say)
		}
	}
	// No client id: nothing to check with the ATO, and no Registrations
	// screen to point at (the wizard never stored it).
	if strings.Contains(say, "[Check with the ATO]") || strings.Contains(say, "Registrations") {
		t.Errorf("the note offers what cannot work:\n%s", say)
	}
	forget := findButton(t, w.win.Canvas().Overlays().Top(), "I've dealt with it")
	test.Tap(forget)
	h.loop.until(t, "the note to be cleared", func() bool {
		p, err := store.Pending()
		return err == nil && len(p) == 0
	})
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
	if !h.w.isPractice() {
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
	// with the demo credential is refused with a reason.
	test.Tap(findButton(t, h.w.pages[stepDone], "Register another"))
	h.wantStep(stepEnvironment)
	h.chooseEnv("Sandbox")
	if !h.w.nextBtn.Disabled() || !strings.Contains(h.w.hint.Text, "works only in Practice mode") {
		t.Errorf("demo credential accepted for sandbox: %q", h.w.hint.Text)
	}
}

func TestRemembersLastFileAndEnvironment(t *testing.T) {
	h := newHarness(t, harnessOpts{before: func(a fyne.App) {
		a.Preferences().SetString(prefKeystorePath, "/some/folder/keystore.xml")
		a.Preferences().SetString(prefEnvironment, "production")
	}})
	if got := h.w.lastFolder(); got != "/some/folder" {
		t.Errorf("before the Credential page is built, the file dialog would start in %q", got)
	}
	if p := h.w.credentialState(); p.path != "/some/folder/keystore.xml" {
		t.Errorf("path %q not remembered", p.path)
	}
	if got := h.w.lastFolder(); got != "/some/folder" {
		t.Errorf("file dialog would start in %q", got)
	}
	if o := h.w.selectedOption(); o == nil || o.env.Name != "production" {
		t.Errorf("environment not remembered: %+v", o)
	}
	if h.w.credential.password.Text != "" {
		t.Error("a password was filled in")
	}
}

// findButtons returns the visible buttons under o whose text is label.
func findButtons(o fyne.CanvasObject, label string) []*widgetButton {
	var out []*widgetButton
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		if b, ok := o.(*widgetButton); ok {
			if b.Text == label {
				out = append(out, b)
			}
			return
		}
		if b, ok := o.(*keyButton); ok {
			if b.Text == label {
				out = append(out, &b.Button)
			}
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, child := range c.Objects {
				walk(child)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, child := range test.WidgetRenderer(w).Objects() {
				walk(child)
			}
		}
	}
	walk(o)
	return out
}

func findButton(t *testing.T, o fyne.CanvasObject, label string) *widgetButton {
	t.Helper()
	b := findButtons(o, label)
	if len(b) == 0 {
		t.Fatalf("no %q button", label)
	}
	return b[0]
}

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
	h.w.setPairPath(keyPath)
	h.loop.until(t, "the pair to open", func() bool { return !h.w.credential.opening })
	if err := h.w.credential.openErr; err != nil {
		t.Fatal(err)
	}
	h.wantText("Private key file: "+keyPath, "PEM Machine")
	if c := h.w.selectedCredential(); c == nil || c.Name != "PEM Machine" {
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
