package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
)

// The Registrations screen against an ATO that offers no RFC 7592 (the
// simulator's lifecycle switched off): says what the command line says,
// never "no longer knows" or "register again", and offers what can be
// done instead. Before, Check said the ATO no longer knew it.
func TestRegistrationsLifecycleNotOffered(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	sim, rec := h.registerAt(atosim.Options{NoLifecycle: true}, "Reception")
	h.openRegistrations()
	c := h.card(rec.ClientID)
	gone := func() {
		t.Helper()
		for _, bad := range []string{"no longer knows", "register it again", "probably removed"} {
			if strings.Contains(h.texts(), bad) {
				t.Errorf("the screen says %q of a registration that exists:\n%s", bad, h.texts())
			}
		}
	}

	// Check it works: the read is not offered, so the sign-in proves it.
	h.tapCard(c, "Check it works…")
	if s := textsIn(h.overlay()); !strings.Contains(s, "signs in to the ATO as this registration") {
		t.Errorf("Check it works dialog says:\n%s", s)
	}
	h.credDialogGo("", "the check")
	gone()
	h.wantText("Your software can sign in to the ATO — checked just now.")
	if len(findButtons(c.result, "Forget on this computer…")) != 0 {
		t.Error("a check the ATO does not offer offers to forget the registration")
	}
	test.Tap(findButton(t, c.result, "Technical details"))
	h.wantText("The ATO does not offer reading a registration back", "This does not mean the registration is gone.",
		"The sign-in proved the registration instead.")

	// Rename: not at the ATO; here only after a confirmation.
	h.tapCard(c, "Rename…")
	dlg := h.w.registrations.dlg
	dlg.entry.SetText("")
	test.Type(dlg.entry, "Front office")
	h.key(fyne.KeyReturn)
	h.waitCall("the rename")
	gone()
	h.wantText("The ATO does not offer renaming a registration from here. Nothing was changed at the ATO.")
	if got, _, _ := h.store.Get(context.Background(), rec.ClientID); got.Name != "Reception" {
		t.Fatalf("renamed here without asking: %q", got.Name)
	}
	test.Tap(findButton(t, c.result, "Rename on this computer only…"))
	if s := textsIn(h.overlay()); !strings.Contains(s, "it keeps the name “Reception”") {
		t.Errorf("confirmation says:\n%s", s)
	}
	test.Tap(findButton(t, h.overlay(), "Rename here"))
	h.waitCall("the rename here")
	if got, _, err := h.store.Get(context.Background(), rec.ClientID); err != nil || got.Name != "Front office" {
		t.Fatalf("name on this computer %q (%v)", got.Name, err)
	}
	if got := sim.Clients()[0].Name; got != "Reception" {
		t.Errorf("name at the ATO %q", got)
	}
	h.wantText("Renamed to “Front office” on this computer only. The ATO keeps the name “Reception”.")

	// Remove: still at the ATO; forget offered, nothing dropped.
	h.tapCard(c, "Remove…")
	dlg = h.w.registrations.dlg
	test.Type(dlg.entry, "Front office")
	h.key(fyne.KeyReturn)
	h.waitCall("the removal")
	gone()
	h.wantText("The ATO does not offer removing registrations from here, so this one still exists at the ATO.",
		"Forget on this computer only…")
	storedValues(t, h, rec.ClientID)
	if len(sim.Clients()) != 1 || h.w.registrations.byID[rec.ClientID] == nil {
		t.Fatal("the registration was dropped")
	}
}

// Practice rehearses an ATO without the lifecycle: the switch on a Practice
// card turns the simulator's RFC 7592 calls off, and Check then says what
// it would against such an ATO, offering Test the connection.
func TestPracticeRehearsesNoLifecycle(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	t.Setenv("APPDATA", "")
	h.practiceToDone()
	id := h.w.done.res.Record.ClientID
	test.Tap(findButton(t, h.w.views[stepDone], "View registrations"))
	h.loop.until(t, "the list", func() bool { return !h.w.registrations.loading })
	c := h.card(id)
	h.tapCard(c, "Rehearse an ATO without check, rename and remove")
	h.wantText("now answers as an ATO that offers no check, rename or remove would")
	h.tapCard(c, "Check it works…")
	h.credDialogGoWith("", atosim.DemoPassword, "the check")
	h.wantText("Your software can sign in to the practice simulator — checked just now.")
	test.Tap(findButton(t, c.result, "Technical details"))
	h.wantText("This does not mean the registration is gone.")
	h.tapCard(c, "Give the practice ATO check, rename and remove back")
	h.tapCard(c, "Check it works…")
	h.credDialogGoWith("", atosim.DemoPassword, "the check")
	test.Tap(findButton(t, c.result, "Technical details"))
	h.wantText("The practice simulator holds this practice registration.")
}

// A vendor's setup file saying the ATO offers no read: Check sends nothing
// and says so, with the way to prove the registration instead.
func TestSetupFileLifecycleInWizard(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	sim, rec := h.registerAt(atosim.Options{}, "Reception")
	h.w.setup.load(h.vendorSetup(func(m map[string]any) {
		m["lifecycle"] = map[string]any{"read": false}
	}))
	h.acceptSetup() // a custom file is asked about first
	h.openRegistrations()
	c := h.card(rec.ClientID)
	before := len(sim.Requests())
	h.checkWorks(c, "the check")
	h.wantText("Your software can sign in to the ATO — checked just now.")
	test.Tap(findButton(t, c.result, "Technical details"))
	h.wantText("The ATO does not offer reading a registration back", "Your software vendor's setup file says so, so it was not asked.")
	for _, r := range sim.Requests()[before:] {
		if strings.Contains(r.Path, rec.ClientID) {
			t.Errorf("the read the setup file rules out was sent: %s %s", r.Method, r.Path)
		}
	}
}
