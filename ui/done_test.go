package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestPracticeDoneRegistersForReal: Practice's Done says "register for
// real", so it offers it, first and as the main action, beside today's
// actions; pressing it leaves Practice and opens the Credential step
// without the demo credential.
func TestPracticeDoneRegistersForReal(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceToDone()
	forReal := findKeyButton(h.w.pages[stepDone], "Now register for real")
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
		if findKeyButton(h.w.pages[stepDone], other) == nil {
			t.Errorf("Practice's Done lost %q", other)
		}
	}
	demo := h.w.credential.path

	test.Tap(forReal)
	h.loop.drain()
	h.wantStep(stepCredential)
	if practising(h.w) {
		t.Error("still in Practice after \"Now register for real\"")
	}
	if h.w.credential.path == demo || h.w.usingDemo() {
		t.Errorf("the demo credential %q is still chosen for a real registration", h.w.credential.path)
	}
}
