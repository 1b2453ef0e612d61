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

// detailsPage is the Details step. The typed key and the name are the
// draft's (TypedKey, Name); keyErr is why the typed text is not a key.
type detailsPage struct {
	w *Wizard

	apiKey      *keyEntry
	apiErr      *widget.Label
	keyErr      error
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

func (p *detailsPage) build() *fyne.Container {
	w := p.w
	p.apiKey = w.kit.newEntry("Paste the consumer key here")
	p.keyErr = consumerkey.Valid("")
	p.apiKey.OnChanged = func(s string) {
		// Pasting from a web page or e-mail brings spaces and line breaks.
		if clean := consumerkey.Clean(s); clean != s {
			p.apiKey.SetText(clean)
			return
		}
		w.draft.TypedKey, p.keyErr = consumerkey.New(s, consumerkey.Typed)
		p.refresh()
		w.refreshNav()
	}
	p.pasteBtn = w.kit.newButtonWithIcon("Paste", theme.ContentPasteIcon(), func() {
		p.apiKey.SetText(w.app.Clipboard().Content()) // OnChanged shows it cleaned
		w.win.Canvas().Focus(p.apiKey)
	})
	p.apiErr = errPara("")
	p.apiErr.Hide()
	p.practiceKey = para("")
	p.usePractice = w.kit.newButtonWithIcon("Use the Practice key", theme.ConfirmIcon(), func() {
		if k := w.practice.key(); !k.IsZero() {
			p.apiKey.SetText(k.Header())
		}
	})
	p.useRow = container.NewHBox(p.usePractice)
	p.practiceBox = container.NewVBox(p.practiceKey, p.useRow)
	p.practiceBox.Hide()

	p.name = w.kit.newEntry("For example: Front desk PC")
	p.name.SetText(w.draft.Name)
	p.name.OnChanged = func(s string) {
		w.draft.Name = s
		p.refresh()
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
	box := container.NewVBox(
		subheading("Consumer (API) key"),
		w.setup.detailsBox,
		p.keyBox,
		subheading("Name for this installation"),
		para(fmt.Sprintf("A name that tells you and the ATO which computer or installation this is, for example the "+
			"computer's name. Up to %d characters.", registrar.MaxNameLength)),
		p.name,
		p.nameCount,
		p.nameErr,
	)
	p.refresh()
	return box
}

func (p *detailsPage) leaving() {}

func (p *detailsPage) problem() string {
	return detailsProblem(p.keyProblem(), p.w.draft.Name)
}

// keyProblem is why there is no consumer key yet: none when a setup file
// or Practice gives it.
func (p *detailsPage) keyProblem() error {
	d := &p.w.draft
	if d.SetupKey() || (d.Practising() && !p.w.practice.key().IsZero()) {
		return nil
	}
	return p.keyErr
}

func (p *detailsPage) focus() fyne.Focusable {
	if p.w.draft.SetupKey() { // the key is not asked for
		return p.name
	}
	return p.apiKey
}

// refresh shows each field's own problem under it, once something was
// typed (an empty field is explained by the hint next to Next).
func (p *detailsPage) refresh() {
	w := p.w
	showErr := func(l *widget.Label, text string, err error) {
		if text != "" && err != nil {
			l.SetText(guidance.Words(err))
			l.Show()
		} else {
			l.Hide()
		}
	}
	showErr(p.apiErr, p.apiKey.Text, p.keyErr)
	name := registrar.CleanName(w.draft.Name)
	showErr(p.nameErr, w.draft.Name, registrar.ValidateInstanceName(name))
	p.nameCount.SetText(fmt.Sprintf("%d of %d characters", utf8.RuneCountInString(name), registrar.MaxNameLength))
	pk := w.practice.key()
	setShown(p.useRow, !pk.IsZero() && !w.draft.TypedKey.Same(pk))
}

// shown draws the page from the draft: the name (a setup file may have
// suggested one), the Practice key while practising, and no Practice key
// left in the field once Practice is left.
func (p *detailsPage) shown() {
	w, d := p.w, &p.w.draft
	if p.name.Text != d.Name {
		p.name.SetText(d.Name)
	}
	pk := w.practice.key()
	switch {
	case d.Practising() && !pk.IsZero():
		key := pk.Header()
		p.practiceKey.SetText("Practice mode: the simulator's consumer key is " + key + ".")
		if p.apiKey.Text == "" {
			p.apiKey.SetText(key)
		}
		p.practiceBox.Show()
	case !pk.IsZero() && p.apiKey.Text == pk.Header():
		p.apiKey.SetText("") // Practice's key is for Practice only
		p.practiceBox.Hide()
	default:
		p.practiceBox.Hide()
	}
	p.refresh()
	w.setup.drawDetails()
}
