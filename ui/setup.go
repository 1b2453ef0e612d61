package ui

// A software vendor's setup file in the wizard (docs/SETUP-FILE.md): it sets
// the environment and the consumer key, suggests the name and names the
// vendor's support. The file in use is the draft's (journey.Draft.Setup);
// this draws it on the pages that show it. The file itself is read and
// checked by registrar.LoadSetup, the same function the command line uses.

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/guidance"
	"dcrwizard/registrar"
	"dcrwizard/setupfile"
)

// setupState is the setup file's part of the pages. The file in use and
// whether the user pressed Change are the draft's (Setup, OwnEnv, OwnKey).
type setupState struct {
	w    *Wizard
	err  error // why the last file offered could not be used
	gen  int   // bumped per load, so a stale result is dropped
	busy bool
	// confirm is the question open about a custom file, nil when none.
	confirm *setupConfirm

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

// build makes the setup file's widgets; the pages place them.
func (st *setupState) build() {
	w := st.w
	choose := w.kit.newButtonWithIcon("I have a setup file from my software vendor", theme.FolderOpenIcon(), func() {
		w.kit.openFileDialog([]string{setupfile.Extension, ".json"}, "", st.load) // .json: also *.dcrwizard.json
	})
	st.welcomeStatus = para("")
	st.welcomeStatus.Importance = widget.SuccessImportance
	st.welcomeStatus.Hide()
	st.welcomeErr = errPara("")
	st.welcomeErr.Hide()
	st.welcomeForget = w.kit.newButtonWithIcon("Don't use it", theme.ContentClearIcon(), st.forget)
	st.welcomeForget.Importance = widget.LowImportance
	st.welcomeForget.Hide()
	st.welcomeBox = container.NewVBox(container.NewHBox(choose, st.welcomeForget), st.welcomeStatus, st.welcomeErr)

	st.envLabel = para("")
	st.envLabel.Importance = widget.HighImportance
	st.envChange = w.kit.newButtonWithIcon("Change", theme.DocumentCreateIcon(), func() { w.environment.changeSetupEnv() })
	st.envBox = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewVBox(st.envChange), st.envLabel))
	st.envBox.Hide()

	st.detailsLabel = para("")
	st.detailsLabel.Importance = widget.HighImportance
	st.detailsChange = w.kit.newButtonWithIcon("Change", theme.DocumentCreateIcon(), st.toggleKey)
	st.detailsBox = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewVBox(st.detailsChange), st.detailsLabel))
	st.detailsBox.Hide()
}

// start loads the file the program was started with, or the one beside
// the program.
func (st *setupState) start() {
	w := st.w
	if path := w.cfg.SetupPath; path != "" {
		st.load(path)
		return
	}
	find := w.cfg.setupBeside
	if find == nil {
		find = registrar.SetupBesideProgram
	}
	st.gen++
	gen := st.gen
	w.background(func() func() {
		path, ok := find()
		if !ok {
			return nil
		}
		s, err := registrar.LoadSetup(path)
		return func() { st.loaded(gen, s, err) }
	})
}

// isSetupFileName reports whether a dropped file is a setup file rather
// than a credential (no credential is JSON).
func isSetupFileName(path string) bool {
	return setupfile.IsSetupFileName(path) || strings.EqualFold(filepath.Ext(path), ".json")
}

// dropped takes a dropped setup file (Wizard.dropped).
func (st *setupState) dropped(path string) bool {
	if !isSetupFileName(path) {
		return false
	}
	st.load(path)
	return true
}

// load reads path in the background.
func (st *setupState) load(path string) {
	st.gen++
	gen := st.gen
	st.busy = true
	st.w.background(func() func() {
		s, err := registrar.LoadSetup(path)
		return func() { st.loaded(gen, s, err) }
	})
}

func (st *setupState) loaded(gen int, s *registrar.Setup, err error) {
	w := st.w
	if gen != st.gen {
		return
	}
	if err == nil && st.arrived(gen, s) {
		return // asked first: custom addresses (setupconfirm.go)
	}
	st.busy = false
	if err != nil {
		// The file named is refused; one loaded before stays in use.
		st.err = err
		st.refresh()
		if w.step != stepWelcome {
			w.kit.tell("This setup file cannot be used", para(setupErrorText(err)))
		}
		return
	}
	st.use(s)
}

// use makes s the setup in use. It is for a real registration, so it
// leaves Practice (Draft.UseSetup).
func (st *setupState) use(s *registrar.Setup) {
	w, d := st.w, &st.w.draft
	st.busy = false
	st.err = nil
	was := d.Practising()
	d.UseSetup(s)
	if was {
		w.practice.left()
	}
	// The suggested name replaces only what was not typed.
	if d.Name == "" || d.Name == w.cfg.DefaultName {
		d.Name = s.SuggestedName(w.cfg.DefaultName)
	}
	st.refresh()
	w.redraw()
}

// setupErrorText is the refusal in words for a dialog.
func setupErrorText(err error) string {
	return guidance.Sentence(err.Error()) + "\n\nAsk your software vendor for a corrected file, or go on without it."
}

// forget stops using the file.
func (st *setupState) forget() {
	st.gen++
	st.err, st.busy = nil, false
	st.w.draft.ForgetSetup()
	st.refresh()
	st.w.redraw()
}

// shownKey is what may be shown of key: only the last four characters when
// it is the vendor's (Review and the support summary).
func (st *setupState) shownKey(key consumerkey.Key) string {
	if s := st.w.draft.Setup; s != nil && !key.IsZero() && key.Same(s.ConsumerKey()) {
		return "ending " + s.KeyHint() + " (from " + s.Vendor.Name + "'s setup file)"
	}
	return maskKey(key.Header())
}

// vendor is the setup file's vendor, recorded with the registration and
// named on the support summary and failure pages; zero without a file.
func (st *setupState) vendor() credstore.Vendor {
	if s := st.w.draft.Setup; s != nil {
		return s.Vendor
	}
	return credstore.Vendor{}
}

// toggleKey switches Details between the file's key and a typed one.
func (st *setupState) toggleKey() {
	w, d := st.w, &st.w.draft
	d.OwnKey = !d.OwnKey
	// The vendor's key is never put in the field, so it is never shown.
	w.details.apiKey.SetText("")
	st.refresh()
	if d.OwnKey {
		w.win.Canvas().Focus(w.details.apiKey)
	}
	w.refreshNav()
}

// refresh redraws every place the file shows.
func (st *setupState) refresh() {
	w := st.w
	s := w.draft.Setup
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
	w.welcome.drawKey()
	st.drawEnvironment()
	st.drawDetails()
	w.relayout()
}

// drawEnvironment shows on Environment what the file set.
func (st *setupState) drawEnvironment() {
	d := &st.w.draft
	s := d.Setup
	if s == nil {
		st.envBox.Hide()
		return
	}
	switch {
	case d.Practising():
		st.envLabel.SetText("Practice mode: nothing is sent to the ATO. " + s.Vendor.Name + "'s setup (" + s.EnvText() +
			") is used when you register for real.")
		st.envChange.Hide()
	case d.OwnEnv:
		st.envLabel.SetText(s.Vendor.Name + "'s setup file chose " + s.EnvText() + "; you changed it below.")
		st.envChange.Hide()
	default:
		st.envLabel.SetText(s.Headline() + ". Press Change only if " + s.Vendor.Name + " told you to.")
		st.envChange.Show()
	}
	st.envBox.Show()
}

// drawDetails shows the file's key on Details instead of asking for it.
func (st *setupState) drawDetails() {
	w, d := st.w, &st.w.draft
	if !w.pageBuilt(stepDetails) {
		return // drawn when built
	}
	s := d.Setup
	p := &w.details
	if s == nil || d.Practising() {
		st.detailsBox.Hide()
		p.keyBox.Show()
		return
	}
	if d.OwnKey {
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

// addSupport puts the vendor's support contact on a failure or not-stored
// page (showFailure and showResult).
func (st *setupState) addSupport(box *fyne.Container) {
	v := st.vendor()
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
// (fillCard).
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
