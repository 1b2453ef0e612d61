package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// disclosure is a section that opens and closes under a button, as Fyne's
// one-item Accordion does, but with the wizard's button: its header takes
// Enter as well as Space and shows the focus ring (Fyne's header button
// shows only a faint tint).
type disclosure struct {
	*fyne.Container
	header *keyButton
	body   fyne.CanvasObject
}

func (k *kit) newDisclosure(title string, body fyne.CanvasObject) *disclosure {
	d := &disclosure{body: body}
	d.header = k.newButtonWithIcon(title, theme.MenuDropDownIcon(), d.toggle)
	d.header.Alignment = widget.ButtonAlignLeading
	d.header.Importance = widget.LowImportance
	body.Hide()
	d.Container = container.NewVBox(d.header, body)
	return d
}

func (d *disclosure) toggle() {
	if d.body.Visible() {
		d.Close(0)
	} else {
		d.Open(0)
	}
}

// Open shows the section (the index is the Accordion's, always 0 here).
func (d *disclosure) Open(int) {
	d.header.SetIcon(theme.MenuDropUpIcon())
	d.body.Show()
	d.Container.Refresh()
}

// Close hides the section.
func (d *disclosure) Close(int) {
	d.header.SetIcon(theme.MenuDropDownIcon())
	d.body.Hide()
	d.Container.Refresh()
}
