// Package journey is the wizard's model of the person in front of it: what
// they have chosen so far for a new registration (the Draft) and whether
// they are practising. It holds no widgets and imports no Fyne: the pages
// update it as the user acts and read it to draw themselves, and Review and
// the registrar's input are built from it alone, so what the user sees and
// what is sent cannot drift apart.
package journey

import (
	"errors"

	"dcrwizard/consumerkey"
	"dcrwizard/flow"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// Kind is the kind of place a registration goes to.
type Kind int

const (
	// Unchosen: nothing picked yet (a fresh draft without a setup file).
	Unchosen Kind = iota
	Sandbox
	Production
	// Practice is the built-in simulator: nothing leaves the computer.
	Practice
	// Custom is addresses the user typed or a setup file gave.
	Custom
)

// KindOf is the kind of a flow environment, by its name.
func KindOf(env flow.Environment) Kind {
	switch env.Name {
	case flow.Sandbox.Name:
		return Sandbox
	case flow.Production.Name:
		return Production
	case PracticeName:
		return Practice
	case "":
		return Unchosen
	}
	return Custom
}

// PracticeName is the environment name Practice registrations are stored
// under.
const PracticeName = "practice"

// IsPractice reports whether a stored registration's environment name is
// Practice's.
func IsPractice(envName string) bool { return envName == PracticeName }

// Draft is one registration being put together.
type Draft struct {
	// practice is the mode: the built-in simulator, its demo credential
	// and its key. Entered and left only through EnterPractice and
	// LeavePractice, so that leaving always undoes what entering did.
	practice bool
	// kind is the environment chosen outside Practice; it is kept while
	// practising so that leaving returns to it.
	kind Kind
	// Custom holds the typed addresses, used when the kind is Custom and
	// no listed place of that kind was chosen (ChoosePlace).
	Custom flow.Environment
	// place is the listed place chosen when its kind is Custom (a test
	// server in the list); zero otherwise.
	place flow.Environment
	// Addresses: the typed addresses (Custom) are used instead of the
	// choice, which is kept for when they are not.
	Addresses bool
	// CAFile is an extra certificate authority the user chose.
	CAFile string

	// Keystore is the credential file chosen; Pair the second PEM file
	// when the certificate and its key came apart.
	Keystore, Pair string
	// Credential is the one picked inside the opened keystore, nil until
	// one is opened and picked.
	Credential *m2m.Credential
	// demoKeystore is Practice's demo keystore, once the simulator runs:
	// leaving Practice drops it from the draft.
	demoKeystore string

	// TypedKey is what the user typed or pasted as the consumer key.
	TypedKey consumerkey.Key
	// Name is the instance name as typed (cleaned when the input is built).
	Name string

	// Setup is the vendor's setup file in use, nil when none.
	Setup *registrar.Setup
	// OwnEnv and OwnKey: the user pressed Change over the setup file's
	// environment or key, so the draft's own choice counts.
	OwnEnv, OwnKey bool
}

// Practising reports whether the draft is in Practice mode.
func (d *Draft) Practising() bool { return d.practice }

// Kind is the kind of environment the registration will go to.
func (d *Draft) Kind() Kind {
	switch {
	case d.practice:
		return Practice
	case d.SetupEnv():
		return KindOf(d.Setup.Env)
	case d.Addresses:
		return Custom
	}
	return d.kind
}

// Chosen is the choice among the listed places outside Practice, whatever
// overrides it: its kind, and the place itself when that kind is Custom.
func (d *Draft) Chosen() (Kind, flow.Environment) { return d.kind, d.place }

// Choose picks an environment kind outside Practice; choosing Practice
// enters Practice mode (the environment page's Practice choice).
func (d *Draft) Choose(k Kind) {
	if k == Practice {
		d.EnterPractice()
		return
	}
	if d.practice {
		d.LeavePractice()
	}
	d.kind, d.place = k, flow.Environment{}
}

// ChoosePlace picks one of the listed places (the environment page's
// choice): a preset by its kind, any other one by itself.
func (d *Draft) ChoosePlace(e flow.Environment) {
	d.Choose(KindOf(e))
	if KindOf(e) == Custom {
		d.place = e
	}
}

// EnterPractice starts practising: the simulator stands in for the ATO.
// The choice made before is kept for LeavePractice.
func (d *Draft) EnterPractice() { d.practice = true }

// LeavePractice ends practising: the environment is again the one chosen
// before (or the setup file's), and the demo credential leaves the draft
// so that a real registration never goes out with it.
func (d *Draft) LeavePractice() {
	d.practice = false
	if d.UsingDemo() {
		d.Keystore, d.Pair, d.Credential = "", "", nil
	}
}

// SetDemoKeystore records Practice's demo keystore once the simulator runs.
func (d *Draft) SetDemoKeystore(path string) { d.demoKeystore = path }

// UsingDemo reports whether the chosen keystore is Practice's demo one.
func (d *Draft) UsingDemo() bool {
	return d.demoKeystore != "" && d.Keystore == d.demoKeystore
}

// ChooseKeystore takes a new credential file: what was picked from the
// old one is gone.
func (d *Draft) ChooseKeystore(path string) {
	if path != d.Keystore {
		d.Credential = nil
	}
	d.Keystore = path
}

// UseSetup takes a vendor's setup file: it leaves Practice (the file is
// for a real registration) and the file's choices count again.
func (d *Draft) UseSetup(s *registrar.Setup) {
	d.Setup = s
	d.OwnEnv, d.OwnKey = false, false
	if d.practice {
		d.LeavePractice()
	}
}

// ForgetSetup stops using the setup file.
func (d *Draft) ForgetSetup() { d.Setup, d.OwnEnv, d.OwnKey = nil, false, false }

// SetupEnv reports whether the setup file decides the environment.
func (d *Draft) SetupEnv() bool { return d.Setup != nil && !d.OwnEnv && !d.practice }

// SetupKey reports whether the setup file gives the consumer key.
func (d *Draft) SetupKey() bool {
	return d.Setup != nil && !d.OwnKey && !d.practice && !d.Setup.ConsumerKey().IsZero()
}

// Key is the consumer key the registration will use, given Practice's
// own (zero until the simulator runs). Its Source says where it came from.
func (d *Draft) Key(practiceKey consumerkey.Key) consumerkey.Key {
	switch {
	case d.practice:
		return practiceKey
	case d.SetupKey():
		return d.Setup.ConsumerKey()
	}
	return d.TypedKey
}

// Places are the environments the draft can be resolved against: the
// presets, and Practice's simulator once it runs (zero before).
type Places struct {
	Presets  []flow.Environment
	Practice flow.Environment
}

// Env is the environment the registration will go to; false when none is
// chosen or Practice's simulator is not running yet.
func (d *Draft) Env(p Places) (flow.Environment, bool) {
	switch k := d.Kind(); k {
	case Practice:
		return p.Practice, p.Practice.TokenURL != ""
	case Custom:
		switch {
		case d.SetupEnv():
			return d.Setup.Env, true
		case !d.Addresses && d.place.TokenURL != "":
			return d.place, true
		}
		return d.Custom, true
	case Sandbox, Production:
		if d.SetupEnv() {
			return d.Setup.Env, true
		}
		for _, e := range p.Presets {
			if KindOf(e) == k {
				return e, true
			}
		}
	}
	return flow.Environment{}, false
}

// ErrIncomplete is returned by Input while something is still missing.
var ErrIncomplete = errors.New("journey: draft incomplete")

// Input is what Register sends and the CA file to trust, built from the
// draft alone through registrar.ApplySetup (the command line's path), with
// the practice key when practising. storeDir receives a setup file's CA.
func (d *Draft) Input(p Places, practiceKey consumerkey.Key, storeDir string) (registrar.Input, string, error) {
	env, ok := d.Env(p)
	if !ok || d.Credential == nil {
		return registrar.Input{}, "", ErrIncomplete
	}
	in := registrar.Input{Env: env, Credential: d.Credential, ConsumerKey: d.Key(practiceKey), InstanceName: registrar.CleanName(d.Name)}
	if d.Setup == nil {
		return in, d.CAFile, nil
	}
	if d.practice {
		// A rehearsal of the vendor's setup: recorded with its vendor, so
		// that Done names them; sent to the simulator with its key.
		in.Vendor = d.Setup.Vendor
		return in, d.CAFile, nil
	}
	g := registrar.Given{Name: in.InstanceName, NameFrom: registrar.FromTyped, CAFile: d.CAFile, CAFrom: registrar.FromTyped}
	if !d.SetupEnv() {
		g.Env, g.EnvFrom = &in.Env, registrar.FromTyped
	}
	if !d.SetupKey() {
		g.ConsumerKey = in.ConsumerKey
	}
	a, err := registrar.ApplySetup(d.Setup, g, storeDir)
	if err != nil {
		return in, d.CAFile, err
	}
	a.Input.Credential = d.Credential
	return a.Input, a.CAFile, nil
}
