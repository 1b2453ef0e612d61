package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/credstore/credstoretest"
)

// deskRecord is a registration made for real a week ago, whose credential
// needs renewing within 6 months.
var deskRecord = credstore.Record{
	Name:                  "Front desk PC",
	Environment:           "sandbox",
	ClientID:              "0f8fad5b-d9cb-469f-a165-70867728950e",
	RegistrationClientURI: "https://sandbox.example/idp/v1/relyingparties/0f8fad5b-d9cb-469f-a165-70867728950e",
	IssuedAt:              testNow.AddDate(0, 0, -7),
	CredentialID:          "ABRD:80000000001_TestMachine",
	CredentialABN:         "80000000001",
	CredentialNotAfter:    testNow.AddDate(0, 4, 0),
}

// practiceRecord is a Practice registration from an earlier session.
var practiceRecord = credstore.Record{
	Name:                  "Practice PC",
	Environment:           practiceName,
	ClientID:              "7c9e6679-7425-40de-944b-e07fc1f90ae7",
	RegistrationClientURI: "http://127.0.0.1:9/idp/v1/relyingparties/7c9e6679-7425-40de-944b-e07fc1f90ae7",
	IssuedAt:              testNow.AddDate(0, 0, -1),
	CredentialID:          "ABRD:80000000001_Demo",
	CredentialNotAfter:    testNow.AddDate(2, 0, 0),
}

// save stores registrations as earlier runs left them.
func (h *harness) save(recs ...credstore.Record) {
	h.t.Helper()
	for _, r := range recs {
		if err := h.store.Save(context.Background(), r, credstore.Values{RegistrationAccessToken: "token-" + r.ClientID}); err != nil {
			h.t.Fatal(err)
		}
	}
}

// reopen closes the window and opens the program again on the same store,
// as a practice coming back does. wait runs what the start posted.
func (h *harness) reopen(wait bool) {
	h.t.Helper()
	old := h.w
	old.shutdown()
	old.bg.Wait()
	h.loop.drain()
	h.w = New(h.app, old.cfg)
	h.w.win.Resize(startWindowSize)
	if wait {
		settle(h)
	}
}

// settle waits for the background work started so far and runs its results.
func settle(h *harness) {
	h.w.bg.Wait()
	h.loop.drain()
}

// A practice that comes back sees its registrations first: each by name,
// environment, when and credential status, with Check it works, and New
// registration as the main action (focused: Enter starts one, never Back).
// Before, the window always opened on Welcome.
func TestReturningPracticeFirstScreen(t *testing.T) {
	h := newHarness(t, harnessOpts{keyring: &credstoretest.Keyring{}})
	h.save(deskRecord)
	h.reopen(true)
	h.wantStep(stepRegistrations)
	h.wantText("Welcome back.", "Front desk PC", "ATO sandbox (EVTE), for testing", "Registered at", "23 February 2026, 9:30 am",
		"Credential status", "Renew within 122 days", "[Check it works…]", "[New registration]")
	if f, ok := h.w.win.Canvas().Focused().(*keyButton); !ok || f.Text != "New registration" {
		t.Errorf("the focus is on %v, want New registration", h.w.win.Canvas().Focused())
	}
	if h.w.registrations.newBtn.Importance != widget.HighImportance {
		t.Error("New registration is not the primary button")
	}
	// Escape and Back go nowhere the user has not been.
	h.key(fyne.KeyEscape)
	h.wantStep(stepRegistrations)
	if h.w.backBtn.Visible() {
		t.Error("Back is offered on the first screen, with nothing behind it")
	}
	// Enter runs the main action, wherever the focus is: a new
	// registration, from Welcome.
	h.w.win.Canvas().Unfocus()
	h.key(fyne.KeyReturn)
	h.wantStep(stepWelcome)
	// The list stays one button away, and Back from it returns to Welcome.
	h.openRegistrations()
	if strings.Contains(h.texts(), "[New registration]") {
		t.Error("New registration is offered on the list opened from Welcome")
	}
	h.key(fyne.KeyEscape)
	h.wantStep(stepWelcome)
}

// With no registrations, or only Practice ones, the first screen is Welcome.
func TestFirstScreenWelcomeWithoutRealRegistrations(t *testing.T) {
	h := newHarness(t, harnessOpts{keyring: &credstoretest.Keyring{}})
	h.reopen(true)
	h.wantStep(stepWelcome)
	h.save(practiceRecord)
	h.reopen(true)
	h.wantStep(stepWelcome)
}

// A user who has started on Welcome before the list is read stays there.
func TestFirstScreenNeverMovesAnActingUser(t *testing.T) {
	h := newHarness(t, harnessOpts{keyring: &credstoretest.Keyring{}})
	h.save(deskRecord)
	h.reopen(false)
	h.press(fyne.KeyTab) // the user moves on Welcome before the list arrives
	settle(h)
	h.wantStep(stepWelcome)
}

// Practice registrations are listed last, under their own heading, never
// above real ones. Before, the list kept the index's order, Practice
// first when it was made first.
func TestPracticeRegistrationsListedLast(t *testing.T) {
	h := newHarness(t, harnessOpts{keyring: &credstoretest.Keyring{}})
	h.save(practiceRecord, deskRecord)
	h.openRegistrations()
	say := h.texts()
	real, heading, practice := strings.Index(say, "Front desk PC"), strings.Index(say, practiceHeading), strings.Index(say, "Practice PC")
	if real < 0 || heading < 0 || practice < 0 || !(real < heading && heading < practice) {
		t.Errorf("want the real registration, then %q, then the Practice one; the screen says:\n%s", practiceHeading, say)
	}
}
