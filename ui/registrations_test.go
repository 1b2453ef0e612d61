package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
	"dcrwizard/credstore/credstoretest"
	"dcrwizard/flow"
	"dcrwizard/registrar"
)

// lifecycleSim is a simulator of its own (options vary per test) on real
// loopback HTTP, holding one registration made through registrar into the
// harness's store: the record's registration client URI points at it.
func (h *harness) registerAt(opts atosim.Options, name string) (*atosim.Simulator, credstore.Record) {
	h.t.Helper()
	clock := func() time.Time { return testNow }
	opts.Now = clock
	sim, err := atosim.New(opts)
	if err != nil {
		h.t.Fatal(err)
	}
	srv, err := atosim.Start(sim, "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = srv.Close() })
	cred, err := sim.IssueCredential("ABRD:80000000001_Life", "80000000001", "Life Machine", testNow.AddDate(-1, 0, 0), testNow.AddDate(2, 0, 0))
	if err != nil {
		h.t.Fatal(err)
	}
	ep := srv.Endpoints()
	r := &registrar.Registrar{Flow: &flow.Client{Now: clock}, Store: h.store, Now: clock}
	res, err := r.Register(context.Background(), registrar.Input{
		Env:        flow.Custom(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope),
		Credential: cred, ConsumerKey: testKey(h.t, sim.APIKey()), InstanceName: name,
	}, nil)
	if err != nil {
		h.t.Fatalf("Register: %v", err)
	}
	return sim, res.Record
}

// openRegistrations goes from Welcome to the Registrations screen and waits
// for the list.
func (h *harness) openRegistrations() {
	h.t.Helper()
	test.Tap(h.w.welcome.registrations)
	h.wantStep(stepRegistrations)
	h.loop.until(h.t, "the list of registrations", func() bool { return !h.w.registrations.loading })
}

// card is the registration's card, which must be listed.
func (h *harness) card(clientID string) *regCard {
	h.t.Helper()
	c := h.w.registrations.byID[clientID]
	if c == nil {
		h.t.Fatalf("registration %s is not listed; the screen says:\n%s", clientID, h.texts())
	}
	return c
}

// tapCard taps a card's button by its label.
func (h *harness) tapCard(c *regCard, label string) {
	h.t.Helper()
	for _, b := range c.buttons {
		if b.Text == label {
			if b.Disabled() {
				h.t.Fatalf("%q is disabled", label)
			}
			test.Tap(b)
			h.loop.drain()
			return
		}
	}
	h.t.Fatalf("no %q button on the card of %q", label, c.rec.Name)
}

// waitCall waits for the running call to finish.
func (h *harness) waitCall(what string) {
	h.t.Helper()
	h.loop.until(h.t, what, func() bool { return !h.w.registrations.running() && !h.w.registrations.loading })
}

// overlay is the open dialog.
func (h *harness) overlay() fyne.CanvasObject {
	h.t.Helper()
	top := h.w.win.Canvas().Overlays().Top()
	if top == nil {
		h.t.Fatal("no dialog is open")
	}
	return top
}

// storedValues reads a registration's values from the keychain. The harness
// uses a real Secret Service under scripts/with-secret-service.sh and an
// in-memory one otherwise; both hold values for Get, so these tests run
// both ways.
func storedValues(t *testing.T, h *harness, clientID string) credstore.Values {
	t.Helper()
	_, v, err := h.store.Get(context.Background(), clientID)
	if err != nil {
		t.Fatalf("keychain: %v", err)
	}
	return v
}

func TestRegistrationsCheckRenameRemove(t *testing.T) {
	for _, rotate := range []bool{false, true} {
		t.Run(map[bool]string{false: "fixed token", true: "rotating token"}[rotate], func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			sim, rec := h.registerAt(atosim.Options{RotateTokens: rotate}, "Reception")
			before := storedValues(t, h, rec.ClientID).RegistrationAccessToken

			h.openRegistrations()
			if got := h.w.heading.String(); got != "Registrations on this computer" {
				t.Errorf("heading %q", got)
			}
			c := h.card(rec.ClientID)
			h.wantText("Reception", rec.ClientID, "Custom addresses (127.0.0.1:", "ABRD:80000000001_Life (ABN 80 000 000 001)",
				"2 March 2028", "2 March 2026, 9:30 am", rec.Receipt)

			// Check: what the ATO holds, without the consumer key.
			h.tapCard(c, "Check")
			h.waitCall("the check")
			h.wantText("The ATO holds this registration.", "Name at the ATO", "Reception", "Environment", "Registered")
			// The raw answer only behind Details for support.
			if strings.Contains(h.texts(), "client_credentials") {
				t.Error("Check shows the raw grant types on the card")
			}
			test.Tap(findButton(t, c.result, "Details for support"))
			if s := textsIn(h.overlay()); !strings.Contains(s, "client_credentials") || !strings.Contains(s, "Grant types") {
				t.Errorf("Details for support shows:\n%s", s)
			}
			h.w.win.Canvas().Overlays().Remove(h.overlay())
			if strings.Contains(h.texts(), sim.APIKey()) {
				t.Error("the consumer key is on screen")
			}
			after := storedValues(t, h, rec.ClientID).RegistrationAccessToken
			if (after != before) != rotate {
				t.Errorf("stored token changed=%v, want %v", after != before, rotate)
			}
			if rotate {
				h.wantText("The ATO issued a new registration access token. It is now saved in the keychain")
			} else {
				h.wantText("still the current one")
			}

			// Rename: Escape closes the dialog; the same name is refused;
			// Enter in the field renames.
			h.tapCard(c, "Rename…")
			h.overlay()
			h.key(fyne.KeyEscape)
			if h.w.win.Canvas().Overlays().Top() != nil {
				t.Fatal("Escape did not close the Rename dialog")
			}
			h.wantStep(stepRegistrations)
			h.tapCard(c, "Rename…")
			dlg := h.w.registrations.dlg
			if !dlg.ok.Disabled() {
				t.Error("Rename enabled with the name unchanged")
			}
			if dlg.hint.Visible() {
				t.Errorf("the Rename dialog warns %q before anything was typed", dlg.hint.Text)
			}
			dlg.entry.SetText("")
			test.Type(dlg.entry, "Front office")
			if dlg.ok.Disabled() {
				t.Fatalf("Rename disabled: %q", dlg.hint.Text)
			}
			h.key(fyne.KeyReturn)
			h.waitCall("the rename")
			if got := sim.Clients()[0].Name; got != "Front office" {
				t.Errorf("name at the ATO %q", got)
			}
			if got, _, err := h.store.Get(context.Background(), rec.ClientID); err != nil || got.Name != "Front office" {
				t.Errorf("name on this computer %q (%v)", got.Name, err)
			}
			h.wantText("Renamed to “Front office” at the ATO and on this computer.")
			if c.rec.Name != "Front office" {
				t.Errorf("card still says %q", c.rec.Name)
			}

			// Remove: only with the name typed exactly.
			h.tapCard(c, "Remove…")
			dlg = h.w.registrations.dlg
			if !dlg.ok.Disabled() {
				t.Error("Remove enabled before the name was typed")
			}
			if dlg.hint.Visible() {
				t.Errorf("the Remove dialog warns %q before anything was typed", dlg.hint.Text)
			}
			if got, win := h.overlay().(*widget.PopUp).Content.Size().Height, h.w.win.Canvas().Size().Height; got > win*0.6 {
				t.Errorf("the Remove dialog is %v tall in a %v window: not sized to its content", got, win)
			}
			test.Type(dlg.entry, "Front")
			if !dlg.ok.Disabled() {
				t.Error("Remove enabled with part of the name")
			}
			test.Type(dlg.entry, " office")
			if dlg.ok.Disabled() {
				t.Fatalf("Remove disabled with the name typed: %q", dlg.hint.Text)
			}
			test.Tap(dlg.ok)
			h.waitCall("the removal")
			if n := len(sim.Clients()); n != 0 {
				t.Errorf("%d registrations left at the ATO", n)
			}
			if _, _, err := h.store.Get(context.Background(), rec.ClientID); !errors.Is(err, credstore.ErrNotFound) {
				t.Errorf("still on this computer: %v", err)
			}
			if h.w.registrations.byID[rec.ClientID] != nil {
				t.Error("the card is still listed")
			}
			h.wantText("“Front office” was removed at the ATO", "No registrations are saved on this computer yet.")

			// Escape goes back to where the screen was opened from.
			h.key(fyne.KeyEscape)
			h.wantStep(stepWelcome)
		})
	}
}

func TestRegistrationsATONoLongerKnowsIt(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	sim, rec := h.registerAt(atosim.Options{}, "Reception")
	// Removed at the ATO behind the wizard's back (the portal, another computer).
	v := storedValues(t, h, rec.ClientID)
	if err := (&flow.Client{}).Delete(context.Background(), v.RegistrationClientURI, v.RegistrationAccessToken, v.ConsumerKey); err != nil {
		t.Fatal(err)
	}
	h.openRegistrations()
	c := h.card(rec.ClientID)
	h.tapCard(c, "Check")
	h.waitCall("the check")
	h.wantText("The ATO no longer knows this registration.", "Nothing was changed on this computer", "Forget on this computer…")
	// Nothing is forgotten without the user choosing it.
	storedValues(t, h, rec.ClientID)

	test.Tap(findButton(t, c.result, "Forget on this computer…"))
	if !strings.Contains(textsIn(h.overlay()), "It does not change anything at the ATO.") {
		t.Errorf("forget dialog says:\n%s", textsIn(h.overlay()))
	}
	test.Tap(findButton(t, h.overlay(), "Forget"))
	h.waitCall("forgetting")
	if _, _, err := h.store.Get(context.Background(), rec.ClientID); !errors.Is(err, credstore.ErrNotFound) {
		t.Errorf("still on this computer: %v", err)
	}
	h.wantText("“Reception” was forgotten on this computer.")
	_ = sim
}

func TestRegistrationsRefusedAndRemovalNotAllowed(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	sim, rec := h.registerAt(atosim.Options{DisableDelete: true}, "Reception")
	h.openRegistrations()
	c := h.card(rec.ClientID)

	// 403 on a check.
	sim.InjectFault(atosim.Fault{Kind: atosim.FaultHTTPError, Status: 403, Endpoint: atosim.EndpointClient, Nth: 1})
	h.tapCard(c, "Check")
	h.waitCall("the refused check")
	h.wantText("The ATO refused this request for this registration. Nothing was changed.")
	if len(findButtons(c.result, "Forget on this computer…")) != 0 {
		t.Error("a refusal offers to forget the registration")
	}

	// 405 on a removal: the ATO still holds it, so this computer keeps it.
	h.tapCard(c, "Remove…")
	dlg := h.w.registrations.dlg
	test.Type(dlg.entry, "Reception")
	h.key(fyne.KeyReturn)
	h.waitCall("the refused removal")
	h.wantText("The ATO does not offer removing registrations from here, so this one still exists at the ATO.",
		"Forget on this computer only…")
	storedValues(t, h, rec.ClientID)
	if len(sim.Clients()) != 1 {
		t.Fatal("the ATO lost the registration")
	}
	if h.w.registrations.byID[rec.ClientID] == nil {
		t.Fatal("the card went")
	}

	// Forgetting locally is a separate, explicit choice.
	test.Tap(findButton(t, c.result, "Forget on this computer only…"))
	if say := textsIn(h.overlay()); !strings.Contains(say, "The registration stays at the ATO") {
		t.Errorf("forget dialog says:\n%s", say)
	}
	test.Tap(findButton(t, h.overlay(), "Forget"))
	h.waitCall("forgetting")
	if _, _, err := h.store.Get(context.Background(), rec.ClientID); !errors.Is(err, credstore.ErrNotFound) {
		t.Errorf("still on this computer: %v", err)
	}
	if len(sim.Clients()) != 1 {
		t.Error("forgetting touched the ATO")
	}
}

func TestRegistrationsCancelSlowCall(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	sim, rec := h.registerAt(atosim.Options{}, "Reception")
	h.openRegistrations()
	c := h.card(rec.ClientID)
	sim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointClient, Delay: time.Hour, Nth: 1})
	h.tapCard(c, "Check")
	p := &h.w.registrations
	if !p.running() {
		t.Fatal("not running")
	}
	for _, b := range c.buttons {
		if !b.Disabled() {
			t.Errorf("%q enabled while a call runs", b.Text)
		}
	}
	if !p.refreshBtn.Disabled() || !h.w.backBtn.Disabled() {
		t.Error("Refresh or Back enabled while a call runs")
	}
	h.key(fyne.KeyEscape)
	h.wantStep(stepRegistrations)
	h.wantText("Asking the ATO about “Reception”…", "Cancel")

	start := time.Now()
	test.Tap(p.cancelBtn)
	if p.running() {
		t.Fatal("still running after Cancel")
	}
	h.wantText("You cancelled the check. Nothing was changed.")
	for _, b := range c.buttons {
		if b.Disabled() {
			t.Errorf("%q disabled after Cancel", b.Text)
		}
	}
	// The request ends with its context: the server would hold it for an hour.
	h.loop.until(t, "the cancelled call to end", func() bool { return !p.loading && time.Since(start) > 50*time.Millisecond })
	sim.ClearFaults()
	h.tapCard(c, "Check")
	h.waitCall("the second check")
	h.wantText("The ATO holds this registration.")
	h.key(fyne.KeyEscape)
	h.wantStep(stepWelcome)
}

func TestRegistrationsExport(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	_, rec := h.registerAt(atosim.Options{}, "Reception")
	h.openRegistrations()
	c := h.card(rec.ClientID)
	h.tapCard(c, "Export…")
	if say := textsIn(h.overlay()); !strings.Contains(say, "The registration access token is a secret") {
		t.Errorf("export warning says:\n%s", say)
	}
	// What the save dialog's callback does with the chosen file (it creates
	// the file first).
	path := filepath.Join(h.dir, valuesFileName(rec.Name))
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	h.w.win.Canvas().Overlays().Remove(h.overlay())
	h.w.exportRegistration(c, path)
	h.waitCall("the export")
	h.wantText("Saved to "+path+".", "It holds the registration access token")
	checkValuesFile(t, path, storedValues(t, h, rec.ClientID))

	// A folder that does not exist: plain words, no secret.
	bad := filepath.Join(h.dir, "missing", "x.json")
	h.w.exportRegistration(c, bad)
	h.waitCall("the failed export")
	h.wantText("The file x.json could not be written. Choose another folder")
	if strings.Contains(h.texts(), storedValues(t, h, rec.ClientID).RegistrationAccessToken) {
		t.Error("the token is on screen")
	}
}

func TestRegistrationsPracticeCanOnlyBeForgotten(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	const id = "0f8fad5b-d9cb-469f-a165-70867728950e"
	rec := credstore.Record{Name: "Practice PC", Environment: practiceName, ClientID: id,
		RegistrationClientURI: "http://127.0.0.1:9/idp/v1/relyingparties/" + id, IssuedAt: testNow}
	if err := h.store.Save(context.Background(), rec, credstore.Values{RegistrationAccessToken: "practice-token"}); err != nil {
		t.Fatal(err)
	}
	h.openRegistrations()
	c := h.card(id)
	h.wantText("Practice (the simulator built into DCR Wizard)", "It can only be forgotten on this computer.")
	if len(c.buttons) != 1 || c.buttons[0].Text != "Forget…" {
		t.Fatalf("practice card offers %d buttons, want only Forget…", len(c.buttons))
	}
	h.tapCard(c, "Forget…")
	if say := textsIn(h.overlay()); !strings.Contains(say, "the Practice simulator kept nothing") {
		t.Errorf("forget dialog says:\n%s", say)
	}
	test.Tap(findButton(t, h.overlay(), "Forget"))
	h.waitCall("forgetting")
	if _, _, err := h.store.Get(context.Background(), id); !errors.Is(err, credstore.ErrNotFound) {
		t.Errorf("still on this computer: %v", err)
	}
}

// refusingSetKeyring is an in-memory keychain that starts refusing writes
// on demand: a keychain that locks between two calls cannot be caused on
// purpose with a real one.
type refusingSetKeyring struct {
	credstoretest.Keyring
	refuse atomic.Bool
}

func (k *refusingSetKeyring) Set(service, user, password string) error {
	if k.refuse.Load() {
		return errKeyringDown
	}
	return k.Keyring.Set(service, user, password)
}

func TestRegistrationsRotatedTokenNotStored(t *testing.T) {
	kr := &refusingSetKeyring{}
	h := newHarness(t, harnessOpts{keyring: kr})
	h.store.Timeout = 2 * time.Second
	sim, rec := h.registerAt(atosim.Options{RotateTokens: true}, "Reception")
	old := storedValues(t, h, rec.ClientID).RegistrationAccessToken
	kr.refuse.Store(true)

	h.openRegistrations()
	c := h.card(rec.ClientID)
	h.tapCard(c, "Check")
	h.waitCall("the check")
	h.wantText("The ATO issued a new registration access token, but it could not be saved", rec.ClientID,
		"The token is a secret")
	if !h.w.registrations.unkeptTokens() {
		t.Error("the new token is not counted as unkept")
	}
	h.w.closeRequested()
	if say := textsIn(h.overlay()); !strings.Contains(say, "Close without keeping the new token?") {
		t.Errorf("closing says:\n%s", say)
	}
	h.w.win.Canvas().Overlays().Remove(h.overlay())

	copies := findButtons(c.result, "Copy")
	if len(copies) != 3 {
		t.Fatalf("%d Copy buttons, want 3", len(copies))
	}
	test.Tap(copies[1])
	tok := h.app.Clipboard().Content()
	if tok == "" || tok == old || strings.Contains(h.texts(), tok) {
		t.Fatal("the Copy button did not copy the new token, or it is shown in full")
	}
	// It is the one the ATO now accepts.
	if _, err := (&flow.Client{}).Read(context.Background(), rec.RegistrationClientURI, tok, testKey(t, sim.APIKey())); err != nil {
		t.Errorf("the copied token does not work: %v", err)
	}
	if h.w.registrations.unkeptTokens() {
		t.Error("still counted as unkept after Copy")
	}
	_ = sim
}

// TestRegistrationsDamagedList: a damaged index.json is kept aside and the
// list rebuilt from the keychain (here one in memory, so that no other
// test's registrations join in): the registration is still shown, under a
// warning that says what happened.
func TestRegistrationsDamagedList(t *testing.T) {
	h := newHarness(t, harnessOpts{keyring: &credstoretest.Keyring{}})
	dir := h.store.Dir()
	ctx := context.Background()
	rec := credstore.Record{Name: "Front desk", Environment: "sandbox", ClientID: "0f8fad5b-d9cb-469f-a165-70867728950e",
		RegistrationClientURI: "https://sandbox.example/idp/v1/relyingparties/0f8fad5b-d9cb-469f-a165-70867728950e"}
	if err := h.store.Save(ctx, rec, credstore.Values{RegistrationAccessToken: "token"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.openRegistrations()
	h.wantText("The list of saved registrations was damaged.", "index.json.corrupt-", "rebuilt",
		"Front desk", rec.ClientID)
	if strings.Contains(h.texts(), "No registrations are saved on this computer yet.") {
		t.Error("the registration vanished from the list")
	}
	if l := h.w.registrations.listErr; !l.Visible() || l.Importance != widget.WarningImportance {
		t.Error("the damage is not shown as a warning")
	}
}

func TestRenderRegistrations(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	for _, r := range []credstore.Record{
		{
			Name:                  "Front desk PC",
			Environment:           "sandbox",
			ClientID:              "0f8fad5b-d9cb-469f-a165-70867728950e",
			RegistrationClientURI: "https://sandbox.example/idp/v1/relyingparties/0f8fad5b-d9cb-469f-a165-70867728950e",
			IssuedAt:              testNow.AddDate(0, -8, 0),
			Receipt:               "6300000001234",
			CredentialID:          "ABRD:80000000001_TestMachine",
			CredentialABN:         "80000000001",
			CredentialNotAfter:    testNow.AddDate(0, 4, 0), // needs attention
		},
		{
			Name:                  "Practice PC",
			Environment:           practiceName,
			ClientID:              "7c9e6679-7425-40de-944b-e07fc1f90ae7",
			RegistrationClientURI: "http://127.0.0.1:9/idp/v1/relyingparties/7c9e6679-7425-40de-944b-e07fc1f90ae7",
			IssuedAt:              testNow.AddDate(0, 0, -1),
			CredentialID:          "ABRD:80000000001_Demo",
			CredentialNotAfter:    testNow.AddDate(2, 0, 0),
		},
	} {
		if err := h.store.Save(ctx, r, credstore.Values{RegistrationAccessToken: "token-" + r.ClientID}); err != nil {
			t.Fatal(err)
		}
	}
	h.openRegistrations()
	assertRenders(t, h, "8-registrations")
	h.wantText("Renew within 122 days: the credential this registration was made with expires on 2 July 2026, within 6 months.")
}

func TestPendingNoteAcceptedButTokenLost(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	const id = "0f8fad5b-d9cb-469f-a165-70867728950e"
	p := credstore.Pending{Name: "Reception", Environment: "sandbox", Started: testNow}
	pid, err := h.store.BeginPending(p)
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.ClientID, p.Receipt, p.Accepted = pid, id, "6300000001234", testNow.Add(2*time.Second)
	p.RegistrationClientURI = "https://sandbox.example/idp/v1/relyingparties/" + id
	if err := h.store.MarkAccepted(p); err != nil {
		t.Fatal(err)
	}
	w := New(h.app, Config{Store: h.store, Now: h.w.cfg.Now, post: h.loop.post, DefaultName: "x"})
	defer w.shutdown()
	h.loop.until(t, "the note", func() bool { return w.win.Canvas().Overlays().Top() != nil })
	top := w.win.Canvas().Overlays().Top()
	say := textsIn(top)
	for _, want := range []string{
		"Reception", "Sandbox (the ATO's test environment)",
		id, "ATO receipt number", "6300000001234",
		"The ATO accepted this registration, but DCR Wizard was interrupted before it saved it",
		"Your software can still use the client ID",
		"[Check with the ATO]",
		"An unfinished registration",
	} {
		if !strings.Contains(say, want) {
			t.Errorf("note lacks %q:\n%s", want, say)
		}
	}
	test.Tap(findButton(t, top, "Copy"))
	if got := h.app.Clipboard().Content(); got != id {
		t.Errorf("copied %q, want the client id", got)
	}
	// Check: this computer never kept the token, and says so plainly.
	test.Tap(findButton(t, top, "Check with the ATO"))
	h.loop.until(t, "the check", func() bool {
		return strings.Contains(textsIn(top), "cannot be checked from here")
	})
	if s := textsIn(top); !strings.Contains(s, "register this installation again") {
		t.Errorf("after Check the note says:\n%s", s)
	}
	test.Tap(findButton(t, top, "I've dealt with it"))
	h.loop.until(t, "the note to be cleared", func() bool {
		list, err := h.store.Pending()
		return err == nil && len(list) == 0
	})
}

func TestAboutBox(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	test.Tap(h.w.welcome.about)
	say := textsIn(h.overlay())
	for _, want := range []string{"DCR Wizard", "Version test", "Licence: MIT", "Australian Taxation Office"} {
		if !strings.Contains(say, want) {
			t.Errorf("About says:\n%s\nwant %q", say, want)
		}
	}
	h.w.cfg.Version = ""
	h.w.welcome.showAbout()
	if say := textsIn(h.overlay()); !strings.Contains(say, "Version development build") {
		t.Errorf("About without a version says:\n%s", say)
	}
}

func TestLifecycleOutcome(t *testing.T) {
	ns := &credstore.NotStoredError{Values: credstore.Values{ClientID: "c", RegistrationAccessToken: "secret-tok"}}
	tests := []struct {
		name string
		act  lifeAction
		err  error
		kind outcomeKind
		want string
	}{
		{"401", actCheck, &flow.Error{Step: flow.StepRead, Status: 401, Kind: flow.KindRefused}, outcomeGone, "no longer knows"},
		{"404", actRename, &flow.Error{Step: flow.StepRead, Status: 404, Kind: flow.KindRefused}, outcomeGone, "no longer knows"},
		{"403", actCheck, &flow.Error{Step: flow.StepRead, Status: 403, Kind: flow.KindRefused, Receipt: "63"}, outcomeRefused, "refused"},
		{"405", actRemove, fmt.Errorf("%w: %w", registrar.ErrRemovalNotAllowed,
			&flow.Error{Step: flow.StepDelete, Status: 405, Kind: flow.KindRefused}), outcomeNotAllowed, "does not allow removing"},
		{"rotated, not stored", actCheck, ns, outcomeNotStored, "could not be saved"},
		{"token gone from keychain", actCheck, &credstore.NotFoundError{ClientID: "c", Item: "registration access token"},
			outcomeMissingLocal, "no longer holds"},
		{"not listed", actCheck, &credstore.NotFoundError{ClientID: "c"}, outcomeFailed, "not saved on this computer"},
		{"cancelled", actRemove, &flow.Error{Step: flow.StepDelete, Kind: flow.KindCancelled, Err: context.Canceled},
			outcomeCancelled, "may have been made there"},
		{"network", actCheck, &flow.Error{Step: flow.StepRead, Kind: flow.KindNetwork, Host: "x"}, outcomeFailed, ""},
		{"plain", actExport, errors.New("disk full"), outcomeFailed, "Disk full."}, // a bare error shown as a sentence
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := lifecycleOutcome(tc.act, tc.err)
			if o.kind != tc.kind || !strings.Contains(o.message, tc.want) {
				t.Errorf("got kind %d %q, want %d %q", o.kind, o.message, tc.kind, tc.want)
			}
			if o.message == "" || strings.Contains(o.message+o.action, "secret-tok") {
				t.Errorf("message %q / %q", o.message, o.action)
			}
		})
	}
	if o := lifecycleOutcome(actCheck, &flow.Error{Status: 403, Kind: flow.KindRefused, Receipt: "6300000009"}); o.receipt != "6300000009" {
		t.Errorf("receipt %q", o.receipt)
	}
}

func TestRegistrationWords(t *testing.T) {
	t.Run("rename", func(t *testing.T) {
		for _, tc := range []struct{ typed, want string }{
			{"Front office", ""},
			{"  Front   office ", ""},
			{"Reception", "already"},
			{"", "name"},
			{strings.Repeat("x", 65), "65 characters"},
		} {
			if got := renameProblem("Reception", tc.typed); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("renameProblem(%q) = %q, want %q", tc.typed, got, tc.want)
			}
		}
	})
	t.Run("remove confirmation", func(t *testing.T) {
		for _, tc := range []struct {
			name, typed string
			want        bool
		}{
			{"Reception", "Reception", true},
			{"Reception", " Reception ", true},
			{"Reception", "reception", false},
			{"Reception", "Recep", false},
			{"", "", false},
		} {
			if got := removeConfirmed(tc.name, tc.typed); got != tc.want {
				t.Errorf("removeConfirmed(%q, %q) = %v", tc.name, tc.typed, got)
			}
		}
	})
	t.Run("credential status", func(t *testing.T) {
		for _, tc := range []struct {
			notAfter    time.Time
			short, line string
			importance  widget.Importance
			attention   bool
		}{
			{time.Time{}, "Unknown", "", 0, false},
			{testNow.AddDate(2, 0, 0), "Fine", "", 0, false},
			{testNow.AddDate(0, 6, 1), "Fine", "", 0, false},
			{testNow.AddDate(0, 0, 183), "Renew within 183 days", "expires on 1 September 2026, within 6 months", widget.MediumImportance, true},
			{testNow.AddDate(0, 0, 61), "Renew within 61 days", "within 6 months", widget.MediumImportance, true},
			{testNow.AddDate(0, 0, 60), "Renew within 60 days", "Renew it in RAM now", widget.WarningImportance, true},
			{testNow.AddDate(0, 0, -1), "Expired", "expired on 1 March 2026", widget.DangerImportance, true},
		} {
			rec := credstore.Record{ClientID: "c1", CredentialNotAfter: tc.notAfter}
			st := registrar.StateOf(rec, testNow)
			if got := statusShort(st); !strings.HasPrefix(got, tc.short) {
				t.Errorf("statusShort(%v) = %q, want %q", tc.notAfter, got, tc.short)
			}
			lines := statusLines(rec, st, "", "")
			if (tc.line == "") != (len(lines) == 0) || (len(lines) > 0 && (!strings.Contains(lines[0].Text, tc.line) || lines[0].Importance != tc.importance)) {
				t.Errorf("statusLines(%v) = %v, want %q at importance %d", tc.notAfter, lines, tc.line, tc.importance)
			}
			if got := needsAttention(rec, st); got != tc.attention {
				t.Errorf("needsAttention(%v) = %v", tc.notAfter, got)
			}
		}
		rec := credstore.Record{ClientID: "c1", CredentialNotAfter: testNow.AddDate(2, 0, 0), ReplacedBy: "c2"}
		if !needsAttention(rec, registrar.StateOf(rec, testNow)) || !strings.Contains(statusLines(rec, registrar.StateOf(rec, testNow), "", "")[0].Text, "Replaced by c2") {
			t.Error("a replaced registration is not marked")
		}
	})
	t.Run("ATO rows", func(t *testing.T) {
		rows := atoRows(map[string]any{
			"ato_api_key":         "KEY-never-shown",
			"client_secret":       "never-shown",
			"software_api_token":  "never-shown",
			"client_name":         "Reception",
			"client_id":           "c1",
			"grant_types":         []any{"client_credentials"},
			"x509_certificate":    strings.Repeat("A", 900),
			"client_id_issued_at": "2026-03-02T09:30:00.000Z",
			"zeta":                nil,
			"alpha":               1.5,
		})
		var got []string
		for _, r := range rows {
			got = append(got, r[0]+"="+r[1])
		}
		want := []string{"Name at the ATO=Reception", "Client ID=c1", "Registered at=2 March 2026, 9:30 am",
			"Grant types=client_credentials", "Certificate=" + strings.Repeat("A", 60) + "… (900 characters)",
			"alpha=1.5", "zeta=(none)"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("environment", func(t *testing.T) {
		for _, tc := range []struct {
			rec  credstore.Record
			want string
		}{
			{credstore.Record{Environment: "sandbox"}, flow.Sandbox.Label},
			{credstore.Record{Environment: "production"}, flow.Production.Label},
			{credstore.Record{Environment: practiceName}, "Practice"},
			{credstore.Record{Environment: "custom", RegistrationClientURI: "https://idp.example:8443/x/y"}, "Custom addresses (idp.example:8443)"},
			{credstore.Record{Environment: "custom"}, "Custom addresses"},
			{credstore.Record{Environment: "other"}, "other"},
		} {
			if got := environmentWords(tc.rec); !strings.Contains(got, tc.want) {
				t.Errorf("environmentWords(%q) = %q, want %q", tc.rec.Environment, got, tc.want)
			}
		}
	})
	t.Run("keychain places", func(t *testing.T) {
		rec := credstore.Record{Name: "Front desk PC", Environment: "sandbox", ClientID: "c1"}
		got := keychainPlaces(rec, "/cfg/dcrwizard")
		want := [][2]string{
			{"Registration access token", "sandbox/client/c1/registration_access_token"},
			{"Registration client URI", "sandbox/client/c1/registration_client_uri"},
			{"Client ID, by name", "sandbox/name/Front desk PC/client_id"},
			{"List of registrations", filepath.Join("/cfg/dcrwizard", "index.json")},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("got %v\nwant %v", got, want)
		}
		if n := len(keychainPlaces(credstore.Record{Environment: "sandbox", ClientID: "c1"}, "")); n != 2 {
			t.Errorf("without a name or folder: %d rows, want 2", n)
		}
	})
}

// Cancel after a rename's update reached the ATO (which rotates the token
// and answers late): the answer is still taken and its token kept, and
// closing the window before it comes asks first.
func TestRegistrationsCancelKeepsRotatedToken(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	sim, rec := h.registerAt(atosim.Options{RotateTokens: true}, "Reception")
	h.openRegistrations()
	c := h.card(rec.ClientID)
	sim.InjectFault(atosim.Fault{Kind: atosim.FaultLateAnswer, Endpoint: atosim.EndpointClient, Delay: 2 * time.Second, Nth: 2})
	h.w.renameRegistration(c, "Front office")
	p := &h.w.registrations
	h.loop.until(t, "the ATO to make the update", func() bool {
		cs := sim.Clients()
		return len(cs) == 1 && cs[0].Name == "Front office"
	})
	test.Tap(p.cancelBtn)
	if p.held.Load() == 0 {
		t.Fatal("the cancelled call is not counted as still running")
	}
	h.w.closeRequested()
	if say := textsIn(h.overlay()); !strings.Contains(say, "Close before the ATO has answered?") {
		t.Errorf("closing says:\n%s", say)
	}
	h.w.win.Canvas().Overlays().Remove(h.overlay())
	h.loop.until(t, "the late answer to be kept", func() bool { return p.held.Load() == 0 })
	r := &registrar.Registrar{Flow: &flow.Client{}, Store: h.store}
	if _, err := r.Check(context.Background(), rec.ClientID); err != nil {
		t.Fatalf("after Cancel the stored token no longer works: %v", err)
	}
	if got, _, err := h.store.Get(context.Background(), rec.ClientID); err != nil || got.Name != "Front office" {
		t.Errorf("this computer's record: %q, %v; want the name the ATO now has", got.Name, err)
	}
}
