package ui

import (
	"strings"

	"fyne.io/fyne/v2/widget"

	"dcrwizard/guidance"
	"dcrwizard/internal/safetext"
	"dcrwizard/ui/journey"
)

// refresh draws the Environment step from the draft: the choice, the
// typed addresses, the setup file's choice, the note and the Practice box.
func (p *environmentPage) refresh() {
	w, d := p.w, &p.w.draft
	p.drawing = true
	defer func() { p.drawing = false }()
	sel := ""
	if i := p.optionIndex(); i >= 0 {
		sel = p.options[i].label
	}
	if p.radio.Selected != sel {
		p.radio.Selected = sel
		p.radio.update()
	}
	typed := p.typedShown()
	if p.custom.Checked != typed {
		p.custom.Checked = typed
		p.custom.Refresh()
	}
	shownAddrs := d.Custom
	if d.SetupEnv() && typed {
		shownAddrs = d.Setup.Env
	}
	for _, f := range []struct {
		e *keyEntry
		v string
	}{{p.tokenURL, shownAddrs.TokenURL}, {p.regURL, shownAddrs.RegistrationURL}, {p.clientID, shownAddrs.RegistrationClientID}, {p.scop, shownAddrs.Scope}} {
		if f.e.Text != f.v {
			f.e.SetText(f.v)
		}
	}
	if d.CAFile == "" {
		p.caLabel.SetText("None: only the certificates your computer already trusts.")
		p.caClear.Hide()
	} else {
		p.caLabel.SetText(safetext.Line(d.CAFile))
		p.caClear.Show()
	}
	// The setup file's choice is shown, not editable, until Change.
	locked := d.SetupEnv()
	for _, e := range []interface{ Enable() }{p.custom, p.tokenURL, p.regURL, p.clientID, p.scop} {
		e.Enable()
	}
	if locked {
		for _, e := range []interface{ Disable() }{p.custom, p.tokenURL, p.regURL, p.clientID, p.scop} {
			e.Disable()
		}
	}
	if typed || locked {
		p.radio.Disable()
	} else {
		p.radio.Enable()
	}
	if typed && !locked {
		p.advanced.Open(0)
	}
	p.drawNote(typed)
	w.setup.drawEnvironment()
	p.refreshPractice()
}

// drawNote says what the choice means.
func (p *environmentPage) drawNote(typed bool) {
	o := p.selectedOption()
	p.note.Importance = widget.MediumImportance
	switch {
	case typed:
		p.note.SetText("Custom addresses (see Advanced below) are used instead of the choice above.")
	case o == nil:
		p.note.SetText("")
	case o.practice:
		p.note.SetText("Nothing is sent to the ATO. A simulator built into this program plays the ATO, with a demo " +
			"credential it makes for you. Use it to see every step before doing it for real.")
	case journey.KindOf(o.env) == journey.Production:
		p.note.Importance = widget.WarningImportance
		p.note.SetText("This is a real registration with the ATO. It is recorded against your business, and your " +
			"software will use it to connect to the ATO for real. Use a production credential and your software " +
			"vendor's production consumer key.")
	case journey.KindOf(o.env) == journey.Sandbox:
		p.note.SetText("For testing. Use a test credential and your software vendor's sandbox consumer key, both made " +
			"for the ATO's test environment (EVTE, the External Vendor Test Environment; its keys and credentials are " +
			"separate from production ones). Nothing here affects your live ATO services.")
	default:
		p.note.SetText("Addresses: " + o.env.TokenURL + " and " + o.env.RegistrationURL + ".")
	}
	setShown(p.note, p.note.Text != "")
	p.note.Refresh()
}

// refreshPractice updates what the Environment step says about Practice.
func (p *environmentPage) refreshPractice() {
	w := p.w
	if !w.draft.Practising() {
		p.practice.Hide()
		return
	}
	ps := &w.practice
	switch {
	case ps.err != nil:
		p.demoInfo.SetText(guidance.Sentence("Practice mode could not start: " + ps.err.Error()))
		p.demoInfo.Importance = widget.DangerImportance
	case ps.p == nil:
		p.demoInfo.SetText("Starting the practice simulator…")
		p.demoInfo.Importance = widget.MediumImportance
	default:
		p.demoInfo.SetText("Demo credential file: " + ps.p.Demo.KeystorePath + "\nIts password: " + ps.p.Demo.Password)
		p.demoInfo.Importance = widget.MediumImportance
	}
	p.demoInfo.Refresh()
	setShown(p.useDemoRow, ps.p != nil && !w.draft.UsingDemo())
	p.practice.Show()
}

// chooseCAFile picks an extra CA certificate file.
func (p *environmentPage) chooseCAFile() {
	p.w.kit.openFileDialog([]string{".pem", ".crt", ".cer"}, "", p.setCAFile)
}

func (p *environmentPage) setCAFile(path string) {
	p.w.draft.CAFile = path
	p.refresh()
	p.w.refreshNav()
}

// leaving remembers the choice (and any custom addresses).
func (p *environmentPage) leaving() {
	w, d := p.w, &p.w.draft
	if d.SetupEnv() {
		return // the vendor's choice is not the user's to remember
	}
	prefs := w.app.Preferences()
	env, ok := w.currentEnv()
	if !ok && !d.Practising() {
		return
	}
	if d.Practising() {
		env.Name = practiceName
	}
	prefs.SetString(prefEnvironment, env.Name)
	if d.Addresses {
		prefs.SetString(prefCustomToken, strings.TrimSpace(d.Custom.TokenURL))
		prefs.SetString(prefCustomReg, strings.TrimSpace(d.Custom.RegistrationURL))
		prefs.SetString(prefCustomClientID, strings.TrimSpace(d.Custom.RegistrationClientID))
		prefs.SetString(prefCustomScope, strings.TrimSpace(d.Custom.Scope))
	}
}

// changeSetupEnv is Change over the setup file's choice: the user's own
// choice starts as the file's, now editable.
func (p *environmentPage) changeSetupEnv() {
	d := &p.w.draft
	if s := d.Setup; s != nil {
		if k := journey.KindOf(s.Env); k == journey.Custom {
			d.Custom, d.Addresses = s.Env, true
		} else {
			d.ChoosePlace(s.Env)
			d.Addresses = false
		}
	}
	d.OwnEnv = true
	p.refresh()
	p.w.refreshNav()
}
