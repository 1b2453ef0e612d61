package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"dcrwizard/m2m"
)

func TestWrongPassword(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.openKeystore(h.goodKeystore(), "not-the-password1")
	if !errors.Is(h.w.credential.openErr, m2m.ErrWrongPassword) {
		t.Fatalf("open error %v, want ErrWrongPassword", h.w.credential.openErr)
	}
	h.wantText("The password is not right for this file")
	if !h.w.nextBtn.Disabled() {
		t.Error("Next is enabled after a wrong password")
	}
	// Typing the right one and Enter opens it; Enter again moves on.
	pw := h.w.credential.password
	pw.SetText("")
	test.Type(pw, testPassword)
	h.key(fyne.KeyReturn)
	h.loop.until(t, "the file to open", func() bool { return h.w.credential.store != nil })
	h.key(fyne.KeyReturn)
	h.wantStep(stepEnvironment)
}

func TestExpiredCredentialRefused(t *testing.T) {
	// Fyne's own theme under the wizard's, for real colours.
	h := newHarness(t, harnessOpts{before: func(a fyne.App) { a.Settings().SetTheme(theme.DefaultTheme()) }})
	expired := h.issue("ABRD:80000000001_Old", "Old Machine", testNow.AddDate(0, -2, 0))
	soon := h.issue("ABRD:80000000001_Soon", "Soon Machine", testNow.AddDate(0, 3, 0))
	path := h.writeKeystore("expired.xml", expired, soon)
	h.openKeystore(path, testPassword)
	if h.w.credential.openErr != nil {
		t.Fatal(h.w.credential.openErr)
	}
	if !h.w.nextBtn.Disabled() {
		t.Fatal("Next is enabled with only refused credentials")
	}
	h.wantText("Expired", "Expires within 6 months", "valid until 2 January 2026",
		expired.Verdict(testNow).Message, soon.Verdict(testNow).Message, "none can be used")
	if !strings.Contains(h.w.hint.Text, "None of the credentials in this file can be used") {
		t.Errorf("hint %q", h.w.hint.Text)
	}
	for i, rg := range h.w.credential.radios {
		if rg != nil {
			t.Errorf("refused credential %d can be chosen", i)
		}
	}
	// Shown as not selectable, not as faded (disabled) text.
	assertNoDisabledText(t, h.w.credential.list, "Old Machine")

	// With a good one beside them, the good one is chosen and Next works.
	good := h.issue("ABRD:80000000001_Good", "Good Machine", testNow.AddDate(2, 0, 0))
	path = h.writeKeystore("mixed.xml", expired, good)
	h.drop(path)
	h.loop.until(t, "the file to open", func() bool { return h.w.credential.store != nil })
	if c := h.w.draft.Credential; c == nil || c.ID != good.ID {
		t.Fatalf("selected %v, want the good credential", c)
	}
	if h.w.nextBtn.Disabled() {
		t.Fatalf("Next disabled: %q", h.w.hint.Text)
	}
}

// findButtons returns the visible buttons under o whose text is label.
func findButtons(o fyne.CanvasObject, label string) []*widgetButton {
	var out []*widgetButton
	eachObject(o, func(o fyne.CanvasObject) bool {
		if !o.Visible() {
			return false
		}
		switch v := o.(type) {
		case *widgetButton:
			if v.Text == label {
				out = append(out, v)
			}
			return false
		case *keyButton:
			if v.Text == label {
				out = append(out, &v.Button)
			}
			return false
		}
		return true
	})
	return out
}

func findButton(t *testing.T, o fyne.CanvasObject, label string) *widgetButton {
	t.Helper()
	b := findButtons(o, label)
	if len(b) == 0 {
		t.Fatalf("no %q button", label)
	}
	return b[0]
}
