package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/flow"
)

// askProduction is the environment choice's question before an arrow key
// chooses Production: the arrows pass through every option on the way to
// the one wanted, and Production is a real registration recorded against
// the business. A click on Production is deliberate and not asked about;
// Register asks again in any case (confirmRegister). It reports whether
// option may be chosen at once.
func (w *Wizard) askProduction(option string, choose func()) bool {
	var o *envOption
	for i := range w.environment.options {
		if w.environment.options[i].label == option {
			o = &w.environment.options[i]
		}
	}
	if o == nil || o.practice || o.env.Name != flow.Production.Name {
		return true
	}
	var d *dialog.CustomDialog
	answered := false
	answer := func(yes bool) {
		if answered {
			return
		}
		answered = true
		d.Hide()
		if yes {
			choose()
		}
		w.win.Canvas().Focus(w.environment.radio)
	}
	use := w.newButtonWithIcon("Use Production", theme.ConfirmIcon(), func() { answer(true) })
	use.Importance = widget.DangerImportance
	keep := w.newButtonWithIcon("Not Production", theme.CancelIcon(), func() { answer(false) })
	use.onEscape = func() { answer(false) }
	keep.onEscape = use.onEscape
	msg := para("Production is the live ATO: registering there is a real registration, recorded against your " +
		"business. Use it only if that is what you want; to test, choose Sandbox or Practice.")
	d = dialog.NewCustomWithoutButtons("Use Production, the live ATO?", container.NewVBox(msg), w.win)
	d.SetButtons([]fyne.CanvasObject{keep, use})
	d.SetOnClosed(func() { answer(false) })
	d.Resize(w.fitDialog(dialogSizeFor(msg, 520)))
	d.Show()
	// A stray Enter keeps the choice as it was.
	w.win.Canvas().Focus(keep)
	return false
}
