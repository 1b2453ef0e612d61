package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
)

// TestInterruptedNoteAtStart is the user-facing end of the drill "process
// killed between the DCR answer and the keychain write" (drills/): the
// pending record then holds the ATO's client id, and the next start of the
// wizard must show it, ready to copy, until the user says it is noted.
func TestInterruptedNoteAtStart(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	p := credstore.Pending{Name: "Reception", Environment: "sandbox", Started: time.Date(2026, 3, 1, 14, 5, 0, 0, time.UTC)}
	id, err := h.store.BeginPending(p)
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.Accepted = id, p.Started.Add(time.Second)
	p.ClientID = "0f8fad5b-d9cb-469f-a165-70867728950e"
	p.RegistrationClientURI = "https://sandbox.api.ato.gov.au/idp/v1/relyingparties/" + p.ClientID
	p.Receipt = "6300000000042"
	if err := h.store.MarkAccepted(p); err != nil {
		t.Fatal(err)
	}
	w := New(h.app, Config{Store: h.store, Now: h.w.cfg.Now, post: h.loop.post, DefaultName: "x"})
	defer w.shutdown()
	h.loop.until(t, "the interrupted-registration note", func() bool { return w.win.Canvas().Overlays().Top() != nil })
	var texts []string
	top := w.win.Canvas().Overlays().Top()
	eachObject(top, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
			return false
		}
		return true
	})
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, p.ClientID) || !strings.Contains(all, "Reception") {
		t.Errorf("the note does not show the client id and name:\n%s", all)
	}
	if len(findButtons(top, "Copy")) != 1 {
		t.Error("no Copy button for the client id")
	}
	if len(findButtons(top, "I've dealt with it")) != 1 {
		t.Fatalf("no button to forget the note; the dialog says:\n%s", all)
	}
}
