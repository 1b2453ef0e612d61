package flow_test

import (
	"dcrwizard/flow"
	"dcrwizard/guidance"
)

func init() {
	flow.Advise = func(e *flow.Error) (string, string) {
		a := guidance.For(e)
		return a.Message(), a.Action()
	}
}
