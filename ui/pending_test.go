package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
)

// Closing the window while the request is at the ATO asks first; closing
// anyway leaves a note with what is known, shown at the next start.
func TestCloseWhileRegisteringAsksFirst(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	// The ATO acts on the registration at once and answers late: once the
	// simulator holds it, the request has certainly been sent (the register
	// row shows "started" before the pending note is written and the POST
	// goes out, so a close then would rightly leave nothing behind).
	h.sim.InjectFault(atosim.Fault{Kind: atosim.FaultLateAnswer, Endpoint: atosim.EndpointRegister, Delay: 20 * time.Second, Nth: 1})
	h.next() // Register
	h.loop.until(t, "the request to reach the ATO", func() bool { return len(h.sim.Clients()) == 1 })
	h.w.closeRequested()
	top := h.overlay()
	if say := textsIn(top); !strings.Contains(say, "A registration is being sent to the ATO. If you close now") {
		t.Fatalf("closing mid-run says:\n%s", say)
	}
	test.Tap(findButton(t, top, "Keep waiting"))
	if !h.w.review.running() {
		t.Fatal("Keep waiting stopped the run")
	}
	h.w.closeRequested()
	test.Tap(findButton(t, h.overlay(), "Close anyway"))
	var list []credstore.Pending
	h.loop.until(t, "the run to stop", func() bool { return !h.w.review.running() || h.w.step == stepDone })
	list, err := h.store.Pending()
	if err != nil || len(list) != 1 {
		t.Fatalf("pending notes %v, %v; want the one of this run", list, err)
	}
	if p := list[0]; p.Name != "Front desk PC" || p.Environment != h.env.Name || p.Started.IsZero() {
		t.Errorf("the note records %+v", p)
	}
}

// Several unfinished registrations are shown once, together, each with its
// own facts and actions.
func TestUnfinishedRegistrationsShownTogether(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	started := time.Date(2024, 9, 12, 10, 15, 0, 0, time.UTC)
	if _, err := h.store.BeginPending(credstore.Pending{Name: "Reception", Environment: "custom", Started: started}); err != nil {
		t.Fatal(err)
	}
	p := credstore.Pending{Name: "Back office", Environment: "production", Started: started.Add(time.Hour)}
	id, err := h.store.BeginPending(p)
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.ClientID, p.Receipt, p.Accepted = id, "7c9e6679-7425-40de-944b-e07fc1f90ae7", "6300000001234", p.Started.Add(time.Second)
	if err := h.store.MarkAccepted(p); err != nil {
		t.Fatal(err)
	}
	w := New(h.app, Config{Store: h.store, Now: h.w.cfg.Now, post: h.loop.post, DefaultName: "x"})
	defer w.shutdown()
	h.loop.until(t, "the note", func() bool { return w.win.Canvas().Overlays().Top() != nil })
	h.loop.drain()
	if n := len(w.win.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("%d dialogs at start, want one for both", n)
	}
	top := w.win.Canvas().Overlays().Top()
	say := textsIn(top)
	for _, want := range []string{"2 unfinished registrations",
		"Reception", "custom addresses set under Advanced", "12 September 2024, 10:15 am",
		"Back office", "Production (the live ATO)", "12 September 2024, 11:15 am",
		p.ClientID, "6300000001234"} {
		if !strings.Contains(say, want) {
			t.Errorf("the note lacks %q:\n%s", want, say)
		}
	}
	if strings.Contains(say, "in custom") {
		t.Errorf("the raw setting name is shown:\n%s", say)
	}
	if n := len(findButtons(top, "Check with the ATO")); n != 1 {
		t.Errorf("%d Check buttons, want one (only one has a client id)", n)
	}
	dealt := findButtons(top, "I've dealt with it")
	if len(dealt) != 2 {
		t.Fatalf("%d \"I've dealt with it\" buttons, want 2", len(dealt))
	}
	test.Tap(dealt[0])
	h.loop.until(t, "one note cleared", func() bool { l, _ := h.store.Pending(); return len(l) == 1 })
	if !top.Visible() {
		t.Fatal("the dialog closed with one registration still unfinished")
	}
	test.Tap(dealt[1])
	h.loop.until(t, "both notes cleared", func() bool { l, _ := h.store.Pending(); return len(l) == 0 })
	h.loop.until(t, "the dialog to close once nothing is left in it", func() bool {
		top := w.win.Canvas().Overlays().Top()
		return top == nil || !top.Visible()
	})
}

// Check with the ATO on a note whose registration did reach the keychain
// checks it on the Registrations screen.
func TestUnfinishedButStoredIsChecked(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	h.register()
	if h.w.done.res == nil || !h.w.done.res.Stored {
		t.Fatalf("registration failed: %v", h.w.done.failErr)
	}
	rec := h.w.done.res.Record
	// As if the process died after the keychain write, before the note went.
	p := credstore.Pending{Name: rec.Name, Environment: rec.Environment, Started: testNow}
	id, err := h.store.BeginPending(p)
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.ClientID, p.Accepted = id, rec.ClientID, testNow
	if err := h.store.MarkAccepted(p); err != nil {
		t.Fatal(err)
	}
	pendingNotes{h.w}.show([]credstore.Pending{p})
	test.Tap(findButton(t, h.overlay(), "Check with the ATO"))
	h.loop.until(t, "the Registrations screen", func() bool { return h.w.step == stepRegistrations })
	h.loop.until(t, "the check", func() bool {
		c := h.w.registrations.byID[rec.ClientID]
		return c != nil && !h.w.registrations.running() && strings.Contains(textsIn(c.result), "ATO")
	})
}

// A note that cannot be read is shown as such, with what it may mean, not
// as a registration with no name started in the year 1.
func TestUnreadablePendingNote(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	pendingNotes{h.w}.show([]credstore.Pending{{ID: "3f2a9c", Unreadable: true}})
	say := textsIn(h.overlay())
	for _, want := range []string{"A note that could not be read", "could not read this note", "before registering again"} {
		if !strings.Contains(say, want) {
			t.Errorf("the note does not say %q:\n%s", want, say)
		}
	}
	if strings.Contains(say, "0001") {
		t.Errorf("the note shows a start in the year 1:\n%s", say)
	}
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
