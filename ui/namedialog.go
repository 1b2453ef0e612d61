package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// nameDialog asks for one name: a new one, or the current one typed to
// confirm. Its OK button stays disabled while problem objects; Enter in
// the field is OK, Escape is Cancel.
type nameDialog struct {
	d      *dialog.CustomDialog
	entry  *keyEntry
	hint   *widget.Label
	ok     *keyButton
	cancel *keyButton
}

func newNameDialog(w *Wizard, title string, intro fyne.CanvasObject, label, initial, okText string,
	okImportance widget.Importance, problem func(string) string, onOK func(string)) *nameDialog {
	nd := &nameDialog{}
	nd.entry = w.kit.newEntry("")
	nd.entry.SetText(initial)
	nd.hint = para("")
	nd.hint.Importance = widget.WarningImportance
	submit := func() {
		if problem(nd.entry.Text) != "" {
			return
		}
		nd.d.Hide()
		onOK(nd.entry.Text)
	}
	nd.ok = w.kit.newButtonWithIcon(okText, theme.ConfirmIcon(), submit)
	nd.ok.Importance = okImportance
	nd.cancel = w.kit.newButtonWithIcon("Cancel", theme.CancelIcon(), func() { nd.d.Hide() })
	typed := false // no warning before the user has typed anything
	check := func() {
		msg := problem(nd.entry.Text)
		nd.hint.SetText(msg)
		setShown(nd.hint, msg != "" && typed)
		if msg != "" {
			nd.ok.Disable()
		} else {
			nd.ok.Enable()
		}
	}
	nd.entry.OnChanged = func(string) {
		typed = true
		check()
	}
	nd.entry.OnSubmitted = func(string) { submit() }
	nd.entry.onEscape = func() { nd.d.Hide() }
	content := container.NewVBox(intro, bold(label), nd.entry, nd.hint)
	nd.d = dialog.NewCustomWithoutButtons(title, content, w.win)
	nd.d.SetButtons([]fyne.CanvasObject{nd.cancel, nd.ok})
	check()
	nd.d.Resize(w.kit.fitDialog(dialogSizeFor(content, 560)))
	nd.d.Show()
	w.win.Canvas().Focus(nd.entry)
	return nd
}
