package atosim

// A small client that does what the ATO guide says, for the tests only (the
// real one is package flow, which these tests must not depend on), and the
// shared fixture.

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"dcrwizard/m2m"
)

// fixture is made once: RSA key generation is slow under -race.
type fixture struct {
	sim  *Simulator
	srv  *httptest.Server
	ep   Endpoints
	keys []string // the sim's two accepted API keys

	cred  *m2m.Credential // valid, from the sim's CA
	other *m2m.Credential // valid, from the sim's CA, another key

	expired, notYet *x509.Certificate // cred's key, from the sim's CA
	revoked         *x509.Certificate // cred's key, from the sim's CA, revoked
	foreign         *x509.Certificate // cred's key, from another CA
}

var fx *fixture

func TestMain(m *testing.M) {
	var err error
	fx, err = newFixture()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fixture:", err)
		os.Exit(1)
	}
	code := m.Run()
	fx.srv.Close()
	os.Exit(code)
}

func newFixture() (*fixture, error) {
	f := &fixture{keys: []string{"fixtureKeyAAAA0123456789", "fixtureKeyBBBB0123456789"}}
	sim, err := New(Options{APIKeys: f.keys})
	if err != nil {
		return nil, err
	}
	f.sim = sim
	f.srv = httptest.NewServer(sim.Handler())
	f.ep = sim.Endpoints(f.srv.URL)
	now := time.Now()
	if f.cred, err = sim.IssueCredential("ABRD:80000000001_Test", "80000000001", "Test Machine", now.Add(-time.Hour), now.Add(2*365*24*time.Hour)); err != nil {
		return nil, err
	}
	if f.other, err = sim.IssueCredential("ABRD:18123456789_Other", "18123456789", "Other Machine", now.Add(-time.Hour), now.Add(2*365*24*time.Hour)); err != nil {
		return nil, err
	}
	key := f.cred.PrivateKey
	exp, err := sim.issueWithKey(key, "e", "80000000001", "Expired", now.AddDate(-2, 0, 0), now.Add(-24*time.Hour))
	if err != nil {
		return nil, err
	}
	ny, err := sim.issueWithKey(key, "n", "80000000001", "Not Yet", now.Add(24*time.Hour), now.AddDate(2, 0, 0))
	if err != nil {
		return nil, err
	}
	f.expired, f.notYet = exp.Certificate, ny.Certificate
	rv, err := sim.issueWithKey(key, "r", "80000000001", "Revoked", now.Add(-time.Hour), now.AddDate(2, 0, 0))
	if err != nil {
		return nil, err
	}
	f.revoked = rv.Certificate
	sim.Revoke(f.revoked)
	// A look-alike authority with the same names as the sim's: only the keys differ.
	rootTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: CAName},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caKey := f.other.PrivateKey
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	root, _ := x509.ParseCertificate(rootDER)
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(8), Subject: f.cred.Certificate.Subject,
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(2, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, root, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	f.foreign, err = x509.ParseCertificate(leafDER)
	return f, err
}

// sibling is a simulator sharing the fixture's authority (so the fixture's
// credentials work with it) but with its own options and state.
func sibling(t *testing.T, opts Options) (*Simulator, Endpoints) {
	t.Helper()
	if len(opts.APIKeys) == 0 {
		opts.APIKeys = fx.keys
	}
	sim, err := newWithAuthority(opts, fx.sim.ca)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	return sim, sim.Endpoints(srv.URL)
}

func b64(der []byte) string { return base64.StdEncoding.EncodeToString(der) }

// signer makes the compact JWT from a header and claims.
type signer func(t *testing.T, h map[string]any, c jwt.MapClaims) string

// signWith signs with method and key, keeping the header exactly as given.
func signWith(method jwt.SigningMethod, key any) signer {
	return func(t *testing.T, h map[string]any, c jwt.MapClaims) string {
		t.Helper()
		tok := &jwt.Token{Header: h, Claims: c, Method: method}
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatalf("signing the test JWT: %v", err)
		}
		return s
	}
}

// assertionParts is the guide's private-key JWT for clientID, signed by cred.
func assertionParts(cert *x509.Certificate, aud, clientID string, now time.Time) (map[string]any, jwt.MapClaims) {
	h := map[string]any{"alg": "RS256", "typ": "JWT", "x5c": []any{b64(cert.Raw)}}
	c := jwt.MapClaims{
		"aud": aud, "iss": clientID, "sub": clientID, "jti": newUUID(),
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
	}
	return h, c
}

// makeAssertion is a correct private-key JWT.
func makeAssertion(t *testing.T, cred *m2m.Credential, ep Endpoints, clientID string) string {
	t.Helper()
	h, c := assertionParts(cred.Certificate, ep.TokenURL, clientID, time.Now())
	return signWith(jwt.SigningMethodRS256, cred.PrivateKey)(t, h, c)
}

// tokenForm is the guide's step 2 form.
func tokenForm(scope, assertion string) url.Values {
	return url.Values{
		"grant_type":            {"client_credentials"},
		"scope":                 {scope},
		"client_assertion_type": {ClientAssertionType},
		"client_assertion":      {assertion},
	}
}

// response is what a call got back.
type response struct {
	status int
	header http.Header
	raw    []byte
	json   map[string]any
}

// code is the error code in either ATO error shape.
func (r response) code() string {
	if e, ok := r.json["error"].(string); ok {
		return e
	}
	if errs, ok := r.json["errors"].([]any); ok && len(errs) > 0 {
		if m, ok := errs[0].(map[string]any); ok {
			c, _ := m["code"].(string)
			return c
		}
	}
	return ""
}

func (r response) str(k string) string { s, _ := r.json[k].(string); return s }

func do(t *testing.T, hc *http.Client, req *http.Request) response {
	t.Helper()
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		t.Fatalf("reading the answer to %s %s: %v", req.Method, req.URL, err)
	}
	r := response{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.json)
	return r
}

func newRequest(t *testing.T, method, u, contentType string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

func postToken(t *testing.T, tokenURL string, form url.Values) response {
	t.Helper()
	return do(t, nil, newRequest(t, http.MethodPost, tokenURL, "application/x-www-form-urlencoded", []byte(form.Encode())))
}

// getToken runs step 1 and 2 and fails the test unless a token comes back.
func getToken(t *testing.T, cred *m2m.Credential, ep Endpoints, clientID, scope string) string {
	t.Helper()
	r := postToken(t, ep.TokenURL, tokenForm(scope, makeAssertion(t, cred, ep, clientID)))
	if r.status != http.StatusOK || r.str("access_token") == "" {
		t.Fatalf("token request: %d %s", r.status, r.raw)
	}
	return r.str("access_token")
}

// dcrBody is the body our software sends.
func dcrBody(name, apiKey string, cert *x509.Certificate) map[string]any {
	return map[string]any{
		"client_name": name, "ato_api_key": apiKey,
		"x509_certificate": b64(cert.Raw), "grant_types": []any{"client_credentials"},
	}
}

func jsonRequest(t *testing.T, method, u, bearer, apiKey string, body any) *http.Request {
	t.Helper()
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	ct := "application/json"
	if body == nil {
		ct = ""
	}
	req := newRequest(t, method, u, ct, b)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if apiKey != "" {
		req.Header.Set("apikey", apiKey)
	}
	return req
}

// registration is what a successful DCR call gives the software to keep.
type registration struct {
	clientID, token, uri string
	resp                 response
}

// register runs the three steps with cred and fails the test unless it worked.
func register(t *testing.T, ep Endpoints, apiKey, name string, cred *m2m.Credential) registration {
	t.Helper()
	tok := getToken(t, cred, ep, ep.RegistrationClientID, Scope)
	r := do(t, nil, jsonRequest(t, http.MethodPost, ep.RegistrationURL, tok, apiKey, dcrBody(name, apiKey, cred.Certificate)))
	if r.status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.status, r.raw)
	}
	return registration{clientID: r.str("client_id"), token: r.str("registration_access_token"), uri: r.str("registration_client_uri"), resp: r}
}

// fullMetadata is an RFC 7592 update body for reg with a new name.
func fullMetadata(reg registration, name string) map[string]any {
	md := map[string]any{}
	for k, v := range reg.resp.json {
		md[k] = v
	}
	for _, f := range serverOwned {
		delete(md, f)
	}
	md["client_name"] = name
	return md
}

func mustContain(t *testing.T, s, want string) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Errorf("%q does not contain %q", s, want)
	}
}
