package cli

import (
	"dcrwizard/guidance"
	"errors"
	"fmt"
	"strings"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/setupfile"
)

// inputError marks a problem found before anything was sent to the ATO.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// errorJSON is a failure as a command's result: what --json prints on
// stdout, and what text words on stderr.
type errorJSON struct {
	Error struct {
		Step    string `json:"step,omitempty"`
		Status  int    `json:"status,omitempty"`
		Code    string `json:"code,omitempty"`
		Message string `json:"message"`
		Action  string `json:"action,omitempty"`
		Receipt string `json:"receipt,omitempty"`
	} `json:"error"`
	ExitCode int         `json:"exit_code"`
	err      error       // a setup file's problems get a line each
	fe       *flow.Error // details for support
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

// failure is err as a result, with the exit code it means. Messages come
// from the packages that know the cause; none of them carries a secret.
func failure(err error) errorJSON {
	out := errorJSON{ExitCode: exitCode(err), err: err}
	adv := guidance.For(err)
	// The whole chain's text, as its wrapping says where it happened; a
	// call to the ATO is told by its advice alone.
	out.Error.Message, out.Error.Action = guidance.Words(err), withNext(adv)
	if errors.As(err, &out.fe) {
		fe := out.fe
		out.Error.Step, out.Error.Status, out.Error.Code = string(fe.Step), fe.Status, fe.Code
		out.Error.Message, out.Error.Receipt = adv.Message(), fe.Receipt
	}
	return out
}

func (out errorJSON) text(st Streams) {
	for i, line := range messageLines(out.err, out.Error.Message) {
		if i == 0 {
			outf(st.Stderr, "Error: %s\n", line)
		} else {
			outf(st.Stderr, "  %s\n", line)
		}
	}
	if out.Error.Action != "" {
		outf(st.Stderr, "What to do: %s\n", out.Error.Action)
	}
	if fe := out.fe; fe != nil && (fe.Status != 0 || fe.Code != "") {
		outf(st.Stderr, "Details for support: step %s, HTTP %d, code %q", fe.Step, fe.Status, fe.Code)
		if fe.Receipt != "" {
			outf(st.Stderr, ", receipt %s", fe.Receipt)
		}
		fmt.Fprintln(st.Stderr)
	}
}

// nextWords is how the command line names a next step that advice offers:
// the command to run. The wizard names the same steps by its screens and
// buttons (ui/nextwords.go).
func nextWords(n guidance.Next) string {
	id := n.ClientID
	if id == "" {
		id = "CLIENT_ID"
	}
	switch n.Step {
	case guidance.CheckRegistration:
		return "To check it, run dcrwizard check " + id + "."
	case guidance.TestRegistration:
		return "To test it, run dcrwizard verify " + id + "."
	case guidance.ForgetRegistration:
		return "To forget it on this computer, run dcrwizard forget " + id + "."
	case guidance.ExtraCA:
		return "Give that file with --ca-file FILE."
	case guidance.LongerTimeout:
		return "If the ATO is slow to answer, give a longer --timeout."
	case guidance.CheckKeyWithVendor:
		return "If it is still refused, check the key with your software vendor: the consumer key is theirs."
	}
	return ""
}

// withNext is an advice's action followed by the commands for its next
// steps.
func withNext(adv guidance.Advice) string {
	parts := []string{adv.Action()}
	for _, n := range guidance.NextOf(adv) {
		parts = append(parts, nextWords(n))
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// sentence makes a Go error string (lower case, no final full stop) a
// sentence for people.
func sentence(s string) string { return guidance.Sentence(s) }

// messageLines is msg, err's message, as the lines to print: one, unless
// err is a setup file's list of problems, which gets a line each. Every
// other line break in a message came from outside.
func messageLines(err error, msg string) []string {
	var se *setupfile.Error
	if !errors.As(err, &se) || len(se.Problems) < 2 {
		return []string{msg}
	}
	var listed strings.Builder
	lines := []string{""}
	for _, p := range se.Problems {
		listed.WriteString("\n  " + p.String())
		lines = append(lines, p.String())
	}
	head, ok := strings.CutSuffix(msg, listed.String())
	if !ok {
		// The full stop that made the message a sentence.
		head, ok = strings.CutSuffix(msg, listed.String()+".")
	}
	if !ok {
		return []string{msg}
	}
	lines[0] = head
	return lines
}
