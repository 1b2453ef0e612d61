package cli

import (
	"errors"
	"fmt"
	"strings"

	"dcrwizard/credstore"
	"dcrwizard/flow"
)

// inputError marks a problem found before anything was sent to the ATO.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// errorJSON is what --json prints on stdout for a failure.
type errorJSON struct {
	Error struct {
		Step    string `json:"step,omitempty"`
		Status  int    `json:"status,omitempty"`
		Code    string `json:"code,omitempty"`
		Message string `json:"message"`
		Action  string `json:"action,omitempty"`
		Receipt string `json:"receipt,omitempty"`
	} `json:"error"`
	ExitCode int `json:"exit_code"`
}

// exitCode classifies an error by what it means for the user's registration.
func exitCode(err error) int {
	var fe *flow.Error
	var ns *credstore.NotStoredError
	switch {
	case errors.As(err, &ns):
		return ExitNotStored
	case errors.As(err, &fe):
		switch {
		case fe.Unknown:
			return ExitUnknown
		case fe.Step == flow.StepCheck || fe.Step == flow.StepSign,
			fe.Kind == flow.KindInput, fe.Kind == flow.KindCredential, fe.Kind == flow.KindAborted:
			return ExitBadInput
		}
		return ExitRefused
	}
	return ExitBadInput
}

// fail reports err — as plain text on stderr, or as JSON on stdout — and
// returns the exit code. Messages come from the packages that know the cause;
// none of them carries a secret.
func fail(st Streams, asJSON bool, err error) int {
	code := exitCode(err)
	var out errorJSON
	out.ExitCode = code
	out.Error.Message = sentence(err.Error())
	var fe *flow.Error
	var act interface{ Action() string }
	if errors.As(err, &fe) {
		out.Error.Step, out.Error.Status, out.Error.Code = string(fe.Step), fe.Status, fe.Code
		out.Error.Message, out.Error.Action, out.Error.Receipt = fe.Message(), fe.Action(), fe.Receipt
	} else if errors.As(err, &act) {
		out.Error.Action = act.Action()
	}
	if asJSON {
		printJSON(st, out)
		return code
	}
	fmt.Fprintln(st.Stderr, "Error: "+out.Error.Message)
	if out.Error.Action != "" {
		fmt.Fprintln(st.Stderr, "What to do: "+out.Error.Action)
	}
	if fe != nil && (fe.Status != 0 || fe.Code != "") {
		fmt.Fprintf(st.Stderr, "Details for support: step %s, HTTP %d, code %q", fe.Step, fe.Status, fe.Code)
		if fe.Receipt != "" {
			fmt.Fprintf(st.Stderr, ", receipt %s", fe.Receipt)
		}
		fmt.Fprintln(st.Stderr)
	}
	return code
}

// sentence capitalises a Go error string for people.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
