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
	name          string // the registration's name
	v             *flow.Verification
}

// verification is a test's outcome as data; nil when there was none.
func verification(v *flow.Verification, err error) *verifyJSON {
	if v == nil && err == nil {
		return nil
	}
	out := &verifyJSON{v: v}
	if err != nil {
		var fe *flow.Error
		if errors.As(err, &fe) {
			adv := guidance.For(fe)
			out.Problem, out.Action = adv.Message(), withNext(adv)
		} else {
			out.Problem = guidance.Words(err)
		}
		return out
	}
	out.ClientID, out.Usable = v.ClientID, true
	out.TokenLifetime, out.Scope, out.Heartbeat = int(v.TokenLifetime/time.Second), v.Scope, v.HeartbeatURL
	return out
}

// text words a test that proved the registration usable.
func (out verifyJSON) text(st Streams) {
	v := out.v
	outf(st.Stdout, "Your software can sign in to the ATO as %q (client id %s).\n", out.name, v.ClientID)
	if v.TokenLifetime > 0 {
		outf(st.Stdout, "  The ATO issued it an access token valid for %s.\n", timewords.Duration(v.TokenLifetime))
	}
	if v.HeartbeatURL != "" {
		outf(st.Stdout, "  The heartbeat at %s answered.\n", v.HeartbeatURL)
	}
}

// signInFlags are the flags of verify and token.
type signInFlags struct {
	k       keystoreFlags
	v       verifyFlags
	out     outputFlag
	scope   string
	timeout time.Duration
}

// signIn is what verify and token sign in with: the stored registration,
// its environment and its credential.
type signIn struct {
	rec  credstore.Record
	vals credstore.Values
	env  flow.Environment
	cred *m2m.Credential
	r    *registrar.Registrar
}

// run parses verify's or token's flags and one client id, opens the
// registration, its environment and its credential for purpose, and
// runs do with them under --timeout.
func (f *signInFlags) run(ctx context.Context, cmd string, args []string, st Streams, purpose registrar.Purpose,
	do func(context.Context, reporter, signIn) int) int {
	fs := newFlagSet(cmd, st)
	f.k.register(fs)
	f.v.register(fs, true)
	fs.StringVar(&f.scope, "scope", "", "the `SCOPE` of the API the token is for (token only)")
	fs.DurationVar(&f.timeout, "timeout", 60*time.Second, "give up after this `DURATION`")
	f.out.register(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	rep := f.out.reporter(st)
	if len(pos) != 1 {
		return rep.fail(inputError{fmt.Errorf("give one client id: dcrwizard %s CLIENT_ID --keystore FILE (see dcrwizard list)", cmd)})
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	s, err := f.open(ctx, st, pos[0], purpose)
	if err != nil {
		return rep.fail(err)
	}
	return do(ctx, rep, s)
}

func (f *signInFlags) open(ctx context.Context, st Streams, clientID string, purpose registrar.Purpose) (signIn, error) {
	var s signIn
	var err error
	if s.rec, s.vals, err = st.store().Get(ctx, clientID); err != nil {
		return s, inputError{err}
	}
	s.env, err = registrar.EnvironmentOf(s.rec)
	if err != nil && !(errors.Is(err, registrar.ErrNoTokenEndpoint) && f.v.tokenURL != "") {
		return s, inputError{err}
	}
	f.v.apply(&s.env)
	if purpose == registrar.ForToken {
		s.env.VerifyScope = f.scope
	}
	if s.cred, err = openFor(ctx, st, &f.k, s.rec, purpose); err != nil {
		return s, err
	}
	if s.r, err = registrar.New(registrar.Options{CAFile: f.v.caFile, Store: st.store()}); err != nil {
		return s, inputError{err}
	}
	return s, nil
}

// runVerify is `dcrwizard verify CLIENT_ID --keystore FILE`: a sign-in as
// the registration.
func runVerify(ctx context.Context, args []string, st Streams) int {
	var f signInFlags
	return f.run(ctx, "verify", args, st, registrar.ForVerify, func(ctx context.Context, rep reporter, s signIn) int {
		res, err := s.r.VerifyStored(ctx, s.rec.ClientID, s.cred, registrar.VerifyOverrides{TokenURL: f.v.tokenURL, VerifyScope: f.v.scope, HeartbeatURL: f.v.heartbeat},
			progressTo(st, rep, false))
		if err != nil {
			return rep.fail(err)
		}
		out := verification(res, nil)
		out.name = s.rec.Name
		return rep.show(out, ExitOK)
	})
}

// tokenJSON is what token shows: an access token (a secret).
type tokenJSON struct {
	AccessToken string `json:"access_token"`
	ClientID    string `json:"client_id"`
	ExpiresIn   int    `json:"expires_in"`
	name        string
	lifetime    time.Duration
}

// runToken is `dcrwizard token CLIENT_ID --keystore FILE --scope S`: an
// access token as the registration, for the API of that scope.
func runToken(ctx context.Context, args []string, st Streams) int {
	var f signInFlags
	return f.run(ctx, "token", args, st, registrar.ForToken, func(ctx context.Context, rep reporter, s signIn) int {
		tok, lifetime, err := s.r.Flow.ClientToken(ctx, flow.VerifyRequest{Env: s.env, Credential: s.cred, ClientID: s.rec.ClientID, ConsumerKey: s.vals.ConsumerKey})
		if err != nil {
			return rep.fail(err)
		}
		return rep.show(tokenJSON{AccessToken: tok, ClientID: s.rec.ClientID, ExpiresIn: int(lifetime / time.Second), name: s.rec.Name, lifetime: lifetime}, ExitOK)
	})
}

func (t tokenJSON) text(st Streams) {
	outf(st.Stdout, "%s\n", t.AccessToken)
	if st.StderrIsTerminal {
		outf(st.Stderr, "This access token is a secret: anyone holding it can act as %q for %s.\n", t.name, timewords.Duration(t.lifetime))
	}
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

// progressTo prints flow's events on stderr for a person watching: each
// step as it starts or fails, and with save the end of saving too.
func progressTo(st Streams, rep reporter, save bool) func(flow.Event) {
	if !rep.watched() {
		return nil
	}
	return func(ev flow.Event) {
		if ev.State != flow.StateDone || save && ev.Step == flow.StepSave {
			outf(st.Stderr, "%s %s\n", map[flow.State]string{flow.StateStarted: "…", flow.StateDone: "✓", flow.StateFailed: "✗"}[ev.State], guidance.StepWords(ev))
		}
	}
}
