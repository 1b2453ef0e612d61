package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"dcrwizard/flow"
)

// The advice names no screen or command; the command line adds its own
// words for the next steps (the commands to run), and never the wizard's.
func TestNextStepsInTheCommandLinesWords(t *testing.T) {
	eof := errors.New("unexpected EOF")
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"read unknown", &flow.Error{Step: flow.StepRead, Kind: flow.KindUnknownOutcome, Unknown: true, ClientID: "c1", Err: eof},
			[]string{"What to do: Check the registration with the ATO now.", "To check it, run dcrwizard check c1."}},
		{"update unknown", &flow.Error{Step: flow.StepUpdate, Kind: flow.KindUnknownOutcome, Unknown: true, ClientID: "c1", Err: eof},
			[]string{"run dcrwizard check c1.", "To test it, run dcrwizard verify c1."}},
		{"delete unknown", &flow.Error{Step: flow.StepDelete, Kind: flow.KindUnknownOutcome, Unknown: true, ClientID: "c1", Err: eof},
			[]string{"run dcrwizard check c1.", "To forget it on this computer, run dcrwizard forget c1."}},
		{"read 501", &flow.Error{Step: flow.StepRead, Status: 501}, []string{"To test it, run dcrwizard verify CLIENT_ID."}},
		{"tls", &flow.Error{Step: flow.StepRegister, Kind: flow.KindTLS, Host: "api.ato.gov.au"}, []string{"Give that file with --ca-file FILE."}},
		{"not sent, time ran out", &flow.Error{Step: flow.StepRead, Kind: flow.KindTimeout, NotSent: true},
			[]string{"Try again. If the ATO is slow to answer, give a longer --timeout."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			textReporter{Streams{Stderr: &stderr}}.fail(tt.err)
			for _, w := range tt.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if strings.Contains(stderr.String(), "Registrations list") || strings.Contains(stderr.String(), "press ") {
				t.Errorf("the command line names the wizard's screens:\n%s", stderr.String())
			}
		})
	}
}
