//go:build linux

package drills_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/testbin"
)

// binary is dcrwizard, built once for these tests as cli's tests build it.
var binary string

func TestMain(m *testing.M) { testbin.Main(m, &binary) }

func haveSecretService() bool { return os.Getenv("DCRWIZARD_SECRET_SERVICE") == "1" }

// baseEnv is the clean environment of one run.
func baseEnv(config string) []string { return testbin.Env(config) }

// result is one finished run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

// runBinary runs dcrwizard with args; env is added to baseEnv(config)
// (later entries win). stderr, when not nil, replaces the captured stderr
// (a terminal, for the progress lines).
func runBinary(t *testing.T, config string, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(baseEnv(config), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return finish(t, cmd, &out, &errb)
}

func finish(t *testing.T, cmd *exec.Cmd, out, errb *bytes.Buffer) result {
	t.Helper()
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", cmd.Path, err)
	}
	return result{code, out.String(), errb.String()}
}

// errorOut and registerOut are the binary's --json outputs.
type errorOut struct {
	Error struct {
		Step, Code, Message, Action, Receipt string
		Status                               int
	}
	ExitCode int `json:"exit_code"`
}

type registerOut struct {
	ClientID                string `json:"client_id"`
	RegistrationClientURI   string `json:"registration_client_uri"`
	Receipt                 string `json:"receipt"`
	Environment             string `json:"environment"`
	Name                    string `json:"name"`
	Stored                  bool   `json:"stored"`
	RegistrationAccessToken string `json:"registration_access_token"`
	Warning                 string `json:"warning"`
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("output is not the JSON expected: %v\n%s", err, s)
	}
	return v
}

// ato is the simulator on loopback behind a recorder that keeps what only
// the wire shows: every access token, client assertion and registration
// access token issued or sent, so the secrets check knows what to look for.
type ato struct {
	sim *atosim.Simulator
	url string

	mu       sync.Mutex
	log      strings.Builder // the simulator's own log (Options.Logf)
	wire     []string        // secrets seen on the wire
	inFlight int             // DCR POSTs being handled
	// rewrite, when set, turns the simulator into a hostile server: it
	// gets each answer the simulator gave (after the simulator acted on
	// the request) and may change it before it is sent.
	rewrite func(r *http.Request, ans *answer)
	// onRegister, when set, runs as a DCR POST arrives.
	onRegister func()
}

// answer is one HTTP answer, as the hostile server may change it.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a *ato) setRewrite(f func(r *http.Request, ans *answer)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rewrite = f
}

func newATO(t *testing.T) *ato {
	t.Helper()
	a := &ato{}
	sim, err := atosim.New(atosim.Options{Logf: func(format string, args ...any) {
		a.mu.Lock()
		defer a.mu.Unlock()
		fmt.Fprintf(&a.log, format+"\n", args...)
	}})
	if err != nil {
		t.Fatal(err)
	}
	a.sim = sim
	h := sim.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil {
			a.keep(form.Get("client_assertion"))
		}
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			a.keep(tok)
		}
		register := r.URL.Path == atosim.RegistrationPath
		a.count(register, 1)
		defer a.count(register, -1)
		a.mu.Lock()
		rewrite, onRegister := a.rewrite, a.onRegister
		a.mu.Unlock()
		if register && onRegister != nil {
			onRegister()
		}
		if rewrite != nil {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			ans := &answer{status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()}
			a.keepAnswer(ans.body)
			rewrite(r, ans)
			for k, v := range ans.header {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(ans.status)
			_, _ = w.Write(ans.body)
			return
		}
		tw := &teeWriter{ResponseWriter: w}
		h.ServeHTTP(tw, r)
		a.keepAnswer(tw.buf.Bytes())
	}))
	t.Cleanup(srv.Close)
	a.url = srv.URL
	return a
}

// keepAnswer keeps the tokens of an answer.
func (a *ato) keepAnswer(body []byte) {
	var answer map[string]any
	if json.Unmarshal(body, &answer) == nil {
		for _, k := range []string{"access_token", "registration_access_token"} {
			if s, _ := answer[k].(string); s != "" {
				a.keep(s)
			}
		}
	}
}

func (a *ato) keep(s string) {
	if s == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.wire = append(a.wire, s)
}

func (a *ato) count(register bool, d int) {
	if register {
		a.mu.Lock()
		a.inFlight += d
		a.mu.Unlock()
	}
}

func (a *ato) secretsSeen() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.wire...)
}

func (a *ato) simLog() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.log.String()
}

func (a *ato) env() flow.Environment {
	ep := a.sim.Endpoints(a.url)
	return flow.Custom(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope)
}

// customArgs are register's flags for this simulator.
func (a *ato) customArgs() []string {
	e := a.env()
	return []string{"--env", "custom", "--token-url", e.TokenURL, "--registration-url", e.RegistrationURL,
		"--registration-client-id", e.RegistrationClientID, "--scope", e.Scope, "--api-key", a.sim.APIKey()}
}

// clientIDs lists the registrations the simulator holds.
func (a *ato) clientIDs() []string {
	var ids []string
	for _, c := range a.sim.Clients() {
		ids = append(ids, c.ClientID)
	}
	return ids
}

// readBack proves a registration access token works: an RFC 7592 read of
// the registration with it.
func (a *ato) readBack(t *testing.T, uri, token string) *flow.Registration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reg, err := (&flow.Client{}).Read(ctx, uri, token, mustKey(t, a.sim.APIKey()))
	if err != nil {
		t.Fatalf("the registration access token does not read the registration back: %v", err)
	}
	return reg
}

// teeWriter keeps a copy of the answer. Unwrap lets the simulator hijack the
// connection for its drop faults.
type teeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// refusing is a keyring for reading pending records only.
type refusing struct{}

func (refusing) Set(string, string, string) error   { return credstore.ErrKeychainUnavailable }
func (refusing) Get(string, string) (string, error) { return "", credstore.ErrKeychainUnavailable }
func (refusing) Delete(string, string) error        { return credstore.ErrKeychainUnavailable }

// refusesWrites is a keychain that answers but refuses to save: locked, and
// the user said no at the unlock prompt.
type refusesWrites struct{}

func (refusesWrites) Set(string, string, string) error   { return credstore.ErrKeychainUnavailable }
func (refusesWrites) Get(string, string) (string, error) { return "", credstore.ErrNotFound }
func (refusesWrites) Delete(string, string) error        { return credstore.ErrKeychainUnavailable }

// pending reads the pending records the binary left in config.
func pending(t *testing.T, config string) []credstore.Pending {
	t.Helper()
	p, err := credstore.NewWithKeyring(filepath.Join(config, "dcrwizard"), refusing{}).Pending()
	if err != nil {
		t.Fatalf("reading pending records: %v", err)
	}
	return p
}

// files returns every regular file under dir, by path.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out[path] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mustKey is a consumer key made the one way a Key is made.
func mustKey(t testing.TB, raw string) consumerkey.Key {
	t.Helper()
	k, err := consumerkey.New(raw, consumerkey.Typed)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
