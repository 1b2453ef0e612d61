package ui

import (
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ringGap is how far outside its control the focus ring reaches: its
// inner line next to the control, its outer line next to the page.
const ringGap float32 = 4

// keyButton is a Button that Enter activates as well as Space (Fyne's
// takes Space only) and that shows a focus ring: Fyne's focus cue is a
// faint tint that cannot be seen on the primary button.
type keyButton struct {
	widget.Button
	focused  bool
	reveal   func(fyne.CanvasObject)
	onEscape func()
	// freshPress: Enter and Space press it only when the key went down
	// while it had the focus, not by a held key's repeats (Register: a
	// held Enter must not run on from Details into a registration).
	freshPress bool
	keyDown    bool
}

func (k *kit) newButton(label string, tapped func()) *keyButton {
	return k.newButtonWithIcon(label, nil, tapped)
}

func (k *kit) newButtonWithIcon(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{reveal: k.reveal, onEscape: k.escape}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// KeyDown notes a real press (the desktop driver calls it on a press, not
// on a held key's repeats; TypedKey comes after it, and on every repeat).
func (b *keyButton) KeyDown(*fyne.KeyEvent) { b.keyDown = true }

// KeyUp is part of desktop.Keyable; nothing to do.
func (b *keyButton) KeyUp(*fyne.KeyEvent) {}

// TypedKey activates the button on Enter, then does what Button does.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	fresh := b.keyDown
	b.keyDown = false
	if b.freshPress && !fresh && (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter || ev.Name == fyne.KeySpace) {
		return // a repeat of a key pressed before the focus came here
	}
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() {
			b.Tapped(&fyne.PointEvent{})
		}
	case fyne.KeyEscape:
		if b.onEscape != nil {
			b.onEscape()
		}
	default:
		b.Button.TypedKey(ev)
	}
}

func (b *keyButton) FocusGained() {
	b.focused, b.keyDown = true, false
	b.Button.FocusGained()
	if b.reveal != nil {
		b.reveal(b)
	}
}

func (b *keyButton) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

func (b *keyButton) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(b.Button.CreateRenderer(), func() bool { return b.focused })
}

// ringRenderer draws a control's own renderer and, while it has the focus,
// a two-colour outline round it: ring (outer) in the theme's focus-ring
// colour, inner in its inner colour, so that one of them stands out
// against the page and against the button's own fill (see theme.go).
type ringRenderer struct {
	fyne.WidgetRenderer
	ring, inner *canvas.Rectangle
	focused     func() bool
}

// ringWidth is the width of each of the two lines.
const ringWidth float32 = 2

func newRingRenderer(inner fyne.WidgetRenderer, focused func() bool) *ringRenderer {
	r := &ringRenderer{WidgetRenderer: inner, ring: canvas.NewRectangle(color.Transparent),
		inner: canvas.NewRectangle(color.Transparent), focused: focused}
	r.ring.StrokeWidth, r.inner.StrokeWidth = ringWidth, ringWidth
	r.applyTheme()
	return r
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(-ringGap, -ringGap))
	r.ring.Resize(size.AddWidthHeight(2*ringGap, 2*ringGap))
	in := ringGap - ringWidth
	r.inner.Move(fyne.NewPos(-in, -in))
	r.inner.Resize(size.AddWidthHeight(2*in, 2*in))
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(slices.Clip(r.WidgetRenderer.Objects()), r.inner, r.ring)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.applyTheme()
	r.inner.Refresh()
	r.ring.Refresh()
}

func (r *ringRenderer) applyTheme() {
	s := fyne.CurrentApp().Settings()
	th := s.Theme()
	radius := th.Size(theme.SizeNameInputRadius)
	r.ring.StrokeColor = th.Color(colorNameFocusRing, s.ThemeVariant())
	r.ring.CornerRadius = radius + ringGap
	r.inner.StrokeColor = th.Color(colorNameFocusRingInner, s.ThemeVariant())
	r.inner.CornerRadius = radius + ringGap - ringWidth
	setShown(r.ring, r.focused())
	setShown(r.inner, r.focused())
}

// revealFocused scrolls the page so that o, just focused, can be seen:
// Tab must not move the focus to a control below the fold. A control in a
// dialog is left alone (dialogs are modal and sized to fit).
func (w *Wizard) revealFocused(o fyne.CanvasObject) {
	if w.win == nil || w.win.Canvas().Overlays().Top() != nil {
		return
	}
	switch o {
	case w.backBtn, w.nextBtn, w.closeBtn:
		return // the footer, outside the page: it never scrolls
	}
	scroll, ok := w.views[w.step].(*container.Scroll)
	if !ok || !o.Visible() {
		return
	}
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(scroll).Y + scroll.Offset.Y
	bottom := top + o.Size().Height
	view := scroll.Size().Height
	pad := theme.Padding() * 2
	off := scroll.Offset.Y
	switch {
	case top < off, bottom-top > view-pad: // above, or too tall to show whole: show its start
		off = top - pad
	case bottom > off+view:
		off = bottom - view + pad
	default:
		return
	}
	if max := scroll.Content.MinSize().Height - view; off > max {
		off = max
	}
	if off < 0 {
		off = 0
	}
	scroll.Offset.Y = off
	scroll.Refresh()
}

// firstButton is the first visible, enabled button under o, in reading
// order, or nil: the first focus of a page of actions.
func firstButton(o fyne.CanvasObject) *keyButton {
	if o == nil || !o.Visible() {
		return nil
	}
	switch v := o.(type) {
	case *keyButton:
		if !v.Disabled() {
			return v
		}
	case *container.Scroll:
		return firstButton(v.Content)
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := firstButton(c); b != nil {
				return b
			}
		}
	}
	return nil
}
