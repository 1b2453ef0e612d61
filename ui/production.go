package ui

import (
	"dcrwizard/flow"
	"dcrwizard/registrar"
)

// askProduction is the environment choice's question before an arrow key
// chooses Production: the arrows pass through every option on the way to
// the one wanted, and Production is a real registration recorded against
// the business. A click on Production is deliberate and not asked about;
// Register asks again in any case (confirmRegister). It reports whether
// option may be chosen at once.
func (p *environmentPage) askProduction(option string, choose func()) bool {
	w := p.w
	o := p.option(option)
	if o == nil || o.practice || o.env.Name != flow.Production.Name {
		return true
	}
	msg := para("Production is the live ATO: registering there is a real registration, recorded against your " +
		"business. Use it only if that is what you want; to test, choose Sandbox or Practice.")
	back := func() { w.win.Canvas().Focus(w.environment.radio) }
	// A stray Enter keeps the choice as it was: the focus starts on "Not Production".
	w.kit.ask("Use Production, the live ATO?", msg, "Use Production", "Not Production",
		func() { choose(); back() }, back)
	return false
}

// confirmRegister registers, after asking by name in Production: a real
// registration is recorded against the business and cannot be undone here.
// The focus starts on "Not yet", so a second Enter does not send it.
func (w *Wizard) confirmRegister() {
	env, _ := w.currentEnv()
	if env.Name != flow.Production.Name {
		w.review.startRegister()
		return
	}
	msg := para("This registers " + registrar.CleanName(w.draft.Name) + " in Production, the live ATO (" +
		env.Label + "). It is a real registration, recorded against your business.")
	w.kit.ask("Register in Production?", msg, "Register in Production", "Not yet", w.review.startRegister, nil)
}
