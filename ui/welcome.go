package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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

type welcomePage struct {
	practice      *keyCheck
	registrations *keyButton
	about         *keyButton
	// needKey is the consumer key's line under "What you need".
	needKey *widget.RichText
}

func (w *Wizard) buildWelcome() {
	p := &w.welcome
	p.practice = w.newCheck("Try it in Practice mode first (nothing is sent to the ATO)", func(on bool) {
		if on {
			w.choosePractice()
		}
		w.refreshNav()
	})
	p.registrations = w.newButtonWithIcon("View registrations", theme.ListIcon(), w.registrations.open)
	p.about = w.newButtonWithIcon("About", theme.InfoIcon(), w.showAbout)
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
	w.setPage(stepWelcome,
		w.registrations.note.build(w), // registrations that need attention (status.go)
		para("This wizard registers this installation of your software with the Australian Taxation Office (ATO), "+
			"so that it can connect to the ATO's online services. It takes about two minutes."),
		subheading("What you need"),
		container.NewVBox(need, p.needKey, needName),
		w.setup.welcomeBox, // setup hook
		subheading("Not sure yet?"),
		para("Practice mode runs the whole registration against a simulator built into this program, with a demo "+
			"credential it makes for you. Nothing leaves this computer, so it is a safe way to see every step."),
		container.NewHBox(p.practice),
		widget.NewSeparator(),
		para("Press Start (or Enter) to begin. You can go Back at any time; what you typed is kept."),
		container.NewBorder(nil, nil, p.registrations, p.about),
	)
	w.focusers[stepWelcome] = func() fyne.Focusable { return w.nextBtn }
	w.refreshWelcomeKey()
}

// needItem is one bullet of "What you need".
func needItem(md string) *widget.RichText {
	r := widget.NewRichTextFromMarkdown("- " + md)
	r.Wrapping = fyne.TextWrapWord
	return r
}

// refreshWelcomeKey lists the consumer key under "What you need" only when
// no setup file supplies it.
func (w *Wizard) refreshWelcomeKey() {
	if k := w.welcome.needKey; k != nil {
		setShown(k, w.setup.s == nil || w.setup.keyChanged)
	}
}

// showAbout shows the program's name, version, licence and purpose.
func (w *Wizard) showAbout() {
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
	d := dialog.NewCustom("About "+appName, "Close", content, w.win)
	d.Resize(w.fitDialog(dialogSizeFor(content, 460)))
	d.Show()
}
