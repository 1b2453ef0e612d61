package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/setupfile"
)

// About box facts. The licence is the LICENSE file at the root of the
// source.
const (
	appName          = "DCR Wizard"
	appDescription   = "Registers this installation of your software with the Australian Taxation Office (OAuth Dynamic Client Registration) and keeps what the ATO issues in this computer's keychain."
	appLicence       = "MIT"
	appCopyrightLine = "Copyright (c) 2026 The DCR Wizard authors"
)

// welcomePage is the first screen. Its Practice tick box enters and
// leaves Practice mode (the draft's).
type welcomePage struct {
	w *Wizard

	practice      *keyCheck
	registrations *keyButton
	about         *keyButton
	// needKey is the consumer key's line under "What you need".
	needKey *widget.RichText
}

func (p *welcomePage) build() *fyne.Container {
	w := p.w
	p.practice = w.kit.newCheck("Try it in Practice mode first (nothing is sent to the ATO)", func(on bool) {
		if on == w.draft.Practising() {
			return // drawn from the draft (shown), not a change
		}
		if on {
			w.practice.enterWithDemo()
			w.redraw()
		} else {
			w.practice.leave()
		}
	})
	p.registrations = w.kit.newButtonWithIcon("View registrations", theme.ListIcon(), w.registrations.open)
	p.about = w.kit.newButtonWithIcon("About", theme.InfoIcon(), p.showAbout)
	p.about.Importance = widget.LowImportance
	// The key's line is its own, hidden while a setup file supplies the key
	// (refreshWelcomeKey).
	need := needItem("**Your M2M credential file and its password.** This is the machine credential your practice " +
		"installed from the ATO: a keystore.xml file, or a .p12/.pfx file exported from it.")
	p.needKey = needItem("**The consumer key from your software vendor.** The company that makes your practice " +
		"software gives it to you (it is also called the API key); it is theirs, not your practice's. If they sent " +
		"a setup file (" + setupfile.Extension + "), open it below and you do not need to enter the key.")
	needName := needItem("**A name for this installation,** for example the computer's name, so that you can tell " +
		"your registrations apart later.")
	box := container.NewVBox(
		w.registrations.note.build(w), // registrations that need attention (status.go)
		para("This wizard registers this installation of your software with the Australian Taxation Office (ATO), "+
			"so that it can connect to the ATO's online services. It takes about two minutes."),
		subheading("What you need"),
		container.NewVBox(need, p.needKey, needName),
		w.setup.welcomeBox,
		subheading("Not sure yet?"),
		para("Practice mode runs the whole registration against a simulator built into this program, with a demo "+
			"credential it makes for you. Nothing leaves this computer, so it is a safe way to see every step."),
		container.NewHBox(p.practice),
		widget.NewSeparator(),
		para("Press Start (or Enter) to begin. You can go Back at any time; what you typed is kept."),
		container.NewBorder(nil, nil, p.registrations, p.about),
	)
	p.drawKey()
	return box
}

func (p *welcomePage) problem() string       { return "" }
func (p *welcomePage) focus() fyne.Focusable { return p.w.nextBtn }
func (p *welcomePage) leaving()              {} // the tick box entered Practice already

// shown draws the tick box from the draft: Practice may have been left on
// another page since.
func (p *welcomePage) shown() {
	if on := p.w.draft.Practising(); p.practice.Checked != on {
		p.practice.SetChecked(on) // its callback sees no change
	}
}

// needItem is one bullet of "What you need".
func needItem(md string) *widget.RichText {
	r := widget.NewRichTextFromMarkdown("- " + md)
	r.Wrapping = fyne.TextWrapWord
	return r
}

// drawKey lists the consumer key under "What you need" only when no setup
// file supplies it.
func (p *welcomePage) drawKey() {
	if k := p.needKey; k != nil {
		d := &p.w.draft
		setShown(k, d.Setup == nil || d.OwnKey)
	}
}

// showAbout shows the program's name, version, licence and purpose.
func (p *welcomePage) showAbout() {
	w := p.w
	version := w.cfg.Version
	if version == "" {
		version = "development build"
	}
	content := container.NewVBox()
	if w.cfg.Icon != nil {
		img := canvas.NewImageFromResource(w.cfg.Icon)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSquareSize(64))
		content.Add(container.NewCenter(img))
	}
	name := widget.NewLabelWithStyle(appName, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameSubHeadingText
	content.Add(name)
	content.Add(widget.NewLabelWithStyle("Version "+version, fyne.TextAlignCenter, fyne.TextStyle{}))
	desc := para(appDescription)
	desc.Alignment = fyne.TextAlignCenter
	content.Add(desc)
	content.Add(widget.NewLabelWithStyle("Licence: "+appLicence, fyne.TextAlignCenter, fyne.TextStyle{}))
	content.Add(widget.NewLabelWithStyle(appCopyrightLine, fyne.TextAlignCenter, fyne.TextStyle{}))
	licences := w.kit.newButton("Licences…", w.kit.showLicences)
	d := w.kit.showDialog("About "+appName, "Close", content, licences)
	d.Resize(w.kit.fitDialog(dialogSizeFor(content, 460)))
}
