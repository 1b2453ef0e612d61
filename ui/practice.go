package ui

import (
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/atosim"
	"dcrwizard/consumerkey"
	"dcrwizard/flow"
	"dcrwizard/internal/cleanup"
	"dcrwizard/registrar"
)

// practiceRun is a running simulator as the wizard needs it. Tests make
// their own (with a fixed clock); the program uses registrar.StartPractice.
type practiceRun struct {
	Env         flow.Environment
	Demo        atosim.Demo
	ConsumerKey consumerkey.Key
	Close       func() error
	// Rehearse writes a renewed demo credential into dir (regs: renew.go).
	Rehearse func(dir string) (atosim.Demo, error)
	// SetLifecycle switches the simulator's RFC 7592 calls on or off, to
	// rehearse an ATO that offers none (notoffered.go); nil in some tests.
	SetLifecycle func(offered bool)
	lifecycleOff bool // the wizard switched it off
}

// startRegistrarPractice is the default Config.startPractice.
func startRegistrarPractice(dir string) (*practiceRun, error) {
	p, err := registrar.StartPractice(dir)
	if err != nil {
		return nil, err
	}
	return &practiceRun{Env: p.Env, Demo: p.Demo, ConsumerKey: p.ConsumerKey, Close: p.Close, Rehearse: p.RehearseRenewal, SetLifecycle: p.SetLifecycle}, nil
}

// practiceState is Practice mode's simulator, started on demand in the
// background and stopped with the window. Whether the user is practising is
// the draft's (w.draft.Practising); this is the machinery behind it.
type practiceState struct {
	w        *Wizard
	starting bool
	useDemo  bool // load the demo credential as soon as it is ready
	p        *practiceRun
	err      error
	tmpDir   string     // removed on close when we made it
	leaveBtn *keyButton // the banner's Leave Practice
}

// enter starts practising (Welcome's tick box, Environment's Practice
// choice): the simulator starts in the background.
func (ps *practiceState) enter() {
	ps.w.draft.EnterPractice()
	ps.start()
}

// enterWithDemo enters Practice with its demo credential, unless the user
// has chosen a file of their own (Welcome's tick box).
func (ps *practiceState) enterWithDemo() {
	d := &ps.w.draft
	d.EnterPractice()
	if d.Keystore == "" || d.UsingDemo() {
		ps.useDemoCredential()
	} else {
		ps.start()
	}
}

// leave ends practising: the draft drops the demo credential and the
// Practice key (Draft.LeavePractice), the file the user chose last is
// offered again, and the page on screen is drawn afresh from the draft. It
// stays on that page (Environment's choice of Sandbox says there what is
// missing); leaveTo goes where the user can go on.
func (ps *practiceState) leave() {
	w := ps.w
	d := &w.draft
	if !d.Practising() {
		return
	}
	d.LeavePractice()
	ps.left()
	w.redraw()
}

// left tidies up once the draft has left Practice (leave, or a choice or a
// setup file that leaves it): Practice's key goes too, and the file the
// user chose last is offered again.
func (ps *practiceState) left() {
	d := &ps.w.draft
	ps.useDemo = false
	if k := ps.key(); !k.IsZero() && d.TypedKey.Same(k) {
		d.TypedKey = consumerkey.Key{}
	}
	if d.Keystore == "" {
		d.ChooseKeystore(ps.w.app.Preferences().String(prefKeystorePath)) // never the demo one (credentialPage.leaving)
	}
}

// leaveTo leaves Practice (the banner's button) and, when the credential
// was Practice's and a later step needs one, goes to Credential.
func (ps *practiceState) leaveTo() {
	w := ps.w
	if w.review.running() || w.registrations.running() {
		return // a run goes on with what it was given: no leaving under it
	}
	ps.leave()
	if w.step > stepCredential && w.step <= stepReview && w.draft.Credential == nil {
		w.show(stepCredential)
	}
}

// key is the simulator's consumer key, zero until it runs.
func (ps *practiceState) key() consumerkey.Key {
	if ps.p == nil {
		return consumerkey.Key{}
	}
	return ps.p.ConsumerKey
}

// start starts the simulator in the background, once.
func (ps *practiceState) start() {
	w := ps.w
	if ps.p != nil || ps.starting {
		return
	}
	ps.starting, ps.err = true, nil
	dir, start := w.cfg.PracticeDir, w.cfg.startPractice
	w.background(func() func() {
		made := ""
		if dir == "" {
			d, err := os.MkdirTemp("", "dcrwizard-practice-")
			if err != nil {
				return func() { ps.started(nil, "", err) }
			}
			dir, made = d, d
		}
		p, err := start(dir)
		if err != nil && made != "" {
			_ = cleanup.RemoveAll(made)
			made = ""
		}
		return func() { ps.started(p, made, err) }
	})
	w.refreshNav()
}

func (ps *practiceState) started(p *practiceRun, tmpDir string, err error) {
	w := ps.w
	ps.starting = false
	ps.p, ps.err, ps.tmpDir = p, err, tmpDir
	if p != nil {
		w.draft.SetDemoKeystore(p.Demo.KeystorePath)
		if ps.useDemo && w.draft.Practising() {
			ps.loadDemoCredential()
		}
	}
	ps.useDemo = false
	if w.pageBuilt(stepEnvironment) {
		w.environment.refreshPractice()
	}
	if w.step == stepDetails {
		w.details.shown()
	}
	w.refreshNav()
}

// useDemoCredential puts the demo keystore and its password on the
// Credential step and opens it, starting the simulator first if need be.
func (ps *practiceState) useDemoCredential() {
	if ps.p == nil {
		ps.useDemo = true
		ps.start()
		return
	}
	ps.loadDemoCredential()
}

func (ps *practiceState) loadDemoCredential() {
	d := ps.p.Demo
	w := ps.w
	w.ensurePage(stepCredential) // it may not have been shown yet
	c := &w.credential
	c.setKeystorePath(d.KeystorePath)
	c.password.SetText(d.Password)
	c.demoPassword = true
	c.open()
}

// stopPractice stops the simulator and removes its temporary folder. The
// window is closing and the program about to end, so it waits — briefly:
// the simulator is on this computer and stops at once.
func (ps *practiceState) stop() {
	p, dir := ps.p, ps.tmpDir
	ps.p, ps.tmpDir = nil, ""
	if p == nil {
		return
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		if p.Close != nil {
			_ = p.Close()
		}
		if dir != "" {
			_ = cleanup.RemoveAll(dir) // not os.RemoveAll alone: it fails under Wine
		}
	}()
	select {
	case <-stopped:
	case <-time.After(3 * time.Second):
	}
}

// buildBanner is the line under the heading on every step while in
// Practice, with the way out. It is made the first time Practice is
// entered: a window that never practises opens without it.
func (ps *practiceState) buildBanner() *fyne.Container {
	cp := counterpart{practice: true}
	text := para("Practice mode: nothing is sent to the ATO. " + cp.The() + " plays it, with a demo credential.")
	text.Importance = widget.WarningImportance
	text.TextStyle.Bold = true
	icon := widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	ps.leaveBtn = ps.w.kit.newButtonWithIcon("Leave Practice", theme.LogoutIcon(), ps.leaveTo)
	return container.NewBorder(nil, nil, container.NewCenter(icon), container.NewCenter(ps.leaveBtn), text)
}

// registerForReal leaves Practice, applies the loaded setup file if there
// is one (its environment and key count again) and shows the Credential
// step, for the user's own credential (Practice's Done page).
func (w *Wizard) registerForReal() {
	w.practice.leave()
	if s := w.draft.Setup; s != nil {
		w.setup.use(s)
	}
	w.show(stepCredential)
}
