package ui

import (
	"dcrwizard/guidance"
	"errors"
	"fmt"
	"strings"
	"time"

	"dcrwizard/flow"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// step is a page of the wizard, in order.
type step int

const (
	stepWelcome step = iota
	stepCredential
	stepEnvironment
	stepDetails
	stepReview
	stepDone
	// stepRegistrations is not part of the numbered run: it is reached from
	// Welcome and Done, and Back returns there.
	stepRegistrations
)

// numberedSteps counts the steps after Welcome, the ones the header numbers.
const numberedSteps = 5

var stepTitles = [...]string{
	stepWelcome:       "Welcome",
	stepCredential:    "Credential",
	stepEnvironment:   "Environment",
	stepDetails:       "Details",
	stepReview:        "Review and register",
	stepDone:          "Done",
	stepRegistrations: "Registrations",
}

func (s step) String() string {
	if s < 0 || int(s) >= len(stepTitles) {
		return fmt.Sprintf("step(%d)", int(s))
	}
	return stepTitles[s]
}

// stepHeading is the line on top of each page: "Step 2 of 5 — Environment".
func stepHeading(s step) string {
	switch s {
	case stepWelcome:
		return "Welcome to DCR Wizard"
	case stepRegistrations:
		return "Registrations on this computer"
	}
	return fmt.Sprintf("Step %d of %d — %s", int(s), numberedSteps, s)
}

// credentialChoice is what the Credential step knows, as plain data.
type credentialChoice struct {
	Path          string
	PasswordGiven bool
	Opening       bool
	Store         *m2m.Store // nil until the file was opened with this path and password
	OpenErr       error
	Selected      int // index into Store.Credentials; -1 when none
}

// credentialProblem says why Next is not yet allowed on the Credential
// step, or "" when it is.
func credentialProblem(c credentialChoice, now time.Time) string {
	switch {
	case strings.TrimSpace(c.Path) == "":
		return "Choose your M2M credential file (keystore.xml, .p12/.pfx or .pem), or drop it on this window."
	case c.Opening:
		return "Opening the credential file…"
	case c.OpenErr != nil:
		return "The file could not be opened. Read the message above, fix it, and press Open again."
	case c.Store == nil && !c.PasswordGiven:
		return "Type the password of the credential file, then press Open."
	case c.Store == nil:
		return "Press Open (or Enter) to read the credential file."
	case len(c.Store.Credentials) == 0:
		return "This file holds no credentials. Choose another file."
	}
	if c.Selected < 0 || c.Selected >= len(c.Store.Credentials) {
		for _, cr := range c.Store.Credentials {
			if cr.Verdict(now).OK() {
				return "Choose the credential to use from the list."
			}
		}
		return "None of the credentials in this file can be used; the reasons are shown next to each. Choose another file."
	}
	if v := c.Store.Credentials[c.Selected].Verdict(now); !v.OK() {
		return v.Message
	}
	return ""
}

// environmentChoice is what the Environment step knows, as plain data.
type environmentChoice struct {
	Env           flow.Environment // resolved: a preset, Practice, or the custom addresses
	Practice      bool
	PracticeReady bool
	PracticeErr   error
	UsingDemo     bool // the chosen credential is Practice mode's demo credential
	HaveEnv       bool // an option is selected at all
	ExtraCA       bool // a CA file is chosen under Advanced
	NoCredential  bool // none chosen: leaving Practice took the demo one
}

// environmentProblem says why Next is not yet allowed on the Environment
// step, or "" when it is.
func environmentProblem(e environmentChoice) string {
	switch {
	case !e.HaveEnv:
		return "Choose where to register: Sandbox, Production or Practice."
	case e.Practice && e.PracticeErr != nil:
		return "Practice mode could not start: " + e.PracticeErr.Error()
	case e.Practice && !e.PracticeReady:
		return "Starting Practice mode…"
	case e.Practice && !e.UsingDemo:
		return "Practice mode works only with its own demo credential. Press \"Use the Practice credential\"."
	case !e.Practice && (e.UsingDemo || e.NoCredential):
		return "The Practice demo credential works only in Practice mode. Go Back and choose your own credential file, or choose Practice."
	}
	if err := e.Env.Check(e.ExtraCA); err != nil { // the trust rules (flow/trust.go)
		return guidance.Words(err)
	}
	return ""
}

// detailsProblem says why Next is not yet allowed on the Details step, or
// "" when it is. keyErr is why the consumer key was refused when made; the
// validators have the wording.
func detailsProblem(keyErr error, name string) string {
	if keyErr != nil {
		return keyErr.Error()
	}
	if err := registrar.ValidateInstanceName(registrar.CleanName(name)); err != nil {
		return guidance.Words(err)
	}
	return ""
}

// fixStepFor picks the page where a failed registration can be put right:
// credential problems go to Credential, a key or name the ATO refused to
// Details, connection trouble to Environment; anything else (server
// trouble, cancel, an unknown outcome) stays with Review to try again.
func fixStepFor(err error) step {
	var fe *flow.Error
	if !errors.As(err, &fe) {
		var nf *m2m.NotFoundError
		var wk *m2m.WeakKeyError
		if errors.Is(err, m2m.ErrWrongPassword) || errors.As(err, &nf) || errors.As(err, &wk) {
			return stepCredential
		}
		return stepReview
	}
	switch fe.Kind {
	case flow.KindCredential:
		return stepCredential
	case flow.KindNetwork, flow.KindTLS, flow.KindDNS, flow.KindTimeout:
		return stepEnvironment
	case flow.KindInput:
		if fe.Step == flow.StepSign {
			return stepCredential
		}
		return stepDetails
	case flow.KindRefused:
		code := strings.ToUpper(fe.Code)
		switch {
		case code == "401-01" || code == "DCR.00001":
			return stepDetails
		case code == "INVALID_SCOPE" || code == "INSUFFICIENT_SCOPE" || code == "UNAUTHORIZED_CLIENT":
			return stepEnvironment
		case code == "INVALID_CLIENT_METADATA":
			return stepCredential
		case fe.Step == flow.StepSign || fe.Step == flow.StepToken:
			// The ATO did not accept the signed request: the credential is
			// not one it knows for this environment.
			return stepCredential
		}
		return stepDetails
	}
	if fe.Step == flow.StepSign {
		return stepCredential
	}
	return stepReview
}

// renameProblem says why typed cannot be the new name of a registration
// now called current, or "" when it can.
func renameProblem(current, typed string) string {
	name := registrar.CleanName(typed)
	if err := registrar.ValidateInstanceName(name); err != nil {
		return guidance.Words(err)
	}
	if name == current {
		return "That is its name already. Type the new name."
	}
	return ""
}

// removeConfirmed reports whether typed is the instance name, as the
// Remove dialog asks (spaces around it do not count).
func removeConfirmed(name, typed string) bool {
	return name != "" && strings.TrimSpace(typed) == name
}
