package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/flow"
	"dcrwizard/ui/journey"
)

// Preference keys for the Advanced section (addresses are not secrets).
const (
	prefCustomToken    = "customTokenURL"
	prefCustomReg      = "customRegistrationURL"
	prefCustomClientID = "customRegistrationClientID"
	prefCustomScope    = "customScope"
)

// practiceName is the environment name Practice registrations are stored
// under.
const practiceName = journey.PracticeName

// envOption is one choice on the Environment step.
type envOption struct {
	label    string
	env      flow.Environment // empty for Practice
	practice bool
}

// environmentPage is the Environment step. The choice, the typed addresses
// and the CA file are the draft's; the page draws them and writes the
// user's changes back.
type environmentPage struct {
	w *Wizard

	options    []envOption
	radio      *choiceGroup
	note       *widget.Label
	practice   *fyne.Container
	demoInfo   *widget.Label
	useDemo    *keyButton
	useDemoRow *fyne.Container

	custom                           *keyCheck
	tokenURL, regURL, clientID, scop *keyEntry
	caLabel                          *widget.Label
	caClear                          *keyButton
	advanced                         *disclosure
	// drawing: the page is setting its widgets from the draft, so their
	// change callbacks must not write back.
	drawing bool
}

func envOptionLabel(e flow.Environment) string {
	switch e.Name {
	case flow.Sandbox.Name:
		return "Sandbox — the ATO's test environment (EVTE, its External Vendor Test Environment)"
	case flow.Production.Name:
		return "Production — the live ATO (a real registration)"
	}
	return e.Label
}

// optionList is the choices: the configured places, then Practice.
func (p *environmentPage) optionList() []envOption {
	if p.options == nil {
		for _, e := range p.w.cfg.Environments {
			p.options = append(p.options, envOption{label: envOptionLabel(e), env: e})
		}
		p.options = append(p.options, envOption{label: "Practice — offline, with the practice simulator built into this program", practice: true})
	}
	return p.options
}

// restoreEnvironment puts the remembered choice and typed addresses in d
// (preferences: not secrets). A remembered Practice is not entered again:
// Practice is entered on purpose.
func restoreEnvironment(d *journey.Draft, prefs fyne.Preferences, places []flow.Environment) {
	d.Custom = flow.Custom(prefs.String(prefCustomToken), prefs.String(prefCustomReg),
		prefs.String(prefCustomClientID), prefs.String(prefCustomScope))
	name := prefs.String(prefEnvironment)
	if name == "" || journey.IsPractice(name) {
		return
	}
	for _, e := range places {
		if e.Name == name {
			d.ChoosePlace(e)
			return
		}
	}
	d.Addresses = name == "custom"
}

func (p *environmentPage) build() *fyne.Container {
	w := p.w
	labels := []string{}
	for _, o := range p.optionList() {
		labels = append(labels, o.label)
	}
	p.radio = w.kit.newChoiceGroup(labels, p.chosen)
	p.radio.ask = p.askProduction
	p.note = para("")
	p.note.Hide()

	p.demoInfo = para("")
	p.useDemo = w.kit.newButtonWithIcon("Use the Practice credential", theme.ConfirmIcon(), func() {
		w.practice.useDemoCredential()
		w.refreshNav()
	})
	p.useDemoRow = container.NewHBox(p.useDemo)
	p.practice = container.NewVBox(p.demoInfo, p.useDemoRow)
	p.practice.Hide()

	p.custom = w.kit.newCheck("Use these addresses instead of the choice above", p.typedAddresses)
	entry := func(placeholder string) *keyEntry {
		e := w.kit.newEntry(placeholder)
		e.OnChanged = func(string) {
			if !p.drawing {
				w.draft.Custom = p.typed()
			}
			w.refreshNav()
		}
		return e
	}
	p.tokenURL = entry("https://…/connect/token")
	p.regURL = entry("https://…/idp/v1/relyingparties")
	p.clientID = entry("registration client id")
	p.scop = entry("scope")
	p.caLabel = para("")
	p.caClear = w.kit.newButtonWithIcon("Remove", theme.ContentClearIcon(), func() { p.setCAFile("") })
	caChoose := w.kit.newButtonWithIcon("Choose CA file…", theme.FolderOpenIcon(), p.chooseCAFile)

	form := widget.NewForm(
		widget.NewFormItem("Token endpoint", p.tokenURL),
		widget.NewFormItem("Registration endpoint", p.regURL),
		widget.NewFormItem("Registration client id", p.clientID),
		widget.NewFormItem("Scope", p.scop),
	)
	adv := container.NewVBox(
		para("Only change these if your IT support or the ATO told you to."),
		subheading("Custom addresses"),
		p.custom,
		form,
		subheading("Extra trusted certificate (CA file)"),
		para("If your practice's network inspects secure connections (a proxy or firewall), your IT support can give "+
			"you its certificate file (.pem, .crt or .cer). It is trusted in addition to your computer's own."),
		container.NewBorder(nil, nil, nil, container.NewHBox(caChoose, p.caClear), p.caLabel),
	)
	p.advanced = w.kit.newDisclosure("Advanced", adv)
	box := container.NewVBox(
		para("Choose where to register this installation."),
		w.setup.envBox,
		p.radio,
		p.note,
		p.practice,
		p.advanced.Container,
	)
	p.refresh()
	return box
}

func (p *environmentPage) focus() fyne.Focusable { return p.radio }

func (p *environmentPage) problem() string {
	return environmentProblem(p.choice())
}

func (p *environmentPage) shown() {
	if p.w.draft.Practising() {
		p.w.practice.start() // once: it may have been entered before its page was built
	}
	p.refresh()
}

// option is the choice labelled label, or nil.
func (p *environmentPage) option(label string) *envOption {
	for i, o := range p.optionList() {
		if o.label == label {
			return &p.options[i]
		}
	}
	return nil
}

// chosen takes the user's choice (the radio's change).
func (p *environmentPage) chosen(label string) {
	w, d := p.w, &p.w.draft
	o := p.option(label)
	switch {
	case p.drawing || o == nil:
		return
	case o.practice:
		w.practice.enter()
	default:
		was := d.Practising()
		d.ChoosePlace(o.env) // leaves Practice
		if was {
			w.practice.left()
		}
	}
	w.redraw() // the frame too: the banner and heading say whether this is Practice
}

// typedAddresses takes the tick of "Use these addresses instead".
func (p *environmentPage) typedAddresses(on bool) {
	w, d := p.w, &p.w.draft
	if p.drawing {
		return
	}
	if on {
		p.prefillCustom()
		if d.Practising() {
			d.LeavePractice()
			w.practice.left()
		}
	}
	d.Custom, d.Addresses = p.typed(), on
	w.redraw()
}

// typed is the typed addresses.
func (p *environmentPage) typed() flow.Environment {
	return flow.Custom(strings.TrimSpace(p.tokenURL.Text), strings.TrimSpace(p.regURL.Text),
		strings.TrimSpace(p.clientID.Text), strings.TrimSpace(p.scop.Text))
}

// optionIndex is the option the draft's choice is, or -1: Practice while
// practising, the setup file's preset while it decides, else the chosen.
func (p *environmentPage) optionIndex() int {
	d := &p.w.draft
	k, place := d.Chosen()
	switch {
	case d.Practising():
		k = journey.Practice
	case d.SetupEnv():
		k, place = journey.KindOf(d.Setup.Env), flow.Environment{}
	}
	for i, o := range p.optionList() {
		switch {
		case o.practice:
			if k == journey.Practice {
				return i
			}
		case journey.KindOf(o.env) != k:
		case k != journey.Custom:
			return i
		case place.TokenURL != "" && o.env.TokenURL == place.TokenURL && o.env.RegistrationURL == place.RegistrationURL:
			return i
		}
	}
	return -1
}

// typedShown reports whether typed addresses are in use: the user's, or a
// setup file's own.
func (p *environmentPage) typedShown() bool {
	d := &p.w.draft
	switch {
	case d.Practising():
		return false
	case d.SetupEnv():
		return journey.KindOf(d.Setup.Env) == journey.Custom
	}
	return d.Addresses
}

// selectedOption is the chosen option, or nil (none, or typed addresses
// instead).
func (p *environmentPage) selectedOption() *envOption {
	i := p.optionIndex()
	if i < 0 || p.typedShown() {
		return nil
	}
	return &p.options[i]
}

func (p *environmentPage) choice() environmentChoice {
	w, d := p.w, &p.w.draft
	env, have := w.currentEnv()
	return environmentChoice{
		Env:           env,
		Practice:      d.Practising(),
		PracticeReady: w.practice.p != nil,
		PracticeErr:   w.practice.err,
		UsingDemo:     d.UsingDemo(),
		HaveEnv:       have || d.Practising(),
		ExtraCA:       d.CAFile != "",
		NoCredential:  d.Credential == nil,
	}
}

// prefillCustom starts the custom addresses from the chosen place, so
// that only what differs needs typing.
func (p *environmentPage) prefillCustom() {
	env, ok := p.w.currentEnv()
	if !ok {
		return
	}
	fill := func(e *keyEntry, v string) {
		if strings.TrimSpace(e.Text) == "" {
			e.SetText(v)
		}
	}
	fill(p.tokenURL, env.TokenURL)
	fill(p.regURL, env.RegistrationURL)
	fill(p.clientID, env.RegistrationClientID)
	fill(p.scop, env.Scope)
}
