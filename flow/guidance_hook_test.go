package flow_test

import (
	"dcrwizard/flow"
	"dcrwizard/guidance"
)

func init() {
	flow.Advise = func(e *flow.Error) (string, string, []string) {
		a := guidance.For(e)
		var next []string
		for _, n := range guidance.NextOf(a) {
			next = append(next, n.String())
		}
		return a.Message(), a.Action(), next
	}
	flow.StepWords = guidance.StepWords
	flow.ErrorWords = guidance.Words
	flow.RegistrationWarnings = guidance.RegistrationWarnings
}

// nextOf is the advice's next steps for tests in this package, as
// "check-registration ID".
func nextOf(err error) []string {
	var next []string
	for _, n := range guidance.NextOf(guidance.For(err)) {
		next = append(next, n.String())
	}
	return next
}
