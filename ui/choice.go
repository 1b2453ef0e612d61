package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// choiceGroup is a set of radio choices that is one Tab stop: the arrow
// keys move the choice inside it, as in a system dialog (Fyne's
// RadioGroup makes every option its own Tab stop). Enter goes on, Escape
// back, like the wizard's other fields.
type choiceGroup struct {
	widget.BaseWidget
	Options   []string
	Selected  string
	OnChanged func(string)

	disabled          bool
	focused           bool
	rows              []*choiceRow
	box               *fyne.Container
	onEnter, onEscape func()
	reveal            func(fyne.CanvasObject)
	// ask, when set, is asked before an arrow key chooses an option: it
	// returns false to hold the move and then calls choose itself once
	// the user has confirmed (Production, see envconfirm.go).
	ask func(option string, choose func()) bool
	// passed is an option the user declined on the way: the next move in
	// the same direction goes past it instead of asking again.
	passed string
}

func (k *kit) newChoiceGroup(options []string, changed func(string)) *choiceGroup {
	g := &choiceGroup{Options: options, OnChanged: changed, onEnter: k.next, onEscape: k.back, reveal: k.reveal}
	g.box = container.NewVBox()
	for _, o := range options {
		g.rows = append(g.rows, newChoiceRow(g, o))
		g.box.Add(g.rows[len(g.rows)-1])
	}
	g.ExtendBaseWidget(g)
	g.update()
	return g
}

// SetSelected chooses option o ("" for none) and reports the change.
func (g *choiceGroup) SetSelected(o string) {
	if o == g.Selected {
		return
	}
	g.Selected = o
	g.update()
	if g.OnChanged != nil {
		g.OnChanged(o)
	}
}

func (g *choiceGroup) Disable() { g.disabled = true; g.update() }
func (g *choiceGroup) Enable()  { g.disabled = false; g.update() }

// Disabled reports whether the choice is locked (custom addresses in use).
func (g *choiceGroup) Disabled() bool { return g.disabled }

func (g *choiceGroup) update() {
	for _, r := range g.rows {
		r.update()
	}
	g.Refresh()
}

func (g *choiceGroup) index() int {
	for i, o := range g.Options {
		if o == g.Selected {
			return i
		}
	}
	return -1
}

func (g *choiceGroup) move(by int) {
	if g.disabled || len(g.Options) == 0 {
		return
	}
	i := g.index()
	switch {
	case i < 0 && by > 0:
		i = 0
	case i < 0:
		i = len(g.Options) - 1
	default:
		i = (i + by + len(g.Options)) % len(g.Options)
	}
	if g.Options[i] == g.passed && len(g.Options) > 2 {
		i = (i + by + len(g.Options)) % len(g.Options)
	}
	g.passed = ""
	o := g.Options[i]
	if g.ask != nil && !g.ask(o, func() { g.SetSelected(o) }) {
		g.passed = o
		return
	}
	g.SetSelected(o)
}

func (g *choiceGroup) FocusGained() {
	g.focused = true
	g.Refresh()
	if g.reveal != nil {
		g.reveal(g)
	}
}

func (g *choiceGroup) FocusLost() {
	g.focused = false
	g.Refresh()
}

func (g *choiceGroup) TypedRune(r rune) {
	if r == ' ' && g.index() < 0 {
		g.move(1)
	}
}

func (g *choiceGroup) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyUp, fyne.KeyLeft:
		g.move(-1)
	case fyne.KeyDown, fyne.KeyRight:
		g.move(1)
	case fyne.KeyReturn, fyne.KeyEnter:
		if g.onEnter != nil {
			g.onEnter()
		}
	case fyne.KeyEscape:
		if g.onEscape != nil {
			g.onEscape()
		}
	}
}

func (g *choiceGroup) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(widget.NewSimpleRenderer(g.box), func() bool { return g.focused })
}

// choiceRow is one option: a radio mark and its wrapping label. It can be
// tapped but takes no focus of its own.
type choiceRow struct {
	widget.BaseWidget
	group *choiceGroup
	text  string
	icon  *widget.Icon
	label *widget.Label
}

func newChoiceRow(g *choiceGroup, text string) *choiceRow {
	r := &choiceRow{group: g, text: text, icon: widget.NewIcon(theme.RadioButtonIcon()), label: para(text)}
	r.ExtendBaseWidget(r)
	return r
}

func (r *choiceRow) update() {
	// Coloured as Fyne's own radio items are: the empty circle in the
	// (readable, see theme.go) input border colour, the chosen in primary.
	if r.group.Selected == r.text {
		r.icon.SetResource(theme.NewColoredResource(theme.RadioButtonCheckedIcon(), theme.ColorNamePrimary))
	} else {
		r.icon.SetResource(theme.NewColoredResource(theme.RadioButtonIcon(), theme.ColorNameInputBorder))
	}
	// Locked, not faded: the words stay readable (see theme.go).
	r.label.Importance = widget.MediumImportance
	r.label.Refresh()
}

func (r *choiceRow) Tapped(*fyne.PointEvent) {
	if r.group.disabled {
		return
	}
	r.group.SetSelected(r.text)
	if c := fyne.CurrentApp().Driver().CanvasForObject(r.group); c != nil {
		c.Focus(r.group)
	}
}

func (r *choiceRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewPadded(container.NewCenter(r.icon)), nil, r.label))
}
