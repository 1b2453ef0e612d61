// Package conformance is `dcrwizard conformance`: one run, by a software
// vendor's developer against the ATO sandbox (or a custom environment),
// through everything DCR Wizard relies on — the same flow and registrar
// code a registration uses — recording what the ATO did for each. The
// report holds no secret and is meant to be sent back. No Fyne.
package conformance

import (
	"context"
	"dcrwizard/guidance"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// Result is one check's outcome.
type Result string

const (
	Confirmed  Result = "confirmed"   // the ATO did what DCR Wizard relies on
	Differs    Result = "differs"     // it answered, otherwise than expected
	NotOffered Result = "not_offered" // a lifecycle call answered 404/405/501
	Skipped    Result = "skipped"     // not run: something before it failed, or nothing to try
	Failed     Result = "failed"      // the call failed
)

// Check is one row of the report.
type Check struct {
	ID       string `json:"id"`
	Result   Result `json:"result"`
	Saw      string `json:"saw"`
	Expected string `json:"expected"`
	Fact     string `json:"fact"`
}

// The check ids, in the order they run.
const (
	IDToken         = "token"
	IDRegister      = "register"
	IDELDORAS144    = "scenario.ELDORAS144"
	IDADRENALAN645  = "scenario.ADRENALAN645"
	IDAPIKey        = "apikey_mismatch"
	IDVerifyToken   = "verify.token"
	IDHeartbeat     = "verify.heartbeat"
	IDRead          = "lifecycle.read"
	IDUpdate        = "lifecycle.update"
	IDDelete        = "lifecycle.delete"
	IDTLS13         = "tls13"
	defaultScopeTag = "(default: no scope)"
)

// dependsOn are the checks DCR Wizard depends on: a run is OK when none of
// them failed. The published scenarios and the key mismatch are recorded
// for the facts, not relied on; a lifecycle call not offered is handled.
var dependsOn = map[string]bool{IDToken: true, IDRegister: true, IDVerifyToken: true, IDHeartbeat: true,
	IDRead: true, IDUpdate: true, IDDelete: true, IDTLS13: true}

// ScopeTry is one scope the sign-in test asked for.
type ScopeTry struct {
	Scope  string `json:"scope"` // "" is the default: no scope
	Worked bool   `json:"worked"`
	Saw    string `json:"saw"`
}

// Registration is one the run made.
type Registration struct {
	ClientID string `json:"client_id"`
	Name     string `json:"name"`
	Removed  bool   `json:"removed"`
	// Kept: still at the ATO, and kept in this computer's keychain marked
	// as a conformance registration (credstore.PurposeConformance).
	Kept bool   `json:"kept_in_keychain"`
	Why  string `json:"why,omitempty"`
}

// Report is what a run found. It holds no secret.
type Report struct {
	Checks        []Check        `json:"checks"`
	OK            bool           `json:"ok"`
	Version       string         `json:"version"`
	Date          string         `json:"date"`
	Environment   string         `json:"environment"`
	TokenURL      string         `json:"token_url"`
	Registration  string         `json:"registration_url"`
	ConsumerKey   string         `json:"consumer_key"` // its last 4 characters only
	CredentialID  string         `json:"credential_id"`
	CredentialABN string         `json:"credential_abn,omitempty"`
	VerifyScopes  []ScopeTry     `json:"verify_scopes"`
	Registrations []Registration `json:"registrations"`
	secrets       []string
}

// Input is what a run needs.
type Input struct {
	Env         flow.Environment
	Credential  *m2m.Credential
	ConsumerKey consumerkey.Key
	// VerifyScopes are scopes to try for the sign-in test besides the
	// default (none), which is always tried first.
	VerifyScopes []string
	Version      string
}

// Runner runs the checks with the program's HTTP client and keychain.
type Runner struct {
	HTTP  *http.Client
	Store *credstore.Store
	Now   func() time.Time
	// Progress, when set, gets one plain line per check as it starts.
	Progress func(string)
}

// mismatchKey is the ato_api_key sent with the apikey_mismatch probe: not
// a key at all, so nothing secret is sent or reported.
const mismatchKey = "DCRWizardConformanceNotTheHeaderKey"

// run is one run's state.
type run struct {
	*Runner
	in    Input
	rec   *recorder
	r     *registrar.Registrar
	rep   *Report
	made  []*Registration
	alive bool // the main registration exists and is stored
	main  *Registration
	// unstored are registrations the keychain did not keep: the cleanup
	// removes them with the values in hand.
	unstored []*flow.Registration
}

// Run runs every check, then removes what it registered (or keeps it,
// marked, where the ATO does not offer removal). The error is for a run
// that could not start (bad input, a keychain that cannot keep anything);
// what the ATO did is in the report.
func (rn *Runner) Run(ctx context.Context, in Input) (*Report, error) {
	if in.Credential == nil || in.Credential.PrivateKey == nil {
		return nil, errors.New("the credential was not opened with its private key")
	}
	if err := in.Env.Validate(); err != nil {
		return nil, err
	}
	now := time.Now
	if rn.Now != nil {
		now = rn.Now
	}
	hc := *rn.HTTP
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	rec := &recorder{base: base, registrationURL: in.Env.RegistrationURL}
	rec.noteSecrets(in.ConsumerKey.Header())
	hc.Transport = rec
	r, err := registrar.New(registrar.Options{HTTP: &hc, Store: rn.Store, Now: rn.Now})
	if err != nil {
		return nil, err
	}
	u := &run{Runner: rn, in: in, rec: rec,
		r: r,
		rep: &Report{Version: in.Version, Date: now().UTC().Format(time.RFC3339), Environment: in.Env.Name,
			TokenURL: in.Env.TokenURL, Registration: in.Env.RegistrationURL, ConsumerKey: lastFour(in.ConsumerKey.Header()),
			CredentialID: in.Credential.ID, CredentialABN: in.Credential.ABN}}
	if err := rn.Store.Ready(ctx); err != nil {
		return nil, err
	}
	u.register(ctx, now())
	u.scenario(ctx, IDELDORAS144, 400, "invalid_request")
	u.scenario(ctx, IDADRENALAN645, 401, "")
	u.apiKeyMismatch(ctx)
	u.verify(ctx)
	u.lifecycle(ctx)
	u.cleanup(ctx)
	u.tls()
	u.rep.OK = true
	for _, c := range u.rep.Checks {
		if dependsOn[c.ID] && c.Result == Failed {
			u.rep.OK = false
		}
	}
	for _, m := range u.made {
		u.rep.Registrations = append(u.rep.Registrations, *m)
	}
	u.rep.secrets = append(rec.knownSecrets(), in.ConsumerKey.Header())
	return u.rep, nil
}

func (u *run) add(c Check) { u.rep.Checks = append(u.rep.Checks, c) }

func (u *run) progress(s string) {
	if u.Progress != nil {
		u.Progress(s)
	}
}

// lastFour is how the consumer key appears in the report.
func lastFour(key string) string {
	if len(key) <= 4 {
		return "…"
	}
	return "…" + key[len(key)-4:]
}

// describe is an error as the report shows it: status, code and the
// program's plain message; never a body.
func describe(err error) string {
	var fe *flow.Error
	if errors.As(err, &fe) {
		s := ""
		if fe.Status != 0 {
			s = fmt.Sprintf("HTTP %d", fe.Status)
		}
		if fe.Code != "" {
			s += " " + fe.Code
		}
		if d := strings.TrimSpace(fe.Description); d != "" {
			s += " “" + d + "”"
		}
		if s == "" {
			s = guidance.For(fe).Message()
		}
		return strings.TrimSpace(s)
	}
	return guidance.Text(err)
}
