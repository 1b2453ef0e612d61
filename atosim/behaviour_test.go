package atosim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
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
