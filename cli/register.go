package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/cleanup"
	"dcrwizard/registrar"
)

// endpointFlags override or make up an environment (--env custom).
type endpointFlags struct {
	env, tokenURL, registrationURL, clientID, scope, caFile string
}

func (e *endpointFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&e.env, "env", "", "`ENV`: sandbox, production, practice or custom")
	fs.StringVar(&e.tokenURL, "token-url", "", "token endpoint `URL` (custom, or to override a preset)")
	fs.StringVar(&e.registrationURL, "registration-url", "", "DCR endpoint `URL` (custom, or to override a preset)")
	fs.StringVar(&e.clientID, "registration-client-id", "", "registration client `ID` (custom, or to override a preset)")
	fs.StringVar(&e.scope, "scope", "", "registration `SCOPE` (custom, or to override a preset)")
	fs.StringVar(&e.caFile, "ca-file", "", "extra trusted CA certificates, PEM `FILE` (for networks that inspect TLS)")
}

// resolve returns the environment the flags name, with overrides applied.
func (e *endpointFlags) resolve(practice *registrar.Practice) (flow.Environment, error) {
	var env flow.Environment
	switch e.env {
	case "":
		return env, inputError{errors.New("choose the environment with --env sandbox, production, practice or custom")}
	case "practice":
		env = practice.Env
	case "custom":
		env = flow.Custom(e.tokenURL, e.registrationURL, e.clientID, e.scope)
	default:
		p, ok := flow.Lookup(e.env)
		if !ok {
			return env, inputError{fmt.Errorf("unknown environment %q: use sandbox, production, practice or custom", e.env)}
		}
		env = p
	}
	if e.tokenURL != "" {
		env.TokenURL = e.tokenURL
	}
	if e.registrationURL != "" {
		env.RegistrationURL = e.registrationURL
	}
	if e.clientID != "" {
		env.RegistrationClientID = e.clientID
	}
	if e.scope != "" {
		env.Scope = e.scope
	}
	if err := env.Validate(); err != nil {
		return env, inputError{err}
	}
	return env, nil
}

// registerJSON is register --json's output. The registration access token
// appears only when it could not be stored: printing it is then the only way
// not to lose it.
type registerJSON struct {
	ClientID                string `json:"client_id"`
	RegistrationClientURI   string `json:"registration_client_uri"`
	ClientIDIssuedAt        string `json:"client_id_issued_at"`
	Receipt                 string `json:"receipt,omitempty"`
	Environment             string `json:"environment"`
	Name                    string `json:"name"`
	Stored                  bool   `json:"stored"`
	StoredIn                string `json:"stored_in,omitempty"`
	RegistrationAccessToken string `json:"registration_access_token,omitempty"`
	Warning                 string `json:"warning,omitempty"`
}

func runRegister(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("register", st)
	var k keystoreFlags
	var e endpointFlags
	k.register(fs)
	e.register(fs)
	apiKey := fs.String("api-key", "", "the consumer (API) `KEY` of your team app, from the ATO API portal")
	name := fs.String("name", "", "a `NAME` for this software instance (default: this computer's name)")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this `DURATION`")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}

	var practice *registrar.Practice
	if e.env == "practice" {
		dir, err := os.MkdirTemp("", "dcrwizard-practice-")
		if err != nil {
			return fail(st, *asJSON, inputError{fmt.Errorf("could not make a folder for Practice mode: %w", err)})
		}
		defer cleanup.RemoveAll(dir) // not os.RemoveAll alone: it fails under Wine
		practice, err = registrar.StartPractice(dir)
		if err != nil {
			return fail(st, *asJSON, inputError{err})
		}
		defer practice.Close()
		if k.path == "" {
			k.path, k.credential = practice.Demo.KeystorePath, practice.Demo.CredentialID
			st.Getenv = withEnv(st.Getenv, "DCRWIZARD_PASSWORD", practice.Demo.Password)
			k.pw = passwordSource{}
		}
		if *apiKey == "" {
			*apiKey = practice.APIKey
		}
	}
	env, err := e.resolve(practice)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	key := registrar.CleanAPIKey(*apiKey)
	if err := registrar.ValidateAPIKey(key); err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	if *name == "" {
		*name = registrar.DefaultInstanceName()
	}
	instance := registrar.CleanName(*name)
	if err := registrar.ValidateInstanceName(instance); err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	store, err := k.load(st)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	cred, err := k.pick(store)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	if v := cred.Verdict(time.Now()); !v.OK() {
		return fail(st, *asJSON, inputError{errors.New(v.Message)})
	}
	httpClient, err := flow.NewHTTPClient(e.caFile, 0)
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	r := registrar.Registrar{Flow: &flow.Client{HTTP: httpClient}, Store: st.store()}
	var progress func(flow.Event)
	if st.StderrIsTerminal && !*asJSON {
		progress = func(ev flow.Event) {
			if ev.State != flow.StateDone || ev.Step == flow.StepSave {
				fmt.Fprintf(st.Stderr, "%s %s\n", map[flow.State]string{flow.StateStarted: "…", flow.StateDone: "✓", flow.StateFailed: "✗"}[ev.State], ev.Message)
			}
		}
	}
	res, err := r.Register(ctx, registrar.Input{Env: env, Credential: cred, APIKey: key, InstanceName: instance}, progress)
	if res == nil {
		return fail(st, *asJSON, err)
	}
	return reportRegistration(st, *asJSON, res, err)
}

// reportRegistration prints what the ATO returned. When it was not stored,
// the registration access token is printed too, whatever the output mode:
// the user must keep it.
func reportRegistration(st Streams, asJSON bool, res *registrar.Result, storeErr error) int {
	reg := res.Registration
	out := registerJSON{
		ClientID:              reg.ClientID,
		RegistrationClientURI: reg.RegistrationClientURI,
		Receipt:               reg.Receipt,
		Environment:           res.Record.Environment,
		Name:                  res.Record.Name,
		Stored:                res.Stored,
	}
	if !reg.IssuedAt.IsZero() {
		out.ClientIDIssuedAt = reg.IssuedAt.UTC().Format(time.RFC3339)
	}
	code := ExitOK
	if res.Stored {
		out.StoredIn = res.Where
	} else {
		code = ExitNotStored
		out.RegistrationAccessToken = reg.RegistrationAccessToken
		out.Warning = "The ATO accepted this registration but it could not be saved in " + res.Where +
			". Keep these values now (they include a secret): your software needs all three."
		if storeErr != nil {
			var ns *credstore.NotStoredError
			if errors.As(storeErr, &ns) {
				out.Warning += " Reason: " + ns.Error()
			}
		}
	}
	if asJSON {
		printJSON(st, out)
		return code
	}
	if res.Stored {
		fmt.Fprintf(st.Stdout, "Registered %q in %s.\n\n", out.Name, out.Environment)
	} else {
		fmt.Fprintf(st.Stderr, "WARNING: %s\n\n", out.Warning)
	}
	fmt.Fprintf(st.Stdout, "Client id:                %s\n", out.ClientID)
	fmt.Fprintf(st.Stdout, "Registration client URI:  %s\n", out.RegistrationClientURI)
	if !res.Stored {
		fmt.Fprintf(st.Stdout, "Registration access token: %s\n", out.RegistrationAccessToken)
	}
	if out.ClientIDIssuedAt != "" {
		fmt.Fprintf(st.Stdout, "Issued at:                %s\n", out.ClientIDIssuedAt)
	}
	if out.Receipt != "" {
		fmt.Fprintf(st.Stdout, "ATO receipt:              %s\n", out.Receipt)
	}
	if res.Stored {
		fmt.Fprintf(st.Stdout, "Stored in:                %s (service %q)\n", out.StoredIn, credstore.Service)
	}
	return code
}

func withEnv(get func(string) string, key, value string) func(string) string {
	return func(k string) string {
		if k == key {
			return value
		}
		return get(k)
	}
}
