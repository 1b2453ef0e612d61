package flow

import (
	"strings"

	"dcrwizard/consumerkey"
)

// The advice on an *Error lives in package guidance, which imports flow, so
// this package's own tests cannot import it. guidance_hook_test.go (package
// flow_test, which may) sets Advise, and the tests here read advice through
// it: the same words the front ends show, and the next steps they name.
var Advise func(*Error) (msg, action string, next []string)

// StepWords is guidance.StepWords, set the same way: events are data, and
// the tests here read them in the words people see.
var StepWords func(Event) string

// ErrorWords is guidance.Words, set the same way: an error as a person
// reads it, with what to do about a refused input.
var ErrorWords func(error) string

// RegistrationWarnings is guidance.RegistrationWarnings, set the same way.
var RegistrationWarnings func(*Registration) []string

func adviceMessage(e *Error) string { m, _, _ := Advise(e); return m }
func adviceAction(e *Error) string  { _, a, _ := Advise(e); return a }

// adviceNext is the advice's next steps, as "extra-ca" or
// "check-registration ID", one a line.
func adviceNext(e *Error) string { _, _, n := Advise(e); return strings.Join(n, "\n") }

// MustKey is a consumer key for the tests, made the one way a Key is made.
func MustKey(raw string) consumerkey.Key {
	k, err := consumerkey.New(raw, consumerkey.Typed)
	if err != nil {
		panic(err)
	}
	return k
}
