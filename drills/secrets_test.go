//go:build linux

package drills_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"dcrwizard/guidance"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// haystack is one place a secret must not appear.
type haystack struct {
	where string
	text  string
	// allowed is a secret this place must show: the registration access
	// token on stdout when the keychain could not keep it (exit 4), the only
	// way not to lose it.
	allowed string
}

// secret is one value to look for, with the forms it could take.
type secret struct {
	name  string
	forms []string // exact substrings, each distinctive on its own
	// leak is the secret as it would show if it leaked (a wrapped PEM, a
	// header): the search must find it, or it proves nothing.
	leak string
}

// found reports whether text shows s, also with its whitespace removed.
func (s secret) found(text string) bool {
	flat := strings.Join(strings.Fields(text), "")
	for _, form := range s.forms {
		if strings.Contains(text, form) || strings.Contains(flat, form) {
			return true
		}
	}
	return false
}

// wrap breaks s into lines of n characters, as PEM and terminals do.
func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\n")
		s = s[n:]
	}
	return b.String() + s
}

// TestSecretsNeverLeak runs registrations — successful and failing, through
// the binary at its most verbose (progress lines on a terminal), in JSON,
// and through the registrar in process with an event logger — and proves
// that the keystore password, the private key (PEM/DER base64 of PKCS#1 and
// PKCS#8, hex), the client assertions, the access tokens and the
// registration access tokens the simulator issued appear nowhere in: the
// simulator's request log, the binary's stdout and stderr, any file under
// the config folder, the event messages, or any error text. The one
// intended exception is the exit-4 stdout, which must carry the token the
// keychain refused (it is checked to be there, and checked for the rest).
func TestSecretsNeverLeak(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
	a := newATO(t)
	now := time.Now()
	cred, err := a.sim.IssueCredential("ABRD:80000000001_Secrets", "80000000001", "Secrets", now.Add(-time.Hour), now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	password := "Leak-" + hex.EncodeToString(rnd[:]) + "!Q9"
	demo, err := a.sim.WriteCredential(t.TempDir(), cred, password)
	if err != nil {
		t.Fatal(err)
	}
	pwFile := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	var hay []haystack
	add := func(where, text string) { hay = append(hay, haystack{where: where, text: text}) }
	addRun := func(what string, r result) {
		add(what+": stdout", r.stdout)
		add(what+": stderr", r.stderr)
	}
	configs := []string{}
	newConfig := func() string {
		c := t.TempDir()
		configs = append(configs, c)
		return c
	}
	register := func(name string, extra ...string) []string {
		return append(append([]string{"register", "--keystore", demo.KeystorePath, "--name", name}, a.customArgs()...), extra...)
	}

	// 1. The most verbose run there is: progress lines on a terminal.
	config := newConfig()
	r := runOnTerminal(t, config, nil, "", register("Verbose", "--password-file", pwFile)...)
	if r.code != 0 || !strings.Contains(r.stderr, "Getting an access token") || !strings.Contains(r.stderr, "Saved to") {
		t.Fatalf("the terminal run did not log its steps (exit %d):\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	addRun("register on a terminal", r)

	// 2. JSON with the password on stdin; then the management commands.
	r = runBinary(t, config, nil, password+"\n", register("Json", "--json", "--password-stdin")...)
	if r.code != 0 {
		t.Fatalf("register --json: exit %d\n%s", r.code, r.stderr)
	}
	addRun("register --json", r)
	id := decode[registerOut](t, r.stdout).ClientID
	for _, args := range [][]string{{"list"}, {"list", "--json"}, {"show", id}, {"show", id, "--json"}, {"check", id, "--json"}, {"rename", id, "--name", "Renamed"}} {
		r = runBinary(t, config, nil, "", args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		addRun(strings.Join(args[:1], " "), r)
	}

	// 3. Failures, with the password in the environment.
	pwEnv := []string{"DCRWIZARD_PASSWORD=" + password}
	failures := []struct {
		name  string
		fault *atosim.Fault
		env   []string
		args  []string
		code  int
	}{
		{"wrong API key", nil, nil, []string{"--api-key", "WrongKey0123456789abcdef"}, 3},
		{"502 with an HTML body", &atosim.Fault{Kind: atosim.FaultHTTPError, Endpoint: atosim.EndpointRegister, Nth: 1}, nil, nil, 5},
		{"connection dropped", &atosim.Fault{Kind: atosim.FaultDropAfterRegister, Nth: 1}, nil, nil, 5},
		{"keychain absent", nil, []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus"}, nil, 1},
		{"keychain lost after sending", nil, nil, nil, 4}, // bus: busProxy, below
		{"wrong password", nil, []string{"DCRWIZARD_PASSWORD=Wrong-" + password}, nil, 1},
	}
	for _, f := range failures {
		for _, mode := range []string{"text", "json"} {
			if f.fault != nil {
				a.sim.InjectFault(*f.fault)
			}
			args := register("Failing "+f.name, f.args...)
			if mode == "json" {
				args = append(args, "--json")
			}
			c := newConfig()
			env := f.env
			if f.code == 4 {
				env = []string{"DBUS_SESSION_BUS_ADDRESS=" + busProxy(t, a, false)}
			}
			r := runOnTerminal(t, c, append(pwEnv, env...), "", args...)
			a.sim.ClearFaults()
			if r.code != f.code {
				t.Fatalf("%s (%s): exit %d, want %d\n%s\n%s", f.name, mode, r.code, f.code, r.stdout, r.stderr)
			}
			h := haystack{where: f.name + " (" + mode + "): stdout", text: r.stdout}
			if f.code == 4 {
				// The one place the token must be: find it to allow it here.
				h.allowed = tokenIn(t, r.stdout, mode)
			}
			hay = append(hay, h)
			add(f.name+" ("+mode+"): stderr", r.stderr)
		}
	}

	// 4. The registrar in process, with an event logger and the error texts.
	var events strings.Builder
	logEvent := func(e flow.Event) { fmt.Fprintf(&events, "%s %s %s\n", e.Step, e.State, guidance.StepWords(e)) }
	ks, err := m2m.Open(demo.KeystorePath, password)
	if err != nil {
		t.Fatal(err)
	}
	inConfig := newConfig()
	in := registrar.Input{Env: a.env(), Credential: ks.Credentials[0], ConsumerKey: mustKey(t, a.sim.APIKey()), InstanceName: "In process"}
	ctx := context.Background()
	ok := &registrar.Registrar{Flow: &flow.Client{}, Store: credstore.New(filepath.Join(inConfig, "dcrwizard"))}
	if res, err := ok.Register(ctx, in, logEvent); err != nil || !res.Stored {
		t.Fatalf("in-process registration: %v", err)
	}
	errText := func(what string, err error) {
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		add(what+": error", fmt.Sprintf("%v\n%+v\n%#v\n%s", err, err, err, err.Error()))
		var fe *flow.Error
		if errors.As(err, &fe) {
			add(what+": message", guidance.For(fe).Message()+"\n"+guidance.For(fe).Action()+"\n"+fe.Body+"\n"+fe.Description)
		}
	}
	bad := in
	bad.ConsumerKey = mustKey(t, "WrongKey0123456789abcdef")
	_, err = ok.Register(ctx, bad, logEvent)
	errText("in process, wrong API key", err)
	a.sim.InjectFault(atosim.Fault{Kind: atosim.FaultMalformedJSON, Endpoint: atosim.EndpointRegister, Nth: 1})
	_, err = ok.Register(ctx, in, logEvent)
	a.sim.ClearFaults()
	errText("in process, cut-off answer", err)
	refused := &registrar.Registrar{Flow: &flow.Client{}, Store: credstore.NewWithKeyring(filepath.Join(newConfig(), "dcrwizard"), refusesWrites{})}
	res, err := refused.Register(ctx, in, logEvent)
	errText("in process, keychain refused", err)
	if res == nil || res.Registration.RegistrationAccessToken == "" {
		t.Fatal("the refused keychain did not hand the values back")
	}
	add("event log", events.String())
	add("simulator log", a.simLog())
	for _, c := range configs {
		for path, data := range files(t, c) {
			add("file "+path, data)
		}
	}

	// What to look for.
	secrets := []secret{
		{"keystore password", []string{password}, "password: " + password},
		{"consumer (API) key", []string{a.sim.APIKey()}, "apikey: " + a.sim.APIKey()},
	}
	secrets = append(secrets, keyForms(t, ks.Credentials[0])...)
	wire := a.secretsSeen()
	var tokens []string
	for _, s := range wire {
		forms := []string{s}
		if parts := strings.Split(s, "."); len(parts) == 3 && len(parts[2]) >= 16 {
			forms = append(forms, parts[2]) // the signature alone is unique
		}
		secrets = append(secrets, secret{"token or assertion " + abbrev(s), forms, "Authorization: Bearer " + s})
		tokens = append(tokens, s)
	}
	// Every registration access token the keychain holds was seen on the
	// wire: the list above is complete.
	for _, c := range configs {
		st := credstore.New(filepath.Join(c, "dcrwizard"))
		recs, err := st.List(ctx)
		if err != nil {
			continue
		}
		for _, rec := range recs {
			_, v, err := st.Get(ctx, rec.ClientID)
			if err != nil {
				t.Fatalf("reading back %s: %v", rec.ClientID, err)
			}
			if !contains(tokens, v.RegistrationAccessToken) {
				t.Fatalf("the keychain holds a registration access token the wire never showed")
			}
		}
	}
	if len(wire) < 10 {
		t.Fatalf("only %d secrets seen on the wire: the recorder is not working", len(wire))
	}

	// The search finds each secret where it would leak.
	for _, s := range secrets {
		if !s.found("log line: " + s.leak + "\n") {
			t.Fatalf("the search does not find the %s", s.name)
		}
	}
	leaks := 0
	for _, h := range hay {
		for _, s := range secrets {
			if h.allowed != "" && s.forms[0] == h.allowed {
				if !strings.Contains(h.text, h.allowed) {
					t.Errorf("%s should carry the token the keychain refused, and does not", h.where)
				}
				continue
			}
			if s.found(h.text) {
				leaks++
				t.Errorf("%s contains the %s", h.where, s.name)
			}
		}
	}
	t.Logf("checked %d places for %d secrets (%d forms): %d leaks", len(hay), len(secrets), countForms(secrets), leaks)
}

// tokenIn finds the registration access token in an exit-4 output.
func tokenIn(t *testing.T, stdout, mode string) string {
	t.Helper()
	if mode == "json" {
		tok := decode[registerOut](t, stdout).RegistrationAccessToken
		if tok == "" {
			t.Fatalf("exit 4 without the token on stdout:\n%s", stdout)
		}
		return tok
	}
	for _, line := range strings.Split(stdout, "\n") {
		if v, ok := strings.CutPrefix(line, "Registration access token:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("exit 4 without the token on stdout:\n%s", stdout)
	return ""
}

// keyForms are the private key as it could leak: PEM body or DER in base64
// (standard and URL alphabets) of PKCS#1 and PKCS#8, hex DER, and the
// private exponent in hex and decimal. Long forms are cut into 40-character
// pieces, any one of which is proof of a leak (the search also looks with
// whitespace removed, so line wrapping hides nothing). The first quarter of
// each DER is skipped: it holds the public modulus, which the certificate
// rightly shows.
func keyForms(t *testing.T, c *m2m.Credential) []secret {
	t.Helper()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	ders := map[string][]byte{"PKCS#1": x509.MarshalPKCS1PrivateKey(c.PrivateKey), "PKCS#8": pkcs8}
	var out []secret
	for name, der := range ders {
		pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		for enc, s := range map[string]string{
			"base64":    base64.StdEncoding.EncodeToString(der),
			"base64url": base64.RawURLEncoding.EncodeToString(der),
			"hex":       hex.EncodeToString(der),
		} {
			out = append(out, secret{"private key (" + name + " " + enc + ")", pieces(s[len(s)/4:], 40, 4), wrap(s, 76)})
		}
		out = append(out, secret{"private key (" + name + " PEM)", pieces(strings.Join(strings.Fields(pemText), "")[len(pemText)/4:], 40, 4), pemText})
	}
	d, p := c.PrivateKey.D, c.PrivateKey.Primes[0]
	out = append(out,
		secret{"private exponent (hex)", pieces(d.Text(16), 40, 3), "d=" + d.Text(16)},
		secret{"private exponent (decimal)", pieces(d.String(), 40, 3), "D:" + d.String()},
		secret{"prime p (hex)", pieces(p.Text(16), 40, 2), wrap(p.Text(16), 30)})
	return out
}

// pieces cuts n pieces of size from s, spread over it.
func pieces(s string, size, n int) []string {
	var out []string
	step := (len(s) - size) / n
	for i := 0; i < n && i*step+size <= len(s); i++ {
		out = append(out, s[i*step:i*step+size])
	}
	return out
}

func countForms(ss []secret) int {
	n := 0
	for _, s := range ss {
		n += len(s.forms)
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// abbrev names a secret in a failure without printing it.
func abbrev(s string) string {
	return fmt.Sprintf("(%d characters)", len(s))
}
