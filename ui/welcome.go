package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

type welcomePage struct {
	practice *keyCheck
}

func (w *Wizard) buildWelcome() {
	p := &w.welcome
	p.practice = w.newCheck("Try it in Practice mode first (nothing is sent to the ATO)", func(on bool) {
		if on {
			w.choosePractice()
		}
		w.refreshNav()
	})
	need := widget.NewRichTextFromMarkdown(
		"- **Your M2M credential file and its password.** This is the machine credential your practice " +
			"installed from the ATO: a keystore.xml file, or a .p12/.pfx file exported from it.\n" +
			"- **The consumer key of your team app.** Find it in the ATO API portal, under your team app " +
			"(it is also called the API key).\n" +
			"- **A name for this installation,** for example the computer's name, so that you can tell " +
			"your registrations apart later.")
	need.Wrapping = fyne.TextWrapWord
	w.setPage(stepWelcome,
		para("This wizard registers this installation of your software with the Australian Taxation Office (ATO), "+
			"so that it can connect to the ATO's online services. It takes about two minutes."),
		subheading("What you need"),
		need,
		subheading("Not sure yet?"),
		para("Practice mode runs the whole registration against a simulator built into this program, with a demo "+
			"credential it makes for you. Nothing leaves this computer, so it is a safe way to see every step."),
		container.NewHBox(p.practice),
		widget.NewSeparator(),
		para("Press Start (or Enter) to begin. You can go Back at any time; what you typed is kept."),
	)
	w.focusers[stepWelcome] = func() fyne.Focusable { return nil }
}
