package ui

// A software vendor's setup file in the wizard (docs/SETUP-FILE.md): it sets
// the environment and the consumer key, suggests the name and names the
// vendor's support. Everything here is reached through small, marked hooks
// in the pages ("setup hook"); the file itself is read and checked by
// registrar.LoadSetup, the same function the command line uses.

import (
	"dcrwizard/consumerkey"
	"dcrwizard/guidance"
	"errors"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/registrar"
	"dcrwizard/setupfile"
)

type setupState struct {
	s    *registrar.Setup
	err  error // why the last file offered could not be used
	gen  int   // bumped per load, so a stale result is dropped
	busy bool
	// confirm is the question open about a custom file, nil when none.
	confirm *setupConfirm

	envChanged bool // the user pressed Change on Environment
	keyChanged bool // the user pressed Change on Details

	welcomeStatus *widget.Label
	welcomeErr    *widget.Label
	welcomeForget *keyButton
	welcomeBox    *fyne.Container

	envLabel  *widget.Label
	envChange *keyButton
	envBox    *fyne.Container

	detailsLabel  *widget.Label
	detailsChange *keyButton
	detailsBox    *fyne.Container
}

// buildSetup makes the setup file's widgets; the pages place them.
func (w *Wizard) buildSetup() {
	st := &w.setup
	choose := w.kit.newButtonWithIcon("I have a setup file from my software vendor", theme.FolderOpenIcon(), func() {
		w.kit.openFileDialog([]string{setupfile.Extension, ".json"}, "", w.loadSetup) // .json: also *.dcrwizard.json
	})
	st.welcomeStatus = para("")
	st.welcomeStatus.Importance = widget.SuccessImportance
	st.welcomeStatus.Hide()
	st.welcomeErr = errPara("")
	st.welcomeErr.Hide()
	st.welcomeForget = w.kit.newButtonWithIcon("Don't use it", theme.ContentClearIcon(), w.forgetSetup)
	st.welcomeForget.Importance = widget.LowImportance
	st.welcomeForget.Hide()
	st.welcomeBox = container.NewVBox(container.NewHBox(choose, st.welcomeForget), st.welcomeStatus, st.welcomeErr)

	st.envLabel = para("")
	st.envLabel.Importance = widget.HighImportance
	st.envChange = w.kit.newButtonWithIcon("Change", theme.DocumentCreateIcon(), func() {
		st.envChanged = true
		w.refreshEnvironment()
		w.refreshNav()
	})
	st.envBox = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewVBox(st.envChange), st.envLabel))
	st.envBox.Hide()

	st.detailsLabel = para("")
	st.detailsLabel.Importance = widget.HighImportance
	st.detailsChange = w.kit.newButtonWithIcon("Change", theme.DocumentCreateIcon(), w.toggleSetupKey)
	st.detailsBox = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewVBox(st.detailsChange), st.detailsLabel))
	st.detailsBox.Hide()
}

// startSetup loads the file the program was started with, or the one
// beside the program.
func (w *Wizard) startSetup() {
	if path := w.cfg.SetupPath; path != "" {
		w.loadSetup(path)
		return
	}
	find := w.cfg.setupBeside
	if find == nil {
		find = registrar.SetupBesideProgram
	}
	st := &w.setup
	st.gen++
	gen := st.gen
	w.background(func() func() {
		path, ok := find()
		if !ok {
			return nil
		}
		s, err := registrar.LoadSetup(path)
		return func() { w.setupLoaded(gen, s, err) }
	})
}

// isSetupFileName reports whether a dropped file is a setup file rather
// than a credential (no credential is JSON).
func isSetupFileName(path string) bool {
	return setupfile.IsSetupFileName(path) || strings.EqualFold(filepath.Ext(path), ".json")
}

// droppedSetup takes a dropped setup file (setup hook in Wizard.dropped).
func (w *Wizard) droppedSetup(path string) bool {
	if !isSetupFileName(path) {
		return false
	}
	w.loadSetup(path)
	return true
}

// loadSetup reads path in the background.
func (w *Wizard) loadSetup(path string) {
	st := &w.setup
	st.gen++
	gen := st.gen
	st.busy = true
	w.background(func() func() {
		s, err := registrar.LoadSetup(path)
		return func() { w.setupLoaded(gen, s, err) }
	})
}

func (w *Wizard) setupLoaded(gen int, s *registrar.Setup, err error) {
	st := &w.setup
	if gen != st.gen {
		return
	}
	if err == nil && w.setupArrived(gen, s) {
		return // asked first: custom addresses (setupconfirm.go)
	}
	st.busy = false
	if err != nil {
		// The file named is refused; one loaded before stays in use.
		st.err = err
		w.refreshSetup()
		if w.step != stepWelcome {
			dialog.ShowError(errors.New(setupErrorText(err)), w.win)
		}
		return
	}
	w.useSetup(s)
}

// useSetup makes s the setup in use.
func (w *Wizard) useSetup(s *registrar.Setup) {
	st := &w.setup
	st.busy = false
	st.s, st.err = s, nil
	st.envChanged, st.keyChanged = false, false
	// The suggested name replaces only what was not typed.
	w.ensurePage(stepDetails) // flowui: pages are built on first use
	if name := w.details.name.Text; name == "" || name == w.cfg.DefaultName {
		w.details.name.SetText(s.SuggestedName(w.cfg.DefaultName))
	}
	w.refreshSetup()
	if w.step == stepEnvironment || w.step == stepDetails {
		w.show(w.step)
	}
}

// setupErrorText is the refusal in words for a dialog.
func setupErrorText(err error) string {
	return guidance.Sentence(err.Error()) + "\n\nAsk your software vendor for a corrected file, or go on without it."
}

// forgetSetup stops using the file.
func (w *Wizard) forgetSetup() {
	st := &w.setup
	st.gen++
	st.s, st.err, st.busy = nil, nil, false
	w.refreshSetup()
	w.refreshEnvironment()
}

// setupEnvLocked: the environment is the file's, shown but not editable.
func (w *Wizard) setupEnvLocked() bool {
	st := &w.setup
	return st.s != nil && !st.envChanged && !w.practice.wanted
}

// setupKeyLocked: the consumer key is the file's and is not asked for.
func (w *Wizard) setupKeyLocked() bool {
	st := &w.setup
	return st.s != nil && !st.keyChanged && !w.isPractice()
}

// detailsKeyChecked is the consumer key the run will use (setup hook on
// Details), or why the typed one is refused.
func (w *Wizard) detailsKeyChecked() (consumerkey.Key, error) {
	w.ensurePage(stepDetails) // flowui: built on first use
	if w.setupKeyLocked() {
		return w.setup.s.ConsumerKey(), nil
	}
	return consumerkey.New(w.details.apiKey.Text, consumerkey.Typed)
}

// detailsKey is detailsKeyChecked's key: the zero Key while the typed one
// is refused (Details says why).
func (w *Wizard) detailsKey() consumerkey.Key {
	k, _ := w.detailsKeyChecked()
	return k
}

// shownKey is what may be shown of key: only the last four characters when
// it is the vendor's (setup hook on Review and the support summary).
func (w *Wizard) shownKey(key consumerkey.Key) string {
	if s := w.setup.s; s != nil && !key.IsZero() && key.Same(s.ConsumerKey()) {
		return "ending " + s.KeyHint() + " (from " + s.Vendor.Name + "'s setup file)"
	}
	return maskKey(key.Header())
}

// setupVendor is recorded with the registration.
func (w *Wizard) setupVendor() credstore.Vendor {
	if s := w.setup.s; s != nil {
		return s.Vendor
	}
	return credstore.Vendor{}
}

// applySetupRun fills the run's input through registrar.ApplySetup, as
// the command line does (setup hook in startRegister). It returns the
// input and CA file to use.
func (w *Wizard) applySetupRun(in registrar.Input, caFile string) (registrar.Input, string, error) {
	s := w.setup.s
	if s == nil {
		return in, caFile, nil
	}
	g := registrar.Given{Name: in.InstanceName, NameFrom: registrar.FromTyped, CAFile: caFile, CAFrom: registrar.FromTyped}
	if !w.setupEnvLocked() {
		g.Env, g.EnvFrom = &in.Env, registrar.FromTyped
	}
	if !w.setupKeyLocked() {
		g.ConsumerKey = in.ConsumerKey
	}
	a, err := registrar.ApplySetup(s, g, w.cfg.Store.Dir())
	if err != nil {
		return in, caFile, err
	}
	a.Input.Credential = in.Credential
	return a.Input, a.CAFile, nil
}

// toggleSetupKey switches Details between the file's key and a typed one.
func (w *Wizard) toggleSetupKey() {
	st := &w.setup
	st.keyChanged = !st.keyChanged
	// The vendor's key is never put in the field, so it is never shown.
	w.details.apiKey.SetText("")
	w.refreshSetup()
	if st.keyChanged {
		w.win.Canvas().Focus(w.details.apiKey)
	}
	w.refreshNav()
}

// refreshSetup redraws every place the file shows.
func (w *Wizard) refreshSetup() {
	st := &w.setup
	s := st.s
	if s != nil {
		st.welcomeStatus.SetText("Setup from " + s.Vendor.Name + " for " + s.Vendor.Product + " is loaded (" +
			filepath.Base(s.Path) + "). You need only your M2M credential and its password: the consumer key and " +
			"where to register are set by the file.")
	}
	setShown(st.welcomeStatus, s != nil)
	setShown(st.welcomeForget, s != nil)
	if st.err != nil {
		st.welcomeErr.SetText(setupErrorText(st.err))
	}
	setShown(st.welcomeErr, st.err != nil)
	w.refreshWelcomeKey()
	w.refreshSetupEnvironment()
	w.refreshSetupDetails()
	w.relayout()
}

// refreshSetupEnvironment shows what the file set on Environment and keeps
// the choice on it (setup hook at the end of refreshEnvironment).
func (w *Wizard) refreshSetupEnvironment() {
	if !w.pageBuilt(stepEnvironment) {
		return // flowui: built later, from this state
	}
	st := &w.setup
	s := st.s
	p := &w.environment
	if !w.setupEnvLocked() {
		p.custom.Enable()
		for _, e := range []*keyEntry{p.tokenURL, p.regURL, p.clientID, p.scop} {
			e.Enable()
		}
	}
	if s == nil {
		st.envBox.Hide()
		return
	}
	switch {
	case w.practice.wanted:
		st.envLabel.SetText("Practice mode: nothing is sent to the ATO. " + s.Vendor.Name + "'s setup (" + s.EnvText() +
			") is used when you register for real.")
		st.envChange.Hide()
	case st.envChanged:
		st.envLabel.SetText(s.Vendor.Name + "'s setup file chose " + s.EnvText() + "; you changed it below.")
		st.envChange.Hide()
	default:
		st.envLabel.SetText(s.Headline() + ". Press Change only if " + s.Vendor.Name + " told you to.")
		st.envChange.Show()
		w.selectSetupEnv(s.Env)
		p.radio.Disable()
		p.custom.Disable()
		for _, e := range []*keyEntry{p.tokenURL, p.regURL, p.clientID, p.scop} {
			e.Disable()
		}
	}
	st.envBox.Show()
}

// selectSetupEnv puts env on the Environment step: the preset's option, or
// the custom addresses.
func (w *Wizard) selectSetupEnv(env flow.Environment) {
	p := &w.environment
	for _, o := range p.options {
		if !o.practice && o.env.Name == env.Name && env.Name != "custom" {
			if p.custom.Checked {
				p.custom.Checked = false
				p.custom.Refresh()
			}
			if p.radio.Selected != o.label {
				p.radio.Selected = o.label
				p.radio.Refresh()
			}
			return
		}
	}
	for _, f := range []struct {
		e *keyEntry
		v string
	}{{p.tokenURL, env.TokenURL}, {p.regURL, env.RegistrationURL}, {p.clientID, env.RegistrationClientID}, {p.scop, env.Scope}} {
		if f.e.Text != f.v {
			f.e.SetText(f.v)
		}
	}
	if !p.custom.Checked {
		p.custom.Checked = true
		p.custom.Refresh()
	}
}

// refreshSetupDetails shows the file's key on Details instead of asking
// for it (setup hook in detailsShown and refreshDetails).
func (w *Wizard) refreshSetupDetails() {
	if !w.pageBuilt(stepDetails) {
		return // flowui: built later, from this state
	}
	st := &w.setup
	s := st.s
	p := &w.details
	if s == nil || w.isPractice() {
		st.detailsBox.Hide()
		p.keyBox.Show()
		return
	}
	if st.keyChanged {
		st.detailsLabel.SetText("You are typing a consumer key instead of the one in " + s.Vendor.Name + "'s setup file.")
		st.detailsChange.SetText("Use the key from the setup file")
		p.keyBox.Show()
	} else {
		st.detailsLabel.SetText("Set by " + s.Vendor.Name + ": consumer key ending " + s.KeyHint() +
			" (" + s.Vendor.Name + "'s key for " + s.Vendor.Product + "; you do not need to find it). Press Change only if " +
			s.Vendor.Name + " told you to use another key.")
		st.detailsChange.SetText("Change")
		p.keyBox.Hide()
	}
	st.detailsBox.Show()
}

// supportVendor is the vendor for the support summary and failure pages:
// the file's, else none.
func (w *Wizard) supportVendor() credstore.Vendor { return w.setupVendor() }

// addSetupSupport puts the vendor's support contact on a failure or
// not-stored page (setup hook in showFailure and showResult).
func (w *Wizard) addSetupSupport(box *fyne.Container) {
	v := w.supportVendor()
	if v.IsZero() {
		return
	}
	text := "Need help? Contact " + v.Name + ", who sent the setup for " + v.Product
	if c := registrar.SupportContact(v); c != "" {
		text += ": " + c
	}
	box.Add(bold("Support"))
	box.Add(para(text + ". Give them the Details for support."))
}

// vendorRows are a registration's vendor lines on the Registrations screen
// (setup hook in fillCard).
func vendorRows(rec credstore.Record) [][2]string {
	v := rec.Vendor
	if v.IsZero() {
		return nil
	}
	rows := [][2]string{{"Software", v.Product + " (" + v.Name + ")"}}
	if c := registrar.SupportContact(v); c != "" {
		rows = append(rows, [2]string{"Vendor support", c})
	}
	return rows
}

// supportVendorLines are the vendor lines of the support summary.
func supportVendorLines(v credstore.Vendor) [][2]string {
	if v.IsZero() {
		return nil
	}
	return [][2]string{{"Software vendor", v.Name}, {"Product", v.Product}, {"Vendor support", registrar.SupportContact(v)},
		{"Set up from", "the vendor's setup file (" + setupfile.Extension + ")"}}
}
