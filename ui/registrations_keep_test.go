package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
	"dcrwizard/credstore/credstoretest"
	"dcrwizard/flow"
	"dcrwizard/registrar"
)

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
	h := newHarness(t, harnessOpts{keyring: kr, config: func(c *Config) { c.Store.Timeout = 2 * time.Second }})
	sim, rec := h.registerAt(atosim.Options{RotateTokens: true}, "Reception")
	old := storedValues(t, h, rec.ClientID).RegistrationAccessToken
	kr.refuse.Store(true)

	h.openRegistrations()
	c := h.card(rec.ClientID)
	h.checkWorks(c, "the check")
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
	test.Tap(findButton(t, h.card(rec.ClientID).box, "Client ID and credential"))
	h.wantText("The list of saved registrations was damaged.", "index.json.corrupt-", "rebuilt",
		"Front desk", rec.ClientID)
	if strings.Contains(h.texts(), "No registrations are saved on this computer yet.") {
		t.Error("the registration vanished from the list")
	}
	if l := h.w.registrations.listErr; !l.Visible() || l.Importance != widget.WarningImportance {
		t.Error("the damage is not shown as a warning")
	}
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

// Cancel after a rename's update reached the ATO (which rotates the token
// and answers late): the answer is still taken and its token kept, and
// closing the window before it comes asks first.
func TestRegistrationsCancelKeepsRotatedToken(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	sim, rec := h.registerAt(atosim.Options{RotateTokens: true}, "Reception")
	h.openRegistrations()
	c := h.card(rec.ClientID)
	sim.InjectFault(atosim.Fault{Kind: atosim.FaultLateAnswer, Endpoint: atosim.EndpointClient, Delay: 2 * time.Second, Nth: 2})
	c.rename("Front office")
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
