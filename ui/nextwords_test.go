package ui

import (
	"errors"
	"strings"
	"testing"

	"dcrwizard/flow"
)

// The advice names no screen or command; the wizard adds its own words for
// the next steps, and never the command line's.
func TestNextStepsInTheWizardsWords(t *testing.T) {
	eof := errors.New("unexpected EOF")
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"read unknown", &flow.Error{Step: flow.StepRead, Kind: flow.KindUnknownOutcome, Unknown: true, ClientID: "c1", Err: eof},
			[]string{"Check the registration with the ATO now.", "To check it, press “Check it works…” on it in the Registrations list."}},
		{"delete unknown", &flow.Error{Step: flow.StepDelete, Kind: flow.KindUnknownOutcome, Unknown: true, ClientID: "c1", Err: eof},
			[]string{"press “Check it works…” on it in the Registrations list", "To forget it, press “Forget…” on it in the Registrations list."}},
		{"read 501", &flow.Error{Step: flow.StepRead, Status: 501},
			[]string{"To check it, press “Check it works…” on it in the Registrations list."}},
		{"verify refused", &flow.Error{Step: flow.StepVerify, Status: 400, Code: "invalid_client"},
			[]string{"The registration stays stored here, to be tested again.", "“Check it works…”"}},
		{"tls", &flow.Error{Step: flow.StepRegister, Kind: flow.KindTLS, Host: "api.ato.gov.au"},
			[]string{"Choose that file on the Environment page, under “Extra trusted certificate (CA file)”."}},
		{"update unknown: check and test are one button", &flow.Error{Step: flow.StepUpdate, Kind: flow.KindUnknownOutcome, Unknown: true, ClientID: "c1", Err: eof},
			[]string{"To check it, press “Check it works…” on it in the Registrations list."}},
		{"not sent, time ran out", &flow.Error{Step: flow.StepRead, Kind: flow.KindTimeout, NotSent: true}, []string{"Try again."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, action := errorWords(tt.err)
			for _, w := range tt.want {
				if !strings.Contains(action, w) {
					t.Errorf("action %q lacks %q", action, w)
				}
			}
			if n := strings.Count(action, "Check it works"); n > 1 {
				t.Errorf("the one button is named %d times: %s", n, action)
			}
			for _, w := range []string{"dcrwizard", "--", "command line"} {
				if strings.Contains(action, w) {
					t.Errorf("the wizard's action names the command line (%q): %s", w, action)
				}
			}
		})
	}
}
