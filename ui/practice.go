package ui

import (
	"os"
	"time"

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

// practiceState is Practice mode: the built-in simulator, started on
// demand in the background and stopped with the window.
type practiceState struct {
	wanted   bool // the user asked for Practice (Welcome or Environment)
	starting bool
	useDemo  bool // load the demo credential as soon as it is ready
	p        *practiceRun
	err      error
	tmpDir   string // removed on close when we made it
}

// choosePractice selects Practice mode: Environment preselects it and the
// Credential step gets the demo credential once the simulator runs.
func (w *Wizard) choosePractice() {
	w.practice.wanted = true
	w.selectPractice()
	if w.credential.path == "" || w.usingDemo() {
		w.useDemoCredential()
	} else {
		w.startPractice()
	}
}

// startPractice starts the simulator in the background, once.
func (w *Wizard) startPractice() {
	ps := &w.practice
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
				return func() { w.practiceStarted(nil, "", err) }
			}
			dir, made = d, d
		}
		p, err := start(dir)
		if err != nil && made != "" {
			_ = cleanup.RemoveAll(made)
			made = ""
		}
		return func() { w.practiceStarted(p, made, err) }
	})
	w.refreshNav()
}

func (w *Wizard) practiceStarted(p *practiceRun, tmpDir string, err error) {
	ps := &w.practice
	ps.starting = false
	ps.p, ps.err, ps.tmpDir = p, err, tmpDir
	if p != nil && ps.useDemo {
		ps.useDemo = false
		w.loadDemoCredential()
	}
	w.refreshPractice()
	if w.step == stepDetails {
		w.detailsShown()
	}
	w.refreshNav()
}

// useDemoCredential puts the demo keystore and its password on the
// Credential step and opens it, starting Practice mode first if needed.
func (w *Wizard) useDemoCredential() {
	if w.practice.p == nil {
		w.practice.useDemo = true
		w.startPractice()
		return
	}
	w.loadDemoCredential()
}

func (w *Wizard) loadDemoCredential() {
	d := w.practice.p.Demo
	w.ensurePage(stepCredential) // flowui: it may not have been shown yet
	w.setKeystorePath(d.KeystorePath)
	w.credential.password.SetText(d.Password)
	w.credential.demoPassword = true
	w.openCredential()
}

// usingDemo reports whether the Credential step holds the demo keystore.
func (w *Wizard) usingDemo() bool {
	p := w.practice.p
	return p != nil && w.credential.path != "" && w.credential.path == p.Demo.KeystorePath
}

// stopPractice stops the simulator and removes its temporary folder. The
// window is closing and the program about to end, so it waits — briefly:
// the simulator is on this computer and stops at once.
func (w *Wizard) stopPractice() {
	ps := &w.practice
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
