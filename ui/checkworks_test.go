package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
)

// checkActions are a card's buttons that check or test the registration.
func checkActions(c *regCard) []string {
	var out []string
	for _, b := range c.buttons {
		if strings.Contains(b.Text, "Check") || strings.Contains(b.Text, "Test") {
			out = append(out, b.Text)
		}
	}
	return out
}

// A card has one check, and it ends in one plain sentence, the details
// behind Technical details. Before, a card had Check ("The ATO holds this
// registration") and Test the connection… ("Your software can sign in"):
// two buttons that mean the same to a practice.
func TestOneCheckItWorks(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	_, rec := h.registerAt(atosim.Options{}, "Reception")
	h.openRegistrations()
	c := h.card(rec.ClientID)
	if got := checkActions(c); len(got) != 1 || got[0] != "Check it works…" {
		t.Fatalf("the card's check actions are %q, want only “Check it works…”", got)
	}
	h.checkWorks(c, "the check")
	const sentence = "Your software can sign in to the ATO — checked just now."
	if got, want := textsIn(c.result), sentence+"\n[Technical details]\n"; got != want {
		t.Errorf("the check ends in:\n%s\nwant:\n%s", got, want)
	}
	test.Tap(findButton(t, c.result, "Technical details"))
	h.wantText("The ATO holds this registration.", "Name at the ATO", "The ATO issued it an access token valid for")
}

// A Practice registration's check names the practice simulator, never the ATO.
func TestOneCheckItWorksPractice(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.practiceToDone()
	id := h.w.done.res.Record.ClientID
	h.w.registrations.open()
	h.loop.until(t, "the list", func() bool { return h.w.registrations.byID[id] != nil })
	c := h.card(id)
	if got := checkActions(c); len(got) != 1 {
		t.Fatalf("the Practice card's check actions are %q, want one", got)
	}
	h.tapCard(c, "Check it works…")
	h.credDialogGoWith("", atosim.DemoPassword, "the check")
	if got, want := textsIn(c.result), "Your software can sign in to the practice simulator — checked just now.\n[Technical details]\n"; got != want {
		t.Errorf("the Practice check ends in:\n%s\nwant:\n%s", got, want)
	}
}

// A wrong password is found before anything is sent, with its own advice.
func TestCheckItWorksWrongPassword(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	sim, rec := h.registerAt(atosim.Options{}, "Reception")
	h.openRegistrations()
	c := h.card(rec.ClientID)
	before := len(sim.Requests())
	h.tapCard(c, "Check it works…")
	h.credDialogGoWith("", "not-the-password", "the check")
	if s := textsIn(c.result); !strings.Contains(s, "could not be opened") || strings.Contains(s, "can sign in") {
		t.Errorf("a wrong password ends in:\n%s", s)
	}
	if n := len(sim.Requests()) - before; n != 0 {
		t.Errorf("%d requests sent with a keystore that did not open", n)
	}
}
