package cli_test

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dcrwizard/atosim"
)

type conformanceOut struct {
	Checks []struct {
		ID, Result, Saw, Expected, Fact string
	} `json:"checks"`
	OK            bool   `json:"ok"`
	Version       string `json:"version"`
	Environment   string `json:"environment"`
	ConsumerKey   string `json:"consumer_key"`
	Registrations []struct {
		ClientID string `json:"client_id"`
		Removed  bool   `json:"removed"`
		Kept     bool   `json:"kept_in_keychain"`
	} `json:"registrations"`
	VerifyScopes []struct {
		Scope  string
		Worked bool
	} `json:"verify_scopes"`
}

func (c conformanceOut) results() map[string]string {
	m := map[string]string{}
	for _, ch := range c.Checks {
		m[ch.ID] = ch.Result
	}
	return m
}

var checkIDs = []string{"token", "register", "scenario.ELDORAS144", "scenario.ADRENALAN645", "apikey_mismatch",
	"verify.token", "verify.heartbeat", "lifecycle.read", "lifecycle.update", "lifecycle.delete", "tls13"}

// conformanceRun is a simulator, a credential for it (the private key kept
// for the secrets search), and the files a vendor's developer would have.
type conformanceRun struct {
	sim                 *atosim.Simulator
	keystore, keyFile   string
	report, config, dir string
	keyPEM              []byte
}

func newConformanceRun(t *testing.T, sim *atosim.Simulator) *conformanceRun {
	t.Helper()
	now := time.Now()
	cred, err := sim.IssueCredential("ABRD:80000000001_Conf", "80000000001", "Conformance", now.Add(-time.Hour), now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	demo, err := sim.WriteCredential(dir, cred, atosim.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "apikey.txt")
	if err := os.WriteFile(keyFile, []byte(sim.APIKey()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &conformanceRun{sim: sim, keystore: demo.KeystorePath, keyFile: keyFile, dir: dir,
		report: filepath.Join(dir, "conformance.md"), config: t.TempDir(),
		keyPEM: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(cred.PrivateKey)})}
}

func (c *conformanceRun) exec(t *testing.T, ep atosim.Endpoints, extra ...string) (result, conformanceOut) {
	t.Helper()
	args := append([]string{"conformance", "--keystore", c.keystore, "--env", "custom", "--token-url", ep.TokenURL,
		"--registration-url", ep.RegistrationURL, "--registration-client-id", ep.RegistrationClientID, "--scope", ep.Scope,
		"--api-key-file", c.keyFile, "--report", c.report, "--json",
		"--heartbeat-url", ep.HeartbeatURL, "--verify-scope", atosim.VerifyScope}, extra...)
	res := run{args: args, env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}, config: c.config}.exec(t)
	return res, decode[conformanceOut](t, res.stdout)
}

// index is the config folder's index.json as raw records.
func (c *conformanceRun) index(t *testing.T) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.config, "dcrwizard", "index.json"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var idx struct {
		Records []map[string]any `json:"registrations"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatalf("index.json: %v\n%s", err, data)
	}
	return idx.Records
}

func wantRows(t *testing.T, out conformanceOut, want map[string]string) {
	t.Helper()
	got := out.results()
	for i, id := range checkIDs {
		if i >= len(out.Checks) || out.Checks[i].ID != id {
			t.Fatalf("checks out of order or missing at %d (%s): %+v", i, id, out.Checks)
		}
		if got[id] != want[id] {
			t.Errorf("%s: %s (saw %q), want %s", id, got[id], out.Checks[i].Saw, want[id])
		}
		if out.Checks[i].Expected == "" || !strings.HasPrefix(out.Checks[i].Fact, "§") {
			t.Errorf("%s has no expectation or fact: %+v", id, out.Checks[i])
		}
	}
}

// The full lifecycle over HTTPS (TLS 1.3): every row confirmed, exit 0,
// and nothing left behind — at the simulator, in the keychain, in pending.
func TestConformanceFullLifecycle(t *testing.T) {
	needSecretService(t)
	sim, err := atosim.New(atosim.Options{RotateTokens: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := atosim.StartTLS(sim, "127.0.0.1:0", atosim.TLSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c := newConformanceRun(t, sim)
	ca := filepath.Join(c.dir, "ca.pem")
	if err := os.WriteFile(ca, sim.CACertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	res, out := c.exec(t, srv.Endpoints(), "--ca-file", ca)
	if res.code != 0 || !out.OK {
		t.Fatalf("exit %d ok=%v\n%s\n%s", res.code, out.OK, res.stdout, res.stderr)
	}
	want := map[string]string{}
	for _, id := range checkIDs {
		want[id] = "confirmed"
	}
	wantRows(t, out, want)
	if len(out.VerifyScopes) != 2 || out.VerifyScopes[0].Scope != "" || out.VerifyScopes[1].Scope != atosim.VerifyScope {
		t.Errorf("verify scopes tried: %+v", out.VerifyScopes)
	}
	if out.ConsumerKey != "…"+sim.APIKey()[len(sim.APIKey())-4:] || out.Environment != "custom" || out.Version == "" {
		t.Errorf("particulars: %+v", out)
	}
	if n := len(sim.Clients()); n != 0 {
		t.Errorf("the simulator still holds %d registrations", n)
	}
	if recs := c.index(t); len(recs) != 0 {
		t.Errorf("this computer still lists %v", recs)
	}
	if p := (run{args: []string{"pending", "--json"}, config: c.config}).exec(t); strings.TrimSpace(p.stdout) != "[]" {
		t.Errorf("pending notes left: %s", p.stdout)
	}
	md, err := os.ReadFile(c.report)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"# DCR Wizard conformance report", "Program: DCR Wizard", "Date: ", "Environment: custom",
		"| lifecycle.delete | confirmed |", "| tls13 | confirmed | TLS 1.3 |", "Every check DCR Wizard depends on held."} {
		if !strings.Contains(string(md), s) {
			t.Errorf("report lacks %q:\n%s", s, md)
		}
	}
	noSecrets(t, []string{atosim.DemoPassword, sim.APIKey()}, c.keyPEM, string(md), res.stdout, res.stderr)
}

// The lifecycle switched off, over plain HTTP behind a proxy that records
// every token on the wire: the lifecycle rows are not_offered, the run is
// still OK (DCR Wizard copes), the registration it could not remove is
// listed and kept in the keychain marked as a conformance registration,
// and neither the report nor the JSON holds any secret that crossed.
func TestConformanceLifecycleOff(t *testing.T) {
	needSecretService(t)
	sim, err := atosim.New(atosim.Options{NoLifecycle: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := atosim.Start(sim, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	wire := &wireSecrets{}
	proxy := httptest.NewServer(wire.proxy(t, srv.URL))
	t.Cleanup(proxy.Close)
	ep := sim.Endpoints(proxy.URL)
	c := newConformanceRun(t, sim)
	res, out := c.exec(t, ep)
	if res.code != 0 || !out.OK {
		t.Fatalf("exit %d ok=%v\n%s\n%s", res.code, out.OK, res.stdout, res.stderr)
	}
	want := map[string]string{}
	for _, id := range checkIDs {
		want[id] = "confirmed"
	}
	want["lifecycle.read"], want["lifecycle.update"], want["lifecycle.delete"] = "not_offered", "not_offered", "not_offered"
	want["tls13"] = "skipped"
	wantRows(t, out, want)

	clients := sim.Clients()
	if len(clients) != 1 || len(out.Registrations) != 1 || out.Registrations[0].ClientID != clients[0].ClientID ||
		out.Registrations[0].Removed || !out.Registrations[0].Kept {
		t.Fatalf("left at the simulator %+v; report lists %+v", clients, out.Registrations)
	}
	recs := c.index(t)
	if len(recs) != 1 || recs[0]["client_id"] != clients[0].ClientID || recs[0]["purpose"] != "conformance" {
		t.Fatalf("kept on this computer: %v", recs)
	}
	if l := (run{args: []string{"list"}, config: c.config}).exec(t); !strings.Contains(l.stdout, "conformance test registration") {
		t.Errorf("list does not mark it:\n%s", l.stdout)
	}
	md, err := os.ReadFile(c.report)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"| lifecycle.read | not_offered | HTTP 404 404-01", clients[0].ClientID + " (",
		"still registered at the ATO", "marked as a conformance registration", "dcrwizard forget CLIENT_ID"} {
		if !strings.Contains(string(md), s) {
			t.Errorf("report lacks %q:\n%s", s, md)
		}
	}
	// The registration access token kept in the keychain is a secret too.
	exp := run{args: []string{"export", clients[0].ClientID, "--out", "-"}, config: c.config}.exec(t)
	kept := decode[struct {
		Token string `json:"registration_access_token"`
	}](t, exp.stdout).Token
	secrets := append([]string{atosim.DemoPassword, sim.APIKey(), kept}, wire.all()...)
	if len(secrets) < 8 {
		t.Fatalf("the proxy saw only %d secrets: it is not recording", len(secrets))
	}
	noSecrets(t, secrets, c.keyPEM, string(md), res.stdout, res.stderr)
	// The search finds a secret where it is (so a pass means something).
	noSecretsFinds(t, wire.all()[0], c.keyPEM)

	// A consumer key the gateway refuses: nothing is registered, the
	// register row fails, and the run exits 8.
	if err := os.WriteFile(c.keyFile, []byte("NotTheTeamAppKey0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, out = c.exec(t, ep)
	if res.code != 8 || out.OK || out.results()["register"] != "failed" || len(out.Registrations) != 0 || len(sim.Clients()) != 1 {
		t.Fatalf("with a refused key: exit %d %+v\n%s", res.code, out, res.stderr)
	}
}

// wireSecrets is a reverse proxy's record of every token that crossed.
type wireSecrets struct {
	mu      sync.Mutex
	secrets []string
}

func (w *wireSecrets) add(s string) {
	if len(s) >= 8 {
		w.mu.Lock()
		w.secrets = append(w.secrets, s)
		w.mu.Unlock()
	}
}

func (w *wireSecrets) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.secrets...)
}

func (w *wireSecrets) proxy(t *testing.T, target string) http.Handler {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
		var m map[string]any
		if err == nil && json.Unmarshal(data, &m) == nil {
			for _, k := range []string{"access_token", "registration_access_token"} {
				if s, ok := m[k].(string); ok {
					w.add(s)
				}
			}
		}
		return nil
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if _, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
			w.add(tok)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil {
			w.add(form.Get("client_assertion"))
		}
		rp.ServeHTTP(rw, r)
	})
}

// noSecrets fails when any of texts holds a secret: whole, or (the private
// key) as any 40-character piece of its PEM, base64 or hex.
func noSecrets(t *testing.T, secrets []string, keyPEM []byte, texts ...string) {
	t.Helper()
	for i, text := range texts {
		for _, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("output %d holds a secret (%d characters)", i, len(s))
			}
		}
		for _, piece := range keyPieces(keyPEM) {
			if strings.Contains(strings.Join(strings.Fields(text), ""), piece) {
				t.Errorf("output %d holds part of the private key", i)
				break
			}
		}
	}
}

func keyPieces(keyPEM []byte) []string {
	blk, _ := pem.Decode(keyPEM)
	var out []string
	for _, form := range []string{base64.StdEncoding.EncodeToString(blk.Bytes), hex.EncodeToString(blk.Bytes)} {
		for i := 40; i+40 <= len(form); i += 40 {
			out = append(out, form[i:i+40])
		}
	}
	return out
}

// noSecretsFinds proves the search: it must find a token and the key where
// they are.
func noSecretsFinds(t *testing.T, token string, keyPEM []byte) {
	t.Helper()
	if !strings.Contains("x"+token+"y", token) || len(keyPieces(keyPEM)) == 0 ||
		!strings.Contains(strings.Join(strings.Fields(string(keyPEM)), ""), keyPieces(keyPEM)[0]) {
		t.Fatal("the secrets search would not find what it looks for")
	}
}
