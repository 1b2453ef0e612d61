package flow

import (
	"errors"
	"fmt"

	"dcrwizard/m2m"
)

// What Register's check refuses before anything is sent, as the Err of an
// *Error with Step StepCheck (Kind KindCredential or KindInput); package
// guidance says each in words with what to do.
var (
	ErrNoCredential   = errors.New("no credential chosen")
	ErrNoCertificate  = errors.New("credential has no certificate")
	ErrNoPrivateKey   = errors.New("credential opened without its private key")
	ErrKeyMismatch    = errors.New("credential's private key does not match its certificate")
	ErrNoConsumerKey  = errors.New("no consumer key")
	ErrNoInstanceName = errors.New("no installation name")
	ErrNoClientID     = errors.New("no client id to test") // Verify
)

// VerdictError is a credential that may not register now: expired, not
// yet valid, or expiring within the ATO's 6 months. Verdict.Message is
// m2m's words about it.
type VerdictError struct {
	Verdict m2m.Verdict
}

func (e *VerdictError) Error() string {
	return "credential cannot register: " + string(e.Verdict.Status)
}

// Problem names an input flow refuses whose fix a person needs told
// (package guidance adds what to do about each).
type Problem string

const (
	ProblemNotURL          Problem = "not-url"          // an address that is not a full web address
	ProblemInsecure        Problem = "insecure"         // http:// to another computer
	ProblemHostChar        Problem = "host-char"        // a host name character that is not plain ASCII
	ProblemHostDot         Problem = "host-dot"         // a host name ending in a dot
	ProblemPunycode        Problem = "punycode"         // a host name label in punycode
	ProblemHeartbeatDomain Problem = "heartbeat-domain" // a heartbeat on another organisation's domain
	ProblemMixed           Problem = "mixed"            // the ATO's addresses mixed with others
	ProblemATOExtraCA      Problem = "ato-extra-ca"     // an extra CA trusted for the ATO's addresses
	ProblemNoClientID      Problem = "no-client-id"     // an environment without its registration client id
	ProblemNoScope         Problem = "no-scope"         // an environment without its scope
	ProblemCAOpen          Problem = "ca-open"          // the extra CA file could not be opened
	ProblemCATooBig        Problem = "ca-too-big"       // the extra CA file is too big to be one
	ProblemCANoCerts       Problem = "ca-no-certs"      // the extra CA file holds no certificate
)

// InputError is an input refused for Problem; Err says what is wrong.
type InputError struct {
	Problem Problem
	Err     error
}

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// refuse is an *InputError for p with the fragment format, args (%w kept).
func refuse(p Problem, format string, args ...any) error {
	return &InputError{Problem: p, Err: fmt.Errorf(format, args...)}
}
