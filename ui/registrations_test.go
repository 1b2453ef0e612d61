package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/registrar"
)

// registerAt makes a simulator of its own (options vary per test) on real
// loopback HTTP, holding one registration made through registrar into the
// harness's store: the record's registration client URI points at it. The
// keystore it was made with is the last-used one, as after a real run, so
// that Check it works starts with it.
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
	h.app.Preferences().SetString(prefKeystorePath, h.writeKeystore("life-"+res.Record.ClientID+".xml", cred))
	return sim, res.Record
}

// checkWorks presses Check it works on c, gives the keystore's password and
// waits for the answer.
func (h *harness) checkWorks(c *regCard, what string) {
	h.t.Helper()
	h.tapCard(c, "Check it works…")
	h.credDialogGo("", what)
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
			h.wantText("Reception", "Custom addresses (127.0.0.1:", "2 March 2026, 9:30 am", "Credential status")
			// What support asks for is behind the card's Client ID and credential.
			if strings.Contains(h.texts(), rec.ClientID) {
				t.Error("the client ID is shown before Client ID and credential is opened")
			}
			test.Tap(findButton(t, c.box, "Client ID and credential"))
			h.wantText(rec.ClientID, "Custom addresses (127.0.0.1:", "ABRD:80000000001_Life (ABN 80 000 000 001)",
				"2 March 2028", "2 March 2026, 9:30 am", rec.Receipt)

			// Check it works: one sentence; what the ATO holds, without the
			// consumer key, behind Technical details.
			h.checkWorks(c, "the check")
			h.wantText("Your software can sign in to the ATO — checked just now.")
			test.Tap(findButton(t, c.result, "Technical details"))
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

			renameThenRemove(t, h, sim, rec, c)

			// Escape goes back to where the screen was opened from.
			h.key(fyne.KeyEscape)
			h.wantStep(stepWelcome)
		})
	}
}

// renameThenRemove renames c's registration, then removes it, through the
// dialogs and the keyboard.
func renameThenRemove(t *testing.T, h *harness, sim *atosim.Simulator, rec credstore.Record, c *regCard) {
	t.Helper()
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
	removeTyped(t, h, sim, rec)
}

// removeTyped removes the registration named “Front office”, typed to confirm.
func removeTyped(t *testing.T, h *harness, sim *atosim.Simulator, rec credstore.Record) {
	t.Helper()
	c := h.card(rec.ClientID)
	// Remove: only with the name typed exactly.
	h.tapCard(c, "Remove…")
	dlg := h.w.registrations.dlg
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
	h.checkWorks(c, "the check")
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
	h.checkWorks(c, "the refused check")
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
	h.tapCard(c, "Check it works…")
	cd := h.w.registrations.cred
	test.Type(cd.password, testPassword)
	test.Tap(cd.ok)
	h.loop.drain()
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
	h.wantText("Checking “Reception” with the ATO…", "Cancel")

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
	h.checkWorks(c, "the second check")
	h.wantText("Your software can sign in to the ATO — checked just now.")
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
	c.export(path)
	h.waitCall("the export")
	h.wantText("Saved to "+path+".", "It holds the registration access token")
	checkValuesFile(t, path, storedValues(t, h, rec.ClientID))

	// A folder that does not exist: plain words, no secret.
	bad := filepath.Join(h.dir, "missing", "x.json")
	c.export(bad)
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
