package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// renewFixture is a registration made with registrar at a simulator of its
// own, the keystore it was made with, and a renewed keystore (same
// credential id, a new key and certificate) as RAM would leave it.
type renewFixture struct {
	sim              *atosim.Simulator
	rec              credstore.Record
	oldPath, newPath string
	oldCred, newCred *m2m.Credential
}

func (h *harness) renewFixture(opts atosim.Options, name string) renewFixture {
	h.t.Helper()
	t := h.t
	t.Setenv("APPDATA", "") // no RAM folder on the test machine
	// Registered 22 months ago, when the credential had long to run.
	var at atomic.Int64
	at.Store(testNow.AddDate(0, -22, 0).UnixNano())
	clock := func() time.Time { return time.Unix(0, at.Load()).UTC() }
	opts.Now = clock
	sim, err := atosim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := atosim.Start(sim, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	const id = "ABRD:80000000001_Renew"
	oldCred, err := sim.IssueCredential(id, "80000000001", "Renew Machine", testNow.AddDate(-2, 0, 0), testNow.AddDate(0, 0, 30))
	if err != nil {
		t.Fatal(err)
	}
	newCred, err := sim.IssueCredential(id, "80000000001", "Renew Machine", testNow.AddDate(0, 0, -1), testNow.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	ep := srv.Endpoints()
	r := &registrar.Registrar{Flow: &flow.Client{Now: clock}, Store: h.store, Now: clock}
	res, err := r.Register(context.Background(), registrar.Input{
		Env:        flow.Custom(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope),
		Credential: oldCred, ConsumerKey: testKey(t, sim.APIKey()), InstanceName: name,
	}, nil)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	at.Store(testNow.UnixNano())
	f := renewFixture{sim: sim, rec: res.Record, oldCred: oldCred, newCred: newCred}
	f.oldPath = h.writeKeystore("keystore.xml", oldCred)
	f.newPath = h.writeKeystore("keystore-new.xml", newCred)
	return f
}

// credDialogGo types the password into the open keystore dialog and
// presses Enter, then waits for the call.
func (h *harness) credDialogGo(path, what string) {
	h.t.Helper()
	h.credDialogGoWith(path, testPassword, what)
}

// credDialogGoWith is credDialogGo with another password (Practice's demo one).
func (h *harness) credDialogGoWith(path, password, what string) {
	h.t.Helper()
	cd := h.w.registrations.cred
	if cd == nil || h.w.win.Canvas().Overlays().Top() == nil {
		h.t.Fatal("no keystore dialog is open")
	}
	if path != "" {
		cd.path = path
		cd.pathText.SetText(path)
	}
	test.Type(cd.password, password)
	h.w.win.Canvas().Focus(cd.password)
	h.key(fyne.KeyReturn)
	if h.w.win.Canvas().Overlays().Top() != nil {
		h.t.Fatal("Enter did not close the keystore dialog")
	}
	h.waitCall(what)
}

func TestRegistrationsRenewInPlace(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	f := h.renewFixture(atosim.Options{}, "Reception")
	// The credential expires in 30 days: prominent, on the card and Welcome.
	h.openRegistrations()
	h.card(f.rec.ClientID)
	h.wantText("Renew within 30 days", "Renew it in RAM now")
	test.Tap(h.w.backBtn)
	h.loop.drain()
	h.wantStep(stepWelcome)
	h.wantText("One registration on this computer needs attention:\n• “Reception”: renew within 30 days (its credential expires on 1 April 2026).")

	// Once the last-used keystore holds the renewed certificate, the card
	// says so.
	h.app.Preferences().SetString(prefKeystorePath, f.newPath)
	test.Tap(h.w.registrations.note.btn)
	h.wantStep(stepRegistrations)
	h.loop.until(t, "the list", func() bool { return !h.w.registrations.loading })
	c := h.card(f.rec.ClientID)
	h.wantText("A renewed credential is available", "keystore-new.xml")

	checkDialogKeys(t, h, c, f)

	// A credential expiring within 6 months is refused before anything is
	// sent.
	h.tapCard(c, "Update with renewed credential…")
	h.credDialogGo(f.oldPath, "the refused update")
	h.wantText("within 6 months")
	if rec, _, _ := h.store.Get(context.Background(), f.rec.ClientID); rec.CertificateSHA256 != f.rec.CertificateSHA256 {
		t.Error("updated with a credential expiring within 6 months")
	}

	// Update in place: same client id, the new certificate at the ATO and
	// here, proven by a sign-in with the new key.
	h.tapCard(c, "Update with renewed credential…")
	if got := h.w.registrations.cred.path; got != f.newPath {
		t.Errorf("Update starts with %q, want %q", got, f.newPath)
	}
	h.credDialogGo("", "the update")
	h.wantText("Updated at the ATO with the renewed credential (valid until 2 March 2028)",
		"The client ID is unchanged", "Your software can sign in to the ATO with this registration.",
		// RAM does not revoke the old credential (ato-facts.md §11).
		"The old machine credential is still valid: RAM does not revoke it when it is renewed",
		"Once your software works with the new one, revoke the old credential in RAM")
	rec, _, err := h.store.Get(context.Background(), f.rec.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.CertificateSHA256 == f.rec.CertificateSHA256 || !rec.CredentialNotAfter.Equal(testNow.AddDate(2, 0, 0)) {
		t.Errorf("the record still names the old certificate: %+v", rec)
	}
	if got := statusShort(h.card(f.rec.ClientID).state); got != "Fine" {
		t.Errorf("status after the update %q", got)
	}
	test.Tap(h.w.backBtn)
	h.loop.drain()
	if strings.Contains(h.texts(), "needs attention") {
		t.Error("Welcome still says a registration needs attention after the update")
	}
	h.openRegistrations()
	c = h.card(f.rec.ClientID)

	// The old keystore no longer signs in; the failure says the
	// registration exists, and it stays listed.
	h.tapCard(c, "Check it works…")
	h.credDialogGo(f.oldPath, "the test with the old keystore")
	h.wantText("The test sign-in did not work", "The registration itself still exists")
	h.card(f.rec.ClientID)
	if recs, _ := h.store.List(context.Background()); len(recs) != 1 {
		t.Errorf("%d registrations stored after a failed test", len(recs))
	}
}

// checkDialogKeys: Check it works starts with the last-used keystore, its
// dialog takes the keyboard, and the old credential still signs in.
func checkDialogKeys(t *testing.T, h *harness, c *regCard, f renewFixture) {
	t.Helper()
	// The old credential still signs in: the ATO holds its certificate.
	h.tapCard(c, "Check it works…")
	if got := h.w.registrations.cred.path; got != f.newPath {
		t.Errorf("Check it works starts with %q, want the last-used file %q", got, f.newPath)
	}
	// Keyboard: the password has the focus, Escape cancels, OK waits for it.
	cd := h.w.registrations.cred
	if h.w.win.Canvas().Focused() != cd.password {
		t.Error("the keystore dialog opens without the focus in the password")
	}
	if !cd.ok.Disabled() {
		t.Error("Check is enabled without a password")
	}
	h.key(fyne.KeyEscape)
	if h.w.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape did not close the keystore dialog")
	}
	h.tapCard(c, "Check it works…")
	h.credDialogGo(f.oldPath, "the test")
	h.wantText("Your software can sign in to the ATO — checked just now.")
}

func TestRegistrationsRenewRefusedRegisterAgain(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	f := h.renewFixture(atosim.Options{RefuseUpdates: true}, "Reception")
	h.openRegistrations()
	c := h.card(f.rec.ClientID)
	h.tapCard(c, "Update with renewed credential…")
	h.credDialogGo(f.newPath, "the update")
	h.wantText("The ATO did not update the registration with the renewed credential")

	test.Tap(findButton(t, c.result, "Register again with the renewed credential"))
	h.loop.drain()
	h.waitCall("registering again")
	recs, err := h.store.List(context.Background())
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d registrations stored (%v), want the old and the new", len(recs), err)
	}
	var newID string
	for _, r := range recs {
		if r.ClientID != f.rec.ClientID {
			newID = r.ClientID
		} else if r.ReplacedBy == "" {
			t.Error("the old registration is not marked replaced")
		}
	}
	h.wantText("Registered again with the renewed credential. The new client ID is "+newID,
		"Replaced by "+newID, "The test sign-in with it worked.",
		"The old machine credential is still valid: RAM does not revoke it when it is renewed")
	if len(f.sim.Clients()) != 2 {
		t.Errorf("the ATO holds %d registrations, want 2 until the old one is removed", len(f.sim.Clients()))
	}
	test.Tap(h.w.backBtn)
	h.loop.drain()
	h.wantText("“Reception”: replaced by " + newID) // the old one, until removed

	// Remove the old one: only then is it gone, at the ATO and here.
	h.openRegistrations()
	c = h.card(f.rec.ClientID)
	test.Tap(findButton(t, c.result, "Remove the old registration at the ATO…"))
	dlg := h.w.registrations.dlg
	test.Type(dlg.entry, "Reception")
	h.key(fyne.KeyReturn)
	h.waitCall("the removal")
	if got := f.sim.Clients(); len(got) != 1 || got[0].ClientID != newID {
		t.Errorf("the ATO holds %v, want only the new one", got)
	}
	h.card(newID)
	if h.w.registrations.byID[f.rec.ClientID] != nil {
		t.Error("the removed registration is still listed")
	}
}

func TestRegistrationsNoConsumerKeyAskedOnce(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	sim, rec := h.registerAt(atosim.Options{}, "Reception")
	// As a registration saved before the key was kept.
	ctx := context.Background()
	rec, vals, err := h.store.Get(ctx, rec.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.Delete(ctx, rec.ClientID); err != nil {
		t.Fatal(err)
	}
	vals.ConsumerKey = consumerkey.Key{}
	if err := h.store.Save(ctx, rec, vals); err != nil {
		t.Fatal(err)
	}

	h.openRegistrations()
	c := h.card(rec.ClientID)
	h.checkWorks(c, "the keystore dialog")
	h.loop.until(t, "the consumer key dialog", func() bool { return h.w.win.Canvas().Overlays().Top() != nil })
	dlg := h.w.registrations.dlg
	if !dlg.entry.Password {
		t.Error("the consumer key is typed in plain view")
	}
	test.Type(dlg.entry, "short")
	if !dlg.ok.Disabled() || !strings.Contains(dlg.hint.Text, "only 5 characters") {
		t.Errorf("a short key is accepted (hint %q)", dlg.hint.Text)
	}
	dlg.entry.SetText("")
	test.Type(dlg.entry, sim.APIKey())
	h.key(fyne.KeyReturn)
	h.waitCall("the check")
	h.wantText("Your software can sign in to the ATO — checked just now.")
	if got := storedValues(t, h, rec.ClientID).ConsumerKey.Header(); got != sim.APIKey() {
		t.Error("the consumer key was not kept")
	}
	if strings.Contains(h.texts(), sim.APIKey()) {
		t.Error("the consumer key is on screen")
	}
	// Kept: Rename asks no more.
	h.tapCard(c, "Rename…")
	dlg = h.w.registrations.dlg
	dlg.entry.SetText("")
	test.Type(dlg.entry, "Front office")
	h.key(fyne.KeyReturn)
	h.waitCall("the rename")
	h.wantText("Renamed to “Front office”")
}

func TestRegistrationsRehearseRenewal(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	t.Setenv("APPDATA", "")
	h.practiceToDone()
	id := h.w.done.res.Record.ClientID
	test.Tap(findButton(t, h.w.views[stepDone], "View registrations"))
	h.loop.until(t, "the list", func() bool { return !h.w.registrations.loading })
	c := h.card(id)
	// Check it works offers the demo keystore and names the practice
	// simulator.
	h.tapCard(c, "Check it works…")
	cd := h.w.registrations.cred
	if cd.path != h.w.practice.p.Demo.KeystorePath {
		t.Errorf("Check it works starts with %q, want the demo keystore", cd.path)
	}
	h.credDialogGoWith("", atosim.DemoPassword, "the practice check")
	h.wantText("Your software can sign in to the practice simulator — checked just now.")
	if s := textsIn(c.result); strings.Contains(s, "ATO") {
		t.Errorf("a practice test mentions the ATO:\n%s", s)
	}

	h.tapCard(c, "Rehearse a renewal")
	h.waitCall("the rehearsal")
	h.wantText("The practice simulator renewed the demo credential", "keystore-new.xml", atosim.DemoPassword)

	h.tapCard(c, "Update with renewed credential…")
	cd = h.w.registrations.cred
	if !strings.HasSuffix(cd.path, "keystore-new.xml") {
		t.Fatalf("Update starts with %q, want the rehearsal's file", cd.path)
	}
	test.Type(cd.password, atosim.DemoPassword)
	h.w.win.Canvas().Focus(cd.password)
	h.key(fyne.KeyReturn)
	h.waitCall("the rehearsed update")
	h.wantText("Updated at the practice simulator with the renewed credential",
		"Your software can sign in to the practice simulator with this registration.")
	if s := textsIn(c.result); strings.Contains(s, "ATO") {
		t.Errorf("a practice renewal mentions the ATO:\n%s", s)
	}
	if ks, err := m2m.OpenPublic(cd.path); err != nil || ks.Credentials[0].Certificate == nil {
		t.Fatalf("the rehearsal's keystore: %v", err)
	}
}

// A note left by an update with a renewed credential says what it was and
// how to find out which certificate the ATO holds.
func TestPendingRenewNote(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	p := credstore.Pending{Name: "Reception", Environment: "production", Started: testNow, Action: credstore.PendingRenew,
		ClientID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", CredentialID: "ABRD:80000000001_Renew"}
	id, err := h.store.BeginPending(p)
	if err != nil {
		t.Fatal(err)
	}
	p.ID = id
	pendingNotes{h.w}.show([]credstore.Pending{p})
	top := h.overlay()
	say := textsIn(top)
	for _, want := range []string{"was updating the registration Reception (client ID " + p.ClientID + ") with a renewed credential",
		"The registration itself still exists", "press Check it works", "ABRD:80000000001_Renew", "[Open Registrations]"} {
		if !strings.Contains(say, want) {
			t.Errorf("the note lacks %q:\n%s", want, say)
		}
	}
	if strings.Contains(say, "Before registering again") || strings.Contains(say, "Check with the ATO") {
		t.Errorf("a renewal's note reads as a registration's:\n%s", say)
	}
	test.Tap(findButton(t, top, "Open Registrations"))
	h.loop.until(t, "the Registrations screen", func() bool { return h.w.step == stepRegistrations })
}

// The ATO's answer to the update is lost: outcome unknown, a pending note
// kept, and the way to find out is testing with the renewed keystore.
func TestRegistrationsRenewOutcomeUnknown(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	f := h.renewFixture(atosim.Options{}, "Reception")
	h.openRegistrations()
	c := h.card(f.rec.ClientID)
	f.sim.InjectFault(atosim.Fault{Kind: atosim.FaultDropAfterRegister, Endpoint: atosim.EndpointClient, Nth: 2}) // the PUT, after the read
	h.tapCard(c, "Update with renewed credential…")
	h.credDialogGo(f.newPath, "the update")
	h.wantText("Outcome unknown: the answer from the ATO was lost", "Do not try the update again yet",
		"press Check it works and choose the renewed keystore")
	if l, err := h.store.Pending(); err != nil || len(l) != 1 || l[0].Action != credstore.PendingRenew {
		t.Errorf("pending notes %+v (%v), want the update's", l, err)
	}
	h.card(f.rec.ClientID) // still listed
	h.tapCard(c, "Check it works…")
	h.credDialogGo(f.newPath, "the test")
	h.wantText("Your software can sign in to the ATO — checked just now.") // the ATO did take it
}

// A renewed credential of another ABN needs a confirmation naming both.
func TestRegistrationsRenewOtherABN(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	f := h.renewFixture(atosim.Options{}, "Reception")
	other, err := f.sim.IssueCredential("ABRD:80000000002_Other", "80000000002", "Other Machine", testNow.AddDate(0, 0, -1), testNow.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	path := h.writeKeystore("other.xml", other)
	h.openRegistrations()
	c := h.card(f.rec.ClientID)
	h.tapCard(c, "Update with renewed credential…")
	h.credDialogGo(path, "the update")
	top := h.overlay()
	if say := textsIn(top); !strings.Contains(say, "made for ABN 80 000 000 001") || !strings.Contains(say, "for ABN 80 000 000 002") {
		t.Errorf("the confirmation does not name both ABNs:\n%s", say)
	}
	if rec, _, _ := h.store.Get(context.Background(), f.rec.ClientID); rec.CertificateSHA256 != f.rec.CertificateSHA256 {
		t.Fatal("updated before the confirmation")
	}
	test.Tap(findButton(t, top, "Use ABN 80 000 000 002"))
	h.loop.drain()
	h.waitCall("the confirmed update")
	h.wantText("Updated at the ATO with the renewed credential")
	if rec, _, _ := h.store.Get(context.Background(), f.rec.ClientID); rec.CredentialABN != "80000000002" {
		t.Errorf("the record's ABN is %q", rec.CredentialABN)
	}
}

// The update is made but the test sign-in with the new key fails: the card
// says the update was made, that the registration exists, and offers to
// register again.
func TestRegistrationsRenewedButTestFails(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	f := h.renewFixture(atosim.Options{}, "Reception")
	h.openRegistrations()
	c := h.card(f.rec.ClientID)
	f.sim.InjectFault(atosim.Fault{Kind: atosim.FaultHTTPError, Endpoint: atosim.EndpointToken, Status: 400}) // only the test uses it
	h.tapCard(c, "Update with renewed credential…")
	h.credDialogGo(f.newPath, "the update")
	h.wantText("The ATO updated the registration with the renewed credential, but the test sign-in with it did not work.",
		"The registration itself still exists", "[Register again with the renewed credential]")
	if rec, _, _ := h.store.Get(context.Background(), f.rec.ClientID); rec.CertificateSHA256 == f.rec.CertificateSHA256 {
		t.Error("the record does not name the certificate the ATO now holds")
	}
}
