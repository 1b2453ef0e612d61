package ui

// Temporary glue for the review branch: the lead deletes this file at merge,
// where the journey helper's navigator, w.input and w.registerForReal and
// counterpart.go's adviceWords replace it.

import (
	"strings"

	"fyne.io/fyne/v2/container"

	"dcrwizard/registrar"
)

// input is what Register sends and the CA file to trust (journey's, from
// w.draft; here from today's widgets through applySetupRun).
func (w *Wizard) input() (registrar.Input, string, error) {
	env, _ := w.currentEnv()
	in := registrar.Input{
		Env:          env,
		Credential:   w.selectedCredential(),
		ConsumerKey:  w.detailsKey(),
		InstanceName: registrar.CleanName(w.details.name.Text),
	}
	return w.applySetupRun(in, w.environment.caFile)
}

// draftKeystore is the credential file chosen (journey's w.draft.Keystore).
func (w *Wizard) draftKeystore() string { return w.credentialState().path }

// registerForReal leaves Practice and goes to the Credential step
// (journey's; it also applies a loaded setup file).
func (w *Wizard) registerForReal() {
	w.ensurePage(stepEnvironment)
	w.environment.radio.SetSelected("")
	w.practice.wanted = false
	if w.welcome.practice != nil {
		w.welcome.practice.SetChecked(false)
	}
	if w.usingDemo() {
		w.setKeystorePath("")
	}
	w.show(stepCredential)
}

// mountPage puts a page type on today's per-step arrays (the journey's
// navigator keeps steps [n]page instead).
func (w *Wizard) mountPage(s step, p page) {
	switch p := p.(type) {
	case *reviewPage:
		p.w = w
	case *donePage:
		p.w = w
	}
	w.boxes[s] = p.build()
	w.pages[s] = container.NewVScroll(container.NewPadded(w.boxes[s]))
	w.problems[s] = p.problem
	w.focusers[s] = p.focus
}

// adviceWords is advice text from guidance said of cp (counterpart.go's).
func adviceWords(cp counterpart, s string) string { return practiceWords(cp.practice, s) }

// practiceWords rewords a message of a practice run: the practice
// simulator plays the ATO, and must never be taken for it.
func practiceWords(practice bool, s string) string {
	if !practice {
		return s
	}
	return strings.NewReplacer("The ATO's", "The practice simulator's", "the ATO's", "the practice simulator's",
		"The ATO", "The practice simulator", "the ATO", "the practice simulator",
		"ATO receipt number", "receipt number").Replace(s)
}
