package ui

import (
	"strings"

	"dcrwizard/guidance"
)

// nextWords is how the wizard names a next step that advice offers: its
// own screens and buttons. The command line names the same steps as
// commands (cli/errors.go).
func nextWords(n guidance.Next) string {
	switch n.Step {
	case guidance.CheckRegistration:
		return "To check it, press Check on it in the Registrations list."
	case guidance.TestRegistration:
		return "To test it, press “Test the connection…” on it in the Registrations list."
	case guidance.ForgetRegistration:
		return "To forget it, press “Forget…” on it in the Registrations list."
	case guidance.ExtraCA:
		return "Choose that file on the Environment page, under “Extra trusted certificate (CA file)”."
	}
	// LongerTimeout: the wizard already gives the ATO all the time it allows.
	return ""
}

// withNext is an advice's action followed by the wizard's words for its
// next steps.
func withNext(adv guidance.Advice) string {
	parts := []string{adv.Action()}
	for _, n := range guidance.NextOf(adv) {
		parts = append(parts, nextWords(n))
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}
