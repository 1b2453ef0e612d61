package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// focusRing is the ring drawn for o, and whether it is shown.
func focusRing(t *testing.T, o fyne.Widget) *canvas.Rectangle {
	t.Helper()
	r, ok := test.WidgetRenderer(o).(*ringRenderer)
	if !ok {
		t.Fatalf("%T has no focus ring", o)
	}
	return r.ring
}

// The focused control, the primary button included, has a ring outside it
// in the focus-ring colour (its contrast: TestThemeContrast).
func TestFocusIsVisible(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	c := h.w.win.Canvas()
	c.Unfocus()
	for _, o := range []interface {
		fyne.Widget
		fyne.Focusable
	}{h.w.nextBtn, h.w.welcome.registrations, h.w.welcome.practice} {
		ring := focusRing(t, o)
		if ring.Visible() {
			t.Errorf("%T shows a focus ring before it has the focus", o)
		}
		c.Focus(o)
		if !ring.Visible() || ring.StrokeWidth < 2 {
			t.Errorf("focused %T shows no focus ring", o)
		}
		if ring.Position().X >= 0 || ring.Size().Width <= o.Size().Width {
			t.Errorf("the ring of %T is not outside it (at %v, %v)", o, ring.Position(), ring.Size())
		}
		want := fyne.CurrentApp().Settings().Theme().Color(colorNameFocusRing, fyne.CurrentApp().Settings().ThemeVariant())
		if ring.StrokeColor != want {
			t.Errorf("ring colour %v, want the theme's %v", ring.StrokeColor, want)
		}
		c.Unfocus()
		if ring.Visible() {
			t.Errorf("%T keeps its ring after losing the focus", o)
		}
	}
}

// Enter, like Space, activates the focused button.
func TestEnterActivatesTheFocusedButton(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.w.win.Canvas().Focus(h.w.welcome.registrations)
	h.key(fyne.KeyReturn)
	h.loop.drain()
	h.wantStep(stepRegistrations)
	h.w.win.Canvas().Focus(h.w.backBtn)
	h.key(fyne.KeySpace)
	h.loop.drain()
	h.wantStep(stepWelcome)
}
