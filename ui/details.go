package ui

import (
	"dcrwizard/guidance"
	"fmt"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/consumerkey"
	"dcrwizard/registrar"
)

type detailsPage struct {
	apiKey      *keyEntry
	apiErr      *widget.Label
	pasteBtn    *keyButton
	practiceBox *fyne.Container
	practiceKey *widget.Label
	usePractice *keyButton
	useRow      *fyne.Container
	name        *keyEntry
	nameCount   *widget.Label
	nameErr     *widget.Label
	keyBox      *fyne.Container // the key's widgets; hidden when a setup file gives the key
}

func (w *Wizard) buildDetails() {
	p := &w.details
	p.apiKey = w.newEntry("Paste the consumer key here")
	p.apiKey.OnChanged = func(s string) {
		// Pasting from a web page or e-mail brings spaces and line breaks.
		if clean := consumerkey.Clean(s); clean != s {
			p.apiKey.SetText(clean)
			return
		}
		w.refreshDetails()
		w.refreshNav()
	}
	p.pasteBtn = w.newButtonWithIcon("Paste", theme.ContentPasteIcon(), func() {
		p.apiKey.SetText(w.app.Clipboard().Content()) // OnChanged shows it cleaned
		w.win.Canvas().Focus(p.apiKey)
	})
	p.apiErr = errPara("")
	p.apiErr.Hide()
	p.practiceKey = para("")
	p.usePractice = w.newButtonWithIcon("Use the Practice key", theme.ConfirmIcon(), func() {
		if w.practice.p != nil {
			p.apiKey.SetText(w.practice.p.ConsumerKey.Header())
		}
	})
	p.useRow = container.NewHBox(p.usePractice)
	p.practiceBox = container.NewVBox(p.practiceKey, p.useRow)
	p.practiceBox.Hide()

	p.name = w.newEntry("For example: Front desk PC")
	p.name.SetText(w.cfg.DefaultName)
	p.name.OnChanged = func(string) {
		w.refreshDetails()
		w.refreshNav()
	}
	p.nameCount = para("")
	p.nameErr = errPara("")
	p.nameErr.Hide()

	p.keyBox = container.NewVBox(
		para("The consumer key your software vendor gave you (the company that makes your practice software; "+
			"the key is theirs). Copy it and press Paste: stray spaces and line breaks are removed for you."),
		container.NewBorder(nil, nil, nil, p.pasteBtn, p.apiKey),
		p.apiErr,
		p.practiceBox,
	)
	w.setPage(stepDetails,
		subheading("Consumer (API) key"),
		w.setup.detailsBox, // setup hook
		p.keyBox,
		subheading("Name for this installation"),
		para(fmt.Sprintf("A name that tells you and the ATO which computer or installation this is, for example the "+
			"computer's name. Up to %d characters.", registrar.MaxNameLength)),
		p.name,
		p.nameCount,
		p.nameErr,
	)
	w.problems[stepDetails] = func() string { _, keyErr := w.detailsKeyChecked(); return detailsProblem(keyErr, p.name.Text) } // setup hook: detailsKeyChecked
	w.focusers[stepDetails] = func() fyne.Focusable {
		if w.setupKeyLocked() { // setup hook: the key is not asked for
			return p.name
		}
		return p.apiKey
	}
	w.refreshDetails()
}

// refreshDetails shows each field's own problem under it, once something
// was typed (an empty field is explained by the hint next to Next).
func (w *Wizard) refreshDetails() {
	p := &w.details
	showErr := func(l *widget.Label, text string, err error) {
		if text != "" && err != nil {
			l.SetText(guidance.Words(err))
			l.Show()
		} else {
			l.Hide()
		}
	}
	showErr(p.apiErr, p.apiKey.Text, consumerkey.Valid(p.apiKey.Text))
	name := registrar.CleanName(p.name.Text)
	showErr(p.nameErr, p.name.Text, registrar.ValidateInstanceName(name))
	p.nameCount.SetText(fmt.Sprintf("%d of %d characters", utf8.RuneCountInString(name), registrar.MaxNameLength))
	typed, _ := consumerkey.New(p.apiKey.Text, consumerkey.Typed)
	setShown(p.useRow, w.practice.p != nil && !typed.Same(w.practice.p.ConsumerKey))
}

func (w *Wizard) detailsShown() {
	p := &w.details
	if w.isPractice() && w.practice.p != nil {
		key := w.practice.p.ConsumerKey.Header()
		p.practiceKey.SetText("Practice mode: the simulator's consumer key is " + key + ".")
		if p.apiKey.Text == "" {
			p.apiKey.SetText(key)
		}
		p.practiceBox.Show()
	} else {
		p.practiceBox.Hide()
	}
	w.refreshDetails()
	w.refreshSetupDetails() // setup hook
}
