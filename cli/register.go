package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/guidance"
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
	e.override(&env)
	if err := env.Validate(); err != nil {
		return env, inputError{err}
	}
	return env, nil
}

// override applies the address flags to env and reports whether any was given.
func (e *endpointFlags) override(env *flow.Environment) bool {
	any := false
	for _, o := range []struct {
		flag string
		dst  *string
	}{{e.tokenURL, &env.TokenURL}, {e.registrationURL, &env.RegistrationURL}, {e.clientID, &env.RegistrationClientID}, {e.scope, &env.Scope}} {
		if o.flag != "" {
			*o.dst, any = o.flag, true
		}
	}
	return any
}

// registerJSON is register --json's output. The registration access token
// appears only when it could not be stored: printing it is then the only way
// not to lose it.
type registerJSON struct {
	ClientID                string   `json:"client_id"`
	RegistrationClientURI   string   `json:"registration_client_uri"`
	ClientIDIssuedAt        string   `json:"client_id_issued_at"`
	Receipt                 string   `json:"receipt,omitempty"`
	Environment             string   `json:"environment"`
	Name                    string   `json:"name"`
	Stored                  bool     `json:"stored"`
	StoredIn                string   `json:"stored_in,omitempty"`
	RegistrationAccessToken string   `json:"registration_access_token,omitempty"`
	Warning                 string   `json:"warning,omitempty"`
	Warnings                []string `json:"warnings,omitempty"`
	PendingID               string   `json:"pending_id,omitempty"`
	// Existing: nothing was sent; this registration of the same environment,
	// name and credential was already stored (register --again makes another).
	Existing bool `json:"existing,omitempty"`
	// With --verify: what the test proved, or why it failed.
	Verification *verifyJSON `json:"verification,omitempty"`
	// Sources says where each value came from (a setup file, a flag, …).
	Sources *registrar.Sources `json:"sources,omitempty"`
	Vendor  *credstore.Vendor  `json:"vendor,omitempty"`
}

// checkTimeout refuses a --timeout that would end the run before anything
// could be sent (0, negative, or too short for a round trip).
func checkTimeout(d time.Duration) error {
	if d < time.Second {
		return inputError{fmt.Errorf("--timeout %s is too short: give at least 1s (the default is 60s; for example --timeout 2m)", d)}
	}
	return nil
}

// readConsumerKey makes the consumer key from --api-key-file,
// DCRWIZARD_API_KEY (which other users cannot see; a flag's value shows in
// ps) or --api-key, only one of them; the Key's Source says which, for
// --json's "sources". The zero Key when none was given.
func readConsumerKey(ctx context.Context, st Streams, file, flag string) (consumerkey.Key, error) {
	env := st.Getenv("DCRWIZARD_API_KEY")
	n := 0
	for _, given := range []bool{file != "", env != "", flag != ""} {
		if given {
			n++
		}
	}
	if n > 1 {
		return consumerkey.Key{}, inputError{errors.New("give the consumer (API) key once: with --api-key-file FILE, DCRWIZARD_API_KEY or --api-key")}
	}
	raw, src := flag, consumerkey.Flag
	switch {
	case file != "":
		if fi, err := os.Stat(file); err == nil && fi.IsDir() {
			return consumerkey.Key{}, inputError{fmt.Errorf("--api-key-file %s is a folder: give the file holding the key", file)}
		}
		b, err := waitFor(ctx, func() ([]byte, error) { return readCapped(file, 4096) })
		if err != nil {
			return consumerkey.Key{}, inputError{fmt.Errorf("could not read the API key file: %w", err)}
		}
		raw, _, _ = strings.Cut(string(b), "\n")
		src = consumerkey.KeyFile
	case env != "":
		raw, src = env, consumerkey.EnvVar
	case flag == "":
		return consumerkey.Key{}, nil
	}
	key, err := consumerkey.New(raw, src)
	var invalid *consumerkey.InvalidError
	if src == consumerkey.KeyFile && errors.As(err, &invalid) && invalid.Problem == consumerkey.Empty {
		return consumerkey.Key{}, inputError{fmt.Errorf("the API key file %s is empty: put the consumer key (from the software vendor) on its first line", file)}
	}
	if err != nil {
		return consumerkey.Key{}, inputError{err}
	}
	return key, nil
}

// apiKeyFlags are --api-key-file and --api-key (readConsumerKey: the
// file, DCRWIZARD_API_KEY or the flag, only one of them).
type apiKeyFlags struct{ file, key string }

func (a *apiKeyFlags) register(fs *flag.FlagSet, fileUsage, keyUsage string) {
	fs.StringVar(&a.file, "api-key-file", "", fileUsage)
	fs.StringVar(&a.key, "api-key", "", keyUsage)
}

func (a apiKeyFlags) read(ctx context.Context, st Streams) (consumerkey.Key, error) {
	return readConsumerKey(ctx, st, a.file, a.key)
}

// madeWithFlags choose what a registration is made with: the credential,
// the environment and the consumer key (register, conformance).
type madeWithFlags struct {
	k   keystoreFlags
	e   endpointFlags
	key apiKeyFlags
}

func (m *madeWithFlags) register(fs *flag.FlagSet, keyFileUsage, keyUsage string) {
	m.k.register(fs)
	m.e.register(fs)
	m.key.register(fs, keyFileUsage, keyUsage)
}

// registerFlags are register's flags.
type registerFlags struct {
	madeWithFlags
	vf      verifyFlags
	out     outputFlag
	name    string
	timeout time.Duration
	verify  bool
	again   bool
	setup   string
}

func (f *registerFlags) register(fs *flag.FlagSet) {
	f.madeWithFlags.register(fs, "read the consumer (API) key (the software vendor's) from the first line of `FILE` (or set DCRWIZARD_API_KEY)",
		"the consumer (API) `KEY` on the command line, where other users of this computer can see it: prefer --api-key-file or DCRWIZARD_API_KEY")
	fs.StringVar(&f.name, "name", "", "a `NAME` for this software instance (default: this computer's name)")
	fs.DurationVar(&f.timeout, "timeout", 60*time.Second, "give up after this `DURATION`")
	f.out.register(fs)
	fs.BoolVar(&f.verify, "verify", false, "then prove the registration usable: get an access token as the new client")
	f.vf.register(fs, false)
	fs.BoolVar(&f.again, "again", false, "register even when this environment, name and credential are already registered here (a second registration at the ATO)")
	fs.StringVar(&f.setup, "setup", "", "take the environment, consumer key and name from the software vendor's setup `FILE` (flags still win)")
}

func runRegister(ctx context.Context, args []string, st Streams) int {
	var f registerFlags
	fs := newFlagSet("register", st)
	f.register(fs)
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	rep := f.out.reporter(st)
	if err := checkTimeout(f.timeout); err != nil {
		return rep.fail(err)
	}
	key, err := f.key.read(ctx, st)
	if err != nil {
		return rep.fail(err)
	}
	var practice *registrar.Practice
	if f.e.env == "practice" {
		p, stop, err := practiceMode(&f.k, &st)
		if err != nil {
			return rep.fail(err)
		}
		defer stop()
		practice = p
		if key.IsZero() {
			key = practice.ConsumerKey
		}
	}
	applied, err := registerValues(f.setup, &f.e, practice, key, f.name, st)
	if err != nil {
		return rep.fail(err)
	}
	f.vf.apply(&applied.Input.Env)
	r, err := registrar.New(registrar.Options{CAFile: applied.CAFile, Store: st.store()})
	if err != nil {
		return rep.fail(inputError{err})
	}
	// While the keystore's key is decrypted (its KDF is slow on purpose),
	// connect to both ATO hosts, so the requests pay only their own round
	// trips. Nothing is sent until the registration runs.
	defer preconnect(ctx, r.Flow.HTTP, applied.Input.Env)()
	cred, err := f.k.loadOne(ctx, st)
	if err != nil {
		return rep.fail(err)
	}
	if v := cred.Verdict(time.Now()); !v.OK() {
		return rep.fail(inputError{errors.New(v.Message)})
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	in := applied.Input
	in.Credential = cred
	if done, code := registeredAlready(ctx, rep, f.again, r, in, cred, &applied.Sources); done {
		return code
	}
	return registerWith(ctx, rep, r, in, f.verify, &applied.Sources, progressTo(st, rep, true))
}

// practiceMode starts the built-in ATO simulator for --env practice;
// without --keystore, the simulator's demo credential and its password are
// used. stop ends the simulator and removes its folder.
func practiceMode(k *keystoreFlags, st *Streams) (practice *registrar.Practice, stop func(), err error) {
	dir, err := os.MkdirTemp("", "dcrwizard-practice-")
	if err != nil {
		return nil, nil, inputError{fmt.Errorf("could not make a folder for Practice mode: %w", err)}
	}
	practice, err = registrar.StartPractice(dir)
	if err != nil {
		cleanup.RemoveAll(dir)
		return nil, nil, inputError{err}
	}
	if k.path == "" {
		k.path, k.credential = practice.Demo.KeystorePath, practice.Demo.CredentialID
		st.Getenv = withEnv(st.Getenv, "DCRWIZARD_PASSWORD", practice.Demo.Password)
		k.pw = passwordSource{}
	}
	return practice, func() {
		practice.Close()
		cleanup.RemoveAll(dir) // not os.RemoveAll alone: it fails under Wine
	}, nil
}

// preconnect dials both of env's hosts until stop is called, which then
// closes the connections left idle. Nothing is sent.
func preconnect(ctx context.Context, hc *http.Client, env flow.Environment) (stop func()) {
	warmCtx, stopWarm := context.WithCancel(ctx)
	warmed := make(chan struct{})
	go func() { defer close(warmed); flow.Preconnect(warmCtx, hc, env) }()
	return func() { stopWarm(); <-warmed; flow.ClosePreconnected(hc) }
}

// registerWith registers, with verify then tests the new registration,
// and shows the outcome.
func registerWith(ctx context.Context, rep reporter, r *registrar.Registrar, in registrar.Input, verify bool, sources *registrar.Sources, progress func(flow.Event)) int {
	if !verify {
		res, err := r.Register(ctx, in, progress)
		if res == nil {
			return rep.fail(err)
		}
		return reportRegistration(rep, res, err, sources, nil)
	}
	res, t, err := r.RegisterAndVerify(ctx, in, progress, nil)
	if res == nil {
		return rep.fail(err)
	}
	if t == nil {
		return reportRegistration(rep, res, err, sources, nil)
	}
	return reportRegistration(rep, res, nil, sources, &verifyOutcome{t.Verification, t.Err})
}

// verifyOutcome is the result of register --verify's test.
type verifyOutcome struct {
	v   *flow.Verification
	err error
}

// reportRegistration shows what the ATO returned. When it was not stored,
// the registration access token is shown too, whatever the output mode:
// the user must keep it.
func reportRegistration(rep reporter, res *registrar.Result, storeErr error, sources *registrar.Sources, ver *verifyOutcome) int {
	out := registration(res, storeErr, sources)
	code := ExitOK
	if !res.Stored {
		code = ExitNotStored
	}
	if ver != nil {
		out.Verification = verification(ver.v, ver.err)
		out.Verification.ClientID, out.Verification.name = out.ClientID, out.Name
		if ver.err != nil {
			code = ExitNotUsable
		}
	}
	return rep.show(out, code)
}

// registration is what the ATO returned and where it is kept.
func registration(res *registrar.Result, storeErr error, sources *registrar.Sources) registerJSON {
	reg := res.Registration
	out := registerJSON{
		ClientID:              reg.ClientID,
		RegistrationClientURI: reg.RegistrationClientURI,
		Receipt:               reg.Receipt,
		Environment:           res.Record.Environment,
		Name:                  res.Record.Name,
		Stored:                res.Stored,
		Warnings:              res.Warnings,
		Sources:               sources,
	}
	if v := res.Record.Vendor; !v.IsZero() {
		out.Vendor = &v
	}
	if !reg.IssuedAt.IsZero() {
		out.ClientIDIssuedAt = reg.IssuedAt.UTC().Format(time.RFC3339)
	}
	if res.Stored {
		out.StoredIn = res.Where
		return out
	}
	out.RegistrationAccessToken = reg.RegistrationAccessToken
	out.Warning = "The ATO accepted this registration but it could not be saved in " + res.Where +
		". Keep these values now (they include a secret): your software needs all three. Do not register again: the registration exists."
	var ns *credstore.NotStoredError
	if storeErr != nil && errors.As(storeErr, &ns) {
		out.Warning += " Reason: " + guidance.Text(ns)
	}
	if res.PendingID != "" {
		out.PendingID = res.PendingID
		out.Warning += " Once you have kept them, clear the note this left: dcrwizard pending --clear " + res.PendingID
	}
	return out
}

func (out registerJSON) text(st Streams) {
	if out.Stored {
		outf(st.Stdout, "Registered %q in %s.\n\n", out.Name, out.Environment)
	} else {
		outf(st.Stderr, "WARNING: %s\n\n", out.Warning)
	}
	for _, w := range out.Warnings {
		outf(st.Stderr, "Note: %s\n\n", w)
	}
	outf(st.Stdout, "Client id:                %s\n", out.ClientID)
	outf(st.Stdout, "Registration client URI:  %s\n", out.RegistrationClientURI)
	if !out.Stored {
		outf(st.Stdout, "Registration access token: %s\n", out.RegistrationAccessToken)
	}
	if out.ClientIDIssuedAt != "" {
		outf(st.Stdout, "Issued at:                %s\n", out.ClientIDIssuedAt)
	}
	if out.Receipt != "" {
		outf(st.Stdout, "ATO receipt:              %s\n", out.Receipt)
	}
	if out.Stored {
		outf(st.Stdout, "Stored in:                %s\n", out.StoredIn) // credstore's Where: the keychain and its service
	}
	if out.Vendor != nil {
		outf(st.Stdout, "Ready for:                %s (%s)\n", out.Vendor.Product, out.Vendor.Name)
		if c := registrar.SupportContact(*out.Vendor); c != "" {
			outf(st.Stdout, "Vendor support:           %s\n", c)
		}
	}
	switch v := out.Verification; {
	case v == nil:
	case v.Usable:
		fmt.Fprintln(st.Stdout)
		v.text(st)
	default:
		outf(st.Stderr, "\nThe registration is stored, but the test sign-in as it failed.\nError: %s\nWhat to do: %s\n",
			v.Problem, v.Action)
	}
}

func withEnv(get func(string) string, key, value string) func(string) string {
	return func(k string) string {
		if k == key {
			return value
		}
		return get(k)
	}
}
