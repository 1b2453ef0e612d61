package atosim

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"dcrwizard/m2m"
)

func TestIssueCredential(t *testing.T) {
	c := fx.cred
	if c.ID != "ABRD:80000000001_Test" || c.ABN != "80000000001" || c.Name != "Test Machine" || c.PrivateKey == nil {
		t.Errorf("credential %q ABN %q name %q", c.ID, c.ABN, c.Name)
	}
	s := c.Certificate.Subject
	dnq := ""
	for _, n := range s.Names {
		if n.Type.Equal(oidDNQualifier) {
			dnq, _ = n.Value.(string)
		}
	}
	if fmt.Sprint(s.Country, s.Organization) != "[AU] [80000000001]" || s.CommonName != "Test Machine" || dnq != "ABR" {
		t.Errorf("subject %v (dnQualifier %q)", s, dnq)
	}
	if len(c.Chain) != 2 || c.Chain[0].Subject.CommonName != SubCAName || c.Chain[1].Subject.CommonName != CAName {
		t.Fatalf("chain %v", c.Chain)
	}
	if !c.Chain[1].Equal(fx.sim.CACertificate()) || !fx.sim.CACertificate().IsCA {
		t.Error("the chain does not end in CACertificate()")
	}
	if bits := fx.sim.CACertificate().PublicKey.(*rsa.PublicKey).N.BitLen(); bits != 2048 {
		t.Errorf("CA key %d bits", bits)
	}
	roots := x509.NewCertPool()
	roots.AddCert(fx.sim.CACertificate())
	inter := x509.NewCertPool()
	inter.AddCert(c.Chain[0])
	if _, err := c.Certificate.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("the credential does not chain to the CA: %v", err)
	}

	now := time.Now()
	for _, tc := range []struct {
		name      string
		from, to  time.Time
		want      m2m.Status
		issueFail bool
	}{
		{"valid", now.Add(-time.Hour), now.AddDate(2, 0, 0), m2m.StatusOK, false},
		{"expiring soon", now.Add(-time.Hour), now.AddDate(0, 1, 0), m2m.StatusExpiresSoon, false},
		{"expired", now.AddDate(-1, 0, 0), now.Add(-time.Hour), m2m.StatusExpired, false},
		{"not yet valid", now.Add(time.Hour), now.AddDate(1, 0, 0), m2m.StatusNotYetValid, false},
		{"ends before it starts", now, now.Add(-time.Hour), "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := fx.sim.issueWithKey(fx.cred.PrivateKey, "x", "80000000001", "T", tc.from, tc.to)
			if tc.issueFail {
				if err == nil {
					t.Fatal("issued a credential that ends before it starts")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v := cred.Verdict(now); v.Status != tc.want {
				t.Errorf("verdict %s, want %s", v.Status, tc.want)
			}
		})
	}
}

func TestStart(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8080", "example.com:80"} {
		var nle *NotLoopbackError
		if _, err := Start(fx.sim, addr); !errors.As(err, &nle) {
			t.Errorf("Start(%q): %v, want a NotLoopbackError", addr, err)
		}
	}
	if _, err := Start(fx.sim, "no port"); err == nil {
		t.Error("Start accepted an address without a port")
	}

	srv, err := Start(fx.sim, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || srv.Endpoints().TokenURL != srv.URL+TokenPath {
		t.Errorf("URL %q endpoints %+v", srv.URL, srv.Endpoints())
	}
	getToken(t, fx.cred, srv.Endpoints(), DefaultRegistrationClientID, Scope)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if res, err := http.Get(srv.URL + TokenPath); err == nil {
		res.Body.Close()
		t.Error("the server still answers after Close")
	}
}

// syncBuffer is written by Serve's goroutines and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "practice")
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, "127.0.0.1:0", dir, out) }()

	deadline := time.After(2 * time.Minute)
	for !strings.Contains(out.String(), "Press Ctrl-C") {
		select {
		case err := <-done:
			t.Fatalf("Serve ended early: %v\n%s", err, out.String())
		case <-deadline:
			t.Fatalf("Serve did not start:\n%s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	text := out.String()
	field := func(label string) string {
		m := regexp.MustCompile(regexp.QuoteMeta(label) + `:\s+(\S+)`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no %q in the output:\n%s", label, text)
		}
		return m[1]
	}
	ep := Endpoints{TokenURL: field("Token endpoint"), RegistrationURL: field("Registration (DCR) URL"),
		RegistrationClientID: field("Registration client id"), Scope: field("Scope")}
	apiKey := field("Consumer (API) key")
	mustContain(t, text, DemoPassword)

	readme, err := os.ReadFile(filepath.Join(dir, DemoReadmeFile))
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, string(readme), ep.TokenURL)
	mustContain(t, string(readme), ep.RegistrationURL)
	mustContain(t, string(readme), apiKey)

	var fromKeystore *m2m.Credential
	for _, name := range []string{DemoKeystoreFile, DemoP12File, DemoPEMFile, DemoReadmeFile} {
		path := filepath.Join(dir, name)
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, st.Mode().Perm())
		}
		if name == DemoReadmeFile {
			continue
		}
		store, err := m2m.Open(path, DemoPassword)
		if err != nil {
			t.Fatalf("m2m.Open(%s): %v", name, err)
		}
		c := store.Credentials[0]
		if len(store.Credentials) != 1 || c.PrivateKey == nil || !c.Verdict(time.Now()).OK() || c.ABN != demoABN {
			t.Errorf("%s: %d credentials, key %v, verdict %v, ABN %q", name, len(store.Credentials), c.PrivateKey != nil, c.Verdict(time.Now()), c.ABN)
		}
		if d := time.Until(c.NotAfter); d < DemoValidity-2*time.Hour || d > DemoValidity {
			t.Errorf("%s: valid for another %v, want about two years", name, d)
		}
		if name == DemoKeystoreFile {
			fromKeystore = c
			if c.ID != demoID {
				t.Errorf("keystore credential id %q, want %q", c.ID, demoID)
			}
			// (Only here: the other formats' key derivation is slow under -race.)
			if _, err := m2m.Open(path, "WrongPassword1!"); !errors.Is(err, m2m.ErrWrongPassword) {
				t.Errorf("%s with a wrong password: %v", name, err)
			}
		}
	}

	// The demo files are good for a real registration with the printed key.
	reg := register(t, ep, apiKey, "Practice run", fromKeystore)
	getToken(t, fromKeystore, ep, reg.clientID, "ato.api.example")

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not stop after cancel")
	}
	mustContain(t, out.String(), "Simulator stopped.")
	mustContain(t, out.String(), "POST "+RegistrationPath+" -> 201")
	if res, err := http.Get(ep.TokenURL); err == nil {
		res.Body.Close()
		t.Error("the simulator still answers after Serve returned")
	}
}

func TestServeRefusesNonLoopback(t *testing.T) {
	var nle *NotLoopbackError
	var logged bytes.Buffer
	dir := t.TempDir()
	opts := Options{Logf: func(format string, args ...any) { fmt.Fprintf(&logged, format, args...) }}
	if err := ServeWithOptions(context.Background(), opts, "0.0.0.0:8443", dir, &logged); !errors.As(err, &nle) {
		t.Fatalf("Serve on all interfaces: %v", err)
	}
	// Refused before the set-up (keys, listener, demo files): nothing was
	// written or logged.
	if entries, _ := os.ReadDir(dir); len(entries) != 0 || logged.Len() != 0 {
		t.Errorf("the refusal came after the set-up: %d files, log %q", len(entries), logged.String())
	}
}

// Rehearsal files for the unhappy paths: an expired credential under a
// chosen password.
func TestWriteCredential(t *testing.T) {
	now := time.Now()
	expired, err := fx.sim.issueWithKey(fx.cred.PrivateKey, "ABRD:80000000001_Old", "80000000001", "Old Machine", now.AddDate(-2, 0, 0), now.AddDate(0, 0, -3))
	if err != nil {
		t.Fatal(err)
	}
	const password = "Chosen-Passw0rd"
	dir := t.TempDir()
	d, err := fx.sim.WriteCredential(dir, expired, password)
	if err != nil {
		t.Fatal(err)
	}
	if d.CredentialID != "ABRD:80000000001_Old" || d.Password != password {
		t.Errorf("demo %+v", d)
	}
	// TestServe reads all three formats; the keystore is enough here (the
	// others' key derivation is slow under -race).
	store, err := m2m.Open(d.KeystorePath, password)
	if err != nil {
		t.Fatalf("m2m.Open: %v", err)
	}
	if v := store.Credentials[0].Verdict(now); v.Status != m2m.StatusExpired {
		t.Errorf("verdict %s, want expired", v.Status)
	}
	for _, path := range []string{d.P12Path, d.PEMPath} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", filepath.Base(path), st, err)
		}
	}
	readme, err := os.ReadFile(filepath.Join(dir, DemoReadmeFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(readme), password) {
		t.Error("a chosen password was written into README.txt")
	}
	mustContain(t, string(readme), fx.sim.APIKey())
}
