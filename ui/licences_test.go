package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// About's Licences… shows the licences of what the program is built from,
// by keyboard too: the list has the focus and Escape goes back to About.
func TestAboutShowsTheLicences(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	test.Tap(h.w.welcome.about)
	test.Tap(findButton(t, h.overlay(), "Licences…"))
	h.loop.drain()
	if s := textsIn(h.overlay()); !strings.Contains(s, "DCR Wizard is built from the software named below") {
		t.Fatalf("the licences dialog says:\n%.600s", s)
	}
	l, ok := h.w.win.Canvas().Focused().(*keyList)
	if !ok {
		t.Fatalf("the focus is on %T, want the licences' list", h.w.win.Canvas().Focused())
	}
	if n := l.Length(); n < 500 {
		t.Errorf("the licences have %d lines", n)
	}
	h.key(fyne.KeyEscape)
	h.loop.drain()
	if s := textsIn(h.overlay()); !strings.Contains(s, "Licence: MIT") {
		t.Errorf("after Escape, want About again; the window shows:\n%s", s)
	}
}
