package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The wizard's dialogs are made here, never with Fyne's stock Confirm,
// Error or Custom-with-a-dismiss-button: those buttons open unfocused,
// take Space but not Enter, ignore Escape and show the focus as a faint
// tint. These open with the focus on a button (the one that loses nothing
// when there is a choice), take Enter and Space on the focused button and
// Escape as the safe answer, and draw the focus ring (focus.go).

// ask asks title before a loss (the first answer in the danger colour);
// yes runs on it, no (if set) on the second, Escape or closing. The focus
// starts on the second, so Enter does not lose anything.
func (k *kit) ask(title string, msg fyne.CanvasObject, yesText, noText string, yes, no func()) {
	k.question(title, msg, yesText, noText, widget.DangerImportance, yes, no)
}

// confirm is ask before a step that loses nothing (the first answer in
// the primary colour); the focus still starts on the second.
func (k *kit) confirm(title string, msg fyne.CanvasObject, yesText, noText string, yes func()) {
	k.question(title, msg, yesText, noText, widget.HighImportance, yes, nil)
}

func (k *kit) question(title string, msg fyne.CanvasObject, yesText, noText string, kind widget.Importance, yes, no func()) {
	var d *dialog.CustomDialog
	answered := false
	answer := func(ok bool) {
		if answered {
			return
		}
		answered = true
		d.Hide()
		switch {
		case ok:
			yes()
		case no != nil:
			no()
		}
	}
	use := k.newButtonWithIcon(yesText, theme.ConfirmIcon(), func() { answer(true) })
	use.Importance = kind
	keep := k.newButtonWithIcon(noText, theme.CancelIcon(), func() { answer(false) })
	use.onEscape = func() { answer(false) }
	keep.onEscape = use.onEscape
	d = dialog.NewCustomWithoutButtons(title, container.NewVBox(msg), k.win)
	d.SetButtons([]fyne.CanvasObject{keep, use})
	d.SetOnClosed(func() { answer(false) })
	d.Resize(k.fitDialog(dialogSizeFor(msg, 520)))
	d.Show()
	k.win.Canvas().Focus(keep)
}

// tell shows a message with one button, focused: Enter, Space or Escape
// closes it.
func (k *kit) tell(title string, msg fyne.CanvasObject) {
	d := k.showDialog(title, "OK", msg)
	d.Resize(k.fitDialog(dialogSizeFor(msg, 520)))
}

// showDialog shows content under title with a button, closeText, that
// closes it (as Escape does), after the buttons in more. The focus starts on
// the first button in content, else on closeText's; the caller sizes the
// dialog.
func (k *kit) showDialog(title, closeText string, content fyne.CanvasObject, more ...*keyButton) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, content, k.win)
	closeBtn := k.newButton(closeText, d.Hide)
	closeBtn.onEscape = d.Hide
	var buttons []fyne.CanvasObject
	for _, b := range more {
		b.onEscape = d.Hide
		buttons = append(buttons, b)
	}
	d.SetButtons(append(buttons, closeBtn))
	onEscape(content, d.Hide)
	d.Show()
	first := firstButton(content)
	if first == nil {
		first = closeBtn
	}
	k.win.Canvas().Focus(first)
	return d
}

// onEscape makes Escape on every button under o run f.
func onEscape(o fyne.CanvasObject, f func()) {
	switch v := o.(type) {
	case *keyButton:
		v.onEscape = f
	case *container.Scroll:
		onEscape(v.Content, f)
	case *fyne.Container:
		for _, c := range v.Objects {
			onEscape(c, f)
		}
	}
}
