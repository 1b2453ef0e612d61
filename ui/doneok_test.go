package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// smallLabels are the labels under o drawn smaller than the body text.
func smallLabels(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			if v.SizeName == theme.SizeNameCaptionText {
				out = append(out, v.Text)
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(v.Content)
		}
	}
	walk(o)
	return out
}

// TestDoneSaysWhatHappensNext registers with a vendor's setup file through
// the wizard: Done says what to do next in the product's and vendor's name,
// with the vendor's support line, all at body size; the technical values
// wait behind "Technical details", which the keyboard opens; the token's
// lifetime is in words.
func TestDoneSaysWhatHappensNext(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.drop(h.vendorSetup(nil))
	h.acceptSetup()
	h.waitSetup()
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.next()
	h.wantStep(stepDetails)
	h.next()
	h.wantStep(stepReview)
	h.register()
	if h.w.done.res == nil || !h.w.done.res.Stored {
		t.Fatalf("not registered: %v", h.w.done.failErr)
	}
	h.wantText("Nothing else to do: open Example Practice Manager. It finds this registration itself",
		"Questions? Contact Example Software Pty Ltd: 1300 000 000 · help@example.com.")
	if findKeyButton(h.w.views[stepDone], "Now register for real") != nil {
		t.Error("a real registration's Done offers to register for real")
	}
	id := h.w.done.res.Record.ClientID
	say := h.texts()
	for _, technical := range []string{id, "index.json", `service "dcrwizard"`, "Registration client URI"} {
		if strings.Contains(say, technical) {
			t.Errorf("Done shows %q before Technical details is opened:\n%s", technical, say)
		}
	}
	if small := smallLabels(h.w.views[stepDone]); len(small) > 0 {
		t.Errorf("Done has text smaller than the body text: %q", small)
	}
	// The keyboard reaches Technical details and Enter opens it.
	header := findKeyButton(h.w.views[stepDone], "Technical details")
	if header == nil {
		t.Fatal("Done has no Technical details button")
	}
	h.tabTo(header, "Technical details")
	h.press(fyne.KeyReturn)
	h.wantText(id, "index.json", "Registration client URI")

	// The access token's lifetime, as the steps on Review reported it.
	review := textsIn(h.w.views[stepReview])
	if strings.Contains(review, "h0m") || strings.Contains(review, "0s)") {
		t.Errorf("a duration as Go prints it:\n%s", review)
	}
	if !strings.Contains(review, "(valid for 1 hour)") {
		t.Errorf("the token's lifetime is not in words:\n%s", review)
	}
}

// findKeyButton is the wizard button labelled label under o.
func findKeyButton(o fyne.CanvasObject, label string) *keyButton {
	switch v := o.(type) {
	case *keyButton:
		if v.Text == label {
			return v
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := findKeyButton(c, label); b != nil {
				return b
			}
		}
	case *container.Scroll:
		return findKeyButton(v.Content, label)
	}
	return nil
}

// openTechnicalDetails opens Done's Technical details, where the values the
// ATO issued and the keychain places are.
func (h *harness) openTechnicalDetails() {
	h.t.Helper()
	b := findKeyButton(h.w.views[stepDone], "Technical details")
	if b == nil {
		h.t.Fatal("Done has no Technical details button")
	}
	b.Tapped(nil)
	h.loop.drain()
}
