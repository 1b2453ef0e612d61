package ui

import (
	"dcrwizard/guidance"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/flow"
)

// Preference keys for the Advanced section (addresses are not secrets).
const (
	prefCustomToken    = "customTokenURL"
	prefCustomReg      = "customRegistrationURL"
	prefCustomClientID = "customRegistrationClientID"
	prefCustomScope    = "customScope"
)

const practiceName = "practice"

// envOption is one choice on the Environment step.
type envOption struct {
	label    string
	env      flow.Environment // empty for Practice until the simulator runs
	practice bool
}

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
	caFile                           string
	caLabel                          *widget.Label
	caClear                          *keyButton
	advanced                         *disclosure
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

func (w *Wizard) buildEnvironment() *fyne.Container {
	p := &w.environment
	for _, e := range w.cfg.Environments {
		p.options = append(p.options, envOption{label: envOptionLabel(e), env: e})
	}
	p.options = append(p.options, envOption{label: "Practice — offline, with the practice simulator built into this program", practice: true})
	labels := make([]string, len(p.options))
	for i, o := range p.options {
		labels[i] = o.label
	}
	p.radio = w.kit.newChoiceGroup(labels, func(string) { w.environmentChanged() })
	p.radio.ask = w.askProduction
	p.note = para("")
	p.note.Hide()

	p.demoInfo = para("")
	p.useDemo = w.kit.newButtonWithIcon("Use the Practice credential", theme.ConfirmIcon(), func() {
		w.useDemoCredential()
		w.refreshNav()
	})
	p.useDemoRow = container.NewHBox(p.useDemo)
	p.practice = container.NewVBox(p.demoInfo, p.useDemoRow)
	p.practice.Hide()

	prefs := w.app.Preferences()
	p.custom = w.kit.newCheck("Use these addresses instead of the choice above", func(on bool) {
		if on {
			w.prefillCustom()
		}
		w.environmentChanged()
	})
	entry := func(placeholder, pref string) *keyEntry {
		e := w.kit.newEntry(placeholder)
		e.SetText(prefs.String(pref))
		e.OnChanged = func(string) { w.refreshNav() }
		return e
	}
	p.tokenURL = entry("https://…/connect/token", prefCustomToken)
	p.regURL = entry("https://…/idp/v1/relyingparties", prefCustomReg)
	p.clientID = entry("registration client id", prefCustomClientID)
	p.scop = entry("scope", prefCustomScope)
	p.caLabel = para("None: only the certificates your computer already trusts.")
	p.caClear = w.kit.newButtonWithIcon("Remove", theme.ContentClearIcon(), func() { w.setCAFile("") })
	p.caClear.Hide()
	caChoose := w.kit.newButtonWithIcon("Choose CA file…", theme.FolderOpenIcon(), w.chooseCAFile)

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

	// The remembered choice, if it is still offered.
	if name := prefs.String(prefEnvironment); name != "" {
		for _, o := range p.options {
			if (o.practice && name == practiceName) || (!o.practice && o.env.Name == name) {
				p.radio.Selected = o.label
				p.radio.update()
			}
		}
		if name == "custom" && p.radio.Selected == "" {
			p.custom.Checked = true
		}
	}

	box := container.NewVBox(
		para("Choose where to register this installation."),
		w.setup.envBox, // setup hook
		p.radio,
		p.note,
		p.practice,
		p.advanced.Container,
	)
	w.refreshEnvironment()
	return box
}

func (p *environmentPage) build() *fyne.Container { return p.w.buildEnvironment() }
func (p *environmentPage) shown()                 { p.w.environmentShown() }
func (p *environmentPage) leaving()               { p.w.environmentLeaving() }
func (p *environmentPage) focus() fyne.Focusable  { return p.radio }

func (p *environmentPage) problem() string {
	return environmentProblem(p.w.environmentChoice())
}

// selectedOption is the chosen option, or nil.
func (w *Wizard) selectedOption() *envOption {
	w.ensurePage(stepEnvironment) // flowui: the choice lives on the page, built on first use
	p := &w.environment
	for i := range p.options {
		if p.options[i].label == p.radio.Selected {
			return &p.options[i]
		}
	}
	return nil
}

// isPractice reports whether the run will go to the built-in simulator.
func (w *Wizard) isPractice() bool {
	o := w.selectedOption()
	return o != nil && o.practice && !w.environment.custom.Checked
}

// currentEnv is the environment the run will use.
func (w *Wizard) currentEnv() (flow.Environment, bool) {
	w.ensurePage(stepEnvironment) // flowui: the choice lives on the page, built on first use
	p := &w.environment
	if p.custom.Checked {
		return flow.Custom(strings.TrimSpace(p.tokenURL.Text), strings.TrimSpace(p.regURL.Text),
			strings.TrimSpace(p.clientID.Text), strings.TrimSpace(p.scop.Text)), true
	}
	o := w.selectedOption()
	switch {
	case o == nil:
		return flow.Environment{}, false
	case o.practice:
		if w.practice.p == nil {
			return flow.Environment{Name: practiceName}, true
		}
		return w.practice.p.Env, true
	}
	return o.env, true
}

func (w *Wizard) environmentChoice() environmentChoice {
	env, have := w.currentEnv()
	return environmentChoice{
		Env:           env,
		Practice:      w.isPractice(),
		PracticeReady: w.practice.p != nil,
		PracticeErr:   w.practice.err,
		UsingDemo:     w.usingDemo(),
		HaveEnv:       have,
		ExtraCA:       w.environment.caFile != "",
	}
}

// selectPractice picks Practice (from the Welcome page's tick).
func (w *Wizard) selectPractice() {
	w.ensurePage(stepEnvironment) // flowui: the choice lives on the page, built on first use
	p := &w.environment
	for _, o := range p.options {
		if o.practice {
			p.radio.SetSelected(o.label)
		}
	}
	if p.custom.Checked {
		p.custom.SetChecked(false)
	}
}

func (w *Wizard) environmentChanged() {
	if w.isPractice() {
		w.practice.wanted = true
		w.startPractice()
	} else {
		w.practice.wanted = false
	}
	w.refreshEnvironment()
	w.refreshNav()
}

// prefillCustom starts the custom addresses from the chosen preset, so
// that only what differs needs typing.
func (w *Wizard) prefillCustom() {
	p := &w.environment
	o := w.selectedOption()
	if o == nil {
		return
	}
	env := o.env
	if o.practice && w.practice.p != nil {
		env = w.practice.p.Env
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

// refreshEnvironment redraws the note for the choice and the Practice box.
func (w *Wizard) refreshEnvironment() {
	w.ensurePage(stepEnvironment) // flowui: the choice lives on the page, built on first use
	p := &w.environment
	w.refreshSetupEnvironment() // setup hook: the file's choice, before the note is drawn
	o := w.selectedOption()
	if p.custom.Checked {
		p.radio.Disable()
		p.advanced.Open(0)
	} else {
		p.radio.Enable()
	}
	p.note.Importance = widget.MediumImportance
	switch {
	case p.custom.Checked:
		p.note.SetText("Custom addresses (see Advanced below) are used instead of the choice above.")
	case o == nil:
		p.note.SetText("")
	case o.practice:
		p.note.SetText("Nothing is sent to the ATO. A simulator built into this program plays the ATO, with a demo " +
			"credential it makes for you. Use it to see every step before doing it for real.")
	case o.env.Name == flow.Production.Name:
		p.note.Importance = widget.WarningImportance
		p.note.SetText("This is a real registration with the ATO. It is recorded against your business, and your " +
			"software will use it to connect to the ATO for real. Use a production credential and your software " +
			"vendor's production consumer key.")
	case o.env.Name == flow.Sandbox.Name:
		p.note.SetText("For testing. Use a test credential and your software vendor's sandbox consumer key, both made " +
			"for the ATO's test environment (EVTE, the External Vendor Test Environment; its keys and credentials are " +
			"separate from production ones). Nothing here affects your live ATO services.")
	default:
		p.note.SetText("Addresses: " + o.env.TokenURL + " and " + o.env.RegistrationURL + ".")
	}
	setShown(p.note, p.note.Text != "")
	p.note.Refresh()
	w.refreshPractice()
	if w.setupEnvLocked() { // setup hook: shown, not editable, until Change
		p.radio.Disable()
	}
}

// refreshPractice updates what the Environment step says about Practice.
func (w *Wizard) refreshPractice() {
	w.ensurePage(stepEnvironment) // flowui: the choice lives on the page, built on first use
	p := &w.environment
	if !w.isPractice() {
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
	setShown(p.useDemoRow, ps.p != nil && !w.usingDemo())
	p.practice.Show()
}

// chooseCAFile picks an extra CA certificate file.
func (w *Wizard) chooseCAFile() {
	w.kit.openFileDialog([]string{".pem", ".crt", ".cer"}, "", w.setCAFile)
}

func (w *Wizard) setCAFile(path string) {
	p := &w.environment
	p.caFile = path
	if path == "" {
		p.caLabel.SetText("None: only the certificates your computer already trusts.")
		p.caClear.Hide()
	} else {
		p.caLabel.SetText(path)
		p.caClear.Show()
	}
	w.refreshNav()
}

// environmentLeaving remembers the choice (and any custom addresses).
func (w *Wizard) environmentLeaving() {
	if w.setupEnvLocked() {
		return // setup hook: the vendor's choice is not the user's to remember
	}
	p := &w.environment
	prefs := w.app.Preferences()
	env, ok := w.currentEnv()
	if !ok {
		return
	}
	prefs.SetString(prefEnvironment, env.Name)
	if p.custom.Checked {
		prefs.SetString(prefCustomToken, strings.TrimSpace(p.tokenURL.Text))
		prefs.SetString(prefCustomReg, strings.TrimSpace(p.regURL.Text))
		prefs.SetString(prefCustomClientID, strings.TrimSpace(p.clientID.Text))
		prefs.SetString(prefCustomScope, strings.TrimSpace(p.scop.Text))
	}
}

func (w *Wizard) environmentShown() {
	if w.isPractice() {
		// Practice may be the remembered choice: start it now.
		w.practice.wanted = true
		w.startPractice()
	}
	w.refreshEnvironment()
}
