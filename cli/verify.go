package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/guidance"
	"dcrwizard/internal/timewords"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// ExitNotUsable: register --verify registered and stored the registration,
// but the test sign-in as it failed. The registration exists.
const ExitNotUsable = 7

// verifyFlags are the settings of a test that the environment may lack.
type verifyFlags struct {
	tokenURL, scope, heartbeat, caFile string
}

func (v *verifyFlags) register(fs *flag.FlagSet, withCA bool) {
	fs.StringVar(&v.scope, "verify-scope", "", "the `SCOPE` the test token asks for (custom environments; default: none)")
	fs.StringVar(&v.heartbeat, "heartbeat-url", "", "the DSG Health Check heartbeat `URL` to call with the test token (custom environments)")
	if withCA {
		fs.StringVar(&v.tokenURL, "token-url", "", "token endpoint `URL`, for a Practice or custom registration stored without it")
		fs.StringVar(&v.caFile, "ca-file", "", "extra trusted CA certificates, PEM `FILE` (for networks that inspect TLS)")
	}
}

func (v *verifyFlags) apply(env *flow.Environment) {
	if v.tokenURL != "" {
		env.TokenURL = v.tokenURL
	}
	if v.scope != "" {
		env.VerifyScope = v.scope
	}
	if v.heartbeat != "" {
		env.HeartbeatURL = v.heartbeat
	}
}

// verifyJSON is what verify --json prints: what the test proved, never the
// token itself.
type verifyJSON struct {
	ClientID      string `json:"client_id"`
	Usable        bool   `json:"usable"`
	TokenLifetime int    `json:"token_lifetime_seconds,omitempty"`
	Scope         string `json:"scope,omitempty"`
	Heartbeat     string `json:"heartbeat_url,omitempty"`
	Problem       string `json:"problem,omitempty"` // register --verify: why the test failed
	Action        string `json:"action,omitempty"`
}

// runVerify is `dcrwizard verify CLIENT_ID --keystore FILE` and, with
// token, `dcrwizard token CLIENT_ID --keystore FILE --scope S`.
func runVerify(ctx context.Context, cmd string, args []string, st Streams) int {
	fs := newFlagSet(cmd, st)
	var k keystoreFlags
	var v verifyFlags
	k.register(fs)
	v.register(fs, true)
	scope := fs.String("scope", "", "the `SCOPE` of the API the token is for (token only)")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this `DURATION`")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		return fail(st, *asJSON, inputError{fmt.Errorf("give one client id: dcrwizard %s CLIENT_ID --keystore FILE (see dcrwizard list)", cmd)})
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	rec, vals, err := st.store().Get(ctx, pos[0])
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	env, err := registrar.EnvironmentOf(rec)
	if err != nil && !(errors.Is(err, registrar.ErrNoTokenEndpoint) && v.tokenURL != "") {
		return fail(st, *asJSON, inputError{err})
	}
	v.apply(&env)
	if cmd == "token" {
		env.VerifyScope = *scope
	}
	purpose := registrar.ForVerify
	if cmd == "token" {
		purpose = registrar.ForToken
	}
	cred, err := openFor(ctx, st, &k, rec, purpose)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	r, err := registrar.New(registrar.Options{CAFile: v.caFile, Store: st.store()})
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	if cmd == "token" {
		tok, lifetime, err := r.Flow.ClientToken(ctx, flow.VerifyRequest{Env: env, Credential: cred, ClientID: rec.ClientID, ConsumerKey: vals.ConsumerKey})
		if err != nil {
			return fail(st, *asJSON, err)
		}
		if *asJSON {
			return printJSON(st, map[string]any{"access_token": tok, "expires_in": int(lifetime / time.Second), "client_id": rec.ClientID})
		}
		outf(st.Stdout, "%s\n", tok)
		if st.StderrIsTerminal {
			outf(st.Stderr, "This access token is a secret: anyone holding it can act as %q for %s.\n", rec.Name, timewords.Duration(lifetime))
		}
		return ExitOK
	}
	res, err := r.VerifyStored(ctx, rec.ClientID, cred, registrar.VerifyOverrides{TokenURL: v.tokenURL, VerifyScope: v.scope, HeartbeatURL: v.heartbeat}, progressTo(st, *asJSON))
	if err != nil {
		return fail(st, *asJSON, err)
	}
	return reportVerification(st, *asJSON, rec.Name, res)
}

// openFor opens the keystore and picks the credential for rec
// (registrar.PickCredential: --credential narrows, the rule decides).
func openFor(ctx context.Context, st Streams, k *keystoreFlags, rec credstore.Record, purpose registrar.Purpose) (*m2m.Credential, error) {
	store, err := k.load(ctx, st)
	if err != nil {
		return nil, err
	}
	c, err := registrar.PickCredential(rec, store, purpose, k.credential)
	var none *registrar.NoCredentialError
	switch {
	case errors.As(err, &none):
		return nil, inputError{fmt.Errorf("this keystore holds no credential for %s (made with %s); choose one with --credential ID (run 'dcrwizard inspect' to list them): %v",
			rec.ClientID, rec.CredentialID, store.IDs())}
	case err != nil:
		return nil, inputError{err}
	}
	return c, nil
}

func progressTo(st Streams, asJSON bool) func(flow.Event) {
	if !st.StderrIsTerminal || asJSON {
		return nil
	}
	return func(ev flow.Event) {
		if ev.State != flow.StateDone {
			outf(st.Stderr, "%s %s\n", map[flow.State]string{flow.StateStarted: "…", flow.StateFailed: "✗"}[ev.State], guidance.StepWords(ev))
		}
	}
}

func reportVerification(st Streams, asJSON bool, name string, v *flow.Verification) int {
	out := verifyJSON{ClientID: v.ClientID, Usable: true, TokenLifetime: int(v.TokenLifetime / time.Second), Scope: v.Scope, Heartbeat: v.HeartbeatURL}
	if asJSON {
		return printJSON(st, out)
	}
	outf(st.Stdout, "Your software can sign in to the ATO as %q (client id %s).\n", name, v.ClientID)
	if v.TokenLifetime > 0 {
		outf(st.Stdout, "  The ATO issued it an access token valid for %s.\n", timewords.Duration(v.TokenLifetime))
	}
	if v.HeartbeatURL != "" {
		outf(st.Stdout, "  The heartbeat at %s answered.\n", v.HeartbeatURL)
	}
	return ExitOK
}
