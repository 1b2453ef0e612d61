package flow

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"dcrwizard/m2m"
)

// testKeys are made once: RSA key generation is slow under -race.
var (
	keysOnce sync.Once
	caKey    *rsa.PrivateKey
	leafKey  *rsa.PrivateKey
	otherKey *rsa.PrivateKey
)

func keys(t *testing.T) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		for _, k := range []**rsa.PrivateKey{&caKey, &leafKey, &otherKey} {
			if *k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				panic(err)
			}
		}
	})
}

// testCredential builds an m2m.Credential the way the ATO's look: a leaf
// "C=AU, O=<ABN>, CN=<name>, dnQualifier=ABR" under a test CA, valid from
// notBefore to notAfter. It is not from the simulator's CA.
func testCredential(t *testing.T, notBefore, notAfter time.Time) *m2m.Credential {
	t.Helper()
	keys(t)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Test Sub Certification Authority"},
		NotBefore:             notBefore.Add(-time.Hour),
		NotAfter:              notAfter.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(424242),
		Subject: pkix.Name{Country: []string{"AU"}, Organization: []string{"27809366375"}, CommonName: "TestMachine",
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 46}, Value: "ABR"}}},
		NotBefore: notBefore,
		NotAfter:  notAfter,
		KeyUsage:  x509.KeyUsageDigitalSignature,
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(leafDER)
	sum := sha1.Sum(leafDER)
	return &m2m.Credential{
		ID: "ABRD:27809366375_TestMachine", Name: "TestMachine", ABN: "27809366375",
		Certificate: leaf, Chain: []*x509.Certificate{ca}, PrivateKey: leafKey,
		Serial: leaf.SerialNumber.String(), SHA1: base64.StdEncoding.EncodeToString(sum[:]),
		NotBefore: leaf.NotBefore, NotAfter: leaf.NotAfter,
	}
}

// goodCredential is valid for two years from now.
func goodCredential(t *testing.T) *m2m.Credential {
	now := time.Now().Truncate(time.Second)
	return testCredential(t, now.Add(-24*time.Hour), now.AddDate(2, 0, 0))
}

// Secrets used by the fake servers; tests check none of them leaks.
const (
	testAPIKey      = "apikey-0123456789abcdef"
	testAccessToken = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2UiOiJhY2Nlc3MifQ.c2lnbmF0dXJlLWFjY2Vzcw"
	testRegToken    = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2UiOiJyZWdpc3RyYXRpb24ifQ.c2lnbmF0dXJlLXJlZw"
)

// fakeATO is an httptest server whose token and register answers each test
// chooses. It records what it received.
type fakeATO struct {
	srv      *httptest.Server
	token    http.HandlerFunc
	register http.HandlerFunc

	mu        sync.Mutex
	tokenHits int
	regHits   int
	forms     []map[string][]string
	regBodies [][]byte
	regHeader []http.Header
}

func newFakeATO(t *testing.T) *fakeATO {
	f := &fakeATO{token: okToken, register: okRegister}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			_ = r.ParseForm()
			f.mu.Lock()
			f.tokenHits++
			f.forms = append(f.forms, r.PostForm)
			h := f.token
			f.mu.Unlock()
			h(w, r)
		case "/register":
			b, _ := io.ReadAll(r.Body)
			f.mu.Lock()
			f.regHits++
			f.regBodies = append(f.regBodies, b)
			f.regHeader = append(f.regHeader, r.Header.Clone())
			r.Body = io.NopCloser(bytes.NewReader(b))
			h := f.register
			f.mu.Unlock()
			h(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeATO) env() Environment {
	return Custom(f.srv.URL+"/token", f.srv.URL+"/register", "ato_registration_client_id_eve", "ato.idp.relyingParties.c")
}

func (f *fakeATO) hits() (token, register int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokenHits, f.regHits
}

func okToken(w http.ResponseWriter, _ *http.Request) {
	writeJSONTest(w, 200, map[string]any{"access_token": testAccessToken, "expires_in": 3600, "token_type": "Bearer"})
}

func okRegister(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	_ = json.NewDecoder(r.Body).Decode(&in)
	if in == nil {
		in = map[string]any{}
	}
	in["client_id"] = "5d1b8f0e-1c2a-4a8b-9d3e-0f1e2d3c4b5a"
	in["registration_access_token"] = testRegToken
	in["registration_client_uri"] = "http://" + r.Host + "/register/5d1b8f0e-1c2a-4a8b-9d3e-0f1e2d3c4b5a"
	in["client_id_issued_at"] = "2023-04-03T01:02:03.000Z"
	w.Header().Set("receipt", "6300000001234")
	writeJSONTest(w, http.StatusCreated, in)
}

func writeJSONTest(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// raw answers with a fixed status, content type and body.
func raw(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.Header().Set("receipt", "6300000009999")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// events collects what a Client reports.
type events struct {
	mu  sync.Mutex
	all []Event
}

func (e *events) add(ev Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, ev)
}

func (e *events) list() []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Event(nil), e.all...)
}

// text is every event message, for leak checks.
func (e *events) text() string {
	var b strings.Builder
	for _, ev := range e.list() {
		b.WriteString(string(ev.Step) + "/" + string(ev.State) + ": " + StepWords(ev) + "\n")
	}
	return b.String()
}

// assertNoSecrets fails when any secret shows up in s.
func assertNoSecrets(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%s contains a secret %.8q…:\n%s", what, sec, s)
		}
	}
}

// leakCheck checks an error's every text and the events for secrets.
func leakCheck(t *testing.T, err error, ev *events, secrets ...string) {
	t.Helper()
	secrets = append(secrets, testAPIKey, testAccessToken, testRegToken)
	if err != nil {
		assertNoSecrets(t, "Error()", err.Error(), secrets...)
		if fe, ok := err.(*Error); ok {
			assertNoSecrets(t, "Message()", adviceMessage(fe), secrets...)
			assertNoSecrets(t, "Action()", adviceAction(fe), secrets...)
			assertNoSecrets(t, "Body", fe.Body, secrets...)
			assertNoSecrets(t, "Description", fe.Description, secrets...)
		}
	}
	if ev != nil {
		assertNoSecrets(t, "events", ev.text(), secrets...)
	}
}

func newTestClient(ev *events) *Client {
	return &Client{
		HTTP:         &http.Client{},
		OnEvent:      ev.add,
		StepTimeout:  5 * time.Second,
		RetryBackoff: 10 * time.Millisecond,
	}
}

func request(env Environment, cred *m2m.Credential) Request {
	return Request{Env: env, Credential: cred, ConsumerKey: MustKey(testAPIKey), InstanceName: "Front desk PC"}
}

// asError unwraps err to *Error or fails.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got nil")
	}
	fe, ok := err.(*Error)
	if !ok {
		t.Fatalf("error is %T, want *flow.Error: %v", err, err)
	}
	return fe
}
