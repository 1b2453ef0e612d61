package flow

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPresets(t *testing.T) {
	want := map[string]Environment{
		"sandbox": {TokenURL: "https://auth.evte.ato.gov.au/core2/connect/token",
			RegistrationURL:      "https://sandbox.api.ato.gov.au/idp/v1/relyingparties",
			RegistrationClientID: "ato_registration_client_id_eve", Scope: "ato.idp.relyingParties.c"},
		"production": {TokenURL: "https://auth.ato.gov.au/core2/connect/token",
			RegistrationURL:      "https://api.ato.gov.au/idp/v1/relyingparties",
			RegistrationClientID: "ato_registration_client_id", Scope: "ato.idp.relyingParties.c"},
	}
	ps := Presets()
	if len(ps) != 2 || ps[0].Name != "sandbox" || ps[1].Name != "production" {
		t.Fatalf("Presets() = %+v", ps)
	}
	for _, p := range ps {
		w := want[p.Name]
		if p.TokenURL != w.TokenURL || p.RegistrationURL != w.RegistrationURL ||
			p.RegistrationClientID != w.RegistrationClientID || p.Scope != w.Scope || p.Label == "" {
			t.Errorf("%s = %+v", p.Name, p)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("%s.Validate() = %v", p.Name, err)
		}
		got, ok := Lookup(strings.ToUpper(p.Name))
		if !ok || got != p {
			t.Errorf("Lookup(%q) = %+v, %v", p.Name, got, ok)
		}
	}
	for _, name := range []string{"practice", "custom", "", "evte"} {
		if _, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) found a preset", name)
		}
	}
	if p := Practice("a", "b", "c", "d"); p.Name != "practice" || p.TokenURL != "a" || p.RegistrationURL != "b" || p.RegistrationClientID != "c" || p.Scope != "d" {
		t.Errorf("Practice = %+v", p)
	}
	if c := Custom("a", "b", "c", "d"); c.Name != "custom" || c.TokenURL != "a" || c.Scope != "d" {
		t.Errorf("Custom = %+v", c)
	}
}

func TestValidate(t *testing.T) {
	env := func(token, reg string) Environment {
		return Custom(token, reg, "ato_registration_client_id_eve", "ato.idp.relyingParties.c")
	}
	const good = "https://auth.example.com/token"
	tests := []struct {
		name     string
		env      Environment
		ok       bool
		insecure bool
	}{
		{"https", env(good, "https://api.example.com/dcr"), true, false},
		{"http localhost", env("http://localhost:8080/token", "http://LOCALHOST/dcr"), true, false},
		{"http 127.0.0.1", env("http://127.0.0.1:1/token", "http://127.8.9.10/dcr"), true, false},
		{"http ::1", env("http://[::1]:9/token", good), true, false},
		{"http remote host", env("http://auth.example.com/token", good), false, true},
		{"http private address", env(good, "http://192.168.1.10/dcr"), false, true},
		{"http localhost lookalike", env("http://localhost.example.com/token", good), false, true},
		{"http 0.0.0.0", env("http://0.0.0.0/token", good), false, true},
		{"relative", env("/token", good), false, false},
		{"no scheme", env("auth.example.com/token", good), false, false},
		{"ftp", env("ftp://auth.example.com/token", good), false, false},
		{"user info", env("https://user:pw@auth.example.com/token", good), false, false},
		{"empty token URL", env("", good), false, false},
		{"empty DCR URL", env(good, ""), false, false},
		{"no client id", Custom(good, good, "", "s"), false, false},
		{"no scope", Custom(good, good, "c", " "), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.env.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if errors.Is(err, ErrInsecureURL) != tt.insecure {
				t.Errorf("errors.Is(ErrInsecureURL) = %v, want %v (%v)", !tt.insecure, tt.insecure, err)
			}
			if err != nil && strings.Contains(err.Error(), "pw@") {
				t.Errorf("message shows a password: %v", err)
			}
		})
	}
}

func writePEM(t *testing.T, path string, certs ...*x509.Certificate) {
	t.Helper()
	var b []byte
	for _, c := range certs {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestNewHTTPClient(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("hello"))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()

	// Without the extra CA the test server's certificate is not trusted.
	plain, err := NewHTTPClient("", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	tr := plain.Transport.(*http.Transport)
	if tr.Proxy == nil {
		t.Error("the transport does not honour HTTPS_PROXY")
	}
	if tr.TLSClientConfig.MinVersion != 0x0303 {
		t.Errorf("MinVersion = %x, want TLS 1.2", tr.TLSClientConfig.MinVersion)
	}
	if plain.Timeout != time.Second {
		t.Errorf("Timeout = %v", plain.Timeout)
	}
	if _, err := plain.Get(srv.URL); err == nil {
		t.Fatal("an untrusted certificate was accepted")
	}

	for _, tc := range []struct {
		name  string
		write func(path string)
	}{
		{"pem", func(p string) { writePEM(t, p, srv.Certificate()) }},
		{"der", func(p string) { _ = os.WriteFile(p, srv.Certificate().Raw, 0o600) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "extra-ca."+tc.name)
			tc.write(path)
			hc, err := NewHTTPClient(path, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Get(srv.URL)
			if err != nil {
				t.Fatalf("with the extra CA: %v", err)
			}
			resp.Body.Close()
		})
	}

	bad := map[string][]byte{
		"empty.pem":   nil,
		"key.pem":     pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}),
		"text.pem":    []byte("not a certificate"),
		"damaged.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x03, 1, 2, 3}}),
	}
	for name, data := range bad {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := NewHTTPClient(path, 0); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v, want a message naming the file", name, err)
		}
	}
	if _, err := NewHTTPClient(filepath.Join(dir, "missing.pem"), 0); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}
