package atosim

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"dcrwizard/m2m"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestRegisterAnswersLikeTheATO(t *testing.T) {
	before := time.Now().UTC().Add(-time.Second)
	reg := register(t, fx.ep, fx.keys[0], "Front desk PC", fx.cred)
	r := reg.resp
	if !regexp.MustCompile(`^630000000\d{4}$`).MatchString(r.header.Get("receipt")) {
		t.Errorf("receipt header %q", r.header.Get("receipt"))
	}
	if !uuidPattern.MatchString(reg.clientID) {
		t.Errorf("client_id %q is not a UUID", reg.clientID)
	}
	issued, err := time.Parse("2006-01-02T15:04:05.000Z", r.str("client_id_issued_at"))
	if err != nil || issued.Before(before.Truncate(time.Millisecond)) || issued.After(time.Now().Add(time.Second)) {
		t.Errorf("client_id_issued_at %q (%v) is not an ISO-8601 time of now", r.str("client_id_issued_at"), err)
	}
	if reg.uri != fx.ep.RegistrationURL+"/"+reg.clientID {
		t.Errorf("registration_client_uri %q", reg.uri)
	}
	if strings.Count(reg.token, ".") != 2 {
		t.Errorf("registration_access_token %q is not a JWT", reg.token)
	}
	// The request attributes come back.
	for k, want := range dcrBody("Front desk PC", fx.keys[0], fx.cred.Certificate) {
		if got, _ := json.Marshal(r.json[k]); string(got) != mustJSON(t, want) {
			t.Errorf("%s: got %s, want %s", k, got, mustJSON(t, want))
		}
	}
	found := false
	for _, c := range fx.sim.Clients() {
		if c.ClientID == reg.clientID {
			found = c.Name == "Front desk PC" && c.IssuedAt.Equal(issued)
		}
	}
	if !found {
		t.Errorf("Clients() does not list %s as registered", reg.clientID)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLifecycle(t *testing.T) {
	reg := register(t, fx.ep, fx.keys[0], "Lifecycle", fx.cred)

	r := do(t, nil, jsonRequest(t, http.MethodGet, reg.uri, reg.token, fx.keys[0], nil))
	if r.status != 200 || r.str("client_id") != reg.clientID || r.str("client_name") != "Lifecycle" {
		t.Fatalf("read: %d %s", r.status, r.raw)
	}
	if _, rotated := r.json["registration_access_token"]; rotated {
		t.Error("read rotated the token although rotation is off")
	}

	r = do(t, nil, jsonRequest(t, http.MethodPut, reg.uri, reg.token, fx.keys[0], fullMetadata(reg, "Lifecycle renamed")))
	if r.status != 200 || r.str("client_name") != "Lifecycle renamed" || r.str("client_id_issued_at") != reg.resp.str("client_id_issued_at") {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}
	if got := clientNamed(fx.sim, reg.clientID); got != "Lifecycle renamed" {
		t.Errorf("after update the simulator holds name %q", got)
	}

	r = do(t, nil, jsonRequest(t, http.MethodDelete, reg.uri, reg.token, fx.keys[0], nil))
	if r.status != 204 || len(r.raw) != 0 {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	if got := clientNamed(fx.sim, reg.clientID); got != "" {
		t.Error("the registration is still listed after delete")
	}
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		if r := do(t, nil, jsonRequest(t, method, reg.uri, reg.token, fx.keys[0], nil)); r.status != 401 || r.code() != CodeInvalidToken {
			t.Errorf("%s after delete: %d %s, want 401 Invalid_token", method, r.status, r.raw)
		}
	}
}

func clientNamed(sim *Simulator, id string) string {
	for _, c := range sim.Clients() {
		if c.ClientID == id {
			return c.Name
		}
	}
	return ""
}

func TestLifecycleRotatesTokens(t *testing.T) {
	sim, ep := sibling(t, Options{RotateTokens: true})
	reg := register(t, ep, fx.keys[0], "Rotating", fx.cred)
	t1 := reg.token

	r := do(t, nil, jsonRequest(t, http.MethodGet, reg.uri, t1, fx.keys[0], nil))
	t2 := r.str("registration_access_token")
	if r.status != 200 || t2 == "" || t2 == t1 {
		t.Fatalf("read with rotation: %d, token %q", r.status, t2)
	}
	if r := do(t, nil, jsonRequest(t, http.MethodGet, reg.uri, t1, fx.keys[0], nil)); r.status != 401 {
		t.Errorf("the replaced token still works: %d", r.status)
	}
	r = do(t, nil, jsonRequest(t, http.MethodPut, reg.uri, t2, fx.keys[0], fullMetadata(reg, "Rotating 2")))
	t3 := r.str("registration_access_token")
	if r.status != 200 || t3 == "" || t3 == t2 {
		t.Fatalf("update with rotation: %d, token %q", r.status, t3)
	}
	if r := do(t, nil, jsonRequest(t, http.MethodDelete, reg.uri, t2, fx.keys[0], nil)); r.status != 401 {
		t.Errorf("delete with a replaced token: %d, want 401", r.status)
	}
	if r := do(t, nil, jsonRequest(t, http.MethodDelete, reg.uri, t3, fx.keys[0], nil)); r.status != 204 {
		t.Errorf("delete with the current token: %d, want 204", r.status)
	}
	if len(sim.Clients()) != 0 {
		t.Error("registration still listed after delete")
	}
}

func TestDeleteDisabled(t *testing.T) {
	_, ep := sibling(t, Options{DisableDelete: true})
	reg := register(t, ep, fx.keys[0], "Undeletable", fx.cred)
	r := do(t, nil, jsonRequest(t, http.MethodDelete, reg.uri, reg.token, fx.keys[0], nil))
	if r.status != 405 || r.header.Get("Allow") != "GET, PUT" {
		t.Fatalf("delete when disabled: %d, Allow %q, %s", r.status, r.header.Get("Allow"), r.raw)
	}
	if r := do(t, nil, jsonRequest(t, http.MethodGet, reg.uri, reg.token, fx.keys[0], nil)); r.status != 200 {
		t.Errorf("read after refused delete: %d", r.status)
	}
}

// The registration works end to end: the new client_id can authenticate.
func TestRegisteredClientGetsAToken(t *testing.T) {
	reg := register(t, fx.ep, fx.keys[0], "End to end", fx.cred)

	tok := getToken(t, fx.cred, fx.ep, reg.clientID, "ato.api.example")
	claims := fx.sim.checkToken(tok, useAccess)
	if claims["sub"] != reg.clientID || claims["scope"] != "ato.api.example" {
		t.Errorf("token claims %v", claims)
	}

	// Only with the certificate it registered.
	h, c := assertionParts(fx.other.Certificate, fx.ep.TokenURL, reg.clientID, time.Now())
	r := postToken(t, fx.ep.TokenURL, tokenForm("ato.api.example", signWith(jwt.SigningMethodRS256, fx.other.PrivateKey)(t, h, c)))
	if r.status != 401 || r.code() != "invalid_client" {
		t.Errorf("another certificate for a registered client: %d %s", r.status, r.raw)
	}
	// Not for the registration scope.
	r = postToken(t, fx.ep.TokenURL, tokenForm(Scope, makeAssertion(t, fx.cred, fx.ep, reg.clientID)))
	if r.status != 400 || r.code() != "invalid_scope" {
		t.Errorf("registered client asking for the registration scope: %d %s", r.status, r.raw)
	}
	// Its token does not open the DCR endpoint.
	r = do(t, nil, jsonRequest(t, http.MethodPost, fx.ep.RegistrationURL, tok, fx.keys[0], dcrBody("x", fx.keys[0], fx.cred.Certificate)))
	if r.status != 403 || r.code() != CodeInsufficientScope {
		t.Errorf("registered client's token at DCR: %d %s", r.status, r.raw)
	}
	// Once deleted, it cannot authenticate.
	if r := do(t, nil, jsonRequest(t, http.MethodDelete, reg.uri, reg.token, fx.keys[0], nil)); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	r = postToken(t, fx.ep.TokenURL, tokenForm("ato.api.example", makeAssertion(t, fx.cred, fx.ep, reg.clientID)))
	if r.status != 401 || r.code() != "invalid_client" {
		t.Errorf("deleted client: %d %s", r.status, r.raw)
	}
}

// clock is a settable clock for a sibling simulator.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }
func (c *clock) assertion(t *testing.T, ep Endpoints) string {
	h, cl := assertionParts(fx.cred.Certificate, ep.TokenURL, ep.RegistrationClientID, c.now())
	return signWith(jwt.SigningMethodRS256, fx.cred.PrivateKey)(t, h, cl)
}

func TestAccessTokenExpires(t *testing.T) {
	var clk clock
	_, ep := sibling(t, Options{Now: clk.now})
	r := postToken(t, ep.TokenURL, tokenForm(Scope, clk.assertion(t, ep)))
	if r.status != 200 || r.json["expires_in"] != 3600.0 || r.str("token_type") != "Bearer" {
		t.Fatalf("token: %d %s", r.status, r.raw)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Error("token response without Cache-Control: no-store")
	}
	tok := r.str("access_token")
	clk.advance(AccessTokenLifetime + time.Minute)
	r = do(t, nil, jsonRequest(t, http.MethodPost, ep.RegistrationURL, tok, fx.keys[0], dcrBody("Late", fx.keys[0], fx.cred.Certificate)))
	if r.status != 401 || r.code() != CodeInvalidToken {
		t.Errorf("expired access token: %d %s", r.status, r.raw)
	}
}

// The replay set forgets assertions once they have expired, so a long
// running simulator does not grow.
func TestStateStaysBounded(t *testing.T) {
	var clk clock
	sim, ep := sibling(t, Options{Now: clk.now})
	for range 3 {
		if r := postToken(t, ep.TokenURL, tokenForm(Scope, clk.assertion(t, ep))); r.status != 200 {
			t.Fatalf("token: %d %s", r.status, r.raw)
		}
	}
	clk.advance(MaxAssertionLifetime + MaxClockSkew + time.Minute)
	if r := postToken(t, ep.TokenURL, tokenForm(Scope, clk.assertion(t, ep))); r.status != 200 {
		t.Fatalf("token: %d %s", r.status, r.raw)
	}
	sim.mu.Lock()
	n := len(sim.jtis)
	sim.mu.Unlock()
	if n != 1 {
		t.Errorf("%d jti remembered, want 1 (the expired ones forgotten)", n)
	}

	for range MaxRecorded + 10 {
		do(t, nil, newRequest(t, http.MethodGet, ep.TokenURL+"/nothing-here", "", nil))
	}
	if got := len(sim.Requests()); got != MaxRecorded {
		t.Errorf("%d requests kept, want %d", got, MaxRecorded)
	}
	if sim.ClearRequests(); len(sim.Requests()) != 0 {
		t.Error("ClearRequests left requests")
	}

	sim.mu.Lock()
	for i := range MaxClients + 5 {
		sim.addClient(&client{id: fmt.Sprint("c", i), metadata: map[string]any{}})
	}
	n, _, oldest := len(sim.clients), len(sim.order), sim.clients["c0"]
	sim.mu.Unlock()
	if n != MaxClients || oldest != nil {
		t.Errorf("%d clients kept (oldest kept: %v), want %d", n, oldest != nil, MaxClients)
	}
}

func TestConcurrentRegistrations(t *testing.T) {
	sim, ep := sibling(t, Options{})
	ids := make(chan string, 8)
	t.Run("group", func(t *testing.T) {
		for i := range cap(ids) {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				ids <- register(t, ep, fx.keys[0], fmt.Sprint("Parallel ", i), fx.cred).clientID
			})
		}
	})
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != cap(ids) || len(sim.Clients()) != cap(ids) {
		t.Errorf("%d distinct ids, %d clients; want %d", len(seen), len(sim.Clients()), cap(ids))
	}
}

func TestFaults(t *testing.T) {
	// A client that keeps no connections, so each request meets the fault fresh.
	fresh := func() *http.Client {
		return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	}
	tokenReq := func(t *testing.T, ep Endpoints, assertion string) *http.Request {
		return newRequest(t, http.MethodPost, ep.TokenURL, "application/x-www-form-urlencoded", []byte(tokenForm(Scope, assertion).Encode()))
	}
	dcrReq := func(t *testing.T, ep Endpoints, name string) *http.Request {
		tok := getToken(t, fx.cred, ep, ep.RegistrationClientID, Scope)
		return jsonRequest(t, http.MethodPost, ep.RegistrationURL, tok, fx.keys[0], dcrBody(name, fx.keys[0], fx.cred.Certificate))
	}

	t.Run("HTTP error on the Nth request, HTML body", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultHTTPError, Endpoint: EndpointToken, Nth: 2})
		want := []int{200, 502, 200}
		for i, w := range want {
			r := do(t, fresh(), tokenReq(t, ep, makeAssertion(t, fx.cred, ep, ep.RegistrationClientID)))
			if r.status != w {
				t.Fatalf("request %d: %d, want %d", i+1, r.status, w)
			}
			if w == 502 && (!strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !bytes.Contains(r.raw, []byte("<html>"))) {
				t.Errorf("5xx is not an HTML page: %q %s", r.header.Get("Content-Type"), r.raw)
			}
		}
	})
	t.Run("HTTP error on every matching request, other endpoints untouched", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultHTTPError, Endpoint: EndpointRegister, Status: 503})
		for range 2 {
			if r := do(t, fresh(), dcrReq(t, ep, "Unlucky")); r.status != 503 {
				t.Fatalf("register: %d, want 503", r.status)
			}
		}
		sim.ClearFaults()
		if r := do(t, fresh(), dcrReq(t, ep, "Lucky")); r.status != 201 {
			t.Fatalf("after ClearFaults: %d", r.status)
		}
		if len(sim.Clients()) != 1 {
			t.Errorf("%d clients, want 1 (the 503s created nothing)", len(sim.Clients()))
		}
	})
	t.Run("delay", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultDelay, Endpoint: EndpointToken, Nth: 1, Delay: 300 * time.Millisecond})
		start := time.Now()
		r := do(t, fresh(), tokenReq(t, ep, makeAssertion(t, fx.cred, ep, ep.RegistrationClientID)))
		if r.status != 200 || time.Since(start) < 300*time.Millisecond {
			t.Fatalf("delayed token: %d after %v", r.status, time.Since(start))
		}
		// A client that gives up first sees a timeout.
		sim.InjectFault(Fault{Kind: FaultDelay, Nth: 1, Delay: 5 * time.Second})
		impatient := fresh()
		impatient.Timeout = 100 * time.Millisecond
		_, err := impatient.Do(tokenReq(t, ep, makeAssertion(t, fx.cred, ep, ep.RegistrationClientID)))
		var timeout interface{ Timeout() bool }
		if !errors.As(err, &timeout) || !timeout.Timeout() {
			t.Errorf("impatient client: %v, want a timeout", err)
		}
	})
	t.Run("dropped connection after the registration was created", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultDropAfterRegister, Nth: 1})
		req := dcrReq(t, ep, "Did it work?")
		if res, err := fresh().Do(req); err == nil {
			res.Body.Close()
			t.Fatalf("got an answer (%d), want a dropped connection", res.StatusCode)
		}
		if cs := sim.Clients(); len(cs) != 1 || cs[0].Name != "Did it work?" {
			t.Errorf("clients %v, want the one registration made before the drop", cs)
		}
		reqs := sim.Requests()
		if last := reqs[len(reqs)-1]; last.Path != RegistrationPath || last.Status != 0 {
			t.Errorf("recorded %s %d, want the registration with status 0", last.Path, last.Status)
		}
	})
	t.Run("late answer: acted on at once, answered later", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultLateAnswer, Endpoint: EndpointRegister, Nth: 1, Delay: 5 * time.Second})
		impatient := fresh()
		impatient.Timeout = 200 * time.Millisecond
		if res, err := impatient.Do(dcrReq(t, ep, "Late")); err == nil {
			res.Body.Close()
			t.Fatalf("got an answer (%d) before the delay, want the client to give up", res.StatusCode)
		}
		if cs := sim.Clients(); len(cs) != 1 || cs[0].Name != "Late" {
			t.Errorf("clients %v, want the registration made before the answer", cs)
		}
		// A patient client gets the answer, late.
		sim.InjectFault(Fault{Kind: FaultLateAnswer, Endpoint: EndpointRegister, Nth: 1, Delay: 200 * time.Millisecond})
		start := time.Now()
		if r := do(t, fresh(), dcrReq(t, ep, "Patient")); r.status != 201 || time.Since(start) < 200*time.Millisecond {
			t.Errorf("patient client: %d after %v, want 201 after the delay", r.status, time.Since(start))
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultMalformedJSON, Endpoint: EndpointRegister, Nth: 1})
		r := do(t, fresh(), dcrReq(t, ep, "Garbled"))
		if r.status != 201 || json.Valid(r.raw) || len(r.raw) == 0 {
			t.Fatalf("got %d %s, want 201 with broken JSON", r.status, r.raw)
		}
		if len(sim.Clients()) != 1 {
			t.Error("the registration behind the garbled answer was not created")
		}
		sim.InjectFault(Fault{Kind: FaultMalformedJSON, Endpoint: EndpointToken, Nth: 1})
		if r := do(t, fresh(), tokenReq(t, ep, makeAssertion(t, fx.cred, ep, ep.RegistrationClientID))); r.status != 200 || json.Valid(r.raw) {
			t.Errorf("token: got %d %s, want 200 with broken JSON", r.status, r.raw)
		}
	})
	t.Run("dropped connection, nothing done", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultDrop, Endpoint: EndpointToken, Nth: 1})
		assertion := makeAssertion(t, fx.cred, ep, ep.RegistrationClientID)
		if res, err := fresh().Do(tokenReq(t, ep, assertion)); err == nil {
			res.Body.Close()
			t.Fatalf("got an answer (%d), want a dropped connection", res.StatusCode)
		}
		// The assertion was not even looked at: its jti is still fresh.
		if r := do(t, fresh(), tokenReq(t, ep, assertion)); r.status != 200 {
			t.Errorf("resending after the drop: %d %s", r.status, r.raw)
		}
	})
}

func TestRequestsAreMasked(t *testing.T) {
	var logMu sync.Mutex
	var log strings.Builder
	sim, ep := sibling(t, Options{RotateTokens: true, Logf: func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(&log, format+"\n", args...)
	}})
	assertion := makeAssertion(t, fx.cred, ep, ep.RegistrationClientID)
	r := postToken(t, ep.TokenURL, tokenForm(Scope, assertion))
	access := r.str("access_token")
	r = do(t, nil, jsonRequest(t, http.MethodPost, ep.RegistrationURL, access, fx.keys[0], dcrBody("Masking", fx.keys[0], fx.cred.Certificate)))
	reg := r.str("registration_access_token")
	uri := r.str("registration_client_uri")
	r = do(t, nil, jsonRequest(t, http.MethodGet, uri, reg, fx.keys[0], nil))
	rotated := r.str("registration_access_token")
	// A client that wrongly sends a token in an update body.
	md := fullMetadata(registration{resp: r}, "Masking")
	md["registration_access_token"] = rotated
	do(t, nil, jsonRequest(t, http.MethodPut, uri, rotated, fx.keys[0], md))
	if access == "" || reg == "" || rotated == "" {
		t.Fatal("the steps did not give tokens")
	}

	recs := sim.Requests()
	if len(recs) != 4 {
		t.Fatalf("%d requests recorded, want 4", len(recs))
	}
	all, _ := json.Marshal(recs)
	dump := string(all) + fmt.Sprintf("%#v", recs)
	logMu.Lock()
	dump += log.String()
	logMu.Unlock()
	sig := assertion[strings.LastIndex(assertion, ".")+1:]
	for name, secret := range map[string]string{
		"client assertion": assertion, "assertion signature": sig, "access token": access,
		"registration access token": reg, "rotated token": rotated, "API key": fx.keys[0],
	} {
		if strings.Contains(dump, secret) {
			t.Errorf("the %s appears in what was recorded or logged", name)
		}
	}
	tok, dcr := recs[0], recs[1]
	if tok.Form.Get("client_assertion") != Masked || tok.Form.Get("grant_type") != "client_credentials" || tok.Status != 200 {
		t.Errorf("token request recorded as %v %d", tok.Form, tok.Status)
	}
	if dcr.Header.Get("Authorization") != "Bearer "+Masked || dcr.Header.Get("apikey") != Masked || dcr.Status != 201 {
		t.Errorf("DCR headers recorded as %v, status %d", dcr.Header, dcr.Status)
	}
	mustContain(t, dcr.Body, `"ato_api_key":"[masked]"`)
	mustContain(t, dcr.Body, `"client_name":"Masking"`)
	mustContain(t, dcr.Body, `"x509_certificate":"`) // not a secret: kept for assertions
	mustContain(t, log.String(), "POST "+TokenPath+" -> 200")
}

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
